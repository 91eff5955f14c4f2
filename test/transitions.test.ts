import { TransitionRule, UnitLifecycle } from '../src';
import { RolloutStateError } from '../src/core/state-file';
import { checkTransition, legalNextSteps, TransitionError, transitionViolations } from '../src/core/transitions';
import { edit, state } from './support/rollout-states';

const rulesOf = (before: ReturnType<typeof state>, after: ReturnType<typeof state>) => transitionViolations(before, after).map((v) => v.rule);

describe('transition rules', () => {
  const canary = state(2, [['blue', '1.33', 'serving', 90, { peakWeight: 100 }], ['green', '1.34', 'serving', 10, { since: 2, peakWeight: 10 }]]);

  test('compliance: one weight step onto the new unit is legal', () => {
    const next = edit(canary, [{ ...canary.units[0], weight: 65 }, { ...canary.units[1], weight: 35 }]);
    expect(transitionViolations(canary, next)).toEqual([]);
    expect(() => checkTransition(canary, next, 'rollout/shop.json')).not.toThrow();
  });

  test('noncompliance weight-step: jumping past the policy step names the rule, both states of the unit and the legal next steps', () => {
    const next = edit(canary, [{ ...canary.units[0], weight: 40 }, { ...canary.units[1], weight: 60 }]);
    let err: TransitionError | undefined;
    try { checkTransition(canary, next, 'rollout/shop.json'); } catch (e) { err = e as TransitionError; }
    expect(err).toBeInstanceOf(TransitionError);
    expect(err!.violations.map((v) => v.rule)).toEqual([TransitionRule.WEIGHT_STEP]);
    expect(err!.message).toContain('rollout/shop.json: fleet "shop": step 2 → 3 is refused');
    expect(err!.message).toContain('rule weight-step (green: serving 10 → serving 60)');
    expect(err!.message).toContain('"weight": 35 at most');
    expect(err!.legalNextSteps.map((s) => s.command)).toEqual(['cdktf-bluegreen shift', 'cdktf-bluegreen rollback']);
    expect(err!.message).toMatch(/cdktf-bluegreen shift\s+blue serving 90 → 65, green serving 10 → 35/);
  });

  test('compliance: a unit may return to a weight it already carried in one step (rollback to the old unit)', () => {
    const next = edit(canary, [{ ...canary.units[0], weight: 100 }, { ...canary.units[1], lifecycle: UnitLifecycle.STANDBY, weight: 0 }]);
    expect(rulesOf(canary, next)).toEqual([]);
  });

  test('noncompliance canary: a candidate\'s first weight is at most the canary weight', () => {
    const before = state(1, [['blue', '1.33', 'serving', 100, { peakWeight: 100 }], ['green', '1.34', 'candidate', 0, { since: 1, peakWeight: 0 }]]);
    expect(rulesOf(before, edit(before, [{ ...before.units[0], weight: 90 }, { ...before.units[1], lifecycle: UnitLifecycle.SERVING, weight: 10 }]))).toEqual([]);
    expect(rulesOf(before, edit(before, [{ ...before.units[0], weight: 80 }, { ...before.units[1], lifecycle: UnitLifecycle.SERVING, weight: 20 }]))).toEqual([TransitionRule.CANARY]);
  });

  test('patch fast path: a newer patch of the same minor may use the policy\'s patch canary and step; a minor upgrade or a same-version rebuild may not', () => {
    const policy = { canaryWeight: 10, maxWeightStep: 20, patchCanaryWeight: 50, patchMaxWeightStep: 50 };
    const patch = state(1, [['blue', '1.33.1', 'serving', 100, { peakWeight: 100 }], ['green', '1.33.4', 'candidate', 0, { since: 1 }]], policy);
    const toHalf = (s: typeof patch) => edit(s, [{ ...s.units[0], weight: 50 }, { ...s.units[1], lifecycle: UnitLifecycle.SERVING, weight: 50 }]);
    expect(rulesOf(patch, toHalf(patch))).toEqual([]);
    const minor = state(1, [['blue', '1.33.1', 'serving', 100, { peakWeight: 100 }], ['green', '1.34', 'candidate', 0, { since: 1 }]], policy);
    const v = transitionViolations(minor, toHalf(minor));
    expect(v.map((x) => x.rule)).toEqual([TransitionRule.CANARY]);
    expect(v[0].message).toContain('canary weight 10');
    const rebuild = state(1, [['blue', '1.33.4', 'serving', 100, { peakWeight: 100 }], ['green', '1.33.4', 'candidate', 0, { since: 1 }]], policy);
    expect(rulesOf(rebuild, toHalf(rebuild))).toEqual([TransitionRule.CANARY]);
    const ramp = state(2, [['blue', '1.33.1', 'serving', 50, { peakWeight: 100 }], ['green', '1.33.4', 'serving', 50, { since: 2, peakWeight: 50 }]], policy);
    expect(rulesOf(ramp, edit(ramp, [{ ...ramp.units[0], lifecycle: UnitLifecycle.STANDBY, weight: 0 }, { ...ramp.units[1], weight: 100 }]))).toEqual([]);
  });

  test('noncompliance standby-before-retire: a serving unit is not retired in one step', () => {
    const done = state(6, [['blue', '1.33', 'serving', 10, { peakWeight: 100 }], ['green', '1.34', 'serving', 90, { since: 2, peakWeight: 90 }]]);
    const jump = edit(done, [{ ...done.units[0], lifecycle: UnitLifecycle.RETIRED, weight: 0 }, { ...done.units[1], weight: 100 }]);
    const v = transitionViolations(done, jump);
    expect(v.map((x) => x.rule)).toEqual([TransitionRule.STANDBY_BEFORE_RETIRE]);
    expect(v[0]).toMatchObject({ slot: 'blue', before: 'serving 10', after: 'retired' });
  });

  test('compliance: rollback to a standby unit is legal at any weight', () => {
    const after = state(7, [['blue', '1.33', 'standby', 0, { since: 7, peakWeight: 100 }], ['green', '1.34', 'serving', 100, { since: 2, peakWeight: 100 }]]);
    expect(rulesOf(after, edit(after, [{ ...after.units[0], lifecycle: UnitLifecycle.SERVING, weight: 100 }, { ...after.units[1], lifecycle: UnitLifecycle.STANDBY, weight: 0 }]))).toEqual([]);
  });

  test('noncompliance forget: a unit leaves the file only after a state in which it was retired', () => {
    const s = state(7, [['blue', '1.33', 'standby', 0, { since: 7 }], ['green', '1.34', 'serving', 100, { since: 2, peakWeight: 100 }]]);
    const v = transitionViolations(s, edit(s, [s.units[1]]));
    expect(v.map((x) => x.rule)).toEqual([TransitionRule.FORGET]);
    expect(v[0]).toMatchObject({ slot: 'blue', before: 'standby', after: '(absent)' });
    const retired = state(8, [['blue', '1.33', 'retired', 0, { since: 8 }], ['green', '1.34', 'serving', 100, { since: 2, peakWeight: 100 }]]);
    expect(rulesOf(retired, edit(retired, [retired.units[1]]))).toEqual([]);
  });

  test('noncompliance new-unit, identity, lifecycle, step-number and history', () => {
    const s = state(3, [['blue', '1.33', 'serving', 100, { peakWeight: 100, fingerprint: 'abcdef' }], ['old', '1.32', 'retired', 0, { since: 3 }]]);
    expect(rulesOf(s, edit(s, [{ ...s.units[0], weight: 90 }, s.units[1], { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10, since: 0 }]))).toEqual([TransitionRule.NEW_UNIT]);
    expect(rulesOf(s, edit(s, [{ ...s.units[0], kubernetesVersion: '1.34' }, s.units[1]]))).toEqual([TransitionRule.IDENTITY]);
    expect(rulesOf(s, { ...s, units: [{ ...s.units[0], fingerprint: 'zzzzzz' }, s.units[1]] })).toEqual([TransitionRule.IDENTITY]);
    expect(rulesOf(s, edit(s, [{ ...s.units[0], weight: 90 }, { ...s.units[1], lifecycle: UnitLifecycle.SERVING, weight: 10 }]))).toEqual([TransitionRule.LIFECYCLE]);
    const two = edit(s, [s.units[0]], 5);
    expect(rulesOf(s, two)).toEqual([TransitionRule.STEP_NUMBER]);
    expect(transitionViolations(s, two)[0].message).toContain('"step": 4');
    expect(rulesOf(s, { ...edit(s, [s.units[0]]), units: [{ ...s.units[0], since: 2 }] })).toEqual([TransitionRule.HISTORY]);
    expect(rulesOf(s, { ...s, fleet: 'other' })).toEqual([TransitionRule.FLEET]);
  });

  test('compliance: pinning a fingerprint or changing only the policy keeps the step', () => {
    const s = state(3, [['blue', '1.33', 'serving', 100, { peakWeight: 100 }]]);
    expect(rulesOf(s, { ...s, units: [{ ...s.units[0], fingerprint: 'abcdef' }] })).toEqual([]);
    expect(rulesOf(s, { ...s, policy: { canaryWeight: 20 } })).toEqual([]);
  });

  test('the base\'s policy judges the step, so a PR cannot loosen the policy and use it at once', () => {
    const before = state(1, [['blue', '1.33', 'serving', 100, { peakWeight: 100 }], ['green', '1.34', 'candidate', 0, { since: 1 }]]);
    const after = { ...edit(before, [{ ...before.units[0], weight: 50 }, { ...before.units[1], lifecycle: UnitLifecycle.SERVING, weight: 50 }]), policy: { canaryWeight: 50 } };
    expect(rulesOf(before, after)).toEqual([TransitionRule.CANARY]);
  });

  test('both states must pass the single-step invariants: an invalid head is a RolloutStateError naming the JSON path', () => {
    const s = state(1, [['blue', '1.33', 'serving', 100]]);
    const bad = state(2, [['blue', '1.33', 'serving', 90]]);
    expect(() => checkTransition(s, bad, 'rollout/shop.json')).toThrow(RolloutStateError);
    expect(() => checkTransition(s, bad, 'rollout/shop.json')).toThrow(/rollout\/shop.json: fleet "shop": units\[\*\]\.weight = 90 \(blue=90\) is refused: the weights of a step add up to 100/);
  });

  test('legal next steps of a fleet that finished: forget the retired unit', () => {
    const s = state(8, [['blue', '1.33', 'retired', 0, { since: 8 }], ['green', '1.34', 'serving', 100, { since: 2, peakWeight: 100 }]]);
    expect(legalNextSteps(s)).toEqual([
      { command: 'cdktf-bluegreen forget', change: 'blue (1.33) forgotten' },
      { command: 'cdktf-bluegreen start 1.35', change: 'teal (1.35) new candidate' },
    ]);
  });

  test('legal next steps suggest abandoning at most the 3 last declared candidates, so status stays short and fast on a large fleet', () => {
    const s = state(4, [['blue', '1.33', 'serving', 100, { peakWeight: 100 }], ...['c1', 'c2', 'c3', 'c4', 'c5'].map((slot) => [slot, '1.34', 'candidate', 0, { since: 4, peakWeight: 0 }] as [string, string, string, number, object])]);
    const abandon = legalNextSteps(s).filter((n) => n.command.startsWith('cdktf-bluegreen retire --slot')).map((n) => n.command);
    expect(abandon).toEqual(['cdktf-bluegreen retire --slot c3', 'cdktf-bluegreen retire --slot c4', 'cdktf-bluegreen retire --slot c5']);
  });
});
