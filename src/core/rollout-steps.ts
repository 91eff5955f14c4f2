import { BlueGreenError } from './errors';
import { KubernetesVersion } from './kubernetes-version';
import { limitsFor, peakOf } from './rollout-policy';
import { TOTAL_WEIGHT, UnitLifecycle } from './rollout-model';
import { excerpt, shortText } from './excerpt';
import { isStateFileVersion, RolloutStateFile, RolloutStateUnit } from './state-file';

// The steps a rollout is made of, as pure functions from one state to the next. They do not
// judge legality: the transition rules (transitions.ts) do, so a hand edit and a command are held
// to the same rules.

/** One command of the rollout CLI, as data (internal). */
export interface StepCommand {
  /** start, shift, promote, retire, rollback, forget or pin. */
  readonly name: string;
  /** The version of a new unit (start). */
  readonly version?: string;
  /** The unit the command is about. @default - the command picks it */
  readonly slot?: string;
  /** An explicit weight (shift, promote, rollback). */
  readonly weight?: number;
  /** A fingerprint to record (start, pin). */
  readonly fingerprint?: string;
}

const SLOT_NAMES = ['blue', 'green', 'teal', 'amber', 'violet'];

function refuse(state: RolloutStateFile, command: string, rule: string, fix: string, unit?: string): never {
  throw new BlueGreenError({ fleet: state.fleet, unit: unit === undefined ? undefined : shortText(unit, 40), field: 'command', value: excerpt(command, 30), rule, fix });
}

/** Renders units as `blue serving 90, green candidate 0`. */
export function listUnits(units: RolloutStateUnit[]): string {
  const shown = units.slice(0, 10).map((u) => `${u.slot} ${u.lifecycle} ${u.weight ?? 0}`).join(', ');
  return units.length > 10 ? `${shown}, … ${units.length - 10} more` : shown;
}

/** The first free slot name (blue, green, teal, amber, violet, u2, u3, ...). */
export function freeSlot(state: RolloutStateFile): string {
  const used = new Set(state.units.map((u) => u.slot));
  for (const s of SLOT_NAMES) if (!used.has(s)) return s;
  for (let i = 2; ; i++) if (!used.has(`u${i}`)) return `u${i}`;
}

function version(u: RolloutStateUnit): KubernetesVersion {
  return KubernetesVersion.tryParse(u.kubernetesVersion) ?? KubernetesVersion.parse('1.0');
}

/** Newest first: higher version, then entered its lifecycle later, then declared later. */
function newestFirst(units: RolloutStateUnit[], all: RolloutStateUnit[]): RolloutStateUnit[] {
  const at = new Map(all.map((u, i) => [u, i]));
  const v = new Map(units.map((u) => [u, version(u)]));
  return [...units].sort((a, b) => v.get(b)!.compare(v.get(a)!) || b.since - a.since || at.get(b)! - at.get(a)!);
}

/** The serving unit that is taking over (the newest). */
export function rampingUnit(state: RolloutStateFile): RolloutStateUnit | undefined {
  return newestFirst(state.units.filter((u) => u.lifecycle === UnitLifecycle.SERVING), state.units)[0];
}

type Draft = { slot: string; lifecycle: UnitLifecycle; weight: number };

/**
 * The next state: step + 1, `since` moved for every unit whose lifecycle changed, `peakWeight`
 * kept up to date. `drafts` gives the new lifecycle and weight of each unit that stays.
 */
function advance(state: RolloutStateFile, drafts: Draft[], added: RolloutStateUnit[] = []): RolloutStateFile {
  const step = state.step + 1;
  const units: RolloutStateUnit[] = [];
  const bySlot = new Map(drafts.map((d) => [d.slot, d]));
  for (const u of state.units) {
    const d = bySlot.get(u.slot);
    if (!d) continue;
    units.push({
      slot: u.slot, kubernetesVersion: u.kubernetesVersion, lifecycle: d.lifecycle, weight: d.weight,
      ...(u.fingerprint !== undefined ? { fingerprint: u.fingerprint } : {}),
      since: d.lifecycle === u.lifecycle ? u.since : step,
      peakWeight: Math.max(peakOf(u), d.weight),
    });
  }
  for (const a of added) units.push({ ...a, since: step, peakWeight: 0 });
  return { ...state, step, units };
}

