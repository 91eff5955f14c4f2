// The checks every rollout step must pass, read from the world's action log and its traffic
// simulation: the order of provider actions, no change to a live unit, and traffic shares that
// match the declared weights.
import { StateFile } from './harness';
import { StepView, TimelineView, WorldAction } from './model';

/** A change to an existing object (creates are the only thing a live unit's stack may ever do). */
const CHANGES = new Set(['update', 'delete', 'replace', 'destroy']);
/** Outcomes of checks in the action log. */
const isCheck = (a: WorldAction) => a.action.startsWith('check-');
const isDrain = (a: WorldAction) => a.type === 'time_sleep' && (a.action === 'create' || a.action === 'drain' || a.action === 'replace');
/** Actions of the traffic stack that move weights (everything but reads and the drain timer). */
// (The coredns add-on an EKS node-pool fleet's traffic stack keeps at the control plane's version is not a weight.)
// Nor is a node-pool fleet's drain Job (re-run when a re-deploy repeats a step whose drain was blocked).
const movesWeights = (a: WorldAction) => ['create', 'update', 'delete', 'replace'].includes(a.action) && a.type !== 'time_sleep' && a.type !== 'aws_eks_addon' && a.type !== 'kubernetes_job_v1';

const maxSeq = (xs: WorldAction[]) => Math.max(...xs.map((a) => a.seq));
const minSeq = (xs: WorldAction[]) => Math.min(...xs.map((a) => a.seq));
const show = (a: WorldAction) => `#${a.seq} ${a.stack} ${a.action} ${a.type}${a.name ? ` ${a.name}` : ''}`;

/** Unit stacks by unit name: <fleet>-unit-<unit>. */
export function unitStack(fleet: string, unit: string): string { return `${fleet}-unit-${unit}`; }
export function validateStack(fleet: string, unit: string): string { return `${fleet}-validate-${unit}`; }
export function trafficStack(fleet: string): string { return `${fleet}-traffic`; }

/**
 * Order of the provider actions of one deploy for one fleet:
 * a unit is created before its checks run; the checks of every unit that carries weight passed
 * before the weights moved; the weights moved and the drain timer ran before a retired unit was destroyed.
 */
export function checkOrder(v: StepView, fleet: string, pools = false): string[] {
  const problems: string[] = [];
  const state = v.state(fleet);
  const names = v.unitNames(fleet);
  const inStack = (s: string) => v.actions.filter((a) => a.stack === s);
  const traffic = inStack(trafficStack(fleet));
  const weightMoves = traffic.filter(movesWeights);
  const drains = traffic.filter(isDrain);

  for (const u of state.units) {
    const name = names[u.slot];
    if (!name) continue;
    const creates = inStack(unitStack(fleet, name)).filter((a) => a.action === 'create');
    const checks = inStack(validateStack(fleet, name)).filter(isCheck);
    if (creates.length && checks.length && minSeq(checks) < maxSeq(creates)) {
      const early = checks.find((c) => c.seq < maxSeq(creates))!;
      problems.push(`fleet ${fleet}: a check of ${u.slot} ran before its unit was built (${show(early)} before ${show(creates[creates.length - 1])})`);
    }
    if (u.weight > 0 && weightMoves.length) {
      const passes = checks.filter((a) => a.action === 'check-pass');
      const fails = checks.filter((a) => a.action === 'check-fail');
      if (!passes.length) problems.push(`fleet ${fleet}: the weights moved (${show(weightMoves[0])}) but no check of ${u.slot} (weight ${u.weight}) passed in this deploy`);
      else if (maxSeq(passes) > minSeq(weightMoves)) problems.push(`fleet ${fleet}: the weights moved (${show(weightMoves[0])}) before ${u.slot}'s checks passed (${show(passes[passes.length - 1])})`);
      if (fails.length) problems.push(`fleet ${fleet}: the weights moved although a check of ${u.slot} failed (${show(fails[0])})`);
    }
  }
  for (const u of state.units.filter((x) => x.lifecycle === 'retired')) {
    const name = names[u.slot];
    if (!name) continue;
    const deletes = inStack(unitStack(fleet, name)).filter((a) => a.action === 'delete' || a.action === 'destroy');
    if (!deletes.length) continue;
    if (!drains.length) problems.push(`fleet ${fleet}: retired ${u.slot} was destroyed (${show(deletes[0])}) but the drain timer did not run in this deploy`);
    else if (minSeq(deletes) < maxSeq(drains)) problems.push(`fleet ${fleet}: retired ${u.slot} was destroyed (${show(deletes[0])}) before the drain timer ran (${show(drains[drains.length - 1])})`);
    if (weightMoves.length && minSeq(deletes) < maxSeq(weightMoves)) problems.push(`fleet ${fleet}: retired ${u.slot} was destroyed before the weights moved (${show(weightMoves[weightMoves.length - 1])})`);
  }
  // The drain timer waits after the weights moved, never before or beside them (issue 19 item 1).
  // (Deletes are left out: removing a retired unit's router entry, at weight 0 since its standby
  // step, does not move traffic, and Terraform may run it after the re-created timer.)
  const settingWeights = weightMoves.filter((a) => a.action !== 'delete');
  if (drains.length && settingWeights.length && minSeq(drains) < maxSeq(settingWeights)) {
    problems.push(`fleet ${fleet}: the drain timer ran (${show(drains[0])}) before the weights finished moving (${show(settingWeights[settingWeights.length - 1])}): traffic would still be leaving when the timer ends`);
  }
  if (pools) problems.push(...checkPoolOrder(v, fleet));
  return problems;
}

