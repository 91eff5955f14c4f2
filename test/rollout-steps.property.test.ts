import * as fc from 'fast-check';
import { KubernetesVersion, RolloutStateFile, RolloutStateUnit, TransitionRule, UnitLifecycle } from '../src';
import { BlueGreenError } from '../src/core/errors';
import { formatRolloutState, parseRolloutStateText } from '../src/core/state-file';
import { checkTransition, TransitionError, transitionViolations } from '../src/core/transitions';
import { applyCommand, initState } from '../src/cli/commands';
import { StepCommand } from '../src/core/rollout-steps';
import { edit } from './support/rollout-states';
import { runs } from './support/depth';

// Random sequences of CLI commands, applied in-process (the same functions the CLI runs).

const VERSIONS = ['1.31', '1.32', '1.33', '1.33.2', '1.34', '1.34.1', '1.35', '1.36'];
const SLOTS = ['blue', 'green', 'teal', 'amber', 'x1'];
const slot = fc.option(fc.constantFrom(...SLOTS), { nil: undefined });
const weight = fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined });

const command: fc.Arbitrary<StepCommand> = fc.oneof(
  { arbitrary: fc.record({ name: fc.constant('start'), version: fc.constantFrom(...VERSIONS), slot, fingerprint: fc.option(fc.constantFrom('abcdef', 'ejqurb'), { nil: undefined }) }), weight: 2 },
  { arbitrary: fc.record({ name: fc.constant('promote'), slot, weight: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }) }), weight: 3 },
  { arbitrary: fc.record({ name: fc.constant('shift'), slot, weight }), weight: 2 },
  { arbitrary: fc.record({ name: fc.constant('shift') }), weight: 4 },
  { arbitrary: fc.record({ name: fc.constant('retire'), slot }), weight: 3 },
  { arbitrary: fc.record({ name: fc.constant('rollback'), slot, weight }), weight: 1 },
  { arbitrary: fc.record({ name: fc.constant('forget'), slot }), weight: 3 },
  { arbitrary: fc.record({ name: fc.constant('pin'), slot: fc.constantFrom(...SLOTS), fingerprint: fc.constantFrom('abcdef', 'zzzzzz') }), weight: 1 },
);

const policy = fc.record({
  canaryWeight: fc.integer({ min: 1, max: 30 }),
  maxWeightStep: fc.integer({ min: 5, max: 50 }),
  patchCanaryWeight: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
  patchMaxWeightStep: fc.option(fc.integer({ min: 5, max: 100 }), { nil: undefined }),
});

/** A command sequence that begins with a new unit, so runs reach the middle of rollouts. */
const sequence = (max: number) => fc.tuple(fc.constantFrom('1.33.4', '1.34', '1.35'), fc.array(command, { minLength: 5, maxLength: max }))
  .map(([v, rest]): StepCommand[] => [{ name: 'start', version: v }, ...rest]);

const start = fc.tuple(fc.constantFrom('1.31', '1.33'), policy).map(([v, p]) => ({ ...initState('shop', v), policy: p }));

/** The rules restated on their own, from the test's own record of history (not the library's). */
function oracle(before: RolloutStateFile, after: RolloutStateFile, peaks: Map<string, number>, c: StepCommand): void {
  expect(after.units.reduce((s, u) => s + (u.weight ?? 0), 0)).toBe(100);
  expect(after.step).toBe(c.name === 'pin' ? before.step : before.step + 1);
  const p = before.policy!;
  const minor = (u: RolloutStateUnit) => KubernetesVersion.parse(u.kubernetesVersion).minor;
  for (const a of after.units) {
    const b = before.units.find((x) => x.slot === a.slot);
    if (!b) {
      expect([a.lifecycle, a.weight]).toEqual([UnitLifecycle.CANDIDATE, 0]);
      continue;
    }
    expect(a.kubernetesVersion).toBe(b.kubernetesVersion);
    if (b.fingerprint) expect(a.fingerprint).toBe(b.fingerprint);
    if (b.lifecycle === UnitLifecycle.RETIRED) expect(a.lifecycle).toBe(UnitLifecycle.RETIRED);
    if (b.lifecycle === UnitLifecycle.SERVING) expect(a.lifecycle).not.toBe(UnitLifecycle.RETIRED);
    const others = before.units.filter((o) => o.slot !== b.slot && (o.lifecycle === UnitLifecycle.SERVING || o.lifecycle === UnitLifecycle.STANDBY));
    const patchOf = (u: RolloutStateUnit) => KubernetesVersion.parse(u.kubernetesVersion).patch ?? 0;
    const patch = others.every((o) => minor(o) === minor(b) && patchOf(b) > patchOf(o));
    if (b.lifecycle === UnitLifecycle.CANDIDATE && a.lifecycle === UnitLifecycle.SERVING) {
      expect(a.weight).toBeLessThanOrEqual(patch ? p.patchCanaryWeight ?? p.canaryWeight! : p.canaryWeight!);
    }
    if (b.lifecycle === UnitLifecycle.SERVING && a.lifecycle === UnitLifecycle.SERVING && a.weight! > b.weight!) {
      const step = patch ? p.patchMaxWeightStep ?? p.maxWeightStep! : p.maxWeightStep!;
      expect(a.weight! <= b.weight! + step || a.weight! <= (peaks.get(a.slot) ?? 0)).toBe(true);
    }
  }
  for (const b of before.units) if (!after.units.some((a) => a.slot === b.slot)) expect(b.lifecycle).toBe(UnitLifecycle.RETIRED);
}

