import { BlueGreenError, show } from './errors';
import { buildableNextVersions, NextVersionFacts } from './version-next';
import { KubernetesVersion } from './kubernetes-version';
import { DEFAULT_MAXIMUM_KUBERNETES_VERSION, DEFAULT_MINIMUM_KUBERNETES_VERSION } from './kubernetes-version';
import { limitsFor, peakOf, slotIndex } from './rollout-policy';
import { UnitDeclaration, UnitLifecycle } from './rollout-model';
import { applyStep, commandLine, describeChange, StepCommand } from './rollout-steps';
import { parseRolloutState, RolloutStateFile, RolloutStateUnit } from './state-file';

/**
 * The rules that decide whether one rollout state may follow another (a pull request's base and
 * head). Each state must also be valid on its own.
 */
export enum TransitionRule {
  /** A state file belongs to one fleet for its whole life. */
  FLEET = 'fleet',
  /** Every change of lifecycles or weights is one step: the step number goes up by exactly 1. */
  STEP_NUMBER = 'step-number',
  /** `since` and `peakWeight` record the history the other rules read; they are kept truthfully. */
  HISTORY = 'history',
  /** A slot's version and pinned fingerprint never change (a changed spec is a new unit). */
  IDENTITY = 'identity',
  /** A new unit enters as a candidate, with weight 0. */
  NEW_UNIT = 'new-unit',
  /** Lifecycles only move candidate → serving → standby → retired (a standby unit may serve again: rollback). */
  LIFECYCLE = 'lifecycle',
  /** A serving unit stands by (weight 0, kept for rollback) for at least one step before it is retired. */
  STANDBY_BEFORE_RETIRE = 'standby-before-retire',
  /** A unit's first weight is at most the policy's canary weight. */
  CANARY = 'canary',
  /** A serving unit gains at most the policy's weight step, unless it returns to a weight it already carried. */
  WEIGHT_STEP = 'weight-step',
  /** A unit leaves the file only after a state in which it was retired. */
  FORGET = 'forget',
}

/** One broken transition rule. */
export interface TransitionViolation {
  /** The rule. */
  readonly rule: TransitionRule;
  /** The unit involved. @default - a fleet-wide rule */
  readonly slot?: string;
  /** The unit in the base state, e.g. `serving 10` (or `(absent)`). */
  readonly before: string;
  /** The unit in the new state. */
  readonly after: string;
  /** What the rule says and what would pass. */
  readonly message: string;
}

/** A legal next step from a state: the command and what it changes. */
export interface NextStep {
  /** The command line, e.g. `cdktf-bluegreen shift`. */
  readonly command: string;
  /** What it changes, e.g. `green serving 10 → 35, blue serving 90 → 65`. */
  readonly change: string;
}

const NEXT: { [from: string]: UnitLifecycle[] } = {
  [UnitLifecycle.CANDIDATE]: [UnitLifecycle.CANDIDATE, UnitLifecycle.SERVING, UnitLifecycle.RETIRED],
  [UnitLifecycle.SERVING]: [UnitLifecycle.SERVING, UnitLifecycle.STANDBY],
  [UnitLifecycle.STANDBY]: [UnitLifecycle.STANDBY, UnitLifecycle.SERVING, UnitLifecycle.RETIRED],
  [UnitLifecycle.RETIRED]: [UnitLifecycle.RETIRED],
};

function unitText(u: RolloutStateUnit | undefined): string {
  if (!u) return '(absent)';
  return u.lifecycle === UnitLifecycle.SERVING ? `serving ${u.weight ?? 0}` : `${u.lifecycle}`;
}

/** A state file spells every version canonically (plain digits, see state-file.ts), so the same version is the same string. */
function sameVersion(a: string, b: string): boolean {
  return a === b;
}

/** At most this many `retire --slot <candidate>` suggestions (the last declared): the list stays readable and cheap at any fleet size. */
const MAX_ABANDON_SUGGESTIONS = 3;

/** Whether a state differs from another in what a deploy does (units, lifecycles, weights). */
export function unitsChanged(before: RolloutStateFile, after: RolloutStateFile): boolean {
  if (before.units.length !== after.units.length) return true;
  const bySlot = slotIndex(before);
  return after.units.some((u) => {
    const b = bySlot.get(u.slot);
    return !b || b.lifecycle !== u.lifecycle || (b.weight ?? 0) !== (u.weight ?? 0) || !sameVersion(b.kubernetesVersion, u.kubernetesVersion);
  });
}

/**
 * Every transition rule that `after` breaks as a successor of `before`, judged under the base's
 * policy (so a pull request cannot loosen the policy and use the looser limits at once). Both
 * states are assumed valid on their own (see `checkTransition`).
 */