/**
 * Node-pool fleets (issue 19 item 6): in every step, a pool is made schedulable (its cordon taint
 * removed) only when its latest checks before that passed (this deploy's, or those that validated
 * it while it was a cordoned candidate); a pool that stops serving is drained (the
 * traffic stack's drain Job) only after the serving pools' latest checks passed, and cordoned in its own
 * spec or destroyed only after that drain and the drain timer.
 */
function checkPoolOrder(v: StepView, fleet: string): string[] {
  const problems: string[] = [];
  const state = v.state(fleet);
  const names = v.unitNames(fleet);
  const inStack = (s: string) => v.actions.filter((a) => a.stack === s);
  const traffic = inStack(trafficStack(fleet));
  const drainJobs = traffic.filter((a) => a.type === 'kubernetes_job_v1' && (a.action === 'create' || a.action === 'replace'));
  const drains = traffic.filter(isDrain);
  const passes = (name: string) => inStack(validateStack(fleet, name)).filter((a) => a.action === 'check-pass');
  const history = v.world.actions().filter((a) => a.stack.startsWith(`${fleet}-`));
  for (const u of state.units) {
    const name = names[u.slot];
    if (!name) continue;
    const taints = inStack(unitStack(fleet, name)).filter(onlySchedulingUpdate);
    const ok = passes(name);
    if (taints.length && u.weight > 0) {
      // Validated before: the pool's latest check outcome before the uncordon (this deploy or the
      // one that checked it as a cordoned candidate) is a pass.
      const before = history.filter((a) => a.stack === validateStack(fleet, name) && isCheck(a) && a.seq < minSeq(taints));
      const last = before[before.length - 1];
      if (!last) problems.push(`fleet ${fleet}: pool ${u.slot} was made schedulable (${show(taints[0])}) but none of its checks ever ran before`);
      else if (last.action !== 'check-pass') problems.push(`fleet ${fleet}: pool ${u.slot} was made schedulable (${show(taints[0])}) after its check failed (${show(last)})`);
    }
    if (u.weight > 0 && drainJobs.length) {
      // The pool the workload moves to was validated: its checks of this deploy passed first, or —
      // a step deployed again after a blocked drain — its latest checks before (unchanged) passed.
      const before = history.filter((a) => a.stack === validateStack(fleet, name) && isCheck(a) && a.seq < minSeq(drainJobs));
      const last = before[before.length - 1];
      if (ok.length && minSeq(drainJobs) < maxSeq(ok)) problems.push(`fleet ${fleet}: a pool was drained (${show(drainJobs[0])}) before serving pool ${u.slot}'s checks passed (${show(ok[ok.length - 1])})`);
      else if (!last || last.action !== 'check-pass') problems.push(`fleet ${fleet}: a pool was drained (${show(drainJobs[0])}) while serving pool ${u.slot} ${last ? `had just failed a check (${show(last)})` : 'had never been checked'}`);
    }
    if (taints.length && u.weight === 0 && u.lifecycle !== 'candidate') {
      for (const [what, xs] of [['drain Job', drainJobs], ['drain timer', drains]] as Array<[string, WorldAction[]]>) {
        if (xs.length && minSeq(taints) < maxSeq(xs)) problems.push(`fleet ${fleet}: pool ${u.slot} was cordoned in its spec (${show(taints[0])}) before the ${what} ran (${show(xs[xs.length - 1])})`);
      }
    }
    if (u.lifecycle === 'retired') {
      const deletes = inStack(unitStack(fleet, name)).filter((a) => a.action === 'delete' || a.action === 'destroy');
      if (deletes.length && drainJobs.length && minSeq(deletes) < maxSeq(drainJobs)) problems.push(`fleet ${fleet}: retired pool ${u.slot} was destroyed (${show(deletes[0])}) before the drain Job ran (${show(drainJobs[drainJobs.length - 1])})`);
    }
  }
  return problems;
}

