import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { DeployOutcome, DeployRecord, formatDeployRecords, isoSeconds, parseDeployRecords, readDeployOutput, recordUnitsOf, stacksOfFleet, stateDigest } from '../src/core/deploy-record';
import { parseRolloutStateText } from '../src/core/state-file';
import { cli, GIT_ENV, gitRepo, standInDeploy, tempDir } from './support/git-repo';
import { runs } from './support/depth';

const STACKS = ['shop-shared', 'shop-unit-blue', 'shop-unit-green', 'shop-validate-blue', 'shop-validate-green', 'shop-traffic'];

/** A repository with one fleet at `step`, an app manifest, and the records folder. */
function repo(records = true): string {
  const dir = tempDir('bg-record-');
  expect(cli(dir, ['init', 'shop', '1.33', '--fingerprint', 'nljqy2']).code).toBe(0);
  fs.mkdirSync(path.join(dir, 'cdktf.out'));
  fs.writeFileSync(path.join(dir, 'cdktf.out', 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: Object.fromEntries(STACKS.map((s) => [s, {}])) }));
  if (records) fs.mkdirSync(path.join(dir, 'rollout', '.deploys'));
  return dir;
}

/** A stand-in for `cdktf deploy '*'`: prints cdktf's per-stack lines and exits with `code`. */
function fakeDeploy(lines: string[], code: number): string[] {
  return standInDeploy(`${lines.join('\n')}\n`, code);
}

const OK = STACKS.map((s) => `${s}  Apply complete! Resources: 1 added, 0 changed, 0 destroyed.`);
const BREACH = [
  'shop-shared  Apply complete! Resources: 0 added, 0 changed, 0 destroyed.',
  'shop-unit-green  Apply complete! Resources: 3 added, 0 changed, 0 destroyed.',
  'shop-validate-green  ╷',
  'shop-validate-green  │ Error: Resource postcondition failed',
  'shop-validate-green  │ [shop/green-1-34-ejqurb] SLO gate slo-latency-p95 failed: histogram_quantile(0.95, sum by (le) (rate(x[10m]))) = 0.31, threshold <= 0.24 (≤ 1.2 × baseline blue-1-33-nljqy2), baseline blue-1-33-nljqy2 = 0.2; HTTP status 200.',
  'Error: Stack failed to deploy',
];

const recordsOf = (dir: string) => parseDeployRecords(fs.readFileSync(path.join(dir, 'rollout/.deploys/shop.jsonl'), 'utf8'), 'shop.jsonl', 'shop');

