// Racing pairs of writing commands on one state file, in two real processes (see race-runner.ts),
// and the judgement of each pair: every command that reported success is in the final file, and
// every one that did not was refused (by the rules, or as the loser of the race: "re-run").
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BlueGreenError } from '../../src/core/errors';
import { parseArgs, stepCommandOf } from '../../src/cli/main';
import { applyCommand } from '../../src/cli/commands';
import { formatRolloutState, parseRolloutStateText, RolloutStateFile } from '../../src/core/state-file';
import { TransitionError } from '../../src/core/transitions';
import { tempDir } from './temp';

export const RACE_START = `{
  "version": 1,
  "fleet": "shop",
  "step": 1,
  "policy": {
    "canaryWeight": 10,
    "maxWeightStep": 25
  },
  "units": [
    { "slot": "blue", "kubernetesVersion": "1.33", "lifecycle": "serving", "weight": 100, "fingerprint": "nljqy2", "since": 0, "peakWeight": 100 },
    { "slot": "green", "kubernetesVersion": "1.34", "lifecycle": "candidate", "weight": 0, "since": 1, "peakWeight": 0 }
  ]
}
`;

/** Pairs of writing commands that both apply to RACE_START (some also after each other, some not). */
export const RACE_PAIRS: Array<[string[], string[]]> = [
  [['promote'], ['pin', 'green', 'ejqurb']],
  [['start', '1.35'], ['pin', 'green', 'ejqurb']],
  [['promote'], ['start', '1.35']],
  [['retire', '--slot', 'green'], ['start', '1.35']],
  [['promote'], ['retire', '--slot', 'green']],
  [['promote'], ['promote']],
  [['pin', 'green', 'ejqurb'], ['pin', 'green', 'abcdef']],
  [['start', '1.35', '--slot', 'teal'], ['start', '1.36', '--slot', 'teal']],
];

export interface RaceFigures {
  pairs: number;
  bothSucceeded: number;
  oneRefusedAsLoser: number;
  oneRefusedByRules: number;
  lostUpdates: number;
  unexplained: string[];
  leftovers: number;
  ms: number;
}

function apply(state: RolloutStateFile, argv: string[]): RolloutStateFile | undefined {
  try {
    return applyCommand(state, stepCommandOf(parseArgs(argv)), 'rollout/shop.json');
  } catch (e) {
    if (e instanceof BlueGreenError || e instanceof TransitionError) return undefined;
    throw e;
  }
}

function runSide(role: string, planFile: string): Promise<Array<{ code: number; out: string; err: string }>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'race-runner.ts'), role, planFile], { cwd: path.join(__dirname, '..', '..'), env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`race runner ${role} exited ${code}: ${err.slice(0, 2000)}`))));
  });
}

/** Runs `n` racing pairs (cycling through RACE_PAIRS) and judges each. */
export async function race(n: number): Promise<RaceFigures> {
  const root = tempDir('bg-race-');
  const sync = path.join(root, 'sync');
  fs.mkdirSync(sync);
  const pairs = Array.from({ length: n }, (_, i) => {
    const dir = path.join(root, `pair-${i}`);
    fs.mkdirSync(path.join(dir, 'rollout'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'rollout', 'shop.json'), RACE_START);
    const [a, b] = RACE_PAIRS[i % RACE_PAIRS.length];
    return { dir, a, b };
  });
  const planFile = path.join(root, 'plan.json');
  fs.writeFileSync(planFile, JSON.stringify({ sync, pairs }));
  const t = Date.now();
  const [ra, rb] = await Promise.all([runSide('A', planFile), runSide('B', planFile)]);
  const ms = Date.now() - t;
  const start = parseRolloutStateText(RACE_START, 'rollout/shop.json');
  const f: RaceFigures = { pairs: n, bothSucceeded: 0, oneRefusedAsLoser: 0, oneRefusedByRules: 0, lostUpdates: 0, unexplained: [], leftovers: 0, ms };
  pairs.forEach((p, i) => {
    const final = fs.readFileSync(path.join(p.dir, 'rollout', 'shop.json'), 'utf8');
    const a = ra[i];
    const b = rb[i];
    const text = (s: RolloutStateFile | undefined) => (s ? formatRolloutState(s) : undefined);
    const ab = apply(start, p.a);
    const ba = apply(start, p.b);
    const after = (first: RolloutStateFile | undefined, argv: string[]) => (first ? apply(first, argv) : undefined);
    let ok: boolean;
    if (a.code === 0 && b.code === 0) {
      f.bothSucceeded++;
      ok = final === text(after(ab, p.b)) || final === text(after(ba, p.a));
    } else if (a.code === 0 || b.code === 0) {
      const [winner, loser] = a.code === 0 ? [ab, b] : [ba, a];
      const asLoser = /re-run/.test(loser.err);
      if (asLoser) f.oneRefusedAsLoser++; else f.oneRefusedByRules++;
      ok = loser.code === 1 && final === text(winner) && /^refused: /.test(loser.err);
    } else {
      ok = false;
    }
    if (!ok) {
      // A success whose change is not what the file holds now: a lost update.
      if (a.code === 0 || b.code === 0) f.lostUpdates++;
      if (f.unexplained.length < 3) f.unexplained.push(`pair ${i} ${p.a.join(' ')} (${a.code}) vs ${p.b.join(' ')} (${b.code}): ${a.err}${b.err}\nfinal ${final}`);
    }
    f.leftovers += fs.readdirSync(path.join(p.dir, 'rollout')).filter((x) => x !== 'shop.json').length;
  });
  fs.rmSync(root, { recursive: true, force: true });
  return f;
}
