import { BlueGreenError } from './errors';
import { KubernetesVersion } from './kubernetes-version';
import { limitsFor, slotIndex } from './rollout-policy';
import { UnitLifecycle } from './rollout-model';
import { RolloutStateFile, RolloutStateUnit } from './state-file';

/**
 * Soak: each step waits long enough after the last traffic change for the gates of the next
 * deploy to judge real traffic. Enforced by `cdktf-bluegreen check --base`: the last traffic change
 * is the commit on the base branch (first-parent history, committer time) that last changed the
 * state file, i.e. the merge that deployed the previous step; the step under review is judged at
 * the time of the check. Time is always passed in, never read here.
 */

/** What kind of traffic change a step is (it decides which soak applies). */
export enum TransitionKind {
  /** A candidate starts serving. */
  CANARY = 'canary',
  /** A serving unit gains weight. */
  SHIFT = 'shift',
  /** One unit takes all the traffic; the others stand by. */
  PROMOTE = 'promote',
  /** Traffic goes back to an older or standby unit: never delayed. */
  ROLLBACK = 'rollback',
  /** No traffic moves (start, retire, forget, pin, policy). */
  NONE = 'none',
}

/** A step's kind, the unit that gains traffic, and whether the fast path of a patch-only upgrade applies. */
export interface StepKind {
  readonly kind: TransitionKind;
  readonly slot?: string;
  readonly patch: boolean;
}

function newestServing(state: RolloutStateFile): RolloutStateUnit | undefined {
  let best: RolloutStateUnit | undefined;
  let bestV: KubernetesVersion | undefined;
  for (const u of state.units) {
    if (u.lifecycle !== UnitLifecycle.SERVING) continue;
    const v = KubernetesVersion.tryParse(u.kubernetesVersion);
    // The later declared wins a tie: `start` appends the new unit.
    if (v && (!bestV || v.compare(bestV) >= 0)) { best = u; bestV = v; }
  }
  return best;
}

/** Classifies the step `before` → `after` (both valid). */
export function stepKind(before: RolloutStateFile, after: RolloutStateFile): StepKind {
  const b = slotIndex(before);
  const patchOf = (slot: string) => { const u = b.get(slot); return u ? limitsFor(before, u).patch : false; };
  const changed = after.units.filter((a) => { const x = b.get(a.slot); return x && (x.lifecycle !== a.lifecycle || (x.weight ?? 0) !== (a.weight ?? 0)); });
  const moved = changed.filter((a) => (a.weight ?? 0) !== (b.get(a.slot)!.weight ?? 0));
  if (moved.length === 0) return { kind: TransitionKind.NONE, patch: false };
  // A candidate that starts serving is a canary, whatever else the same step does (a step that also
  // lowers the newest unit's weight is no rollback: the canary still needs its soak).
  const canary = changed.find((a) => b.get(a.slot)!.lifecycle === UnitLifecycle.CANDIDATE && a.lifecycle === UnitLifecycle.SERVING);
  if (canary) return { kind: TransitionKind.CANARY, slot: canary.slot, patch: patchOf(canary.slot) };
  const gainers = moved.filter((a) => (a.weight ?? 0) > (b.get(a.slot)!.weight ?? 0)).sort((x, y) => (y.weight ?? 0) - (x.weight ?? 0));
  const newest = newestServing(before);
  const newestAfter = newest ? after.units.find((u) => u.slot === newest.slot) : undefined;
  const newestGains = newest !== undefined && newestAfter !== undefined && (newestAfter.weight ?? 0) > (newest.weight ?? 0);
  // Traffic that only goes back (to an older serving unit, or to a standby unit up to the weight it
  // already carried, see the weight-step rule) is a rollback and never waits.
  if (!newestGains) return { kind: TransitionKind.ROLLBACK, slot: (gainers[0] ?? newest)?.slot, patch: false };
  const gainer = newestAfter;
  const servingAfter = after.units.filter((u) => u.lifecycle === UnitLifecycle.SERVING);
  const servingBefore = before.units.filter((u) => u.lifecycle === UnitLifecycle.SERVING);
  const kind = servingAfter.length === 1 && servingBefore.length > 1 ? TransitionKind.PROMOTE : TransitionKind.SHIFT;
  return { kind, slot: gainer?.slot, patch: gainer ? patchOf(gainer.slot) : false };
}

/** The soak, in minutes, the base's policy asks before a step of this kind. */
export function soakMinutes(policyState: RolloutStateFile, k: StepKind): { minutes: number; field: string } {
  const p = policyState.policy;
  if (k.kind === TransitionKind.NONE || k.kind === TransitionKind.ROLLBACK) return { minutes: 0, field: '' };
  if (k.patch) return { minutes: p?.patchSoakMinutes ?? 0, field: 'patchSoakMinutes' };
  const field = `${k.kind}SoakMinutes` as 'canarySoakMinutes' | 'shiftSoakMinutes' | 'promoteSoakMinutes';
  return { minutes: p?.[field] ?? 0, field };
}

/** `1 h 05 min`, `12 min 30 s`, `45 s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return r ? `${m} min ${r} s` : `${m} min`;
  return `${r} s`;
}

/** When the last traffic change happened: the base commit that last changed the state file. */
export interface LastChange {
  /** Commit id (shown shortened). */
  readonly commit: string;
  /** Committer time, seconds since the epoch. */
  readonly time: number;
}

/** The verdict on a step's soak. */
export interface SoakVerdict {
  readonly kind: StepKind;
  /** Seconds the policy asks. */
  readonly required: number;
  /** Seconds since the last traffic change. */
  readonly elapsed: number;
  readonly ok: boolean;
}

/** Judges the soak of `before` → `after` at `now` (seconds since the epoch), with the base's policy. */
export function judgeSoak(before: RolloutStateFile, after: RolloutStateFile, last: LastChange | undefined, now: number): SoakVerdict {
  const kind = stepKind(before, after);
  const required = soakMinutes(before, kind).minutes * 60;
  if (required === 0 || last === undefined) return { kind, required, elapsed: last ? now - last.time : 0, ok: true };
  // A base commit a little ahead of the clock (within the skew check --base allows) counts as now:
  // the time left is never more than the soak itself (at most one week).
  const elapsed = Math.max(0, now - last.time);
  return { kind, required, elapsed, ok: elapsed >= required };
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** A step that came before its soak ran out: names the kind, the soak, the last change, the time left and when it passes. */
export class SoakError extends BlueGreenError {
  /** Seconds left. */
  public readonly secondsLeft: number;

  constructor(file: string, before: RolloutStateFile, after: RolloutStateFile, verdict: SoakVerdict, last: LastChange) {
    const { field } = soakMinutes(before, verdict.kind);
    const left = verdict.required - verdict.elapsed;
    const path = verdict.kind.patch ? ' (patch-only fast path)' : '';
    super({
      fleet: before.fleet, unit: verdict.kind.slot, field: `${file}: step ${before.step} → ${after.step} (${verdict.kind.kind}${path}), policy.${field}`,
      value: `${formatDuration(Math.max(0, verdict.elapsed))} since the last traffic change (commit ${last.commit.slice(0, 12)} at ${iso(last.time)})`,
      rule: `rule soak: a ${verdict.kind.kind} step waits ${formatDuration(verdict.required)} after the last traffic change, so the gates of its deploy judge at least that much traffic; ${formatDuration(left)} left`,
      fix: `merge it from ${iso(last.time + verdict.required)} on (re-run the check then); a rollback is never delayed`,
    });
    this.name = 'SoakError';
    this.secondsLeft = left;
  }
}
