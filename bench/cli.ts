// CLI benchmark: status, check and plan on fleets up to the documented maximum (MAX_UNITS), the
// worst case for the legal-next-steps search (many candidates, each a `retire --slot` to try).
// In-process medians (the work of the command), and one real process per command at the maximum
// (what a user waits for, start-up of node included).
//   npm run bench:cli              REPEAT=5 SIZES=10,50,100,200
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';
import { MAX_UNITS } from '../src/core/state-file';

const REPEAT = Number(process.env.REPEAT ?? 5);
const SIZES = (process.env.SIZES ?? `10,50,100,${MAX_UNITS}`).split(',').map(Number);
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@example.invalid', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@example.invalid', NO_COLOR: '1' };

/** A valid fleet of `n` units: two serving (60/40), then candidates, standby and retired units in thirds. */
function fleet(n: number): string {
  const units = [
    `{ "slot": "blue", "kubernetesVersion": "1.33", "lifecycle": "serving", "weight": 60, "since": 0, "peakWeight": 100 }`,
    `{ "slot": "green", "kubernetesVersion": "1.34", "lifecycle": "serving", "weight": 40, "since": 5, "peakWeight": 40 }`,
  ];
  for (let i = 0; units.length < n; i++) {
    const kind = ['candidate', 'standby', 'retired'][i % 3];
    units.push(`{ "slot": "u${i}", "kubernetesVersion": "1.${30 + (i % 7)}.${i}", "lifecycle": "${kind}", "weight": 0, "since": ${kind === 'candidate' ? 6 : 1}, "peakWeight": ${kind === 'candidate' ? 0 : 10} }`);
  }
  return `{\n  "version": 1,\n  "fleet": "big",\n  "step": 6,\n  "units": [\n    ${units.join(',\n    ')}\n  ]\n}\n`;
}

function timeIt(dir: string, argv: string[]): { ms: number; code: number; bytes: number } {
  let bytes = 0;
  const t = process.hrtime.bigint();
  const code = main(argv, { cwd: dir, out: (s) => { bytes += s.length; }, err: (s) => { bytes += s.length; }, color: false, env: GIT_ENV });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, code, bytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pad = (s: string | number, n: number) => String(s).padStart(n);

console.log(`cdktf-bluegreen CLI — in-process median of ${REPEAT} runs (ms); the documented maximum is ${MAX_UNITS} units`);
console.log(`${pad('units', 5)} ${pad('status', 8)} ${pad('check ok', 9)} ${pad('check ✗', 9)} ${pad('plan', 8)} ${pad('shift', 8)}`);
let worst = 0;
let maxDir = '';
for (const n of SIZES) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-bench-cli-'));
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, env: GIT_ENV, stdio: 'ignore' });
  fs.mkdirSync(path.join(dir, 'rollout'));
  const file = path.join(dir, 'rollout', 'big.json');
  fs.writeFileSync(file, fleet(n));
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  const base = fs.readFileSync(file, 'utf8');
  const legal = () => { fs.writeFileSync(file, base); if (timeIt(dir, ['shift']).code !== 0) throw new Error('shift refused'); };
  const illegal = () => fs.writeFileSync(file, base.replace('"weight": 60,', '"weight": 10,').replace('"weight": 40,', '"weight": 90,').replace('"step": 6', '"step": 7'));
  const rows: Record<string, number[]> = { status: [], ok: [], bad: [], plan: [], shift: [] };
  for (let r = 0; r < REPEAT; r++) {
    fs.writeFileSync(file, base);
    rows.status.push(timeIt(dir, ['status']).ms);
    fs.writeFileSync(file, base);
    rows.shift.push(timeIt(dir, ['shift', '--dry-run']).ms);
    legal();
    const ok = timeIt(dir, ['check', '--base', 'main']);
    if (ok.code !== 0) throw new Error(`check refused a legal step at ${n} units`);
    rows.ok.push(ok.ms);
    rows.plan.push(timeIt(dir, ['plan', '--base', 'main']).ms);
    illegal();
    const bad = timeIt(dir, ['check', '--base', 'main']);
    if (bad.code !== 1) throw new Error(`check accepted an illegal step at ${n} units`);
    rows.bad.push(bad.ms);
  }
  const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
  if (n === MAX_UNITS) { worst = Math.max(m.status, m.ok, m.bad); maxDir = dir; fs.writeFileSync(file, base); }
  console.log(`${pad(n, 5)} ${pad(m.status.toFixed(0), 8)} ${pad(m.ok.toFixed(0), 9)} ${pad(m.bad.toFixed(0), 9)} ${pad(m.plan.toFixed(0), 8)} ${pad(m.shift.toFixed(0), 8)}`);
}
if (maxDir) {
  const BIN = path.join(__dirname, '..', 'bin', 'cdktf-bluegreen.js');
  const wall = (argv: string[]) => {
    const t = Date.now();
    const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: maxDir, env: GIT_ENV, encoding: 'utf8' });
    return `${Date.now() - t} ms (exit ${r.status})`;
  };
  console.log(`\nat ${MAX_UNITS} units, one real process each (node start-up and TypeScript loading included): --help ${wall(['--help'])} (start-up alone), status ${wall(['status'])}, check --base main ${wall(['check', '--base', 'main'])}`);
  console.log(`goal: status and check under 1 s at ${MAX_UNITS} units (in-process worst ${worst.toFixed(0)} ms): ${worst < 1000 ? 'met' : 'NOT MET'}`);
}
