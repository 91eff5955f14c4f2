// Hostile pull requests against `check --base` / `plan --base`, as an attacker of a CI job would
// write them (issue 21), generated from a seed: each one carries an illegal step (the oracle of
// transition-oracle.ts says so) through one of the ways the guard was bypassed, or attacks the
// output (the PR comment, --out, the terminal). For every input the runner measures the six zeros:
// bypasses, stack traces, hangs, silent changes, writes outside the repository, unescaped Markdown.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { DeployOutcome, DeployRecord, formatDeployRecords, isoSeconds, recordUnitsOf, stateDigest } from '../../src/core/deploy-record';
import { CliIo } from '../../src/cli/output';
import { formatRolloutState, RolloutStateFile } from '../../src/core/state-file';
import { RolloutState } from '../../src/rollout/rollout-state';
import { markdownLeaks } from './markdown-safety';
import { randomBase, randomEdit, rng } from './random-edits';
import { oracleRefusal } from './transition-oracle';
import { GIT_ENV } from './git-repo';
import { tempDir } from './temp';

const T0 = 1_800_000_000;

/** The classes of issue 21 a hostile input belongs to. */
export const CLASSES = [
  'git-failure', 'path-spelling', 'canary-with-drop', 'standby-bounce', 'commit-time', 'sha256', 'stray-file',
  'synth-history', 'markdown-injection', 'output-and-files', 'typo', 'forget-without-record',
] as const;
export type HostileClass = typeof CLASSES[number];

export interface Figures {
  inputs: number;
  byClass: { [c: string]: number };
  bypasses: string[];
  stackTraces: string[];
  hangs: string[];
  silentChanges: string[];
  writesOutside: string[];
  unescapedMarkdown: string[];
  /** The slowest command of the corpus but the many-files one, in ms. */
  slowest: number;
  /** The check beside the many files, in ms. @default - not run */
  bigFilesMs?: number;
}

interface Repo {
  dir: string;
  git(args: string[], env?: object): string;
  write(file: string, text: string | Buffer): void;
  commit(message: string, at?: number): void;
}

function makeRepo(parent: string, n: number, objectFormat?: string): Repo {
  const dir = path.join(parent, `repo-${n}`);
  fs.mkdirSync(dir);
  const git = (args: string[], env: object = {}) => execFileSync('git', args, { cwd: dir, env: { ...GIT_ENV, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git(['init', '-q', '-b', 'main', ...(objectFormat ? [`--object-format=${objectFormat}`] : [])]);
  return {
    dir, git,
    write: (file, text) => { fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true }); fs.writeFileSync(path.join(dir, file), text); },
    commit: (message, at = T0) => { git(['add', '-A']); git(['commit', '-q', '--allow-empty', '-m', message], { GIT_COMMITTER_DATE: `@${at} +0000`, GIT_AUTHOR_DATE: `@${at} +0000` }); },
  };
}

function runCli(dir: string, argv: string[], now: number): { code: number; out: string; err: string; ms: number } {
  let out = '';
  let err = '';
  const io: CliIo = { cwd: dir, out: (s) => { out += s; }, err: (s) => { err += s; }, color: false, env: GIT_ENV, now: () => now * 1000 };
  const t = Date.now();
  const code = main(argv, io);
  return { code, out, err, ms: Date.now() - t };
}

/** Every file under `dir` (but .git) with its content hash: what a reading command must leave as it was. */
function snapshot(dir: string, skip: Set<string> = new Set()): string {
  const parts: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true, encoding: 'buffer' })) {
      const name = e.name.toString('latin1');
      const p = path.join(d, name);
      if (name === '.git' || skip.has(name)) continue;
      const full = Buffer.concat([Buffer.from(d + path.sep), e.name]);
      if (e.isDirectory()) walk(p);
      else parts.push(`${p}:${e.isSymbolicLink() ? 'link' : fs.readFileSync(full).toString('base64')}`);
    }
  };
  walk(dir);
  return parts.sort().join('\n');
}

