import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../../core/errors';
import { KubernetesVersion } from '../../core/kubernetes-version';
import { checkControlPlaneStep, checkPoolSkew, checkPoolTransitions, checkSchedulablePools, ControlPlaneStep } from '../../core/node-pool-rules';
import { FleetPlan, StackRole } from '../../core/plan-report';
import { previousPlanUnits } from '../rollout-plan';
import { PlannedUnit, UnitDeclaration, UnitLifecycle } from '../../core/rollout-model';
import { stepTags } from '../../core/tags';
import { IValidationCheck } from '../../kubernetes/check';
import { HttpProbeCheck } from '../../kubernetes/http-probe-check';
import { NodesReadyCheck } from '../../kubernetes/nodes-ready-check';
import { PoolTaint, SchedulingRouter } from '../../kubernetes/node-pool-scheduling-router';
import { SmokeJobCheck } from '../../kubernetes/smoke-job-check';
import { NodePoolFleetOptions } from '../node-pool-fleet-options';
import { FleetLayout, layoutFleet } from './fleet-layout';


/** What a cloud plugs into the node-pool layout. Internal. */
export interface NodePoolCloud {
  /** "AKS", "EKS". */
  readonly cloud: string;
  /** Node label whose value is the pool name. */
  readonly nodeLabelKey: string;
  /** What the shared stack holds, for the plan. */
  readonly sharedContents: string;
  specFingerprint(u: UnitDeclaration): string;
  /** The pool's name in the cluster; throws BlueGreenError when it does not fit. */
  poolName(u: PlannedUnit, otherSlots: string[]): string;
  /** Cloud-specific checks of a pool's spec. */
  checkPool?(u: PlannedUnit): void;
  /** Fewest nodes the pool has when healthy. */
  minimumNodes(u: PlannedUnit): number;
  configureProviders(stack: TerraformStack, role: StackRole): void;
  /** The cluster with its control plane at `controlPlane`. */
  bindShared(stack: TerraformStack, controlPlane: KubernetesVersion): void;
  /**
   * The pool's resource. `cordonTaint` is set while the pool is not serving (candidate, standby): the
   * cloud puts it on every node of the pool, including nodes added later. It is the only input that
   * changes across steps.
   */
  bindPool(stack: TerraformStack, u: PlannedUnit, poolName: string, cordonTaint: PoolTaint | undefined): void;
  /**
   * Optional: cloud resources of the traffic stack, the first stack of a step that runs once the
   * serving pools are validated (EKS: the coredns add-on, which needs schedulable nodes).
   */
  bindTraffic?(scope: Construct, controlPlane: KubernetesVersion): void;
  /** Look-ups of the cluster and a kubernetes provider that reaches it (validation and traffic stacks). */
  bindClusterAccess(scope: Construct): KubernetesProvider;
}

/** The result of a node-pool layout. */
export interface NodePoolLayout extends FleetLayout {
  readonly controlPlane: ControlPlaneStep;
  readonly poolNames: { [unit: string]: string };
}

/**
 * Lays out a node-pool fleet on the shared fleet layout: the cluster (control plane upgraded in
 * place) in `<fleet>-shared`, one pool per `<fleet>-unit-<unit>`, its checks in
 * `<fleet>-validate-<unit>` pinned to the pool's nodes, and the scheduling router (cordon taints)
 * in `<fleet>-traffic`.
 */