export function transitionViolations(before: RolloutStateFile, after: RolloutStateFile): TransitionViolation[] {
  const out: TransitionViolation[] = [];
  const add = (rule: TransitionRule, b: RolloutStateUnit | undefined, a: RolloutStateUnit | undefined, message: string) => {
    out.push({ rule, slot: (a ?? b)?.slot, before: unitText(b), after: unitText(a), message });
  };
  if (after.fleet !== before.fleet) {
    out.push({ rule: TransitionRule.FLEET, before: before.fleet, after: after.fleet, message: `the file belongs to fleet "${before.fleet}" for its whole life; keep "fleet": "${before.fleet}" (a new fleet gets a new file)` });
  }
  const changed = unitsChanged(before, after);
  const step = changed ? before.step + 1 : before.step;
  if (after.step !== step) {
    out.push({
      rule: TransitionRule.STEP_NUMBER, before: `step ${before.step}`, after: `step ${after.step}`,
      message: changed
        ? `a change of units, lifecycles or weights is one step, so the step goes from ${before.step} to ${step}: "step": ${step} (make each further step its own pull request)`
        : `nothing a deploy would do changed, so the step stays ${before.step}: "step": ${before.step}`,
    });
  }
  // With a wrong step number, every `since` would be off too: report the cause only.
  const stepOk = after.step === step;
  const beforeBySlot = slotIndex(before);
  // The base's policy decides which minors a new unit may use: a PR cannot widen the range and use it at once.
  const min = KubernetesVersion.parse(before.policy?.minimumKubernetesVersion ?? DEFAULT_MINIMUM_KUBERNETES_VERSION);
  const max = KubernetesVersion.parse(before.policy?.maximumKubernetesVersion ?? DEFAULT_MAXIMUM_KUBERNETES_VERSION);
  for (const a of after.units) {
    const b = beforeBySlot.get(a.slot);
    const w = a.weight ?? 0;
    if (!b) {
      if (a.lifecycle !== UnitLifecycle.CANDIDATE || w !== 0) {
        add(TransitionRule.NEW_UNIT, b, a, `a new unit enters as a candidate with weight 0, so its validation stack checks it before it gets traffic: "lifecycle": "candidate", "weight": 0 (then promote it in the next step)`);
      }
      const v = KubernetesVersion.tryParse(a.kubernetesVersion);
      if (v && (v.minorsAhead(min) < 0 || v.minorsAhead(max) > 0)) {
        add(TransitionRule.NEW_UNIT, b, a, `a new unit uses a minor the base's policy allows, ${min.minorVersion} to ${max.minorVersion}; a change of minimumKubernetesVersion / maximumKubernetesVersion applies from the next pull request on: merge the policy change first, then start ${v.minorVersion}`);
      }
      if (stepOk && a.since !== step) add(TransitionRule.HISTORY, b, a, `a new unit entered its lifecycle in this step: "since": ${step}`);
      continue;
    }
    if (!sameVersion(a.kubernetesVersion, b.kubernetesVersion)) {
      add(TransitionRule.IDENTITY, b, a, `slot ${a.slot} holds version ${b.kubernetesVersion} until it is forgotten; a unit never changes version in place. Keep "kubernetesVersion": "${b.kubernetesVersion}" and start ${a.kubernetesVersion} as a new unit in a free slot`);
    }
    if (b.fingerprint !== undefined && a.fingerprint !== b.fingerprint) {
      add(TransitionRule.IDENTITY, b, a, `slot ${a.slot} is pinned to fingerprint "${b.fingerprint}"; a changed spec is a new unit. Keep "fingerprint": "${b.fingerprint}"`);
    }
    if (!NEXT[b.lifecycle].includes(a.lifecycle)) {
      if (b.lifecycle === UnitLifecycle.SERVING && a.lifecycle === UnitLifecycle.RETIRED) {
        add(TransitionRule.STANDBY_BEFORE_RETIRE, b, a, `a serving unit stands by (weight 0, kept for rollback) for at least one step before it is retired: "lifecycle": "standby" now, retire it in a later step`);
      } else {
        add(TransitionRule.LIFECYCLE, b, a, `a ${b.lifecycle} unit may become ${NEXT[b.lifecycle].filter((l) => l !== b.lifecycle).join(' or ') || 'nothing else'} (lifecycles move candidate → serving → standby → retired; a standby unit may serve again)`);
      }
    }
    const limits = limitsFor(before, b);
    const path = limits.patch ? ' (patch-only fast path)' : '';
    if (b.lifecycle === UnitLifecycle.CANDIDATE && a.lifecycle === UnitLifecycle.SERVING && w > limits.canaryWeight) {
      add(TransitionRule.CANARY, b, a, `a unit's first weight is at most the canary weight ${limits.canaryWeight}${path}: "weight": ${limits.canaryWeight}`);
    }
    if (b.lifecycle === UnitLifecycle.SERVING && a.lifecycle === UnitLifecycle.SERVING && w > (b.weight ?? 0)) {
      const allowed = Math.max((b.weight ?? 0) + limits.maxWeightStep, peakOf(b));
      if (w > allowed) {
        add(TransitionRule.WEIGHT_STEP, b, a, `a serving unit gains at most ${limits.maxWeightStep} weight per step${path} unless it returns to a weight it already carried (peak ${peakOf(b)}): "weight": ${Math.min(100, allowed)} at most`);
      }
    }
    if (b.lifecycle === UnitLifecycle.STANDBY && a.lifecycle === UnitLifecycle.SERVING && b.peakWeight !== undefined && w > b.peakWeight) {
      // A rollback returns a unit to traffic it already carried; what follows must not inherit a serving history it never soaked.
      add(TransitionRule.WEIGHT_STEP, b, a, `a standby unit serves again with at most the highest weight it carried (peakWeight ${b.peakWeight}); from there it gains weight step by step: "weight": ${b.peakWeight} at most`);
    }
    if (b.peakWeight !== undefined && a.peakWeight === undefined) {
      add(TransitionRule.HISTORY, b, a, `peakWeight records the highest weight the unit carried and is never dropped: "peakWeight": ${Math.max(peakOf(b), w)}`);
    } else if (a.peakWeight === undefined && a.lifecycle !== b.lifecycle && (a.lifecycle === UnitLifecycle.SERVING || a.lifecycle === UnitLifecycle.STANDBY)) {
      add(TransitionRule.HISTORY, b, a, `a unit that starts serving or stands by records the highest weight it carried: "peakWeight": ${Math.max(peakOf(b), w)}`);
    }
    const since = a.lifecycle === b.lifecycle ? b.since : step;
    if (stepOk && a.since !== since) add(TransitionRule.HISTORY, b, a, `since records the step at which the unit entered its lifecycle: "since": ${since}`);
    const peak = Math.max(peakOf(b), w);
    if (a.peakWeight !== undefined && a.peakWeight !== peak) add(TransitionRule.HISTORY, b, a, `peakWeight records the highest weight the unit carried: "peakWeight": ${peak}`);
  }
  const afterBySlot = slotIndex(after);
  for (const b of before.units) {
    if (afterBySlot.has(b.slot)) continue;
    if (b.lifecycle !== UnitLifecycle.RETIRED) {
      add(TransitionRule.FORGET, b, undefined, `a unit leaves the file only after a state in which it was retired (so a deploy destroyed it first); keep ${b.slot} and retire it${b.lifecycle === UnitLifecycle.SERVING ? ' once it has stood by' : ''}`);
    }
  }
  return out;
}

