import { execFileSync } from 'child_process';
import { CliIo } from '../src/cli/output';
import { main } from '../src/cli/main';
import { formatRolloutState, parseRolloutState, RolloutStateFile } from '../src/core/state-file';
import { applyStep } from '../src/core/rollout-steps';
import { judgeSoak, stepKind, TransitionKind } from '../src/core/soak';
import { GIT_ENV, gitRepo } from './support/git-repo';

const POLICY = { canaryWeight: 10, maxWeightStep: 25, canarySoakMinutes: 5, shiftSoakMinutes: 30, promoteSoakMinutes: 60, patchSoakMinutes: 10, onGateFailure: 'rollback' };

function canary(policy = POLICY): RolloutStateFile {
  return parseRolloutState({
    version: 1, fleet: 'shop', step: 2, policy,
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: 'serving', weight: 90, since: 0, peakWeight: 100 },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: 'serving', weight: 10, since: 2, peakWeight: 10 },
    ],
  }, 'shop.json');
}
const next = (s: RolloutStateFile, name: string, weight?: number) => parseRolloutState(applyStep(s, { name, weight }), 'shop.json');

describe('the kind of a step decides its soak', () => {
  test('shift, promote, rollback; rollback never waits', () => {
    const s = canary();
    expect(stepKind(s, next(s, 'shift'))).toEqual({ kind: TransitionKind.SHIFT, slot: 'green', patch: false });
    expect(stepKind(s, next(s, 'promote'))).toEqual({ kind: TransitionKind.PROMOTE, slot: 'green', patch: false });
    expect(stepKind(s, next(s, 'rollback')).kind).toBe(TransitionKind.ROLLBACK);
    expect(stepKind(s, next(s, 'shift', 5)).kind).toBe(TransitionKind.ROLLBACK);
    expect(judgeSoak(s, next(s, 'rollback'), { commit: 'a'.repeat(40), time: 1000 }, 1001).ok).toBe(true);
  });

  test('a patch-only upgrade takes the fast path\'s soak', () => {
    const s = parseRolloutState({ ...canary(), units: [
      { slot: 'blue', kubernetesVersion: '1.33.1', lifecycle: 'serving', weight: 90, since: 0, peakWeight: 100 },
      { slot: 'green', kubernetesVersion: '1.33.4', lifecycle: 'serving', weight: 10, since: 2, peakWeight: 10 },
    ] }, 'shop.json');
    const v = judgeSoak(s, next(s, 'shift'), { commit: 'a'.repeat(40), time: 0 }, 9 * 60);
    expect(v).toMatchObject({ kind: { kind: TransitionKind.SHIFT, patch: true }, required: 600, elapsed: 540, ok: false });
  });

  test('a soak that is not a whole number of minutes up to a week, or an unknown onGateFailure, is refused', () => {
    expect(() => canary({ ...POLICY, shiftSoakMinutes: 20000 })).toThrow(/policy\.shiftSoakMinutes = 20000 is refused: a soak is a whole number of minutes from 0 to 10080/);
    expect(() => canary({ ...POLICY, onGateFailure: 'panic' })).toThrow(/policy\.onGateFailure = "panic" is refused: .*"hold" or "rollback"/);
  });
});

describe('check --base refuses a step merged before its soak, with the time left, and accepts it after (injected clock)', () => {
  // One repository: base at a fixed commit time, the shift in the working tree.
  const repo = gitRepo();
  const T0 = 1_795_000_000; // the merge of the canary step (committer time)
  repo.write('rollout/shop.json', formatRolloutState(canary()));
  execFileSync('git', ['add', '-A'], { cwd: repo.dir, env: GIT_ENV });
  execFileSync('git', ['commit', '-q', '-m', 'canary'], { cwd: repo.dir, env: { ...GIT_ENV, GIT_COMMITTER_DATE: `@${T0} +0000`, GIT_AUTHOR_DATE: `@${T0} +0000` } });
  repo.write('rollout/shop.json', formatRolloutState(next(canary(), 'shift')));
  const run = (argv: string[], nowSeconds: number) => {
    let out = '';
    let err = '';
    const io: CliIo = { cwd: repo.dir, out: (s) => { out += s; }, err: (s) => { err += s; }, color: false, env: GIT_ENV, now: () => nowSeconds * 1000 };
    return { code: main(argv, io), out, err };
  };

  test('12 min after the canary: refused, 18 min left, and when it passes', () => {
    const r = run(['check', '--base', 'main'], T0 + 12 * 60);
    expect(r.code).toBe(1);
    expect(r.err).toContain('fleet "shop", unit "green": rollout/shop.json: step 2 → 3 (shift), policy.shiftSoakMinutes = 12 min since the last traffic change (commit ');
    expect(r.err).toContain('is refused: rule soak: a shift step waits 30 min after the last traffic change, so the gates of its deploy judge at least that much traffic; 18 min left. Fix: merge it from 2026-11-18T11:36:40Z on');
  });

  test('30 min after: accepted; and --at judges as of a given time', () => {
    expect(run(['check', '--base', 'main'], T0 + 30 * 60).code).toBe(0);
    expect(run(['check', '--base', 'main', '--at', new Date((T0 + 29 * 60) * 1000).toISOString()], T0 + 3600).code).toBe(1);
    expect(run(['check', '--base', 'main', '--at', 'soon'], T0).code).toBe(2);
  });

  test('rollback --on-gate-failure rolls back only when the policy says so', () => {
    const r = run(['rollback', '--on-gate-failure', '--dry-run'], T0);
    expect(r.code).toBe(0);
    expect(r.out).toContain('blue serving 65 → 100, green serving 35 → standby');
  });
});