/** Runs a command sequence; returns every state reached. */
function run(initial: RolloutStateFile, commands: StepCommand[], onStep?: (b: RolloutStateFile, a: RolloutStateFile, peaks: Map<string, number>, c: StepCommand) => void): RolloutStateFile[] {
  const peaks = new Map<string, number>(initial.units.map((u) => [u.slot, u.peakWeight ?? u.weight ?? 0]));
  const states = [initial];
  let s = initial;
  for (const c of commands) {
    let next: RolloutStateFile;
    try {
      next = applyCommand(s, c, 'rollout/shop.json');
    } catch (e) {
      // A refusal is one of the library's errors, never a crash.
      expect(e instanceof BlueGreenError || e instanceof TransitionError).toBe(true);
      continue;
    }
    // What the CLI writes, read back: valid on its own and a legal successor.
    const written = parseRolloutStateText(formatRolloutState(next), 'rollout/shop.json');
    expect(written).toEqual(next);
    expect(transitionViolations(s, written)).toEqual([]);
    onStep?.(s, written, peaks, c);
    for (const u of written.units) peaks.set(u.slot, Math.max(peaks.get(u.slot) ?? 0, u.weight ?? 0));
    for (const u of s.units) if (!written.units.some((x) => x.slot === u.slot)) peaks.delete(u.slot);
    states.push(written);
    s = written;
  }
  return states;
}