export function layoutNodePoolFleet(scope: Construct, fleet: string, props: NodePoolFleetOptions, cloud: NodePoolCloud): NodePoolLayout {
  const controlPlane = checkControlPlaneStep(fleet, props.controlPlaneVersion, props.previousControlPlaneVersion);
  const router = props.router ?? new SchedulingRouter();
  if (!(router instanceof SchedulingRouter)) {
    throw new BlueGreenError({ fleet, field: 'router', value: show((router as { routerName?: string })?.routerName ?? router), rule: 'node pools are routed by scheduling (cordon taints), not by a front door', fix: 'router: new SchedulingRouter() (the default)' });
  }
  const poolNames: { [unit: string]: string } = {};
  const planned: PlannedUnit[] = [];
  const tags = props.tags ?? {};
  const slots = (props.units ?? []).map((u) => u.slot);
  const cpVersion = controlPlane.version.toString();
  const from = controlPlane.previousVersion?.toString();
  const checks = props.checks ?? defaultNodePoolChecks();
  const probe = checks.find((c) => c instanceof HttpProbeCheck);
  if (probe) {
    // A pool has no origin of its own: a Service answers from pods on any schedulable pool, so a probe
    // could not tell which pool answered (and the pool name is not a host). A Job pinned to the pool can.
    throw new BlueGreenError({
      fleet, field: 'checks', value: show(probe.checkName),
      rule: 'HttpProbeCheck probes a unit\'s own origin, and a node pool has none (a Service answers from pods on any schedulable pool); check a pool with Jobs pinned to its nodes',
      fix: "new SmokeJobCheck({ name: 'http', image: 'curlimages/curl:8.11.1', command: ['curl', '-fsS', 'http://shop.shop.svc/healthz'] })",
    });
  }
  // Without previousUnits the previous step is unknown: a failed drain then cordons no serving pool again.
  const wasServing = (slot: string) => props.previousUnits === undefined
    || props.previousUnits.some((p) => p.slot === slot && p.lifecycle === UnitLifecycle.SERVING && (p.weight ?? 0) > 0);

  const layout = layoutFleet(scope, fleet, {
    cloud: cloud.cloud,
    unitKind: 'node-pool',
    router,
    units: props.units,
    checks,
    backend: props.backend,
    drainSeconds: props.drainSeconds,
    readinessSeconds: props.readinessSeconds,
    versionOptions: { minimumKubernetesVersion: props.minimumKubernetesVersion, maximumKubernetesVersion: props.maximumKubernetesVersion },
    tags,
    checkNamespace: (u) => checkNamespace(fleet, u.name),
    trafficWaitsForUnit: (u) => u.lifecycle !== UnitLifecycle.STANDBY,
    specFingerprint: (u) => cloud.specFingerprint(u),
    checkUnit: (u) => {
      planned.push(u);
      poolNames[u.name] = cloud.poolName(u, slots.filter((s) => s !== u.slot));
      cloud.checkPool?.(u);
    },
    checkFleet: (units) => {
      checkPoolSkew(fleet, controlPlane, units);
      checkSchedulablePools(fleet, units);
      checkPoolTransitions(fleet, props.units, props.previousUnits);
    },
    originHost: (u) => poolNames[u.name],
    configureProviders: (stack, role) => cloud.configureProviders(stack, role),
    bindShared: (stack) => cloud.bindShared(stack, controlPlane.version),
    bindUnit: (stack, u) => cloud.bindPool(stack, u, poolNames[u.name], SchedulingRouter.isCordoned(u.lifecycle, u.weight) ? router.cordonTaint(u.name) : undefined),
    bindAccess: (stack, u) => ({
      provider: cloud.bindClusterAccess(stack),
      minimumNodes: cloud.minimumNodes(u),
      nodeSelector: { [cloud.nodeLabelKey]: poolNames[u.name] },
      // Also the cordon a drain leaves (spec.unschedulable): a standby pool given back its weight is
      // checked before the traffic stack uncordons it (rollback). The scheduler lets such pods on:
      // https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-nodes-by-condition
      tolerations: [router.toleration(), { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
    }),
    bindTraffic: (trafficScope, step) => {
      const provider = cloud.bindClusterAccess(trafficScope);
      cloud.bindTraffic?.(trafficScope, controlPlane.version);
      router.bindTraffic(trafficScope, { fleet, step, tags: stepTags(fleet, step, tags), provider, nodeLabelKey: cloud.nodeLabelKey },
        planned.map((u) => ({ unitName: u.name, poolName: poolNames[u.name], lifecycle: u.lifecycle, weight: u.weight, servingBefore: wasServing(u.slot) })));
    },
    describeStack: (role, u, action) => {
      if (role === StackRole.SHARED) {
        const move = from === undefined || from === cpVersion ? `keep the control plane at ${cpVersion}` : `upgrade the control plane in place ${from} → ${cpVersion} (one minor), first of all`;
        return `${move}; ${cloud.sharedContents} (prevent_destroy)`;
      }
      if (role === StackRole.TRAFFIC) {
        const open = planned.filter((x) => !SchedulingRouter.isCordoned(x.lifecycle, x.weight)).map((x) => poolNames[x.name]);
        const drained = planned.filter((x) => SchedulingRouter.isDrained(x.lifecycle)).map((x) => `${poolNames[x.name]} (${x.lifecycle})`);
        const drain = drained.length === 0
          ? 'no pool to drain'
          : `drain ${drained.join(', ')}: cordon, evict the workload through the Eviction API (PodDisruptionBudgets hold) ${router.drainBatchSize} node(s) at a time, wait until it runs Ready on ${open.join(', ')}; a drain still blocked after ${router.drainTimeoutSeconds} s fails the deploy naming the PodDisruptionBudgets and pods, with the schedulable set put back and nothing deleted`;
        return `schedulable: ${open.join(', ')}; ${drain}; then wait the drain timer`;
      }
      if (role === StackRole.UNIT && u) {
        const pool = poolNames[u.name];
        if (u.lifecycle === UnitLifecycle.RETIRED) return `delete pool ${pool}, after the traffic stack's drain left no workload pod on it`;
        if (u.lifecycle === UnitLifecycle.CANDIDATE) return `build pool ${pool} (${cloud.cloud} ${u.kubernetesVersion}, fingerprint ${u.fingerprint}) if it does not exist, after the control plane, with the cordon taint in its own spec (its nodes register tainted: no workload pod lands on it); prevent_destroy`;
        if (u.lifecycle === UnitLifecycle.STANDBY) return `keep pool ${pool} (prevent_destroy); after the traffic stack drained it, put the cordon taint in its spec (the only change; nodes added later register tainted)`;
        return `keep pool ${pool} (prevent_destroy); no cordon taint in its spec, so it is schedulable (the only attribute that changes across steps)`;
      }
      return action;
    },
  });
  // A pool that stops serving keeps its spec until the traffic stack drained it: its cordon taint is
  // applied after the drain, so a failed drain leaves the schedulable set as it was.
  for (const u of planned.filter((x) => x.lifecycle === UnitLifecycle.STANDBY)) {
    const stack = layout.units[u.name];
    stack.addDependency(layout.traffic);
    const row = layout.plan.stacks.find((r) => r.name === stack.node.id);
    (row!.dependsOn as string[]).push(layout.traffic.node.id);
  }
  const plan: FleetPlan = {
    ...layout.plan,
    // The router keeps a retired pool cordoned until its deletion has drained it.
    units: layout.plan.units.map((u) => (u.lifecycle === UnitLifecycle.RETIRED ? { ...u, routerWeight: 'drained, then deleted' } : u)),
    controlPlane: { version: cpVersion, previousVersion: from, stack: layout.shared.node.id },
    previous: previousPlanUnits(props.previousUnits, router),
  };
  return { ...layout, plan, controlPlane, poolNames };
}

/**
 * The namespace of one pool's checks: its own, so checks of different pools of the cluster never
 * share an object and removing one pool's checks (standby) leaves the others alone.
 */
export function checkNamespace(fleet: string, unitName: string): string {
  const ns = `${fleet}-checks-${unitName}`;
  // fleet ≤ 24 and unit ≤ 23 characters (rollout-model), so this is a DNS label of at most 55.
  if (ns.length > 63) throw new Error(`internal: check namespace ${ns} is longer than 63 characters`);
  return ns;
}

/** Default checks of a pool: its nodes Ready on its kubelet version, and a smoke Job pinned to it. */
export function defaultNodePoolChecks(): IValidationCheck[] {
  return [new NodesReadyCheck(), SmokeJobCheck.clusterDns()];
}