/**
 * The legal next steps from a state: each default command of the CLI that yields a valid state
 * breaking no transition rule.
 */
export function legalNextSteps(state: RolloutStateFile, facts?: NextVersionFacts): NextStep[] {
  // Only a version the fleet's kind can build next (offered, skew-legal, within the policy).
  const next = buildableNextVersions(state, facts)[0];
  const tries: StepCommand[] = [
    { name: 'promote' }, { name: 'shift' }, { name: 'rollback' }, { name: 'retire' }, { name: 'forget' },
    ...state.units.filter((u) => u.lifecycle === UnitLifecycle.CANDIDATE).slice(-MAX_ABANDON_SUGGESTIONS).map((u) => ({ name: 'retire', slot: u.slot })),
    // A new unit is worth suggesting once the fleet is down to one live unit.
    ...(next !== undefined && state.units.filter((u) => u.lifecycle !== UnitLifecycle.RETIRED).length === 1 ? [{ name: 'start', version: next }] : []),
  ];
  const out: NextStep[] = [];
  for (const c of tries) {
    try {
      const next = parseRolloutState(applyStep(state, c), 'next');
      const change = describeChange(state, next);
      // Two commands with the same effect (shift onto 100 = promote): list the first only.
      if (transitionViolations(state, next).length === 0 && !out.some((o) => o.change === change)) out.push({ command: commandLine(c), change });
    } catch (e) {
      if (!(e instanceof BlueGreenError)) throw e;
    }
  }
  return out;
}

/** A refused transition: names the file, the two steps, each broken rule with the units involved, and the legal next steps. */
export class TransitionError extends Error {
  /** The state file. */
  public readonly file: string;
  /** The fleet. */
  public readonly fleet: string;
  /** Every broken rule. */
  public readonly violations: TransitionViolation[];
  /** What would be legal instead, from the base state. */
  public readonly legalNextSteps: NextStep[];