describe('rollout commands (property)', () => {
  test('every state a random command sequence writes is valid and a legal successor, by the rules and by an independent oracle', () => {
    let accepted = 0;
    fc.assert(fc.property(start, sequence(30), (initial, commands) => {
      accepted += run(initial, commands, oracle).length - 1;
    }), { numRuns: runs(200) });
    // the sequences really walk: more than two accepted steps per run on average
    expect(accepted).toBeGreaterThan(2 * runs(200));
  });

  test('the default commands always complete an upgrade: start, promote, shift until done, retire, forget', () => {
    fc.assert(fc.property(start, fc.constantFrom('1.33.5', '1.34', '1.35'), (initial, v) => {
      let s = applyCommand(initial, { name: 'start', version: v });
      s = applyCommand(s, { name: 'promote' });
      for (let i = 0; i < 30 && s.units.some((u) => u.lifecycle === UnitLifecycle.SERVING && u.slot === 'blue'); i++) s = applyCommand(s, { name: 'shift' });
      s = applyCommand(s, { name: 'retire' });
      s = applyCommand(s, { name: 'forget' });
      expect(s.units.map((u) => [u.slot, u.kubernetesVersion, u.lifecycle, u.weight])).toEqual([['green', KubernetesVersion.parse(v).toString(), UnitLifecycle.SERVING, 100]]);
    }), { numRuns: runs(100) });
  });

  const kinds = ['new-serving', 'weight-jump', 'retire-serving', 'forget-live', 'version-change', 'canary-jump', 'skip-step', 'resurrect', 'repin', 'serving-to-candidate'] as const;
  const seen = new Map<string, number>();

  /** Illegal hand edits of a state, each with the rule that must catch it (only those that apply). */
  function illegalEdits(s: RolloutStateFile, legalNext: RolloutStateFile | undefined): Array<[typeof kinds[number], TransitionRule, RolloutStateFile]> {
    const out: Array<[typeof kinds[number], TransitionRule, RolloutStateFile]> = [];
    const p = s.policy!;
    const units = () => s.units.map((u) => ({ ...u }));
    const serving = s.units.filter((u) => u.lifecycle === UnitLifecycle.SERVING);
    const take = (us: RolloutStateUnit[], except: string, amount: number) => {
      for (const o of us.filter((x) => x.slot !== except && x.lifecycle === UnitLifecycle.SERVING).sort((a, b) => b.weight! - a.weight!)) {
        const t = Math.min(o.weight!, amount);
        (o as any).weight -= t;
        amount -= t;
        if (o.weight === 0) (o as any).lifecycle = UnitLifecycle.STANDBY;
      }
    };
    const big = serving.find((u) => u.weight! >= 2);
    if (big) {
      const us = units();
      (us.find((u) => u.slot === big.slot) as any).weight = big.weight! - 1;
      us.push({ slot: 'zz', kubernetesVersion: '1.35', lifecycle: UnitLifecycle.SERVING, weight: 1, since: 0 });
      out.push(['new-serving', TransitionRule.NEW_UNIT, edit(s, us)]);
    }
    for (const u of serving) {
      const maxStep = Math.max(p.maxWeightStep!, p.patchMaxWeightStep ?? 0);
      const target = Math.max(u.weight! + maxStep, u.peakWeight ?? 0) + 1;
      if (serving.length > 1 && target <= 100) {
        const us = units();
        take(us, u.slot, target - u.weight!);
        (us.find((x) => x.slot === u.slot) as any).weight = target;
        out.push(['weight-jump', TransitionRule.WEIGHT_STEP, edit(s, us)]);
        const us2 = units();
        const other = us2.find((x) => x.slot !== u.slot && x.lifecycle === UnitLifecycle.SERVING)!;
        (other as any).weight += u.weight!;
        Object.assign(us2.find((x) => x.slot === u.slot)!, { lifecycle: UnitLifecycle.RETIRED, weight: 0 });
        out.push(['retire-serving', TransitionRule.STANDBY_BEFORE_RETIRE, edit(s, us2)]);
        break;
      }
    }
    const idle = s.units.find((u) => u.lifecycle === UnitLifecycle.CANDIDATE || u.lifecycle === UnitLifecycle.STANDBY);
    if (idle) out.push(['forget-live', TransitionRule.FORGET, edit(s, units().filter((u) => u.slot !== idle.slot))]);
    {
      const us = units();
      const u = us[us.length - 1];
      (u as any).kubernetesVersion = u.kubernetesVersion === '1.36' ? '1.35' : '1.36';
      out.push(['version-change', TransitionRule.IDENTITY, edit(s, us)]);
    }
    const cand = s.units.find((u) => u.lifecycle === UnitLifecycle.CANDIDATE);
    const w = Math.max(p.canaryWeight!, p.patchCanaryWeight ?? 0) + 1;
    if (cand && serving.reduce((n, u) => n + u.weight!, 0) >= w && w < 100) {
      const us = units();
      take(us, cand.slot, w);
      Object.assign(us.find((x) => x.slot === cand.slot)!, { lifecycle: UnitLifecycle.SERVING, weight: w });
      if (us.some((x) => x.lifecycle === UnitLifecycle.SERVING && x.slot !== cand.slot)) out.push(['canary-jump', TransitionRule.CANARY, edit(s, us)]);
    }
    if (legalNext && legalNext.step === s.step + 1) {
      out.push(['skip-step', TransitionRule.STEP_NUMBER, { ...legalNext, step: legalNext.step + 1, units: legalNext.units.map((u) => ({ ...u, since: u.since === legalNext.step ? u.since + 1 : u.since })) }]);
    }
    const retired = s.units.find((u) => u.lifecycle === UnitLifecycle.RETIRED);
    if (retired) out.push(['resurrect', TransitionRule.LIFECYCLE, edit(s, units().map((u) => (u.slot === retired.slot ? { ...u, lifecycle: UnitLifecycle.STANDBY } : u)))]);
    const pinned = s.units.find((u) => u.fingerprint !== undefined);
    if (pinned) out.push(['repin', TransitionRule.IDENTITY, { ...s, units: units().map((u) => (u.slot === pinned.slot ? { ...u, fingerprint: pinned.fingerprint === 'qqqqqq' ? 'rrrrrr' : 'qqqqqq' } : u)) }]);
    if (serving.length > 1) {
      const [a, b] = serving;
      const demoted = edit(s, units().map((u) => (u.slot === a.slot ? { ...u, lifecycle: UnitLifecycle.CANDIDATE, weight: 0 } : u.slot === b.slot ? { ...u, weight: u.weight! + a.weight! } : u)));
      out.push(['serving-to-candidate', TransitionRule.LIFECYCLE, { ...demoted, units: demoted.units.map((u) => (u.slot === a.slot ? { ...u, peakWeight: 0 } : u)) }]);
    }
    return out;
  }

  test('every illegal hand edit of a reachable state is caught by the transition check, naming the rule it breaks', () => {
    fc.assert(fc.property(start, sequence(20), (initial, commands) => {
      const states = run(initial, commands);
      states.forEach((s, i) => {
        illegalEdits(s, states[i + 1]).forEach(([kind, rule, after], j) => {
          // The edit is a valid state on its own: only the transition rules can catch it.
          parseRolloutStateText(formatRolloutState(after), 'rollout/shop.json');
          expect({ kind, rules: transitionViolations(s, after).map((v) => v.rule) }).toEqual({ kind, rules: expect.arrayContaining([rule]) });
          // (The full check, with its list of legal next steps, costs more: once per state is enough.)
          if (j === 0) expect(() => checkTransition(s, after, 'rollout/shop.json')).toThrow(TransitionError);
          seen.set(kind, (seen.get(kind) ?? 0) + 1);
        });
      });
    }), { numRuns: runs(100) });
    // Every kind of illegal edit was tried, so the property is not vacuous.
    for (const k of kinds) expect([k, (seen.get(k) ?? 0) > 0]).toEqual([k, true]);
  });
});