/** An illegal head for a random base (the oracle's verdict), or undefined. */
function illegalPair(r: () => number): { base: RolloutStateFile; head: unknown } | undefined {
  for (let i = 0; i < 50; i++) {
    const base = randomBase(r);
    const head = randomEdit(base, r);
    if (oracleRefusal(JSON.parse(JSON.stringify(base)), head) !== undefined) return { base, head };
  }
  return undefined;
}

const text = (s: unknown) => `${JSON.stringify(s, null, 2)}\n`;

/** A fleet whose blue was retired at step 7 (green serves 100), and the same fleet with blue forgotten. */
function retiredBase(fleet = 'shop'): { base: RolloutStateFile; forgotten: RolloutStateFile } {
  const green = { slot: 'green', kubernetesVersion: '1.34', lifecycle: 'serving' as never, weight: 100, since: 6, peakWeight: 100 };
  const base: RolloutStateFile = { version: 1, fleet, step: 7, policy: { canaryWeight: 10, maxWeightStep: 25 } as never, units: [
    { slot: 'blue', kubernetesVersion: '1.33', lifecycle: 'retired' as never, weight: 0, since: 7, peakWeight: 100 }, green,
  ] };
  return { base, forgotten: { ...base, step: 8, units: [green] } };
}

/** The record `cdktf-bluegreen record` writes for a deploy of `state` that ended with `outcome`. */
function recordOf(state: RolloutStateFile, outcome: DeployOutcome, at = T0): DeployRecord {
  return {
    v: 1, fleet: state.fleet, step: state.step, state: stateDigest(formatRolloutState(state)), units: recordUnitsOf(state),
    stacks: [{ name: `${state.fleet}-traffic`, result: outcome === DeployOutcome.SUCCEEDED ? 'applied' : 'failed' }], outcome, gates: [],
    startedAt: isoSeconds(at), finishedAt: isoSeconds(at + 60),
  };
}

/** The soak-carrying base of the soak classes: green serving 20 (newest), blue 80, teal a candidate. */
function soakBase(policy: object): RolloutStateFile {
  return {
    version: 1, fleet: 'shop', step: 3, policy: { canaryWeight: 10, maxWeightStep: 25, ...policy } as never,
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: 'serving' as never, weight: 80, since: 0, peakWeight: 100 },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: 'serving' as never, weight: 20, since: 2, peakWeight: 20 },
      { slot: 'teal', kubernetesVersion: '1.35', lifecycle: 'candidate' as never, weight: 0, since: 3, peakWeight: 0 },
    ],
  };
}

const MARKDOWN_PAYLOADS = [
  '<img src=x onerror=alert(1)>', '@org/admins please merge', '[approve](https://evil.example/x)', '</details><script>x</script>',
  '`` ` ``<b>x</b>', 'https://evil.example', 'www.evil.example', '&lt;b&gt;', '![i](https://evil.example/i.png)', '\u200b\u202eevil\u2066', '~~~\n<b>x</b>', '| a | b |',
];

/**
 * Runs `count` hostile inputs (spread over every class) from `seed` in scratch repositories under
 * a temp folder, and returns the figures. `bigFiles` adds the many-files case (47,000 files), for
 * `npm run stress` only.
 * `hangBoundMs`: when given (npm run stress), a command slower than it counts as a hang (the
 * 47,000-file check gets 5 ms a file more). Without it (npm test) no wall time is judged: a real
 * hang never lets the caller finish.
 */
