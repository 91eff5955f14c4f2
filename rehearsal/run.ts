// `npm run rehearse [-- R1 R3 ...]`: every rollout step of scenarios R1–R22 applied by the real
// Terraform through the real `cdktf deploy '*'` (R21–R22: `cdktn deploy '*'` of CDK Terrain),
// against the simulated providers and world.
// Prints per scenario its figures and `PASS <id> <text>` / `FAIL <id> <text>: <why>`, then
// `N passed, M failed`; exits 1 on any failure. A scenario that cannot run fails; none is skipped.
import * as fs from 'fs';
import * as path from 'path';
import { GROUPS, SCENARIOS } from './scenarios/catalog';
import { GroupWorld, runGroup } from './scenarios/group';
import { run } from './scenarios/harness';
import { ScenarioDef, ScenarioResult } from './scenarios/model';
import { FileWorld } from './scenarios/world-port';

/**
 * Groups deployed at the same time. A deploy is a chain of stacks (shared → unit → validate →
 * traffic) whose Terraform runs mostly wait on each other, so six at once keep two cores busy.
 */
const PARALLEL_GROUPS = Number(process.env.REHEARSAL_PARALLEL ?? 6);

function log(line: string): void {
  const t = new Date().toISOString().slice(11, 19);
  process.stdout.write(`  ${t} ${line}\n`);
}

function failAll(defs: ScenarioDef[], why: string): ScenarioResult[] {
  return defs.map((d) => ({ id: d.id, text: d.text, passed: false, why, steps: 0, stacksApplied: 0, terraformRuns: 0, seconds: 0, maxShareError: 0, evidence: [] }));
}

