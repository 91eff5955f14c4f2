// `npm run rehearse:mutants [-- M01 M07 | --ci]`: plants each mutant of the catalogue (catalog.ts) in
// a copy of the repository, one at a time, runs the scenario that must catch it with the rehearsal of
// that copy, and prints `killed` / `survived` per mutant and `N killed, M survived`.
// A mutant is killed when its scenario fails (the rehearsal exits non-zero with a FAIL line for it).
// The unmutated scenario must pass for that to mean anything: `npm run rehearse` runs them all, and
// `--baseline` runs each selected mutant's scenario unmutated first.
// --ci: a rotating subset that fits CI's time: the day picks one run of a cycle that covers every
// mutant whose scenario fits the budget (ciCycle).
// Exit code: 0 when every planted mutant was killed, 1 otherwise (2 for a bad invocation).
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Mutant, MUTANTS } from './catalog';

const REPO = path.resolve(__dirname, '..', '..');
/** Wall seconds of each scenario alone on two cores (docs/rehearsal.md figures), for the CI subset. */
const SCENARIO_SECONDS: Record<string, number> = {
  R1: 450, R2: 470, R3: 490, R4: 540, R5: 510, R6: 310, R7: 310, R8: 1180, R9: 250, R10: 80, R11: 340,
  R12: 200, R13: 270, R14: 270, R15: 720, R16: 140, R17: 100, R18: 260, R19: 100, R20: 290, R8I: 400, R15E: 480, R24: 230, R18E: 140, R25H: 170, R25HE: 100, R25: 120,
};
/** FAIL reasons that mean the rehearsal could not run at all (rehearsal/run.ts, scenarios/group.ts), not that it caught the mutant. */
export const CANNOT_RUN = /: (the simulated providers could not start|the harness failed|the group could not start|no terraform binary on PATH)/;
/** CI's budget for mutants, in scenario seconds (the rest of .ci/run must fit in 90 minutes). */
const CI_BUDGET_SECONDS = Number(process.env.MUTANTS_CI_BUDGET ?? 360);

/** Copies the repository (without node_modules, .git and outputs) and links its node_modules. */
function copyRepo(dest: string): void {
  const skip = new Set(['node_modules', '.git', 'cdktf.out', 'lib', 'dist', '.jsii']);
  const walk = (from: string, to: string) => {
    fs.mkdirSync(to, { recursive: true });
    for (const e of fs.readdirSync(from, { withFileTypes: true })) {
      if (from === REPO && skip.has(e.name)) continue;
      const a = path.join(from, e.name); const b = path.join(to, e.name);
      if (e.isDirectory()) walk(a, b);
      else if (e.isFile()) fs.copyFileSync(a, b);
    }
  };
  walk(REPO, dest);
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
}

/** Plants the mutant in the copy; a message when it does not apply (the catalogue is out of date). */
export function plant(root: string, m: Mutant): string | undefined {
  const file = path.join(root, m.file);
  if (!fs.existsSync(file)) return `${m.file} does not exist`;
  const text = fs.readFileSync(file, 'utf8');
  const n = text.split(m.find).length - 1;
  if (n !== 1) return `its text occurs ${n} times in ${m.file} (must be exactly once)`;
  fs.writeFileSync(file, text.replace(m.find, () => m.replace));
  return undefined;
}

/**
 * A mutant that changes what a unit is built from changes its fingerprint, and the examples pin
 * their units' fingerprints: the engine's synth of the examples then refuses them (the library's
 * immutability guard, src/core/rollout-model.ts) before the scenario runs, so the mutant would not be
 * judged. The runner re-pins the fixture in the copy, as a user adopting the release would after
 * reading that refusal, and runs again: `log` is the refused run's output; returns what it changed
 * (`examples/x/main.ts: blue vadjnt → it6pxt`), nothing when the output holds no such refusal.
 */