function draftsOf(state: RolloutStateFile): Draft[] {
  return state.units.map((u) => ({ slot: u.slot, lifecycle: u.lifecycle, weight: u.weight ?? 0 }));
}

/**
 * Gives `slot` weight `weight`, taking the difference from (or giving it to) the other serving
 * units, largest first. A unit left with 0 stands by; a unit given weight serves.
 */
function setWeight(state: RolloutStateFile, drafts: Draft[], slot: string, weight: number, command: string): Draft[] {
  const target = drafts.find((d) => d.slot === slot)!;
  let delta = weight - target.weight;
  const others = drafts.filter((d) => d.slot !== slot && d.lifecycle === UnitLifecycle.SERVING).sort((a, b) => b.weight - a.weight);
  if (delta > 0) {
    for (const o of others) {
      const take = Math.min(o.weight, delta);
      o.weight -= take;
      delta -= take;
      if (o.weight === 0) o.lifecycle = UnitLifecycle.STANDBY;
    }
  } else if (delta < 0) {
    if (others.length === 0) {
      refuse(state, command, `${slot} serves alone, so its weight cannot go down without another unit to take the traffic`, 'roll back to a standby unit instead: cdktf-bluegreen rollback', slot);
    }
    others[0].weight -= delta;
    delta = 0;
  }
  target.weight = weight;
  target.lifecycle = weight > 0 ? UnitLifecycle.SERVING : (target.lifecycle === UnitLifecycle.CANDIDATE ? UnitLifecycle.CANDIDATE : UnitLifecycle.STANDBY);
  return drafts;
}

function checkWeightArg(state: RolloutStateFile, command: string, weight: number | undefined): void {
  if (weight !== undefined && (!Number.isInteger(weight) || weight < 0 || weight > TOTAL_WEIGHT)) {
    refuse(state, command, `a weight is a whole number from 0 to ${TOTAL_WEIGHT}`, `cdktf-bluegreen ${command} --weight ${Math.min(TOTAL_WEIGHT, Math.max(0, Math.round(Number(weight) || 0)))}`);
  }
}

function unitIn(state: RolloutStateFile, command: string, slot: string, lifecycles: UnitLifecycle[]): RolloutStateUnit {
  const u = state.units.find((x) => x.slot === slot);
  if (!u) refuse(state, command, `there is no unit in slot ${excerpt(slot)}; the units are ${listUnits(state.units)}`, `cdktf-bluegreen ${command} ${command === 'pin' ? `${state.units[0].slot} <fingerprint>` : `--slot ${state.units[0].slot}`} (the slots are ${state.units.slice(0, 10).map((x) => x.slot).join(', ')})`, slot);
  if (!lifecycles.includes(u!.lifecycle)) {
    const fitting = state.units.filter((x) => lifecycles.includes(x.lifecycle));
    refuse(state, command, `${command} acts on a ${lifecycles.join(' or ')} unit, and ${slot} is ${u!.lifecycle}`, fitting.length ? `cdktf-bluegreen ${command} --slot ${fitting[0].slot}${fitting.length > 1 ? ` (the ${lifecycles.join(' or ')} units are ${fitting.slice(0, 10).map((x) => x.slot).join(', ')})` : ''}` : `no ${lifecycles.join(' or ')} unit now: cdktf-bluegreen status lists the steps that apply`, slot);
  }
  return u!;
}