/**
 * The one attribute a node-pool unit may change across steps: its pool's taints (the router's cordon,
 * docs/node-pools.md), updated in place — AKS `node_taints`, EKS `taint`.
 */
const POOL_SCHEDULING_UPDATES: Record<string, string> = { azurerm_kubernetes_cluster_node_pool: 'node_taints', aws_eks_node_group: 'taint' };
const onlySchedulingUpdate = (a: WorldAction) => a.action === 'update' && POOL_SCHEDULING_UPDATES[a.type] !== undefined && String(a.detail ?? '') === POOL_SCHEDULING_UPDATES[a.type];

/**
 * No update, replace or destroy of a live (not retired) unit's resources in this deploy; for
 * node-pool fleets (`pools`), except the in-place update of exactly the pool's taints.
 */
export function checkLiveUnitsUntouched(v: StepView, fleet: string, pools = false): string[] {
  const state = v.state(fleet);
  const names = v.unitNames(fleet);
  const problems: string[] = [];
  for (const u of state.units.filter((x) => x.lifecycle !== 'retired')) {
    const name = names[u.slot];
    if (!name) continue;
    const touched = v.actions.filter((a) => a.stack === unitStack(fleet, name) && CHANGES.has(a.action) && !(pools && onlySchedulingUpdate(a)));
    if (touched.length) problems.push(`fleet ${fleet}: live unit ${u.slot} (${u.lifecycle}) was changed: ${touched.slice(0, 3).map(show).join('; ')}`);
  }
  return problems;
}

/**
 * Each unit's share of 10,000 simulated requests once the deploy's changes reached every client:
 * a unit with weight 0 receives exactly 0 requests; a unit with weight > 0 is within ±1 point of
 * its declared weight (the draws of 10,000 requests). Node-pool fleets do not split by weight (the
 * scheduler places pods on any schedulable pool, see SchedulingRouter): there a pool with weight 0
 * gets exactly nothing and a pool with weight > 0 some share.
 */
export function checkShares(v: StepView, fleet: string, pools = false): { problems: string[]; maxError: number; shares: Record<string, number> } {
  const state = v.state(fleet);
  const names = v.unitNames(fleet);
  const shares = v.world.shares(fleet);
  let maxError = 0;
  const problems: string[] = [];
  for (const u of state.units.filter((x) => x.lifecycle !== 'retired')) {
    const share = shares[names[u.slot]] ?? 0;
    if (u.weight === 0) {
      if (share !== 0) problems.push(`fleet ${fleet}: ${u.slot} has weight 0 but received ${share.toFixed(2)} % of 10,000 requests; a unit with weight 0 receives exactly none (${describeShares(state, names, shares)})`);
      continue;
    }
    if (pools) {
      if (share <= 0) problems.push(`fleet ${fleet}: pool ${u.slot} serves (weight ${u.weight}) but no simulated pod lands on it (${describeShares(state, names, shares)})`);
      continue;
    }
    const err = Math.abs(share - u.weight);
    maxError = Math.max(maxError, err);
    if (err > 1) problems.push(`fleet ${fleet}: ${u.slot} declared ${u.weight} % but received ${share.toFixed(1)} % of 10,000 requests (${describeShares(state, names, shares)})`);
  }
  return { problems, maxError, shares };
}

/** What the timeline check found, for the report. */
export interface TimelineFindings {
  readonly problems: string[];
  readonly samples: number;
  readonly requests: number;
  readonly failed: number;
  readonly lagSeconds: number;
}

/**
 * Traffic across the whole deploy and its drain window (issue 19 items 1 and 6), sampled at
 * simulated instants from the clock before the deploy (`from`) to the clock after it (`to`) plus the
 * router's lag, each request routed by the configuration its client really saw (timeline.ts):
 * - a request that reaches a unit whose destruction has begun (a delete in its unit stack) failed;
 * - a request a router drops although its client saw it after it had served is a failed request;
 * - a unit receives exactly 0 requests until one of its checks passed (not yet validated);
 * - when the step applied, a unit with weight 0 receives exactly 0 requests — from the start of the
 *   deploy if it carried none then, else from the end of this deploy's drain timer (the library's
 *   promise: once the timer ran, the traffic has left the unit).
 * Node-pool fleets have no front door (their share is where pods are scheduled): not sampled.
 */
