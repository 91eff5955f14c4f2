import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../../core/errors';
import { KubernetesVersion } from '../../core/kubernetes-version';
import { checkControlPlaneStep, checkPoolSkew, checkPoolTransitions, checkSchedulablePools, ControlPlaneStep } from '../../core/node-pool-rules';
import { FleetPlan, StackRole } from '../../core/plan-report';
import { PlannedUnit, UnitDeclaration, UnitLifecycle } from '../../core/rollout-model';
import { stepTags } from '../../core/tags';
import { IValidationCheck } from '../../kubernetes/check';
import { NodesReadyCheck } from '../../kubernetes/nodes-ready-check';
import { SchedulingRouter } from '../../kubernetes/node-pool-scheduling-router';
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
  bindPool(stack: TerraformStack, u: PlannedUnit, poolName: string): void;
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

  const layout = layoutFleet(scope, fleet, {
    cloud: cloud.cloud,
    unitKind: 'node-pool',
    router,
    units: props.units,
    checks: props.checks ?? defaultNodePoolChecks(),
    backend: props.backend,
    drainSeconds: props.drainSeconds,
    readinessSeconds: props.readinessSeconds,
    versionOptions: { minimumKubernetesVersion: props.minimumKubernetesVersion, maximumKubernetesVersion: props.maximumKubernetesVersion },
    tags,
    candidateValidationAfterTraffic: true,
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
    bindUnit: (stack, u) => cloud.bindPool(stack, u, poolNames[u.name]),
    bindAccess: (stack, u) => ({
      provider: cloud.bindClusterAccess(stack),
      minimumNodes: cloud.minimumNodes(u),
      nodeSelector: { [cloud.nodeLabelKey]: poolNames[u.name] },
      tolerations: [router.toleration()],
    }),
    bindTraffic: (trafficScope, step) => {
      const provider = cloud.bindClusterAccess(trafficScope);
      router.bindTraffic(trafficScope, { fleet, step, tags: stepTags(fleet, step, tags), provider, nodeLabelKey: cloud.nodeLabelKey },
        planned.map((u) => ({ unitName: u.name, poolName: poolNames[u.name], lifecycle: u.lifecycle, weight: u.weight })));
    },
    describeStack: (role, u, action) => {
      if (role === StackRole.SHARED) {
        const move = from === undefined || from === cpVersion ? `keep the control plane at ${cpVersion}` : `upgrade the control plane in place ${from} → ${cpVersion} (one minor), first of all`;
        return `${move}; ${cloud.sharedContents} (prevent_destroy)`;
      }
      if (role === StackRole.TRAFFIC) {
        const open = planned.filter((x) => !SchedulingRouter.isCordoned(x.lifecycle, x.weight)).map((x) => poolNames[x.name]);
        const shut = planned.filter((x) => SchedulingRouter.isCordoned(x.lifecycle, x.weight)).map((x) => `${poolNames[x.name]} (${x.lifecycle})`);
        return `schedulable: ${open.join(', ')}; cordoned (NoSchedule taint on every node): ${shut.join(', ') || 'none'}; then wait the drain timer if a pool left service`;
      }
      if (role === StackRole.UNIT && u) {
        const pool = poolNames[u.name];
        if (u.lifecycle === UnitLifecycle.RETIRED) return `delete pool ${pool}: the cloud drains its nodes (evictions honour PodDisruptionBudgets) after the traffic stack kept it cordoned and its drain timer ran out`;
        if (u.lifecycle === UnitLifecycle.CANDIDATE) return `build pool ${pool} (${cloud.cloud} ${u.kubernetesVersion}, fingerprint ${u.fingerprint}) if it does not exist, after the control plane; prevent_destroy`;
        return `keep pool ${pool} exactly as built (prevent_destroy); no change expected`;
      }
      return action;
    },
  });
  const plan: FleetPlan = {
    ...layout.plan,
    // The router keeps a retired pool cordoned until its deletion has drained it.
    units: layout.plan.units.map((u) => (u.lifecycle === UnitLifecycle.RETIRED ? { ...u, routerWeight: 'cordoned until deleted (NoSchedule)' } : u)),
    controlPlane: { version: cpVersion, previousVersion: from, stack: layout.shared.node.id },
  };
  return { ...layout, plan, controlPlane, poolNames };
}

/** Default checks of a pool: its nodes Ready on its kubelet version, and a smoke Job pinned to it. */
export function defaultNodePoolChecks(): IValidationCheck[] {
  return [new NodesReadyCheck(), SmokeJobCheck.clusterDns()];
}