/** `start <version>`: a new candidate unit (weight 0) in a free slot. */
export function startUnit(state: RolloutStateFile, kubernetesVersion: string, slot?: string, fp?: string): RolloutStateFile {
  if (!isStateFileVersion(kubernetesVersion)) refuse(state, 'start', `${excerpt(kubernetesVersion, 30)} is not a Kubernetes version as a state file keeps it (1.MINOR or 1.MINOR.PATCH in plain digits)`, 'cdktf-bluegreen start 1.34');
  const s = slot ?? freeSlot(state);
  if (state.units.some((u) => u.slot === s)) {
    refuse(state, 'start', `slot ${excerpt(s)} is taken (${listUnits(state.units.filter((u) => u.slot === s))}); a unit's slot names one incarnation until it is forgotten`, `cdktf-bluegreen start ${kubernetesVersion} --slot ${freeSlot(state)}`, s);
  }
  const added: RolloutStateUnit = {
    slot: s, kubernetesVersion, lifecycle: UnitLifecycle.CANDIDATE, weight: 0,
    ...(fp !== undefined ? { fingerprint: fp } : {}), since: 0,
  };
  return advance(state, draftsOf(state), [added]);
}

/**
 * `promote`: a candidate starts serving at the canary weight (or `weight`); without a candidate,
 * the newest serving unit takes all the traffic and the others stand by.
 */
export function promoteUnit(state: RolloutStateFile, slot?: string, weight?: number): RolloutStateFile {
  checkWeightArg(state, 'promote', weight);
  const candidates = newestFirst(state.units.filter((u) => u.lifecycle === UnitLifecycle.CANDIDATE), state.units);
  const drafts = draftsOf(state);
  const named = slot === undefined ? undefined : unitIn(state, 'promote', slot, [UnitLifecycle.CANDIDATE, UnitLifecycle.SERVING]);
  if (named?.lifecycle === UnitLifecycle.CANDIDATE || (named === undefined && candidates.length > 0)) {
    const c = named ?? candidates[0];
    const w = weight ?? limitsFor(state, c).canaryWeight;
    if (w === 0) refuse(state, 'promote', 'promoting a candidate gives it traffic, so its weight is at least 1', `cdktf-bluegreen promote --weight ${limitsFor(state, c).canaryWeight}`, c.slot);
    return advance(state, setWeight(state, drafts, c.slot, w, 'promote'));
  }
  const serving = state.units.filter((u) => u.lifecycle === UnitLifecycle.SERVING);
  const ramp = named ?? rampingUnit(state)!;
  if (serving.length < 2) {
    refuse(state, 'promote', `there is no candidate to bring in, and ${ramp.slot} already serves alone (${listUnits(state.units)})`, 'start a new unit first: cdktf-bluegreen start <version>');
  }
  if (weight !== undefined && weight !== TOTAL_WEIGHT) {
    refuse(state, 'promote', `without a candidate, promote finishes the rollout: ${ramp.slot} takes all the traffic (--weight applies to a candidate's first weight)`, `cdktf-bluegreen shift --weight ${weight}`, ramp.slot);
  }
  return advance(state, setWeight(state, drafts, ramp.slot, TOTAL_WEIGHT, 'promote'));
}

/** `shift`: the newest serving unit gains one weight step (or gets `weight`). */
export function shiftWeight(state: RolloutStateFile, slot?: string, weight?: number): RolloutStateFile {
  checkWeightArg(state, 'shift', weight);
  const ramp = slot === undefined ? rampingUnit(state)! : unitIn(state, 'shift', slot, [UnitLifecycle.SERVING]);
  const serving = state.units.filter((u) => u.lifecycle === UnitLifecycle.SERVING);
  if (serving.length < 2 && weight === undefined) {
    const cand = state.units.find((u) => u.lifecycle === UnitLifecycle.CANDIDATE);
    refuse(state, 'shift', `${ramp.slot} serves alone, so there is no traffic to shift (${listUnits(state.units)})`,
      cand ? `bring the candidate in first: cdktf-bluegreen promote --slot ${cand.slot}` : 'start a new unit first: cdktf-bluegreen start <version>');
  }
  const w = weight ?? Math.min(TOTAL_WEIGHT, (ramp.weight ?? 0) + limitsFor(state, ramp).maxWeightStep);
  return advance(state, setWeight(state, draftsOf(state), ramp.slot, w, 'shift'));
}