function report(results: ScenarioResult[], totalSeconds: number): number {
  const byId = (a: ScenarioResult, b: ScenarioResult) => Number(a.id.slice(1)) - Number(b.id.slice(1));
  process.stdout.write('\n');
  for (const r of [...results].sort(byId)) {
    process.stdout.write(`${r.id}  steps ${r.steps} · stacks applied ${r.stacksApplied} · Terraform runs ${r.terraformRuns} · wall time ${r.seconds.toFixed(0)} s (its group) · largest traffic-share error ${r.maxShareError.toFixed(2)} points · requests over time ${r.timelineRequests ?? 0} (${r.failedRequests ?? 0} failed) · simulated ${(r.simulatedSeconds ?? 0).toFixed(0)} s\n`);
    for (const e of r.evidence) process.stdout.write(`    | ${e}\n`);
    process.stdout.write(r.passed ? `PASS ${r.id} ${r.text}\n` : `FAIL ${r.id} ${r.text}: ${r.why}\n`);
  }
  const passed = results.filter((r) => r.passed).length;
  process.stdout.write(`\nwall time ${(totalSeconds / 60).toFixed(1)} min\n`);
  process.stdout.write(`${passed} passed, ${results.length - passed} failed\n`);
  return results.length - passed > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  const started = Date.now();
  const args = process.argv.slice(2);
  // --synth-only: a developer aid for writing scenarios (CLI steps + a synth per step, no Terraform).
  const synthOnly = args.includes('--synth-only');
  const wanted = args.filter((a) => a !== '--synth-only').map((a) => a.toUpperCase());
  const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.id === w));
  if (unknown.length) {
    process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; the scenarios are ${SCENARIOS.map((s) => s.id).join(' ')}\n`);
    return 2;
  }
  const selected = SCENARIOS.filter((s) => !wanted.length || wanted.includes(s.id));
  process.env.CHECKPOINT_DISABLE = '1';

  // Terraform is required: without it nothing is rehearsed, and that is a failure, not a skip.
  const tf = run('terraform', ['version'], process.cwd());
  if (tf.code !== 0) {
    process.stdout.write(`rehearsal: no terraform binary on PATH (\`terraform version\` failed: ${tf.out.trim().split('\n')[0] ?? ''}). Install Terraform 1.11 and put it on PATH.\n`);
    return report(failAll(selected, 'no terraform binary on PATH'), 0);
  }
  process.stdout.write(`rehearsal: ${tf.out.trim().split('\n')[0]}; scenarios ${selected.map((s) => s.id).join(' ')}\n`);

  // The engine: install the simulated providers once, then its self-check.
  let makeWorld: (dir: string) => GroupWorld;
  if (synthOnly) {
    const none = {
      actions: () => [], shares: () => ({}), setFaults: () => undefined, clearFaults: () => undefined, remainsOf: () => [],
      addWorkload: () => undefined, changeWorkload: () => undefined, podsPerUnit: () => ({}), podsPerNode: () => ({}), addPoolNode: () => '', nodesOfUnit: () => [],
    };
    makeWorld = () => ({ env: process.env, world: none });
  } else try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const engine = require('./provider/install') as typeof import('./provider/install');
    const t0 = Date.now();
    const installation = engine.installProviders();
    process.stdout.write(`engine: providers installed in ${((Date.now() - t0) / 1000).toFixed(1)} s (${Object.entries(installation.versions).map(([k, v]) => `${k} ${v}`).join(', ')})\n`);
    const check = selfCheck();
    if (check) throw new Error(check);
    makeWorld = (dir) => {
      const worldFile = path.join(dir, 'world.json');
      return { env: installation.env(worldFile, process.env), world: new FileWorld(worldFile) };
    };
  } catch (e) {
    const why = `the simulated providers could not start: ${(e as Error).message.split('\n')[0]}`;
    process.stdout.write(`engine: ${why}\n`);
    return report(failAll(selected, why), (Date.now() - started) / 1000);
  }

  const groups = GROUPS.map((ids) => selected.filter((s) => ids.includes(s.id))).filter((g) => g.length);
  const orphans = selected.filter((s) => !GROUPS.some((g) => g.includes(s.id)));
  if (orphans.length) groups.push(orphans);
  const results: ScenarioResult[] = [];
  const queue = [...groups];
  const worker = async () => {
    for (let g = queue.shift(); g; g = queue.shift()) {
      const label = g.map((s) => s.id).join('-');
      try {
        results.push(...await runGroup(label, g, makeWorld, log, { synthOnly }));
      } catch (e) {
        results.push(...failAll(g, `the harness failed: ${(e as Error).stack?.split('\n').slice(0, 3).join(' ') ?? e}`));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_GROUPS, groups.length) }, worker));
  if (synthOnly) {
    // Not a rehearsal: no PASS line, and never a success of `npm run rehearse`.
    for (const r of results) process.stdout.write(`${r.passed ? 'SYNTHESIZED' : 'FAIL'} ${r.id} (${r.steps} steps)${r.passed ? '' : `: ${r.why}`}\n`);
    process.stdout.write('synth only: nothing was deployed\n');
    return 1;
  }
  return report(results, (Date.now() - started) / 1000);
}

/** The engine's self-check (its own proof that Terraform talks to the simulated providers); a message when it fails. */
function selfCheck(): string | undefined {
  const script = path.join(__dirname, 'provider', 'selfcheck.ts');
  if (!fs.existsSync(script)) return `the engine's self-check (${path.relative(process.cwd(), script)}) is missing`;
  const t0 = Date.now();
  const r = run(process.execPath, ['-r', require.resolve('tsx/cjs'), script], process.cwd());
  process.stdout.write(`engine self-check: exit ${r.code} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  if (r.code !== 0) return `the engine's self-check failed (exit ${r.code}): ${r.out.trim().split('\n').slice(-3).join(' | ')}`;
  return undefined;
}

main().then((code) => process.exit(code), (e) => {
  process.stdout.write(`rehearsal: ${(e as Error).stack}\n0 passed, ${SCENARIOS.length} failed\n`);
  process.exit(1);
});