describe('deploy records', () => {
  test('record runs the deploy, keeps its exit code, and records the breached gate with its value from what cdktf printed', () => {
    const dir = repo();
    cli(dir, ['start', '1.34', '--fingerprint', 'ejqurb']);
    const r = cli(dir, ['record', '--', ...fakeDeploy(BREACH, 1)]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('SLO gate slo-latency-p95 failed');
    expect(r.err).toContain('recorded shop step 1: failed, gate breach: slo-latency-p95 on green-1-34-ejqurb = 0.31 (<= 0.24)');
    const [rec] = recordsOf(dir);
    expect(rec).toMatchObject({
      fleet: 'shop', step: 1, outcome: 'failed',
      gates: [{ name: 'slo-latency-p95', unit: 'green-1-34-ejqurb', passed: false, value: '0.31', threshold: '<= 0.24' }],
      units: [{ slot: 'blue', version: '1.33', lifecycle: 'serving', weight: 100 }, { slot: 'green', version: '1.34', lifecycle: 'candidate', weight: 0 }],
    });
    expect(rec.stacks.find((s) => s.name === 'shop-validate-green')!.result).toBe('failed');
    expect(rec.stacks.find((s) => s.name === 'shop-traffic')!.result).toBe('not-run');
  });

  test('the outcome comes from the output, not from a flag: exit 1 with every stack of this fleet applied is a success for it; an unfinished stack is interrupted', () => {
    expect(readDeployOutput(OK.join('\n'), 'shop', STACKS, 1).outcome).toBe(DeployOutcome.SUCCEEDED);
    expect(readDeployOutput(OK.slice(0, 3).join('\n'), 'shop', STACKS, 1).outcome).toBe(DeployOutcome.INTERRUPTED);
    expect(readDeployOutput(BREACH.join('\n'), 'shop', STACKS, 1).outcome).toBe(DeployOutcome.FAILED);
    expect(() => cli(repo(), ['record', '--outcome', 'succeeded'])).not.toThrow();
    expect(cli(repo(), ['record', '--outcome', 'succeeded']).code).toBe(2);
  });

  test('a fleet whose name prefixes another fleet\'s does not claim its stacks', () => {
    expect(stacksOfFleet('shop', ['shop-traffic', 'shop-prod-traffic', 'shop-prod-shared'], ['shop', 'shop-prod'])).toEqual(['shop-traffic']);
  });

  test('forget is refused until a record says the retirement deploy succeeded (issue 21 item 8)', () => {
    const dir = repo();
    for (const c of [['start', '1.34', '--fingerprint', 'ejqurb'], ['promote'], ['shift'], ['shift'], ['shift'], ['promote'], ['retire']]) expect(cli(dir, c).code).toBe(0);
    const before = fs.readFileSync(path.join(dir, 'rollout/shop.json'), 'utf8');
    const refused = cli(dir, ['forget']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('refused: fleet "shop", unit "blue": command = "forget" is refused: rule forget: blue was retired at step 7, and no deploy record says a deploy of step 7 or later succeeded with blue (1.33) retired (there is no deploy record for this fleet)');
    expect(refused.err).not.toMatch(/\n\s+at /);
    expect(fs.readFileSync(path.join(dir, 'rollout/shop.json'), 'utf8')).toBe(before);
    // A failed retirement deploy is not enough either.
    expect(cli(dir, ['record', '--', ...fakeDeploy(['shop-traffic  │ Error: boom'], 1)]).code).toBe(1);
    expect(cli(dir, ['forget']).err).toContain('the last record is step 7, failed');
    expect(cli(dir, ['record', '--', ...fakeDeploy(OK, 0)]).code).toBe(0);
    const ok = cli(dir, ['forget']);
    expect(ok).toMatchObject({ code: 0, err: '' });
    expect(ok.out).toContain('shop step 7 → 8: blue (1.33) forgotten');
  });

  test.each([
    ['a reordered line', (l: string) => l.replace(/^\{"v":1,"fleet":"shop"/, '{"fleet":"shop","v":1'), 'exactly as `cdktf-bluegreen record` writes it'],
    ['a duplicate key', (l: string) => l.replace('"outcome":"failed"', '"outcome":"succeeded","outcome":"failed"'), 'exactly as `cdktf-bluegreen record` writes it'],
    ['markup in a gate name', (l: string) => l.replace('"name":"slo-latency-p95"', '"name":"<img src=x onerror=alert(1)>"'), 'gates[0].name = "<img src=x onerror=alert(1)>" is refused: a gate name is lowercase letters'],
    ['another fleet', (l: string) => l.replace('"fleet":"shop"', '"fleet":"bank"'), 'a record in shop.jsonl is about fleet shop'],
    ['an unknown field', (l: string) => l.replace('{"v":1,', '{"v":1,"trusted":true,'), 'trusted = "trusted" is refused: the fields of a record are'],
    ['a bidi override in a value', (l: string) => l.replace('"value":"0.31"', '"value":"0.31\\u202e"'), 'gates[0].value = "0.31\\u202e" is refused'],
    ['a time that is not UTC', (l: string) => l.replace(/"finishedAt":"[^"]+"/, '"finishedAt":"2026-12-07 02:00"'), 'a time is ISO 8601 in UTC'],
  ])('hostile records are refused with a clear error: %s', (_name, edit, message) => {
    const dir = repo();
    cli(dir, ['start', '1.34', '--fingerprint', 'ejqurb']);
    cli(dir, ['record', '--', ...fakeDeploy(BREACH, 1)]);
    const file = path.join(dir, 'rollout/.deploys/shop.jsonl');
    const line = fs.readFileSync(file, 'utf8').trimEnd();
    fs.writeFileSync(file, `${edit(line)}\n`);
    const r = cli(dir, ['retire', '--slot', 'green']);
    expect(r.code).toBe(0);
    const f = cli(dir, ['forget']);
    expect(f.code).toBe(1);
    expect(f.err).toContain('rollout/.deploys/shop.jsonl:1');
    expect(f.err).toContain(message);
    expect(f.err).not.toMatch(/[\u202e]|\n\s+at /);
  });
});

describe('the soak reads deploy records, not commit times', () => {
  const T = Date.parse('2026-11-18T11:00:00Z') / 1000;
  function soakRepo(recordStep2: boolean) {
    const r = gitRepo();
    const state = (step: number, blue: number, green: number, gl: string) => `{
  "version": 1,
  "fleet": "shop",
  "step": ${step},
  "policy": { "shiftSoakMinutes": 30 },
  "units": [
    { "slot": "blue", "kubernetesVersion": "1.33", "lifecycle": "serving", "weight": ${blue}, "since": 0, "peakWeight": 100 },
    { "slot": "green", "kubernetesVersion": "1.34", "lifecycle": "${gl}", "weight": ${green}, "since": ${gl === 'candidate' ? 1 : 2}, "peakWeight": ${green} }
  ]
}
`;
    const text = state(2, 90, 10, 'serving');
    r.write('rollout/shop.json', text);
    const rec = (step: number, at: number, outcome: DeployOutcome): DeployRecord => ({
      v: 1, fleet: 'shop', step, state: stateDigest(text), units: recordUnitsOf(parseRolloutStateText(text, 'x')), stacks: [{ name: 'shop-traffic', result: 'applied' }],
      outcome, gates: [], startedAt: isoSeconds(at - 600), finishedAt: isoSeconds(at),
    });
    r.write('rollout/.deploys/shop.jsonl', formatDeployRecords(recordStep2 ? [rec(2, T, DeployOutcome.SUCCEEDED)] : [rec(2, T, DeployOutcome.FAILED)]));
    // The base commit is backdated by a year: the commit time would let any shift through.
    r.git('add', '-A');
    execFileSync('git', ['commit', '-q', '-m', 'step 2'], { cwd: r.dir, env: { ...GIT_ENV, GIT_COMMITTER_DATE: '2025-11-18T11:00:00Z', GIT_AUTHOR_DATE: '2025-11-18T11:00:00Z' } });
    r.write('rollout/shop.json', state(3, 65, 35, 'serving'));
    return r;
  }

  test('a shift 10 min after the recorded deploy is refused (whatever the commit time), and passes after 30 min', () => {
    const r = soakRepo(true);
    const early = cli(r.dir, ['check', '--base', 'main', '--at', isoSeconds(T + 600)]);
    expect(early.code).toBe(1);
    expect(early.err).toContain('10 min since the last traffic change (commit record at 2026-11-18T11:00:00Z)');
    expect(early.err).toContain('20 min left');
    expect(cli(r.dir, ['check', '--base', 'main', '--at', isoSeconds(T + 31 * 60)]).code).toBe(0);
  });

  test('a step after a step whose deploy failed is refused: its soak never started', () => {
    const r = soakRepo(false);
    const c = cli(r.dir, ['check', '--base', 'main', '--at', isoSeconds(T + 3600)]);
    expect(c.code).toBe(1);
    expect(c.err).toContain('no deploy record at main shows step 2 deployed successfully');
  });
});

describe('check --base holds a forget to the deploy records at the base', () => {
  function retiredRepo(outcome: 0 | 1) {
    const r = gitRepo();
    expect(cli(r.dir, ['init', 'shop', '1.33', '--fingerprint', 'nljqy2']).code).toBe(0);
    for (const c of [['start', '1.34', '--fingerprint', 'ejqurb'], ['promote'], ['shift'], ['shift'], ['shift'], ['promote'], ['retire']]) expect(cli(r.dir, c).code).toBe(0);
    r.write('cdktf.out/manifest.json', JSON.stringify({ stacks: Object.fromEntries(STACKS.map((s) => [s, {}])) }));
    fs.mkdirSync(path.join(r.dir, 'rollout/.deploys'));
    expect(cli(r.dir, ['record', '--', ...fakeDeploy(outcome === 0 ? OK : ['shop-traffic  │ Error: Provider produced inconsistent result'], outcome)]).code).toBe(outcome);
    fs.rmSync(path.join(r.dir, 'cdktf.out'), { recursive: true });
    r.commit('step 7 deployed');
    // A hand edit that forgets blue (the CLI's forget would refuse it).
    const s = parseRolloutStateText(fs.readFileSync(path.join(r.dir, 'rollout/shop.json'), 'utf8'), 'x');
    r.write('rollout/shop.json', `${JSON.stringify({ version: 1, fleet: 'shop', step: 8, policy: s.policy, units: s.units.filter((u) => u.slot !== 'blue') }, null, 2)}\n`);
    return r;
  }

  test('a hand-written forget after a failed retirement deploy is refused, naming the record', () => {
    const c = cli(retiredRepo(1).dir, ['check', '--base', 'main']);
    expect(c.code).toBe(1);
    expect(c.err).toContain('fleet "shop", unit "blue": rollout/shop.json: step 7 → 8 = blue (absent) is refused: rule forget: blue was retired at step 7, and no deploy record says a deploy of step 7 or later succeeded with blue (1.33) retired (the last record is step 7, failed');
  });

  test('after a successful retirement deploy the same forget passes', () => {
    expect(cli(retiredRepo(0).dir, ['check', '--base', 'main'])).toMatchObject({ code: 0, err: '' });
  });
});

describe('records fuzz', () => {
  const fc = jest.requireActual('fast-check') as typeof import('fast-check');
  const { DeployRecordError } = jest.requireActual('../src/core/deploy-record') as typeof import('../src/core/deploy-record');
  const text = '{\n  "version": 1,\n  "fleet": "shop",\n  "step": 0,\n  "units": [\n    { "slot": "blue", "kubernetesVersion": "1.33", "lifecycle": "serving", "weight": 100, "since": 0, "peakWeight": 100 }\n  ]\n}\n';
  const line = formatDeployRecords([{
    v: 1, fleet: 'shop', step: 0, state: stateDigest(text), units: recordUnitsOf(parseRolloutStateText(text, 'x')), stacks: [{ name: 'shop-traffic', result: 'applied' }],
    outcome: DeployOutcome.FAILED, gates: [{ name: 'slo-latency-p95', unit: 'blue-1-33-nljqy2', passed: false, value: '0.31', threshold: '<= 0.24' }],
    startedAt: '2026-12-07T02:00:00Z', finishedAt: '2026-12-07T02:10:00Z',
  }]);

  test('property: an edited record line is either refused with a DeployRecordError or is exactly a record as record writes it', () => {
    const hostile = fc.constantFrom('"', '\\', '<img src=x>', '\u202e', '\u0000', '}', '{', ',', '"v":2', '"outcome":"succeeded"', ' ', '\n', '1e2', '-0', '__proto__', '@team');
    fc.assert(fc.property(fc.integer({ min: 0, max: line.length - 1 }), fc.integer({ min: 0, max: 20 }), hostile, (at, cut, insert) => {
      const edited = line.slice(0, at) + insert + line.slice(Math.min(line.length - 1, at + cut));
      try {
        const records = parseDeployRecords(edited, 'shop.jsonl', 'shop');
        expect(formatDeployRecords(records)).toBe(edited);
      } catch (e) {
        expect(e).toBeInstanceOf(DeployRecordError);
        expect((e as Error).message).not.toMatch(/[\u0000\u202e]/);
      }
    }), { numRuns: runs(300) });
  });
});