/** `retire`: standby units (or the named standby or candidate unit) are retired; the next deploy destroys them. */
export function retireUnits(state: RolloutStateFile, slot?: string): RolloutStateFile {
  const targets = slot === undefined
    ? state.units.filter((u) => u.lifecycle === UnitLifecycle.STANDBY)
    : [unitIn(state, 'retire', slot, [UnitLifecycle.STANDBY, UnitLifecycle.CANDIDATE])];
  if (targets.length === 0) {
    refuse(state, 'retire', `no unit stands by (${listUnits(state.units)}); a serving unit stands by for a step before it is retired`, 'take its traffic away first (cdktf-bluegreen promote or shift), or name a candidate to abandon with --slot');
  }
  const drafts = draftsOf(state);
  const retiring = new Set(targets.map((t) => t.slot));
  for (const d of drafts) if (retiring.has(d.slot)) d.lifecycle = UnitLifecycle.RETIRED;
  return advance(state, drafts);
}

/**
 * `rollback`: during a canary (several units serve), the oldest serving unit takes the traffic back;
 * otherwise the unit that stood by last (or the named one) does; all of it, or `weight`.
 */
export function rollbackTo(state: RolloutStateFile, slot?: string, weight?: number): RolloutStateFile {
  checkWeightArg(state, 'rollback', weight);
  let target: RolloutStateUnit | undefined;
  if (slot !== undefined) {
    target = unitIn(state, 'rollback', slot, [UnitLifecycle.STANDBY, UnitLifecycle.SERVING]);
  } else {
    // During a canary the oldest serving unit takes the traffic back; after it, the unit that stood by last.
    const standby = state.units.filter((u) => u.lifecycle === UnitLifecycle.STANDBY).sort((a, b) => b.since - a.since || peakOf(b) - peakOf(a));
    const serving = state.units.filter((u) => u.lifecycle === UnitLifecycle.SERVING);
    target = serving.length > 1 ? newestFirst(serving, state.units).pop() : standby[0];
  }
  if (!target) {
    refuse(state, 'rollback', `there is nothing to roll back to: no unit stands by and one unit serves alone (${listUnits(state.units)})`, 'keep the serving unit; a rollback needs a standby unit');
  }
  const w = weight ?? TOTAL_WEIGHT;
  if (w === 0) refuse(state, 'rollback', 'rolling back gives the unit traffic, so its weight is at least 1', `cdktf-bluegreen rollback --slot ${target!.slot} --weight ${Math.max(1, peakOf(target!))}`, target!.slot);
  return advance(state, setWeight(state, draftsOf(state), target!.slot, w, 'rollback'));
}

/** `forget`: retired units (or the named one) leave the file, once a deploy has destroyed them. */
export function forgetUnits(state: RolloutStateFile, slot?: string): RolloutStateFile {
  const targets = slot === undefined
    ? state.units.filter((u) => u.lifecycle === UnitLifecycle.RETIRED)
    : [unitIn(state, 'forget', slot, [UnitLifecycle.RETIRED])];
  if (targets.length === 0) {
    refuse(state, 'forget', `no unit is retired (${listUnits(state.units)}); only a retired unit, destroyed by a deploy, may leave the file`, 'retire a standby unit first: cdktf-bluegreen retire');
  }
  const leaving = new Set(targets.map((t) => t.slot));
  const drafts = draftsOf(state).filter((d) => !leaving.has(d.slot));
  return advance(state, drafts);
}

