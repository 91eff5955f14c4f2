import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../../core/errors';
import { checkControlPlaneStep, checkPoolSkew, checkPoolTransitions, checkSchedulablePools, ControlPlaneStep } from '../../core/node-pool-rules';
import { FleetPlan } from '../../core/plan-report';
import { previousPlanUnits } from '../rollout-plan';
import { PlannedUnit, UnitDeclaration, UnitLifecycle } from '../../core/rollout-model';
import { IValidationCheck } from '../../kubernetes/check';
import { HttpProbeCheck } from '../../kubernetes/http-probe-check';
import { NodesReadyCheck } from '../../kubernetes/nodes-ready-check';
import { PoolTaint, SchedulingRouter } from '../../kubernetes/node-pool-scheduling-router';
import { SmokeJobCheck } from '../../kubernetes/smoke-job-check';
import { NodePoolFleetOptions } from '../node-pool-fleet-options';
import { FleetCapability, FleetKind } from './capability-matrix';
import { FleetLayout, layoutFleet } from './fleet-layout';
import { FleetCloud, UnitKind } from './fleet-parts';
import { schedulingRouterPart } from './scheduling-router-part';

/** The cloud of a node-pool fleet: the cluster in the shared stack, and how other stacks reach it. Internal. */
export interface NodePoolCloud extends FleetCloud {
  /** Look-ups of the cluster and a kubernetes provider that reaches it (validation and traffic stacks). */
  clusterAccess(scope: Construct): KubernetesProvider;
  /** Cloud resources of the traffic stack, the first of a step that runs once serving pools are validated. @default - none */
  bindTraffic?(scope: Construct): void;
}

/** What a cloud's pool is. Internal. */
export interface PoolKind {
  /** Node label whose value is the pool name. */
  readonly nodeLabelKey: string;
  /** Everything of the pool that reaches its stack except the cordon taint (which varies by lifecycle). */
  identity(u: UnitDeclaration): object;
  /** The pool's name in the cluster; throws BlueGreenError when it does not fit. Also checks the pool's spec. */
  poolName(u: PlannedUnit, otherSlots: string[]): string;
  /** Fewest nodes the pool has when healthy. */
  minimumNodes(u: PlannedUnit): number;
  /** The pool's resource; `cordonTaint` is set while the pool is not serving (the cloud puts it on every node). */
  build(stack: TerraformStack, u: PlannedUnit, poolName: string, cordonTaint: PoolTaint | undefined): void;
}

/** The result of a node-pool layout. */
export interface NodePoolLayout extends FleetLayout {
  readonly controlPlane: ControlPlaneStep;
  readonly poolNames: { [unit: string]: string };
}

/**
 * Lays out a node-pool fleet on the one engine: the cluster (control plane upgraded in place) in
 * `<fleet>-shared`, one pool per `<fleet>-unit-<unit>`, its checks in `<fleet>-validate-<unit>`
 * pinned to the pool's nodes, and the scheduling router (cordon taints, drain) in `<fleet>-traffic`.
 */
export function layoutNodePoolFleet(scope: Construct, fleet: string, kind: FleetKind, props: NodePoolFleetOptions,
  cloudAt: (controlPlane: ControlPlaneStep) => NodePoolCloud, pool: PoolKind, capabilities: FleetCapability[]): NodePoolLayout {
  const controlPlane = checkControlPlaneStep(fleet, props.controlPlaneVersion, props.previousControlPlaneVersion);
  const router = props.router ?? new SchedulingRouter();
  if (!(router instanceof SchedulingRouter)) {
    throw new BlueGreenError({ fleet, field: 'router', value: show((router as { routerName?: string })?.routerName ?? router), rule: 'node pools are routed by scheduling (cordon taints), not by a front door', fix: 'router: new SchedulingRouter() (the default)' });
  }
  const checks = props.checks ?? defaultNodePoolChecks();
  refuseProbe(fleet, checks);
  const cloud = cloudAt(controlPlane);
  const poolNames: { [unit: string]: string } = {};
  const layout = layoutFleet(scope, fleet, kind, props, {
    settings: {
      units: props.units, checks, backend: props.backend, drainSeconds: props.drainSeconds, readinessSeconds: props.readinessSeconds,
      versionOptions: { minimumKubernetesVersion: props.minimumKubernetesVersion, maximumKubernetesVersion: props.maximumKubernetesVersion },
    },
    cloud,
    unitKind: poolUnitKind(fleet, props, controlPlane, pool, cloud, router, poolNames),
    router: schedulingRouterPart({ fleet, props, router, cloud, controlPlane, nodeLabelKey: pool.nodeLabelKey, poolNames }),
    capabilities,
  });
  const plan: FleetPlan = {
    ...layout.plan,
    // The router keeps a retired pool cordoned until its deletion has drained it.
    units: layout.plan.units.map((u) => (u.lifecycle === UnitLifecycle.RETIRED ? { ...u, routerWeight: 'drained, then deleted' } : u)),
    controlPlane: { version: controlPlane.version.toString(), previousVersion: controlPlane.previousVersion?.toString(), stack: layout.shared.node.id },
    previous: previousPlanUnits(props.previousUnits, router),
  };
  return { ...layout, plan, controlPlane, poolNames };
}

/** A pool as a unit: born cordoned, its taint the one attribute that changes across steps. */
function poolUnitKind(fleet: string, props: NodePoolFleetOptions, controlPlane: ControlPlaneStep, pool: PoolKind,
  cloud: NodePoolCloud, router: SchedulingRouter, poolNames: { [unit: string]: string }): UnitKind {
  const slots = (props.units ?? []).map((u) => u.slot);
  return {
    name: 'node-pool',
    identity: (u) => pool.identity(u),
    check: (u) => {
      poolNames[u.name] = pool.poolName(u, slots.filter((s) => s !== u.slot));
    },
    checkAll: (units) => {
      checkPoolSkew(fleet, controlPlane, units);
      checkSchedulablePools(fleet, units);
      checkPoolTransitions(fleet, props.units, props.previousUnits);
    },
    build: (stack, u) => pool.build(stack, u, poolNames[u.name], SchedulingRouter.isCordoned(u.lifecycle, u.weight) ? router.cordonTaint(u.name) : undefined),
    access: (stack, u) => ({
      provider: cloud.clusterAccess(stack),
      minimumNodes: pool.minimumNodes(u),
      nodeSelector: { [pool.nodeLabelKey]: poolNames[u.name] },
      // Also the cordon a drain leaves (spec.unschedulable): a standby pool given back its weight is
      // checked before the traffic stack uncordons it (rollback). The scheduler lets such pods on:
      // https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-nodes-by-condition
      tolerations: [router.toleration(), { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
    }),
    originHost: (u) => poolNames[u.name],
    checkNamespace: (u) => checkNamespace(fleet, u.name),
  };
}

/** A pool has no origin of its own: a Service answers from pods on any schedulable pool. */
function refuseProbe(fleet: string, checks: IValidationCheck[]): void {
  const probe = checks.find((c) => c instanceof HttpProbeCheck);
  if (!probe) return;
  // A probe could not tell which pool answered (and the pool name is not a host). A Job pinned to the pool can.
  throw new BlueGreenError({
    fleet, field: 'checks', value: show(probe.checkName),
    rule: 'HttpProbeCheck probes a unit\'s own origin, and a node pool has none (a Service answers from pods on any schedulable pool); check a pool with Jobs pinned to its nodes',
    fix: "new SmokeJobCheck({ name: 'http', image: 'curlimages/curl:8.11.1', command: ['curl', '-fsS', 'http://shop.shop.svc/healthz'] })",
  });
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