export function repinFixtures(root: string, log: string): string[] {
  const refusal = /fleet "[^"]*"(?:, unit "([^"]*)")?: (?:units\[\*\]\.)?fingerprint = (.*?) is refused: a unit is immutable, but the spec it is built from now has fingerprint (.*?) \(changing/.exec(log);
  if (!refusal) return [];
  const now = new Map([...refusal[3].matchAll(/([\w-]+): "([a-z0-9]+)"/g)].map((m) => [m[1], m[2]]));
  const pinned = refusal[1] !== undefined
    ? new Map([[refusal[1], /"([a-z0-9]+)"/.exec(refusal[2])?.[1] ?? '']])
    : new Map([...refusal[2].matchAll(/([\w-]+)="([a-z0-9]+)"/g)].map((m) => [m[1], m[2]]));
  const files = ['examples', 'stacks'].flatMap((d) => listTs(path.join(root, d)));
  const changes: string[] = [];
  for (const [slot, from] of pinned) {
    const to = now.get(slot);
    if (!from || !to || from === to) continue;
    for (const f of files) {
      // The unit's declaration: its slot and its pin on one line, exactly once in the file.
      const lines = fs.readFileSync(f, 'utf8').split('\n');
      const at = lines.flatMap((l, i) => (l.includes(`slot: '${slot}'`) && l.includes(`fingerprint: '${from}'`) ? [i] : []));
      if (at.length !== 1) continue;
      lines[at[0]] = lines[at[0]].replace(`fingerprint: '${from}'`, `fingerprint: '${to}'`);
      fs.writeFileSync(f, lines.join('\n'));
      changes.push(`${path.relative(root, f)}: ${slot} ${from} → ${to}`);
    }
  }
  return changes;
}

function listTs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listTs(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

function rehearse(root: string, scenario: string, logFile: string): Promise<{ code: number; fail?: string; pass: boolean }> {
  return new Promise((resolve) => {
    const out = fs.openSync(logFile, 'w');
    const child = spawn(process.execPath, ['-r', require.resolve('tsx/cjs', { paths: [REPO] }), path.join(root, 'rehearsal', 'run.ts'), scenario],
      { cwd: root, stdio: ['ignore', out, out], env: { ...process.env, REHEARSAL_PARALLEL: '1' } });
    child.on('close', (code) => {
      fs.closeSync(out);
      const text = fs.readFileSync(logFile, 'utf8');
      const fail = text.split('\n').find((l) => l.startsWith(`FAIL ${scenario} `));
      const pass = text.split('\n').some((l) => l.startsWith(`PASS ${scenario} `));
      resolve({ code: code ?? 1, fail, pass });
    });
  });
}

/**
 * CI's cycle: the mutants whose scenario fits the budget, packed into as few days as first-fit
 * decreasing finds (the costliest first, each into the first day it still fits, ties in catalogue
 * order). Over `cycle.length` consecutive days every one of them runs exactly once, and no two
 * consecutive days run the same mutant (the former rotation re-packed the whole catalogue daily,
 * so the cheapest mutants filled every day's budget). Those whose scenario alone exceeds the budget
 * run only in the full catalogue.
 */
export function ciCycle(all: Mutant[], budget = CI_BUDGET_SECONDS): Mutant[][] {
  const fits = all.filter((m) => scenarioSeconds(m) <= budget);
  const days: Array<{ spent: number; mutants: Mutant[] }> = [];
  for (const m of [...fits].sort((a, b) => scenarioSeconds(b) - scenarioSeconds(a) || all.indexOf(a) - all.indexOf(b))) {
    const day = days.find((d) => d.spent + scenarioSeconds(m) <= budget);
    if (day) { day.mutants.push(m); day.spent += scenarioSeconds(m); } else days.push({ spent: scenarioSeconds(m), mutants: [m] });
  }
  return days.map((d) => d.mutants.sort((a, b) => all.indexOf(a) - all.indexOf(b)));
}

/** The CI subset of a day (days since 1970-01-01 UTC): that day's run of the cycle. */
export function ciSubset(all: Mutant[], day: number, budget = CI_BUDGET_SECONDS): Mutant[] {
  const cycle = ciCycle(all, budget);
  return cycle.length ? cycle[((day % cycle.length) + cycle.length) % cycle.length] : [];
}

/** Scenario seconds of a mutant, for reports. */
export function scenarioSeconds(m: Mutant): number {
  return SCENARIO_SECONDS[m.scenario] ?? 600;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const baseline = args.includes('--baseline');
  const ci = args.includes('--ci');
  const ids = args.filter((a) => !a.startsWith('--')).map((a) => a.toUpperCase());
  const unknown = ids.filter((id) => !MUTANTS.some((m) => m.id === id));
  if (unknown.length) {
    process.stderr.write(`unknown mutant(s): ${unknown.join(', ')}; the catalogue has ${MUTANTS.map((m) => m.id).join(' ')}\n`);
    return 2;
  }
  const day = Math.floor(Date.now() / 86_400_000);
  const selected = ids.length ? MUTANTS.filter((m) => ids.includes(m.id)) : ci ? ciSubset(MUTANTS, day) : MUTANTS;
  process.stdout.write(`mutants: ${selected.map((m) => m.id).join(' ')}${ci ? ` (CI rotation: day ${day}, run ${(day % ciCycle(MUTANTS).length) + 1} of a ${ciCycle(MUTANTS).length}-day cycle, ${selected.reduce((a, m) => a + scenarioSeconds(m), 0)} of ${CI_BUDGET_SECONDS} scenario seconds)` : ''}\n`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mutants-'));
  let killed = 0; let survived = 0; let broken = 0;
  for (const m of selected) {
    const t0 = Date.now();
    if (baseline) {
      const root = path.join(work, `${m.id}-baseline`);
      copyRepo(root);
      const r = await rehearse(root, m.scenario, path.join(work, `${m.id}-baseline.log`));
      if (!r.pass) {
        process.stdout.write(`${m.id} not judged: ${m.scenario} fails without the mutant (${(r.fail ?? `exit ${r.code}`).slice(0, 200)})\n`);
        broken++; continue;
      }
    }
    const root = path.join(work, m.id);
    copyRepo(root);
    const why = plant(root, m);
    if (why) { process.stdout.write(`${m.id} not planted: ${why}\n`); broken++; continue; }
    const logFile = path.join(work, `${m.id}.log`);
    let r = await rehearse(root, m.scenario, logFile);
    for (let round = 0; round < 8 && r.fail && CANNOT_RUN.test(r.fail); round++) {
      const repinned = repinFixtures(root, fs.readFileSync(logFile, 'utf8'));
      if (!repinned.length) break;
      process.stdout.write(`${m.id} re-pinned the examples' fingerprints its change moves (${repinned.join('; ')}); running ${m.scenario} again\n`);
      r = await rehearse(root, m.scenario, logFile);
    }
    const secs = ((Date.now() - t0) / 1000).toFixed(0);
    if (r.fail && CANNOT_RUN.test(r.fail)) {
      // The rehearsal itself could not run (engine, harness): that says nothing about the mutant.
      broken++;
      process.stdout.write(`${m.id} not judged: ${m.scenario} could not run (${r.fail.slice(0, 300)})\n`);
    } else if (r.code !== 0 && r.fail) {
      killed++;
      process.stdout.write(`${m.id} killed   by ${m.scenario} in ${secs} s [${m.promise}] ${m.defect}\n    ${r.fail.slice(0, 400)}\n`);
    } else if (r.code !== 0) {
      killed++;
      process.stdout.write(`${m.id} killed   by ${m.scenario} in ${secs} s [${m.promise}] ${m.defect} (the rehearsal exited ${r.code} without a FAIL line: see ${path.join(work, `${m.id}.log`)})\n`);
    } else {
      survived++;
      process.stdout.write(`${m.id} survived ${m.scenario} in ${secs} s [${m.promise}] ${m.defect}\n`);
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
  process.stdout.write(`\nlogs in ${work}\n${killed} killed, ${survived} survived${broken ? `, ${broken} not judged` : ''}\n`);
  return survived || broken ? 1 : 0;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (e) => { process.stdout.write(`mutants: ${(e as Error).message}\n`); process.exit(1); });
}