  constructor(file: string, before: RolloutStateFile, after: RolloutStateFile, violations: TransitionViolation[]) {
    const next = legalNextSteps(before);
    const lines = [
      `${file}: fleet "${before.fleet}": step ${before.step} → ${after.step} is refused (${violations.length} rule${violations.length === 1 ? '' : 's'} broken).`,
      ...violations.map((v) => `  ✗ rule ${v.rule} (${v.slot ? `${v.slot}: ` : ''}${v.before} → ${v.after}): ${v.message}.`),
      next.length ? `  Legal next steps from step ${before.step}:` : `  No command leads on from step ${before.step}; edit the file by hand within the rules.`,
      ...next.map((n) => `    ${n.command.padEnd(Math.max(...next.map((x) => x.command.length)))}  ${n.change}`),
    ];
    super(lines.join('\n'));
    this.name = 'TransitionError';
    this.file = file;
    this.fleet = before.fleet;
    this.violations = violations;
    this.legalNextSteps = next;
  }
}

/**
 * Checks that `after` is a legal successor of `before`: both valid on their own (single-step
 * invariants), and no transition rule broken. Throws a `RolloutStateError` or a `TransitionError`.
 */
export function checkTransition(before: RolloutStateFile, after: RolloutStateFile, file = 'rollout state'): void {
  const b = parseRolloutState(before, `${file} (base)`);
  const a = parseRolloutState(after, file);
  const violations = transitionViolations(b, a);
  if (violations.length > 0) throw new TransitionError(file, b, a, violations);
}

/**
 * The synth-time half of {@link TransitionRule.STANDBY_BEFORE_RETIRE} for a fleet that is told its
 * previous step (`previousUnits`): a unit serving there is not retired here. The state file alone
 * cannot tell (it keeps `since` and `peakWeight`, not the previous lifecycle), so without the
 * previous step only the CLI's `check --base` applies this rule.
 */
export function checkStandbyBeforeRetire(fleet: string, units: UnitDeclaration[], previous: UnitDeclaration[] | undefined): void {
  if (previous === undefined) return;
  if (!Array.isArray(previous)) {
    throw new BlueGreenError({ fleet, field: 'previousUnits', value: show(previous), rule: 'previousUnits is the list of units of the previous step', fix: 'previousUnits: [ ...the units your main branch declares ]' });
  }
  const refuse = (unit: string, field: string, value: string, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet, unit, field, value, rule, fix });
  };
  for (const u of units) {
    const p = previous.find((x) => x.slot === u.slot);
    if (p && p.kubernetesVersion !== u.kubernetesVersion) {
      refuse(u.slot, 'kubernetesVersion', `${show(u.kubernetesVersion)} (previous step: ${show(p.kubernetesVersion)})`, 'a unit never changes version in place (a new version is a new unit in a free slot)', `kubernetesVersion: ${show(p.kubernetesVersion)}, and declare the new version as a new candidate unit`);
    }
    if (p && p.lifecycle !== u.lifecycle && !NEXT[p.lifecycle]?.includes(u.lifecycle) && !(u.lifecycle === UnitLifecycle.RETIRED && p.lifecycle === UnitLifecycle.SERVING)) {
      refuse(u.slot, 'lifecycle', `${show(u.lifecycle)} (previous step: ${p.lifecycle})`, `lifecycles move candidate → serving → standby → retired (a standby unit may serve again, a candidate may be retired); a ${p.lifecycle} unit may become ${NEXT[p.lifecycle].filter((l) => l !== p.lifecycle).join(' or ') || 'nothing else'}`, `lifecycle: UnitLifecycle.${p.lifecycle.toUpperCase()} as in the previous step, then one legal move per step`);
    }
    if (u.lifecycle === UnitLifecycle.RETIRED && p?.lifecycle === UnitLifecycle.SERVING) {
      throw new BlueGreenError({
        fleet, unit: u.slot, field: 'lifecycle', value: `${show(u.lifecycle)} (previous step: serving ${p.weight ?? 0})`,
        rule: 'a serving unit stands by (weight 0, kept for rollback) for at least one step before it is retired, so traffic has left it and a rollback is possible',
        fix: 'lifecycle: UnitLifecycle.STANDBY, weight: 0 in this step; UnitLifecycle.RETIRED in the next',
      });
    }
  }
  for (const p of previous) {
    if (p.lifecycle !== UnitLifecycle.RETIRED && !units.some((u) => u.slot === p.slot)) {
      refuse(p.slot, 'units', `(absent; previous step: ${p.lifecycle})`, 'a unit leaves the fleet only after a step in which it was retired, so a deploy destroyed it after traffic left it', `keep ${p.slot} and retire it first (standby for a step if it serves)`);
    }
  }
}
