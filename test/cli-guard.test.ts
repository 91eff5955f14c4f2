import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CliIo } from '../src/cli/output';
import { main } from '../src/cli/main';
import { checkStandbyBeforeRetire } from '../src/core/transitions';
import { RolloutState } from '../src/rollout/rollout-state';
import { GIT_ENV, tempDir } from './support/git-repo';
import { markdownLeaks } from './support/markdown-safety';

// The pull-request guard against a hostile pull request (issue 21): one test per item, each one a
// bypass or failure that the CLI as it was let through.

const T0 = 1_800_000_000;
const HOUR = 3600;

type Unit = { slot: string; kubernetesVersion: string; lifecycle: string; weight: number; since: number; peakWeight?: number; fingerprint?: string };
const state = (step: number, units: Unit[], policy: object = {}, fleet = 'shop') => `${JSON.stringify({ version: 1, fleet, step, policy: { canaryWeight: 10, maxWeightStep: 25, ...policy }, units }, null, 2)}\n`;
const u = (slot: string, kubernetesVersion: string, lifecycle: string, weight: number, since: number, peakWeight?: number): Unit => ({ slot, kubernetesVersion, lifecycle, weight, since, ...(peakWeight !== undefined ? { peakWeight } : {}) });

/** A git repository whose commits carry chosen committer times. */
function repo(objectFormat?: string) {
  const dir = tempDir('bg-guard-');
  const git = (args: string[], env: object = {}) => execFileSync('git', args, { cwd: dir, env: { ...GIT_ENV, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git(['init', '-q', '-b', 'main', ...(objectFormat ? [`--object-format=${objectFormat}`] : [])]);
  const write = (file: string, text: string | Buffer) => { fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true }); fs.writeFileSync(path.join(dir, file), text); };
  const commit = (message: string, at = T0) => { git(['add', '-A']); git(['commit', '-q', '-m', message], { GIT_COMMITTER_DATE: `@${at} +0000`, GIT_AUTHOR_DATE: `@${at} +0000` }); };
  const run = (argv: string[], now = T0 + HOUR) => {
    let out = '';
    let err = '';
    const io: CliIo = { cwd: dir, out: (s) => { out += s; }, err: (s) => { err += s; }, color: false, env: GIT_ENV, now: () => now * 1000 };
    return { code: main(argv, io), out, err };
  };
  return { dir, git, write, commit, run };
}

// The illegal step of the issue: blue serving 90 → retired and green 10 → 100 in one pull request.
const BASE = state(2, [u('blue', '1.33', 'serving', 90, 0, 100), u('green', '1.34', 'serving', 10, 2, 10)]);
const ILLEGAL = state(3, [u('blue', '1.33', 'retired', 0, 3, 100), u('green', '1.34', 'serving', 100, 2, 100)]);

describe('the pull-request guard holds against a hostile pull request (issue 21)', () => {
  test('1: a git failure refuses the check instead of counting every file as new (a base whose tree git cannot read)', () => {
    const r = repo();
    r.write('rollout/shop.json', BASE);
    r.commit('base');
    const tree = r.git(['rev-parse', 'main^{tree}']).trim();
    fs.rmSync(path.join(r.dir, '.git', 'objects', tree.slice(0, 2), tree.slice(2)));
    r.write('rollout/shop.json', ILLEGAL);
    const c = r.run(['check', '--base', 'main']);
    expect(c.code).toBe(1);
    expect(c.err).toContain('git ls-tree at main = (git failed:');
    expect(c.out + c.err).not.toContain('new');
  });

  test('2: absolute and out-and-back paths are compared with the base, not counted as new', () => {
    const r = repo();
    r.write('rollout/shop.json', BASE);
    r.commit('base');
    r.write('rollout/shop.json', ILLEGAL);
    for (const argv of [['--file', path.join(r.dir, 'rollout/shop.json')], ['--file', `../${path.basename(r.dir)}/rollout/shop.json`], ['--dir', path.join(r.dir, 'rollout')], ['--file', './rollout/../rollout/shop.json']]) {
      const c = r.run(['check', '--base', 'main', ...argv]);
      expect({ argv: argv[0], code: c.code, out: c.out }).toEqual({ argv: argv[0], code: 1, out: expect.stringMatching(/✗\s+shop\s+step 2 → 3\s+refused/) });
      expect(c.err).toContain('rule standby-before-retire (blue: serving 90 → retired)');
    }
    expect(r.run(['check', '--base', 'main', '--file', '../elsewhere/shop.json']).err).toContain('(outside the repository)');
  });

  test('3: a canary that also lowers the newest serving unit is a canary, and waits its soak', () => {
    const r = repo();
    const policy = { canarySoakMinutes: 60 };
    r.write('rollout/shop.json', state(3, [u('blue', '1.33', 'serving', 80, 0, 100), u('green', '1.34', 'serving', 20, 2, 20), u('teal', '1.35', 'candidate', 0, 3, 0)], policy));
    r.commit('base', T0);
    r.write('rollout/shop.json', state(4, [u('blue', '1.33', 'serving', 80, 0, 100), u('green', '1.34', 'serving', 10, 2, 20), u('teal', '1.35', 'serving', 10, 4, 10)], policy));
    const soon = r.run(['check', '--base', 'main'], T0 + 60);
    expect(soon.code).toBe(1);
    expect(soon.err).toContain('step 3 → 4 (canary), policy.canarySoakMinutes');
    expect(r.run(['check', '--base', 'main'], T0 + HOUR).code).toBe(0);
  });

  test('4: a unit that bounced through standby returns at most to the weight it carried (no 10 → 100 without canary, step or soak)', () => {
    const r = repo();
    // After `rollback` of a 10 % canary: green stands by with peakWeight 10.
    r.write('rollout/shop.json', state(3, [u('blue', '1.33', 'serving', 100, 0, 100), u('green', '1.34', 'standby', 0, 3, 10)], { shiftSoakMinutes: 60 }));
    r.commit('rolled back', T0);
    r.write('rollout/shop.json', state(4, [u('blue', '1.33', 'standby', 0, 4, 100), u('green', '1.34', 'serving', 100, 4, 100)], { shiftSoakMinutes: 60 }));
    const c = r.run(['check', '--base', 'main'], T0 + 60);
    expect(c.code).toBe(1);
    expect(c.err).toContain('rule weight-step (green: standby → serving 100): a standby unit serves again with at most the highest weight it carried (peakWeight 10)');
    // Back to its own 10 % is a rollback (no soak); the shift after it waits the soak again.
    r.write('rollout/shop.json', state(4, [u('blue', '1.33', 'serving', 90, 0, 100), u('green', '1.34', 'serving', 10, 4, 10)], { shiftSoakMinutes: 60 }));
    expect(r.run(['check', '--base', 'main'], T0 + 60).code).toBe(0);
    // A peakWeight is never dropped (that would lift the cap).
    r.write('rollout/shop.json', state(3, [u('blue', '1.33', 'serving', 100, 0, 100), u('green', '1.34', 'standby', 0, 3)], { shiftSoakMinutes: 60 }));
    expect(r.run(['check', '--base', 'main'], T0 + 60).err).toContain('peakWeight records the highest weight the unit carried and is never dropped');
  });

  test('5: a committer time that cannot be true is a clear refusal: in the future, before its own parent, out of range (never a RangeError)', () => {
    const policy = { shiftSoakMinutes: 30 };
    const base = state(2, [u('blue', '1.33', 'serving', 90, 0, 100), u('green', '1.34', 'serving', 10, 2, 10)], policy);
    const head = state(3, [u('blue', '1.33', 'serving', 65, 0, 100), u('green', '1.34', 'serving', 35, 2, 35)], policy);
    const now = T0 + 10 * HOUR;
    // A year ahead: it would block the step for a year.
    const future = repo();
    future.write('rollout/shop.json', base);
    future.commit('base', now + 365 * 24 * HOUR);
    future.write('rollout/shop.json', head);
    const f = future.run(['check', '--base', 'main'], now);
    expect(f.code).toBe(1);
    expect(f.err).toContain('lies after the time of the check');
    // Within the clock skew allowed, it counts as now: never more left than the soak itself.
    const skew = repo();
    skew.write('rollout/shop.json', base);
    skew.commit('base', now + 120);
    skew.write('rollout/shop.json', head);
    expect(skew.run(['check', '--base', 'main'], now).err).toContain('; 30 min left.');
    // Backdated below its parent's time: it would let the shift through at once.
    const back = repo();
    back.write('README.md', 'x');
    back.commit('first', now - 60);
    back.write('rollout/shop.json', base);
    back.commit('base', now - 5 * HOUR);
    back.write('rollout/shop.json', head);
    const b = back.run(['check', '--base', 'main'], now);
    expect(b.code).toBe(1);
    expect(b.err).toContain('lies before its own parent\'s');
    // A hand-made commit with a committer time far beyond any date.
    const odd = repo();
    odd.write('rollout/shop.json', base);
    odd.commit('base', now - HOUR);
    const tree = odd.git(['rev-parse', 'HEAD^{tree}']).trim();
    // Far beyond any date (a RangeError once), and 1970 in a root commit (no parent to compare with).
    for (const [time, why] of [['99999999999999', 'git gave no commit id and time'], ['1000', 'before 2020']]) {
      const raw = `tree ${tree}\nauthor a <a@example.invalid> 1 +0000\ncommitter a <a@example.invalid> ${time} +0000\n\nforged\n`;
      fs.writeFileSync(path.join(odd.dir, 'forged'), raw);
      const forged = odd.git(['hash-object', '-t', 'commit', '-w', '--literally', 'forged']).trim();
      fs.rmSync(path.join(odd.dir, 'forged'));
      odd.git(['update-ref', 'refs/heads/main', forged]);
      odd.write('rollout/shop.json', head);
      const o = odd.run(['check', '--base', 'main'], now);
      expect({ time, code: o.code }).toEqual({ time, code: 1 });
      expect(o.err).not.toMatch(/RangeError|failed:/);
      expect(o.err).toContain('is refused: the soak is measured from the committer time of the base commit');
      expect(o.err).toContain(why);
    }
  });

  test('6: a SHA-256 repository gets its soak judged (64-hex object names)', () => {
    const r = repo('sha256');
    const policy = { shiftSoakMinutes: 30 };
    r.write('rollout/shop.json', state(2, [u('blue', '1.33', 'serving', 90, 0, 100), u('green', '1.34', 'serving', 10, 2, 10)], policy));
    r.commit('base', T0);
    r.write('rollout/shop.json', state(3, [u('blue', '1.33', 'serving', 65, 0, 100), u('green', '1.34', 'serving', 35, 2, 35)], policy));
    const soon = r.run(['check', '--base', 'main'], T0 + 60);
    expect(soon.code).toBe(1);
    expect(soon.err).toMatch(/\(commit [0-9a-f]{12} at 2027-01-15T08:00:00Z\)/);
    expect(r.run(['check', '--base', 'main'], T0 + HOUR).code).toBe(0);
  });

  test('7: a .json file outside the top-level listing (a subfolder, .JSON) is refused, never passed unchecked', () => {
    const r = repo();
    r.write('rollout/shop.json', BASE);
    r.commit('base');
    r.write('rollout/sub/shop.json', ILLEGAL);
    r.write('rollout/cart.JSON', ILLEGAL.replace('"shop"', '"cart"'));
    r.write('rollout/README.md', 'notes');
    const c = r.run(['check', '--base', 'main']);
    expect(c.code).toBe(1);
    expect(c.err).toContain('rollout/sub/shop.json = (not read as a state file) is refused');
    expect(c.err).toContain('rollout/cart.JSON = (not read as a state file) is refused');
    expect(c.out).toMatch(/✓\s+shop\s+step 2\s+unchanged/);
    expect(c.out + c.err).not.toContain('README');
  });

  test('8: synth refuses an illegal step when it can know the previous one: git history of the state file, or previousUnits', () => {
    const r = repo();
    r.write('rollout/shop.json', state(5, [u('blue', '1.33', 'serving', 15, 0, 100), u('green', '1.34', 'serving', 85, 3, 85)]));
    r.commit('step 5');
    const file = path.join(r.dir, 'rollout/shop.json');
    expect(RolloutState.load(file, 'shop').step).toBe(5);
    const retired = state(6, [u('blue', '1.33', 'retired', 0, 6, 100), u('green', '1.34', 'serving', 100, 6, 100)]);
    // A hand edit, uncommitted (synth on a laptop) and committed (synth in CI after a merge without check).
    r.write('rollout/shop.json', retired);
    expect(() => RolloutState.load(file, 'shop')).toThrow(/step 5 → 6 = blue serving 15 → retired is refused: synth builds only a legal step from the file's previous version \(the last commit \(HEAD\)\): rule standby-before-retire/);
    r.commit('step 6 by hand');
    expect(() => RolloutState.load(file, 'shop')).toThrow(/previous version \(commit [0-9a-f]{12}, before [0-9a-f]{12} changed it\)/);
    // A legal step from the same previous version loads.
    r.git(['reset', '-q', '--hard', 'HEAD~1']);
    r.write('rollout/shop.json', state(6, [u('blue', '1.33', 'standby', 0, 6, 100), u('green', '1.34', 'serving', 100, 3, 100)]));
    r.commit('promote');
    expect(RolloutState.load(file, 'shop').step).toBe(6);
    // previousUnits: a live unit dropped from the fleet, a version changed in place.
    expect(() => checkStandbyBeforeRetire('shop', [{ slot: 'green', kubernetesVersion: '1.34', lifecycle: 'serving' as never, weight: 100 }],
      [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: 'standby' as never, weight: 0 }, { slot: 'green', kubernetesVersion: '1.34', lifecycle: 'serving' as never, weight: 100 }]))
      .toThrow(/unit "blue": units = \(absent; previous step: standby\) is refused: a unit leaves the fleet only after a step in which it was retired/);
    expect(() => checkStandbyBeforeRetire('shop', [{ slot: 'green', kubernetesVersion: '1.35', lifecycle: 'serving' as never, weight: 100 }],
      [{ slot: 'green', kubernetesVersion: '1.34', lifecycle: 'serving' as never, weight: 100 }])).toThrow(/a unit never changes version in place/);
  });

  test('9: the PR comment shows repository text only as code: no HTML, image, link, mention or closing backtick; invisible and bidi characters escaped', () => {
    const r = repo();
    r.write('rollout/shop.json', BASE);
    r.commit('base');
    r.git(['branch', 'x`<img/src=x/onerror=alert(1)>`@team']);
    const hostile = BASE.replace('"step": 2,', '"step": 2, "\u200b\u202e<img src=x onerror=alert(1)> @org/admins [click](https://evil.example)": 1,');
    r.write('rollout/shop.json', hostile);
    r.write('rollout/<b>@team</b>.json', BASE.replace('"shop"', '"other"'));
    const p = r.run(['plan', '--base', 'x`<img/src=x/onerror=alert(1)>`@team']);
    expect(p.code).toBe(1);
    expect(p.out).toContain('<img src=x onerror=alert(1)>');
    expect(p.out).toContain('x`<img/src=x/onerror=alert(1)>`@team');
    expect(markdownLeaks(p.out)).toEqual([]);
    expect(p.out).toContain('\\u200b\\u202e');
    expect(p.out).not.toMatch(/[\u200b\u202e]/);
  });

  test('10a: `plan | head` ends quietly (no EPIPE stack trace)', async () => {
    const r = repo();
    const units = [u('u0', '1.33', 'serving', 100, 0, 100), ...Array.from({ length: 199 }, (_, i) => u(`u${i + 1}`, '1.33', 'retired', 0, 0, 0))];
    r.write('rollout/shop.json', state(0, units));
    const BIN = path.join(__dirname, '..', 'bin', 'cdktf-bluegreen.js');
    // A shell pipe into `head`, as a user types it: the output (about 140 kB) is far over the pipe's buffer, so the CLI is still writing when head exits.
    const result = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" plan --json 2>"$ERR" | head -c 100 >/dev/null; cat "$ERR"`], { cwd: r.dir, env: { ...GIT_ENV, NO_COLOR: '1', ERR: path.join(r.dir, 'err.txt') } });
      let err = '';
      child.stdout.on('data', (d) => { err += d; });
      child.on('close', (code) => resolve({ code, err }));
    });
    expect(result.err).not.toMatch(/\n\s+at |EPIPE|Error:/);
    expect(result.code).toBe(0);
  });

  test('10b: plan --out never writes outside the repository, into .git or over a state file', () => {
    const r = repo();
    r.write('rollout/shop.json', BASE);
    const before = fs.readFileSync(path.join(r.dir, 'rollout/shop.json'), 'utf8');
    const outside = path.join(path.dirname(r.dir), `${path.basename(r.dir)}-plan.md`);
    for (const out of [`../${path.basename(outside)}`, outside, 'rollout/shop.json', 'rollout/plan.md', '.git/config']) {
      const c = r.run(['plan', '--out', out]);
      expect({ out, code: c.code, err: c.err }).toEqual({ out, code: 1, err: expect.stringContaining('(not a place for the report) is refused') });
    }
    expect(fs.existsSync(outside)).toBe(false);
    expect(fs.readFileSync(path.join(r.dir, 'rollout/shop.json'), 'utf8')).toBe(before);
    expect(fs.readdirSync(path.join(r.dir, 'rollout'))).toEqual(['shop.json']);
    expect(r.run(['plan', '--out', 'plan.md']).code).toBe(0);
  });

  test('10c: a committed lock file does not block the automatic rollback', () => {
    const r = repo();
    r.write('rollout/shop.json', state(2, [u('blue', '1.33', 'serving', 90, 0, 100), u('green', '1.34', 'serving', 10, 2, 10)], { onGateFailure: 'rollback' }));
    r.write('rollout/.shop.json.lock', '12345\n');
    r.commit('with a committed lock');
    const c = r.run(['rollback', '--on-gate-failure']);
    expect({ code: c.code, err: c.err }).toEqual({ code: 0, err: '' });
    expect(c.out).toContain('blue serving 90 → 100, green serving 10 → standby');
  });

  test('10d: an invalid state file on the base does not refuse the pull request that repairs it (judged against its last valid version)', () => {
    const r = repo();
    r.write('rollout/shop.json', BASE);
    r.commit('valid', T0);
    r.write('rollout/shop.json', BASE.replace('"weight": 90', '"weight": 95'));
    r.commit('broken by hand', T0 + 60);
    const repaired = state(3, [u('blue', '1.33', 'serving', 65, 0, 100), u('green', '1.34', 'serving', 35, 2, 35)]);
    r.write('rollout/shop.json', repaired);
    const c = r.run(['check', '--base', 'main']);
    expect(c.code).toBe(0);
    const p = r.run(['plan', '--base', 'main']);
    expect(p.out).toMatch(/Note: `the file at main is invalid, so it is compared with its last valid version \(commit [0-9a-f]{12}\)`/);
    // The repair is still one legal step from that version.
    r.write('rollout/shop.json', ILLEGAL);
    expect(r.run(['check', '--base', 'main']).err).toContain('rule standby-before-retire');
  });

  test('10e: a file name that is not UTF-8 is refused on its own; every other fleet is still checked', () => {
    const r = repo();
    r.write('rollout/shop.json', BASE);
    r.commit('base');
    r.write('rollout/shop.json', ILLEGAL);
    fs.writeFileSync(Buffer.concat([Buffer.from(path.join(r.dir, 'rollout/')), Buffer.from([0x66, 0xff, 0x2e, 0x6a, 0x73, 0x6f, 0x6e])]), BASE);
    const c = r.run(['check', '--base', 'main']);
    expect(c.code).toBe(1);
    expect(c.err).toContain('rule standby-before-retire (blue: serving 90 → retired)');
    expect(c.err).toContain('rollout/f\\xff.json = (a file name that is not UTF-8) is refused');
  });

  test('10f: shift keeps \\u00e9 and \\u2028 in description exactly as written', () => {
    const r = repo();
    const text = BASE.replace('{\n', '{\n  "description": "caf\\u00e9 \\u2028 line",\n');
    r.write('rollout/shop.json', text);
    expect(r.run(['shift']).code).toBe(0);
    expect(fs.readFileSync(path.join(r.dir, 'rollout/shop.json'), 'utf8')).toContain('"description": "caf\\u00e9 \\u2028 line",');
  });

  test('10g: a 200-unit plan fits a GitHub comment (summarised, with a link); --full gives all of it', () => {
    const r = repo();
    const units = (w0: number, w1: number, l1: string) => [u('u0', '1.33', 'serving', w0, 0, 100), ...Array.from({ length: 199 }, (_, i) => u(`u${i + 1}`, '1.34', i === 0 ? l1 : 'candidate', i === 0 ? w1 : 0, i === 0 && w1 ? 1 : 0, i === 0 ? w1 : 0))];
    r.write('rollout/shop.json', state(0, units(100, 0, 'candidate')));
    r.commit('200 units');
    r.write('rollout/shop.json', state(1, units(90, 10, 'serving')));
    const p = r.run(['plan', '--base', 'main', '--link', 'https://ci.example/run/1']);
    expect(p.code).toBe(0);
    expect(p.out.length).toBeLessThanOrEqual(65_536);
    expect(p.out).toContain('**Summary only**: GitHub takes at most 65,536 characters per comment; the full report (');
    expect(p.out).toContain('is [here](https://ci.example/run/1)');
    expect(p.out).toContain('## Fleet `shop` — step 0 → 1 — ✅ legal step');
    expect(r.run(['plan', '--base', 'main', '--full']).out.length).toBeGreaterThan(65_536);
    expect(r.run(['plan', '--base', 'main', '--link', 'javascript:alert(1)']).code).toBe(2);
  });

  test('11: an unknown command suggests the nearest; every Fix of a writing command is a command to run, never a JSON fragment', () => {
    const r = repo();
    r.write('rollout/shop.json', BASE);
    expect(r.run(['shfit']).err).toContain('unknown command "shfit"; did you mean `cdktf-bluegreen shift`?');
    expect(r.run(['shift', '--wieght', '5']).err).toContain('unknown option --wieght; did you mean `--weight`?');
    const cases: Array<[string[], string]> = [
      [['pin', 'blue', 'cvrbj'], 'Fix: cdktf-bluegreen pin blue <fingerprint>, with the unit\'s fingerprint from the rollout plan (cdktf.out/rollout-plan.md), e.g. cdktf-bluegreen pin blue cvrbjn.'],
      [['shift', '--weight', '90'], 'Fix: cdktf-bluegreen shift --weight 35'],
      [['start', '1.35', '--slot', 'green'], 'Fix: cdktf-bluegreen start 1.35 --slot teal.'],
      [['retire', '--slot', 'blue'], 'Fix: no standby or candidate unit now: cdktf-bluegreen status lists the steps that apply.'],
      [['rollback', '--slot', 'teal'], 'Fix: cdktf-bluegreen rollback --slot blue (the slots are blue, green).'],
    ];
    for (const [argv, fix] of cases) {
      const c = r.run(argv);
      expect({ argv, code: c.code, err: c.err }).toEqual({ argv, code: 1, err: expect.stringContaining(fix) });
      expect(c.err).not.toMatch(/Fix: "|Fix: --/);
    }
  });
});