export function checkTimeline(v: StepView, fleet: string, from: number, to: number, applied: boolean): TimelineFindings {
  const all = v.world.actions().filter((a) => a.stack.startsWith(`${fleet}-`));
  const inDeploy = v.actions.filter((a) => a.stack.startsWith(`${fleet}-`));
  const drainEnds = inDeploy.filter((a) => a.stack === trafficStack(fleet) && isDrain(a)).map((a) => a.clock);
  const drainEnd = drainEnds.length ? Math.max(...drainEnds) : undefined;
  const firstClock = (pred: (a: WorldAction) => boolean): number | undefined => {
    const xs = all.filter(pred).map((a) => a.clock);
    return xs.length ? Math.min(...xs) : undefined;
  };
  const destroyedFrom = (unit: string) => firstClock((a) => a.stack === unitStack(fleet, unit) && ['delete', 'destroy', 'cascade-delete'].includes(a.action));
  const validatedAt = (unit: string) => firstClock((a) => a.stack === validateStack(fleet, unit) && a.action === 'check-pass');
  const instants = [...drainEnds, ...all.filter((a) => ['delete', 'destroy'].includes(a.action) && a.clock >= from).map((a) => a.clock)];
  const tl = v.world.timeline(fleet, from, to, instants);

  const state = v.state(fleet);
  const names = v.unitNames(fleet);
  const first = tl.samples[0];
  const zeroFrom: Record<string, number> = {};
  if (applied) {
    for (const u of state.units.filter((x) => x.weight === 0)) {
      const name = names[u.slot];
      if (!name) continue;
      zeroFrom[name] = first && (first.counts[name] ?? 0) > 0 && drainEnd !== undefined ? drainEnd : from;
    }
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const once = (key: string, text: string) => { if (!seen.has(key)) { seen.add(key); problems.push(text); } };
  const at = (t: number) => `t=${Math.round(t)} s`;
  let failed = 0;
  let requests = 0;
  for (const s of tl.samples) {
    requests += s.requests;
    for (const [unit, n] of Object.entries(s.counts)) {
      if (n <= 0) continue;
      const gone = destroyedFrom(unit);
      if (gone !== undefined && s.t >= gone) {
        failed += n;
        once(`gone ${unit}`, `fleet ${fleet}: ${n} of ${s.requests} requests at ${at(s.t)} reached ${unit}, whose destruction began at ${at(gone)} (failed requests; ${describeTiming(tl)})`);
      }
      const ok = validatedAt(unit);
      if (ok === undefined || s.t < ok) once(`unvalidated ${unit}`, `fleet ${fleet}: ${n} of ${s.requests} requests at ${at(s.t)} reached ${unit} ${ok === undefined ? 'whose checks never passed' : `before its checks passed (${at(ok)})`}; a unit not yet validated receives exactly none`);
      const z = zeroFrom[unit];
      if (z !== undefined && s.t >= z) {
        once(`zero ${unit}`, `fleet ${fleet}: ${unit} has weight 0 but received ${n} of ${s.requests} requests at ${at(s.t)}${z > from ? `, after this deploy's drain timer ended (${at(z)})` : ''}; a unit with weight 0 receives exactly none (${describeTiming(tl)})`);
      }
    }
    if (s.droppedAfterServing > 0) {
      failed += s.droppedAfterServing;
      once('dropped', `fleet ${fleet}: ${s.droppedAfterServing} of ${s.requests} requests at ${at(s.t)} found no unit to answer them although the fleet served before (failed requests; ${describeTiming(tl)})`);
    }
  }
  return { problems, samples: tl.samples.length, requests, failed, lagSeconds: tl.lagSeconds };
}

function describeTiming(tl: TimelineView): string {
  return `${tl.router}: propagation ${tl.propagationSeconds} s, DNS TTL ${tl.dnsTtlSeconds} s, client connections ${tl.clientKeepSeconds} s`;
}

export function describeShares(state: StateFile, names: Record<string, string>, shares: Record<string, number>): string {
  return state.units.filter((u) => u.lifecycle !== 'retired').map((u) => `${u.slot} ${u.weight}→${(shares[names[u.slot]] ?? 0).toFixed(1)}`).join(', ');
}