/** `pin <slot> <fingerprint>`: records a unit's fingerprint (no new step: nothing deploys differently). */
export function pinUnit(state: RolloutStateFile, slot: string, fp: string): RolloutStateFile {
  const u = unitIn(state, 'pin', slot, [UnitLifecycle.CANDIDATE, UnitLifecycle.SERVING, UnitLifecycle.STANDBY, UnitLifecycle.RETIRED]);
  if (u.fingerprint !== undefined && u.fingerprint !== fp) {
    refuse(state, 'pin', `${slot} is already pinned to ${excerpt(u.fingerprint)}; a unit's fingerprint is its identity and never changes`, `declare the new spec as a new unit: cdktf-bluegreen start ${u.kubernetesVersion}`, slot);
  }
  return { ...state, units: state.units.map((x) => (x.slot === slot ? { ...x, fingerprint: fp } : x)) };
}

/** Applies one command to a state (no legality check; see `checkTransition`). */
export function applyStep(state: RolloutStateFile, c: StepCommand): RolloutStateFile {
  switch (c.name) {
    case 'start': return startUnit(state, c.version ?? '', c.slot, c.fingerprint);
    case 'promote': return promoteUnit(state, c.slot, c.weight);
    case 'shift': return shiftWeight(state, c.slot, c.weight);
    case 'retire': return retireUnits(state, c.slot);
    case 'rollback': return rollbackTo(state, c.slot, c.weight);
    case 'forget': return forgetUnits(state, c.slot);
    case 'pin': return pinUnit(state, c.slot ?? '', c.fingerprint ?? '');
    default: return refuse(state, c.name, 'the commands are start, shift, promote, retire, rollback, forget and pin', 'cdktf-bluegreen status');
  }
}

/** The command as a user types it. */
export function commandLine(c: StepCommand): string {
  const parts = ['cdktf-bluegreen', c.name];
  if (c.name === 'pin') parts.push(c.slot ?? '', c.fingerprint ?? '');
  else {
    if (c.version !== undefined) parts.push(c.version);
    if (c.slot !== undefined) parts.push('--slot', c.slot);
    if (c.weight !== undefined) parts.push('--weight', String(c.weight));
    if (c.fingerprint !== undefined) parts.push('--fingerprint', c.fingerprint);
  }
  return parts.join(' ');
}

/** What changed between two states, unit by unit: `green serving 10 → 35, blue serving 90 → 65`. */
export function describeChange(before: RolloutStateFile | undefined, after: RolloutStateFile): string {
  const parts: string[] = [];
  const show1 = (u: RolloutStateUnit) => (u.lifecycle === UnitLifecycle.SERVING ? `serving ${u.weight ?? 0}` : u.lifecycle);
  if (!before) return after.units.map((u) => `${u.slot} (${u.kubernetesVersion}) ${show1(u)}`).join(', ');
  const beforeBySlot = new Map(before.units.map((u) => [u.slot, u]));
  const afterSlots = new Set(after.units.map((u) => u.slot));
  for (const u of after.units) {
    const b = beforeBySlot.get(u.slot);
    if (!b) parts.push(`${u.slot} (${u.kubernetesVersion}) new ${show1(u)}`);
    else if (b.lifecycle !== u.lifecycle || (b.weight ?? 0) !== (u.weight ?? 0)) {
      parts.push(b.lifecycle === u.lifecycle ? `${u.slot} ${u.lifecycle} ${b.weight ?? 0} → ${u.weight ?? 0}` : `${u.slot} ${show1(b)} → ${show1(u)}`);
    } else if (b.fingerprint === undefined && u.fingerprint !== undefined) parts.push(`${u.slot} pinned to ${u.fingerprint}`);
  }
  for (const b of before.units) if (!afterSlots.has(b.slot)) parts.push(`${b.slot} (${b.kubernetesVersion}) forgotten`);
  return parts.length ? parts.join(', ') : 'no change';
}