export function runHostilePrs(count: number, seed = 1, opts: { bigFiles?: number; hangBoundMs?: number } = {}): Figures {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const root = tempDir('bg-hostile-');
  const parent = path.join(root, 'work');
  fs.mkdirSync(parent);
  const sentinel = path.join(root, 'outside');
  fs.mkdirSync(sentinel);
  fs.writeFileSync(path.join(sentinel, 'keep'), 'untouched');
  const f: Figures = { inputs: 0, byClass: {}, bypasses: [], stackTraces: [], hangs: [], silentChanges: [], writesOutside: [], unescapedMarkdown: [], slowest: 0 };
  const outsideBefore = snapshot(root, new Set(['work']));
  let n = 0;
  let gitFailures = 0;

  /** Runs one command; `refuse` says whether it must exit non-zero; reading commands must change nothing. */
  const judge = (cls: HostileClass, label: string, repo: Repo, argv: string[], refuse: boolean | undefined, now = T0 + 24 * 3600, markdown = false, boundMs = opts.hangBoundMs) => {
    const reading = argv[0] === 'check' || argv[0] === 'plan' || argv[0] === 'status';
    const before = reading ? snapshot(repo.dir) : '';
    const res = runCli(repo.dir, argv, now);
    f.inputs++;
    f.byClass[cls] = (f.byClass[cls] ?? 0) + 1;
    const all = res.out + res.err;
    const what = `${cls}: ${label}: ${argv.join(' ').slice(0, 80)} → exit ${res.code}: ${all.slice(0, 300).replace(/\n/g, ' | ')}`;
    if (refuse === true && res.code === 0) f.bypasses.push(what);
    if (refuse === false && res.code !== 0) f.bypasses.push(`(a legal input refused) ${what}`);
    if (/\n\s+at .*(:\d+:\d+|\(native\))|RangeError|TypeError|failed: cdktf-bluegreen could not finish/.test(all)) f.stackTraces.push(what);
    if (boundMs !== undefined && res.ms > boundMs) f.hangs.push(`${what} (${res.ms} ms, bound ${boundMs} ms)`);
    if (boundMs === opts.hangBoundMs) f.slowest = Math.max(f.slowest, res.ms);
    if (reading && snapshot(repo.dir) !== before && !argv.includes('--out')) f.silentChanges.push(what);
    if (markdown) for (const leak of markdownLeaks(res.out)) f.unescapedMarkdown.push(`${what}: ${leak}`);
    return res;
  };

  const classes: HostileClass[] = Array.from({ length: count }, (_, i) => CLASSES[i % CLASSES.length]);
  for (const cls of classes) {
    n++;
    try {
      switch (cls) {
        case 'git-failure': {
          const pair = illegalPair(r);
          if (!pair) break;
          const repo = makeRepo(parent, n);
          repo.write('rollout/shop.json', formatRolloutState({ ...pair.base, fleet: 'shop' }));
          repo.commit('base');
          const head = { ...(pair.head as object), fleet: 'shop' };
          repo.write('rollout/shop.json', text(head));
          if (oracleRefusal(JSON.parse(formatRolloutState({ ...pair.base, fleet: 'shop' })), head) === undefined) break;
          // Remove an object git needs: the root tree, the folder's tree, or the blob.
          const which = ['main^{tree}', 'main:rollout', 'main:rollout/shop.json'][gitFailures++ % 3];
          const id = repo.git(['rev-parse', which]).trim();
          fs.rmSync(path.join(repo.dir, '.git', 'objects', id.slice(0, 2), id.slice(2)));
          // Refused because git failed, not for another reason the head happens to have.
          for (const argv of [['check', '--base', 'main'], ['plan', '--base', 'main']]) {
            const res = judge(cls, `object ${which} missing`, repo, argv, true, undefined, argv[0] === 'plan');
            if (!/git failed|git could not read the file/.test(res.err + res.out)) f.bypasses.push(`${cls}: ${argv.join(' ')} with object ${which} missing was not refused as a git failure`);
          }
          break;
        }
        case 'path-spelling': {
          const pair = illegalPair(r);
          if (!pair) break;
          const repo = makeRepo(parent, n);
          const base = { ...pair.base, fleet: 'shop' };
          const head = { ...(pair.head as object), fleet: 'shop' };
          if (oracleRefusal(JSON.parse(formatRolloutState(base)), head) === undefined) break;
          repo.write('rollout/shop.json', formatRolloutState(base));
          repo.commit('base');
          repo.write('rollout/shop.json', text(head));
          const spelling = pick([
            ['--file', path.join(repo.dir, 'rollout/shop.json')], ['--file', `../${path.basename(repo.dir)}/rollout/shop.json`], ['--dir', path.join(repo.dir, 'rollout')],
            ['--file', './rollout/../rollout/shop.json'], ['--file', 'rollout//shop.json'], ['--dir', 'rollout/'], ['--dir', './rollout/.'], ['--dir', `../${path.basename(repo.dir)}/rollout`],
          ]);
          judge(cls, spelling.join(' '), repo, ['check', '--base', 'main', ...spelling], true);
          break;
        }
        case 'canary-with-drop': {
          const soak = 30 + Math.floor(r() * 600);
          const repo = makeRepo(parent, n);
          const base = soakBase({ canarySoakMinutes: soak });
          repo.write('rollout/shop.json', formatRolloutState(base));
          repo.commit('base', T0);
          const canary = 1 + Math.floor(r() * 10);
          const drop = Math.min(19, canary + Math.floor(r() * 5));
          const head = { ...base, step: 4, units: [
            { ...base.units[0], weight: 80 - canary + drop },
            { ...base.units[1], weight: 20 - drop },
            { ...base.units[2], lifecycle: 'serving', weight: canary, since: 4, peakWeight: canary },
          ] };
          repo.write('rollout/shop.json', text(head));
          const early = Math.floor(r() * soak * 60);
          judge(cls, `canary ${canary}, newest drops ${drop}, ${early} s of ${soak} min`, repo, ['check', '--base', 'main'], true, T0 + early);
          judge(cls, 'after the soak', repo, ['check', '--base', 'main'], false, T0 + soak * 60);
          break;
        }
        case 'standby-bounce': {
          const peak = 1 + Math.floor(r() * 60);
          const repo = makeRepo(parent, n);
          const base = { version: 1, fleet: 'shop', step: 5, units: [
            { slot: 'blue', kubernetesVersion: '1.33', lifecycle: 'serving', weight: 100, since: 0, peakWeight: 100 },
            { slot: 'green', kubernetesVersion: '1.34', lifecycle: 'standby', weight: 0, since: 5, peakWeight: peak },
          ] };
          repo.write('rollout/shop.json', text(base));
          repo.commit('rolled back');
          const w = peak + 1 + Math.floor(r() * (100 - peak));
          const units = w === 100
            ? [{ ...base.units[0], lifecycle: 'standby', weight: 0, since: 6 }, { ...base.units[1], lifecycle: 'serving', weight: 100, since: 6, peakWeight: 100 }]
            : [{ ...base.units[0], weight: 100 - w }, { ...base.units[1], lifecycle: 'serving', weight: w, since: 6, peakWeight: w }];
          repo.write('rollout/shop.json', text({ ...base, step: 6, units }));
          judge(cls, `standby (peak ${peak}) → serving ${w}`, repo, ['check', '--base', 'main'], true);
          break;
        }
        case 'commit-time': {
          const repo = makeRepo(parent, n);
          const base = soakBase({ shiftSoakMinutes: 60 });
          const now = T0 + 10 * 24 * 3600;
          const kind = pick(['future', 'backdated', 'forged']);
          if (kind === 'backdated') { repo.write('README.md', 'x'); repo.commit('first', now - 60); }
          repo.write('rollout/shop.json', formatRolloutState(base));
          repo.commit('base', kind === 'future' ? now + 600 + Math.floor(r() * 400 * 24 * 3600) : kind === 'backdated' ? now - 2 * 3600 - Math.floor(r() * 1e6) : now - 3600);
          if (kind === 'forged') {
            const tree = repo.git(['rev-parse', 'HEAD^{tree}']).trim();
            const time = pick(['99999999999999', '8640000000001', '0', '-5', '1e3']);
            fs.writeFileSync(path.join(repo.dir, '.forged'), `tree ${tree}\nauthor a <a@example.invalid> 1 +0000\ncommitter a <a@example.invalid> ${time} +0000\n\nforged\n`);
            const id = repo.git(['hash-object', '-t', 'commit', '-w', '--literally', '.forged']).trim();
            fs.rmSync(path.join(repo.dir, '.forged'));
            repo.git(['update-ref', 'refs/heads/main', id]);
          }
          repo.write('rollout/shop.json', text({ ...base, step: 4, units: [{ ...base.units[0], weight: 55 }, { ...base.units[1], weight: 45, peakWeight: 45 }, base.units[2]] }));
          judge(cls, kind, repo, ['check', '--base', 'main'], true, now);
          break;
        }
        case 'sha256': {
          const repo = makeRepo(parent, n, 'sha256');
          const soak = 30 + Math.floor(r() * 600);
          const base = soakBase({ shiftSoakMinutes: soak });
          repo.write('rollout/shop.json', formatRolloutState(base));
          repo.commit('base', T0);
          repo.write('rollout/shop.json', text({ ...base, step: 4, units: [{ ...base.units[0], weight: 55 }, { ...base.units[1], weight: 45, peakWeight: 45 }, base.units[2]] }));
          judge(cls, `shift ${soak} min soak, too soon`, repo, ['check', '--base', 'main'], true, T0 + Math.floor(r() * soak * 60));
          break;
        }
        case 'stray-file': {
          const pair = illegalPair(r);
          if (!pair) break;
          const repo = makeRepo(parent, n);
          repo.write('rollout/shop.json', formatRolloutState({ ...pair.base, fleet: 'shop' }));
          repo.commit('base');
          const where = pick(['rollout/sub/shop.json', 'rollout/shop.JSON', 'rollout/shop.Json', 'rollout/a/b/c/shop.json', 'rollout/.hidden/shop.json']);
          repo.write(where, text({ ...(pair.head as object), fleet: 'shop' }));
          const head = pick([undefined, 'head']);
          if (head) { repo.commit('stray'); repo.git(['branch', 'head']); }
          judge(cls, where, repo, ['check', '--base', head ? 'main~1' : 'main', ...(head ? ['--head', 'head'] : [])], true);
          judge(cls, where, repo, ['plan', '--base', head ? 'main~1' : 'main', ...(head ? ['--head', 'head'] : [])], true, undefined, true);
          break;
        }
        case 'synth-history': {
          const pair = illegalPair(r);
          if (!pair) break;
          const repo = makeRepo(parent, n);
          const base = { ...pair.base, fleet: 'shop' };
          const head = { ...(pair.head as object), fleet: 'shop' } as unknown as { step: number };
          repo.write('rollout/shop.json', formatRolloutState(base));
          repo.commit('base');
          repo.write('rollout/shop.json', text(head));
          if (pick([true, false])) repo.commit('hand edit merged without check');
          f.inputs++;
          f.byClass[cls] = (f.byClass[cls] ?? 0) + 1;
          let loaded = true;
          let message = '';
          try { RolloutState.load(path.join(repo.dir, 'rollout/shop.json'), 'shop'); } catch (e) { loaded = false; message = (e as Error).message; }
          const invalidHead = (() => { try { return oracleRefusal(JSON.parse(formatRolloutState(base)), head)?.startsWith('invalid'); } catch { return true; } })();
          // Synth judges a step (units, lifecycles, weights or the step number changed); a change of
          // nothing else (a fingerprint, the policy) is left to check --base.
          const isStep = JSON.stringify((head as RolloutStateFile).units?.map((u) => [u.slot, u.lifecycle, u.weight, u.kubernetesVersion])) !== JSON.stringify(base.units.map((u) => [u.slot, u.lifecycle, u.weight, u.kubernetesVersion])) || head.step !== base.step;
          const illegal = oracleRefusal(JSON.parse(formatRolloutState(base)), head) !== undefined;
          if (loaded && illegal && !invalidHead && isStep) f.bypasses.push(`${cls}: synth loaded an illegal step: ${oracleRefusal(JSON.parse(formatRolloutState(base)), head)}`);
          if (/\n\s+at /.test(message)) f.stackTraces.push(`${cls}: ${message.slice(0, 200)}`);
          break;
        }
        case 'markdown-injection': {
          const repo = makeRepo(parent, n);
          const payload = pick(MARKDOWN_PAYLOADS);
          const base = soakBase({});
          repo.write('rollout/shop.json', formatRolloutState(base));
          repo.commit('base');
          const where = pick(['key', 'unit-key', 'fleet', 'file', 'slot', 'description']);
          const head = JSON.parse(formatRolloutState(base));
          if (where === 'key') head[payload] = 1;
          if (where === 'unit-key') head.units[0][payload] = 1;
          if (where === 'fleet') head.fleet = payload;
          if (where === 'slot') head.units[2].slot = payload;
          if (where === 'description') head.description = payload;
          const file = where === 'file' ? `rollout/${payload.replace(/\//g, '_').replace(/\n/g, ' ')}.json` : 'rollout/shop.json';
          repo.write(file, text(where === 'file' ? { ...head, fleet: 'other' } : head));
          const refuse = where !== 'description';
          judge(cls, `${where}: ${payload}`, repo, ['plan', '--base', 'main'], refuse, undefined, true);
          judge(cls, `${where}: ${payload}`, repo, ['plan', '--base', 'main', '--json'], refuse);
          break;
        }
        case 'output-and-files': {
          const repo = makeRepo(parent, n);
          const base = soakBase({ onGateFailure: 'rollback' });
          repo.write('rollout/shop.json', formatRolloutState(base));
          const kind = pick(['out', 'lock', 'invalid-base', 'non-utf8', 'description', 'big']);
          if (kind === 'lock') {
            repo.write(`rollout/.shop.json${pick(['', '.1', '.123456'])}.lock`, '1\n');
            repo.commit('lock committed');
            judge(cls, 'committed lock', repo, ['rollback', '--on-gate-failure'], false);
          } else if (kind === 'out') {
            repo.commit('base');
            const out = pick([path.join(sentinel, 'plan.md'), `../outside-${n}.md`, '../../outside/keep', 'rollout/shop.json', 'rollout/plan.md', '.git/config', '.git/hooks/pre-commit', `${repo.dir}/../x.md`, '.GIT/config']);
            judge(cls, `--out ${out}`, repo, ['plan', '--base', 'main', '--out', out], true);
          } else if (kind === 'invalid-base') {
            repo.commit('valid', T0);
            repo.write('rollout/shop.json', formatRolloutState(base).replace('"weight": 80', '"weight": 81'));
            repo.commit('broken', T0 + 60);
            const pair = illegalPair(r);
            const legal = pick([true, false]);
            const head = legal ? { ...base, step: 4, units: [{ ...base.units[0], weight: 70 }, { ...base.units[1], weight: 30, peakWeight: 30 }, base.units[2]] } : { ...(pair?.head as object), fleet: 'shop' };
            if (!legal && (!pair || oracleRefusal(JSON.parse(formatRolloutState(base)), head) === undefined)) break;
            repo.write('rollout/shop.json', text(head));
            judge(cls, `invalid base, ${legal ? 'legal' : 'illegal'} repair`, repo, ['check', '--base', 'main'], !legal);
          } else if (kind === 'non-utf8') {
            repo.commit('base');
            repo.write('rollout/shop.json', text({ ...base, step: 4, units: [{ ...base.units[0], lifecycle: 'retired', weight: 0, since: 4 }, { ...base.units[1], weight: 100, peakWeight: 100 }, base.units[2]] }));
            fs.writeFileSync(Buffer.concat([Buffer.from(path.join(repo.dir, 'rollout/')), Buffer.from([0xc3, 0x28, 0x2e, 0x6a, 0x73, 0x6f, 0x6e])]), '{}');
            const res = judge(cls, 'non-UTF-8 name beside an illegal step', repo, ['check', '--base', 'main'], true);
            if (!res.err.includes('standby-before-retire')) f.bypasses.push(`${cls}: the illegal step beside a non-UTF-8 name was not judged`);
          } else if (kind === 'description') {
            const raw = pick(['caf\\u00e9', '\\u2028', '\\ud83d\\ude00', '\\/', 'tab\\tend', '\\"q\\"']);
            repo.write('rollout/shop.json', formatRolloutState(base).replace('{\n', `{\n  "description": "${raw}",\n`));
            const res = judge(cls, `description ${raw}`, repo, ['shift'], false);
            if (res.code === 0 && !fs.readFileSync(path.join(repo.dir, 'rollout/shop.json'), 'utf8').includes(`"description": "${raw}",`)) f.silentChanges.push(`${cls}: description ${raw} rewritten by shift`);
          } else {
            const units = [{ slot: 'u0', kubernetesVersion: '1.33', lifecycle: 'serving', weight: 100, since: 0, peakWeight: 100 }, ...Array.from({ length: 199 }, (_, i) => ({ slot: `u${i + 1}`, kubernetesVersion: '1.34', lifecycle: 'candidate', weight: 0, since: 0, peakWeight: 0 }))];
            repo.write('rollout/shop.json', text({ version: 1, fleet: 'shop', step: 0, units }));
            repo.commit('200 units');
            units[0] = { ...units[0], weight: 90 };
            units[1] = { ...units[1], lifecycle: 'serving', weight: 10, since: 1, peakWeight: 10 };
            repo.write('rollout/shop.json', text({ version: 1, fleet: 'shop', step: 1, units }));
            const res = judge(cls, '200-unit plan', repo, ['plan', '--base', 'main'], false, undefined, true);
            if (res.out.length > 65_536) f.bypasses.push(`${cls}: a plan of ${res.out.length} characters, over GitHub's comment limit`);
          }
          break;
        }
        case 'forget-without-record': {
          // Issue 21 item 8: a retired unit leaves the file only after a recorded successful deploy of its retirement.
          const repo = makeRepo(parent, n);
          const { base, forgotten } = retiredBase();
          const before = { ...base, step: 6, units: base.units.map((u) => (u.slot === 'blue' ? { ...u, lifecycle: 'standby' as never, since: 6 } : u)) };
          repo.write('rollout/shop.json', formatRolloutState(base));
          const kind = pick(['no-folder', 'empty-folder', 'failed', 'interrupted', 'step-before', 'other-fleet', 'forged-in-pr', 'future-step', 'recorded']);
          const records: { [fleet: string]: DeployRecord[] } = {
            'no-folder': {}, 'empty-folder': {}, 'failed': { shop: [recordOf(base, DeployOutcome.FAILED)] },
            'interrupted': { shop: [recordOf(base, DeployOutcome.INTERRUPTED)] }, 'step-before': { shop: [recordOf(before, DeployOutcome.SUCCEEDED)] },
            'other-fleet': { bank: [recordOf(retiredBase('bank').base, DeployOutcome.SUCCEEDED)] }, 'forged-in-pr': { shop: [recordOf(base, DeployOutcome.FAILED)] },
            'future-step': { shop: [recordOf({ ...base, step: 9 }, DeployOutcome.SUCCEEDED)] }, 'recorded': { shop: [recordOf(base, DeployOutcome.SUCCEEDED)] },
          }[kind] as { [fleet: string]: DeployRecord[] };
          if (kind === 'empty-folder') repo.write('rollout/.deploys/.keep', '');
          for (const [fleet, rs] of Object.entries(records)) repo.write(`rollout/.deploys/${fleet}.jsonl`, formatDeployRecords(rs));
          if (kind === 'other-fleet') repo.write('rollout/bank.json', formatRolloutState(retiredBase('bank').base));
          repo.commit('retire blue, deployed');
          const legal = kind === 'recorded';
          // The CLI's own forget, on the base's working tree.
          judge(cls, `forget, records: ${kind}`, repo, ['forget', '--fleet', 'shop', '--dry-run'], !legal);
          // A hand-written forget in a pull request (a forged success record beside it, for forged-in-pr).
          if (kind === 'forged-in-pr') repo.write('rollout/.deploys/shop.jsonl', formatDeployRecords([...records.shop, recordOf(base, DeployOutcome.SUCCEEDED, T0 + 120)]));
          repo.write('rollout/shop.json', formatRolloutState(forgotten));
          const res = judge(cls, `hand-written forget, records at the base: ${kind}`, repo, ['check', '--base', 'main'], !legal);
          if (!legal && res.code !== 0 && !res.err.includes('rule forget')) f.bypasses.push(`${cls}: ${kind}: refused, but not by the forget rule: ${res.err.slice(0, 200)}`);
          break;
        }
        case 'typo': {
          const repo = makeRepo(parent, n);
          repo.write('rollout/shop.json', formatRolloutState(soakBase({})));
          const argv = pick([['shfit'], ['promtoe'], ['statsu'], ['chekc', '--base', 'main'], ['plna'], ['retrie'], ['rollbak'], ['shift', '--wieght', '5'], ['pin', 'teal', 'ABC'], ['shift', '--weight', '99'], ['start', '1.36', '--slot', 'green']]);
          const res = judge(cls, argv.join(' '), repo, argv, true);
          if (res.code === 2 && !/did you mean `/.test(res.err) ) f.bypasses.push(`${cls}: no suggestion for ${argv.join(' ')}`);
          if (/Fix: ["-]/.test(res.err)) f.bypasses.push(`${cls}: a Fix that is not a command: ${res.err.slice(0, 200)}`);
          break;
        }
      }
    } catch (e) {
      f.stackTraces.push(`${cls}: the harness itself failed: ${(e as Error).message.slice(0, 300)}`);
    }
  }

  if (opts.bigFiles) {
    // Tens of thousands of valid fleet files beside one illegal step: the old `ls-tree` with every path as an argument failed (E2BIG).
    const repo = makeRepo(parent, ++n);
    const pair = illegalPair(r)!;
    const one = formatRolloutState({ version: 1, fleet: 'f', step: 0, units: [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: 'serving' as never, weight: 100, since: 0, peakWeight: 100 }] });
    for (let i = 0; i < opts.bigFiles; i++) {
      const name = `f${i.toString(36).padStart(20, '0')}`;
      fs.mkdirSync(path.join(repo.dir, 'rollout'), { recursive: true });
      fs.writeFileSync(path.join(repo.dir, 'rollout', `${name}.json`), one.replace('"f"', `"${name}"`));
    }
    repo.write('rollout/shop.json', formatRolloutState({ ...pair.base, fleet: 'shop' }));
    repo.commit('many files');
    repo.write('rollout/shop.json', text({ ...(pair.head as object), fleet: 'shop' }));
    // Bounded by the number of files (every one is parsed and judged): the hang bound plus 5 ms a file.
    const bound = opts.hangBoundMs === undefined ? undefined : opts.hangBoundMs + 5 * opts.bigFiles;
    const t = Date.now();
    judge('git-failure', `${opts.bigFiles} files`, repo, ['check', '--base', 'main'], true, undefined, false, bound);
    f.bigFilesMs = Date.now() - t;
  }

  if (snapshot(root, new Set(['work'])) !== outsideBefore) f.writesOutside.push('a file outside the repositories changed');
  for (const e of fs.readdirSync(root)) if (e !== 'work' && e !== 'outside') f.writesOutside.push(`written outside: ${e}`);
  for (const e of fs.readdirSync(parent)) if (!e.startsWith('repo-')) f.writesOutside.push(`written beside the repositories: ${e}`);
  fs.rmSync(root, { recursive: true, force: true });
  return f;
}
