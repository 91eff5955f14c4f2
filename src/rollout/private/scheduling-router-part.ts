import { ControlPlaneStep } from '../../core/node-pool-rules';
import { StackRole } from '../../core/plan-report';
import { PlannedUnit, UnitLifecycle } from '../../core/rollout-model';
import { stepTags } from '../../core/tags';
import { SchedulingRouter } from '../../kubernetes/node-pool-scheduling-router';
import { NodePoolFleetOptions } from '../node-pool-fleet-options';
import { RouterPart } from './fleet-parts';
import type { NodePoolCloud } from './node-pool-fleet-layout';

/** What the scheduling router of a node-pool fleet works with. */
export interface SchedulingContext {
  readonly fleet: string;
  readonly props: NodePoolFleetOptions;
  readonly router: SchedulingRouter;
  readonly cloud: NodePoolCloud;
  readonly controlPlane: ControlPlaneStep;
  readonly nodeLabelKey: string;
  /** Pool names by unit name, filled in by the plan phase. */
  readonly poolNames: { [unit: string]: string };
}

/**
 * Scheduling as a router: weights become cordon taints (a pool that is not serving is cordoned) and
 * drains (a pool that stops serving is drained through the Eviction API) in the traffic stack.
 */
export function schedulingRouterPart(c: SchedulingContext): RouterPart {
  // Without previousUnits the previous step is unknown: a failed drain then cordons no serving pool again.
  const wasServing = (slot: string) => c.props.previousUnits === undefined
    || c.props.previousUnits.some((p) => p.slot === slot && p.lifecycle === UnitLifecycle.SERVING && (p.weight ?? 0) > 0);
  return {
    router: c.router,
    // The router drains a pool before it stands by (cordoned).
    standbyAfterTraffic: true,
    bindTraffic: (scope, step, _targets, units) => {
      const provider = c.cloud.clusterAccess(scope);
      c.cloud.bindTraffic?.(scope);
      const tags = c.props.tags ?? {};
      c.router.bindTraffic(scope, { fleet: c.fleet, step, tags: stepTags(c.fleet, step, tags), provider, nodeLabelKey: c.nodeLabelKey },
        units.map((u) => ({ unitName: u.name, poolName: c.poolNames[u.name], lifecycle: u.lifecycle, weight: u.weight, servingBefore: wasServing(u.slot) })));
    },
    describe: (role, u, action, units) => describePoolStack(c, role, u, action, units),
  };
}

/** The plan's words for a node-pool fleet's stacks: the in-place control plane, the cordon, the drain. */
export function describePoolStack(c: SchedulingContext, role: StackRole, u: PlannedUnit | undefined, action: string, units: PlannedUnit[]): string {
  const names = c.poolNames;
  if (role === StackRole.SHARED) {
    const to = c.controlPlane.version.toString();
    const from = c.controlPlane.previousVersion?.toString();
    const move = from === undefined || from === to ? `keep the control plane at ${to}` : `upgrade the control plane in place ${from} → ${to} (one minor), first of all`;
    return `${move}; ${c.cloud.sharedDescription} (prevent_destroy)`;
  }
  if (role === StackRole.TRAFFIC) {
    const open = units.filter((x) => !SchedulingRouter.isCordoned(x.lifecycle, x.weight)).map((x) => names[x.name]);
    const drained = units.filter((x) => SchedulingRouter.isDrained(x.lifecycle)).map((x) => `${names[x.name]} (${x.lifecycle})`);
    const drain = drained.length === 0
      ? 'no pool to drain'
      : `drain ${drained.join(', ')}: cordon, evict the workload through the Eviction API (PodDisruptionBudgets hold) ${c.router.drainBatchSize} node(s) at a time, wait until it runs Ready on ${open.join(', ')}; a drain still blocked after ${c.router.drainTimeoutSeconds} s fails the deploy naming the PodDisruptionBudgets and pods, with the schedulable set put back and nothing deleted`;
    return `schedulable: ${open.join(', ')}; ${drain}; then wait the drain timer`;
  }
  if (role === StackRole.UNIT && u) return describePool(c, u);
  return action;
}

function describePool(c: SchedulingContext, u: PlannedUnit): string {
  const pool = c.poolNames[u.name];
  if (u.lifecycle === UnitLifecycle.RETIRED) return `delete pool ${pool}, after the traffic stack's drain left no workload pod on it`;
  if (u.lifecycle === UnitLifecycle.CANDIDATE) return `build pool ${pool} (${c.cloud.name} ${u.kubernetesVersion}, fingerprint ${u.fingerprint}) if it does not exist, after the control plane, with the cordon taint in its own spec (its nodes register tainted: no workload pod lands on it); prevent_destroy`;
  if (u.lifecycle === UnitLifecycle.STANDBY) return `keep pool ${pool} (prevent_destroy); after the traffic stack drained it, put the cordon taint in its spec (the only change; nodes added later register tainted)`;
  return `keep pool ${pool} (prevent_destroy); no cordon taint in its spec, so it is schedulable (the only attribute that changes across steps)`;
}
