// The checks every rollout step must pass, read from the world's action log and its traffic
// simulation: the order of provider actions, no change to a live unit, and traffic shares that
// match the declared weights.
import { StateFile } from './harness';
import { StepView, WorldAction } from './model';

/** A change to an existing object (creates are the only thing a live unit's stack may ever do). */
const CHANGES = new Set(['update', 'delete', 'replace', 'destroy']);
/** Outcomes of checks in the action log. */
const isCheck = (a: WorldAction) => a.action.startsWith('check-');
const isDrain = (a: WorldAction) => a.type === 'time_sleep' && (a.action === 'create' || a.action === 'drain' || a.action === 'replace');
/** Actions of the traffic stack that move weights (everything but reads and the drain timer). */
const movesWeights = (a: WorldAction) => ['create', 'update', 'delete', 'replace'].includes(a.action) && a.type !== 'time_sleep';

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
export function checkOrder(v: StepView, fleet: string): string[] {
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
  return problems;
}

/** No update, replace or destroy of a live (not retired) unit's resources in this deploy. */
export function checkLiveUnitsUntouched(v: StepView, fleet: string): string[] {
  const state = v.state(fleet);
  const names = v.unitNames(fleet);
  const problems: string[] = [];
  for (const u of state.units.filter((x) => x.lifecycle !== 'retired')) {
    const name = names[u.slot];
    if (!name) continue;
    const touched = v.actions.filter((a) => a.stack === unitStack(fleet, name) && CHANGES.has(a.action));
    if (touched.length) problems.push(`fleet ${fleet}: live unit ${u.slot} (${u.lifecycle}) was changed: ${touched.slice(0, 3).map(show).join('; ')}`);
  }
  return problems;
}

/**
 * Each unit's share of 10,000 simulated requests within ±1 point of its declared weight. Node-pool
 * fleets do not split by weight (the scheduler places pods on any schedulable pool, see
 * SchedulingRouter): there a pool with weight 0 gets nothing (±1) and a pool with weight > 0 some share.
 */
export function checkShares(v: StepView, fleet: string, pools = false): { problems: string[]; maxError: number; shares: Record<string, number> } {
  const state = v.state(fleet);
  const names = v.unitNames(fleet);
  const shares = v.world.shares(fleet);
  let maxError = 0;
  const problems: string[] = [];
  for (const u of state.units.filter((x) => x.lifecycle !== 'retired')) {
    const share = shares[names[u.slot]] ?? 0;
    if (pools && u.weight > 0) {
      if (share <= 0) problems.push(`fleet ${fleet}: pool ${u.slot} serves (weight ${u.weight}) but no simulated pod lands on it (${describeShares(state, names, shares)})`);
      continue;
    }
    const err = Math.abs(share - u.weight);
    maxError = Math.max(maxError, err);
    if (err > 1) problems.push(`fleet ${fleet}: ${u.slot} declared ${u.weight} % but received ${share.toFixed(1)} % of 10,000 requests (${describeShares(state, names, shares)})`);
  }
  return { problems, maxError, shares };
}

export function describeShares(state: StateFile, names: Record<string, string>, shares: Record<string, number>): string {
  return state.units.filter((u) => u.lifecycle !== 'retired').map((u) => `${u.slot} ${u.weight}→${(shares[names[u.slot]] ?? 0).toFixed(1)}`).join(', ');
}
