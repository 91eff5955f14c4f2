import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  DeployOutcome, DeployRecord, describeRecord, forgetProblem, lastRecordOf, recordTime, formatDeployRecords, isoSeconds, parseDeployRecords,
  readDeployOutput, recordsFileOf, recordUnitsOf, stacksOfFleet, stateDigest,
} from '../core/deploy-record';
import { BlueGreenError } from '../core/errors';
import { escapeLine, excerpt } from '../core/excerpt';
import { UnitLifecycle } from '../core/rollout-model';
import { RolloutStateFile } from '../core/state-file';
import { displayPath, readStateFileText, StateFileAccessError, StateFileProblem, writeStateFileText } from '../core/state-file-io';
import { FileComparison, FileOptions, readStateWithText, stateFiles } from './commands';
import { showFile } from './git';
import { CliIo } from './output';
import { UsageError } from './usage-error';

/** A fleet's records and the text they were read from (undefined: no file yet). */
export interface ReadRecords {
  readonly records: DeployRecord[];
  readonly text?: string;
  readonly file: string;
}

/** Reads the records of the fleet whose state file is `stateFile` (none when the file does not exist). */
export function readRecords(cwd: string, stateFile: string, fleet: string): ReadRecords {
  const file = recordsFileOf(stateFile, fleet);
  let text: string;
  try {
    text = readStateFileText(cwd, file).text;
  } catch (e) {
    if (e instanceof StateFileAccessError && e.problem === StateFileProblem.MISSING) return { records: [], file };
    throw e;
  }
  return { records: parseDeployRecords(text, displayPath(cwd, file), fleet), text, file };
}

/** Appends one record to its fleet's file (written safely, like a state file: lock, re-read, rename). */
export function appendRecord(cwd: string, stateFile: string, record: DeployRecord): void {
  const { records, text, file } = readRecords(cwd, stateFile, record.fleet);
  writeStateFileText(cwd, file, formatDeployRecords([...records, record]), text);
}

/** The command that deploys the current step and records it: what a refused `forget` asks for. */
export const RECORD_DEPLOY_COMMAND = "cdktf-bluegreen record -- npx cdktf deploy '*' --auto-approve";

/**
 * `forget` is refused until a deploy record in the working tree shows the retirement deployed
 * (src/core/deploy-record.ts, forgetProblem). No records, or no records folder, is no proof: there
 * is no bypass. A repository that never kept records deploys the current step once through
 * `record` (the retired unit's stack is empty, so that deploy destroys what is left or changes
 * nothing), then forgets. `check --base` applies the same rule to the records at the base.
 */
export function checkForget(cwd: string, stateFile: string, state: RolloutStateFile, slot?: string): void {
  const slots = slot !== undefined ? [slot] : state.units.filter((u) => u.lifecycle === UnitLifecycle.RETIRED).map((u) => u.slot);
  const { records, file } = readRecords(cwd, stateFile, state.fleet);
  const refusal = forgetProblem(state, slots, records);
  if (refusal) {
    throw new BlueGreenError({
      fleet: state.fleet, unit: slots.length === 1 ? slots[0] : undefined, field: 'command', value: '"forget"',
      rule: `rule forget: ${refusal} (deploy records in ${escapeLine(displayPath(cwd, file))})`,
      fix: `deploy the current step through \`${RECORD_DEPLOY_COMMAND}\` (as the deploy workflow does), commit the record, then forget`,
    });
  }
}

function stacksOfManifest(cwd: string): string[] {
  const file = path.join(cwd, 'cdktf.out', 'manifest.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError('cdktf.out/manifest.json not found: run record in the folder where cdktf synth and deploy run (it reads the stacks of the app from the manifest)');
  }
  try {
    const m = JSON.parse(text) as { stacks?: Record<string, unknown> };
    return Object.keys(m.stacks ?? {});
  } catch {
    throw new UsageError('cdktf.out/manifest.json is not JSON; run cdktf synth again');
  }
}

function headCommit(cwd: string, env?: { [key: string]: string | undefined }): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, env: env as NodeJS.ProcessEnv | undefined, stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 }).toString('utf8').trim();
    return /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `record -- <deploy command>`: runs the deploy (e.g. `npx cdktf deploy '*' --auto-approve`),
 * prints its output, and appends one record per fleet whose stacks are in the app: what ran, how
 * each stack ended, the gates that breached. The outcome is read from what cdktf printed and its
 * exit status, never from a flag. Exits with the deploy's own exit code.
 */
export function runRecord(command: string[], files: FileOptions, io: CliIo, at?: number): number {
  if (command.length === 0) throw new UsageError('usage: cdktf-bluegreen record [--dir rollout] -- <deploy command>, e.g. record -- npx cdktf deploy \'*\' --auto-approve');
  const list = stateFiles(io.cwd, files);
  if (list.length === 0) throw new UsageError(`no rollout state file in ${escapeLine(files.dir ?? 'rollout')}/ to record deploys for`);
  const states = list.map((f) => ({ file: f, ...readStateWithText(io.cwd, f) }));
  // `--at` fixes the clock (a replayed or rehearsed deploy whose time is known): start and finish are that instant.
  const now = () => (at !== undefined ? at : Math.floor((io.now ?? Date.now)() / 1000));
  const started = now();
  const run = spawnSync(command[0], command.slice(1), { cwd: io.cwd, env: io.env as NodeJS.ProcessEnv | undefined, stdio: ['inherit', 'pipe', 'pipe'], maxBuffer: 512 * 1024 * 1024 });
  if (run.error) throw new UsageError(`record: could not run ${excerpt(command[0], 40)} (${(run.error as NodeJS.ErrnoException).code ?? run.error.message}); give the deploy command after --`);
  const output = `${run.stdout?.toString('utf8') ?? ''}${run.stderr?.toString('utf8') ?? ''}`;
  io.out(output);
  const code = run.status ?? 1;
  const finished = now();
  const allStacks = stacksOfManifest(io.cwd);
  const fleets = states.map((s) => s.state.fleet);
  const commit = headCommit(io.cwd, io.env);
  for (const s of states) {
    const stacks = stacksOfFleet(s.state.fleet, allStacks, fleets);
    if (stacks.length === 0) continue;
    const o = readDeployOutput(output, s.state.fleet, stacks, code);
    const record: DeployRecord = {
      v: 1, fleet: s.state.fleet, step: s.state.step, state: stateDigest(s.text), ...(commit ? { commit } : {}),
      units: recordUnitsOf(s.state), stacks: o.stacks, outcome: o.outcome, gates: o.gates,
      startedAt: isoSeconds(started), finishedAt: isoSeconds(Math.max(started, finished)),
    };
    appendRecord(io.cwd, s.file, record);
    const breach = o.gates.map((g) => ` ${g.name} on ${g.unit} = ${g.value} (${g.threshold})`).join(',');
    io.err(`recorded ${s.state.fleet} step ${s.state.step}: ${o.outcome}${breach ? `, gate breach:${breach}` : ''} → ${displayPath(io.cwd, recordsFileOf(s.file, s.state.fleet))}\n`);
  }
  return code;
}

/**
 * The record-based start of the soak for a step judged against `base`: when the base keeps deploy
 * records for the fleet, the last traffic change is the finish of the first successful deploy of
 * the base's step (read at the base ref, so a pull request cannot forge it). Undefined when the base
 * keeps no records for the fleet (the commit time is used then). Throws when the records exist but
 * none shows the base's step deployed: the step it would follow is not live yet.
 */
export function recordedTrafficChange(base: string, stateFile: string, before: RolloutStateFile, cwd: string, env?: { [key: string]: string | undefined }): { commit: string; time: number } | undefined {
  const file = recordsFileOf(path.relative(cwd, path.resolve(cwd, stateFile)), before.fleet);
  const text = showFile(base, file, cwd, env);
  if (text === undefined) return undefined;
  const records = parseDeployRecords(text, `${escapeLine(file)} at ${escapeLine(base)}`, before.fleet);
  const r = records.find((x) => x.step === before.step && x.outcome === DeployOutcome.SUCCEEDED);
  if (!r) {
    throw new BlueGreenError({
      fleet: before.fleet, field: `${escapeLine(stateFile)}: step ${before.step} → next`, value: describeRecord(lastRecordOf(records, before.step)),
      rule: `rule soak: the soak runs from the successful deploy of the step it follows, and no deploy record at ${escapeLine(base)} shows step ${before.step} deployed successfully`,
      fix: 'deploy the current step first (or roll back); a rollback is never delayed',
    });
  }
  return { commit: r.commit ?? 'record', time: recordTime(r.finishedAt) };
}

/**
 * `forget` in a pull request, hand-written or not: a unit may leave the file only when a record at
 * the base shows the deploy of its retirement (or a later step, with the unit retired) succeeded.
 * Records are read at the base only, so a record the pull request adds (forged or not) never
 * counts for it; a base without records refuses. Turns each such comparison into a refusal; the
 * others pass unchanged.
 */
export function withRecordedForget(comparisons: FileComparison[], base: string, cwd: string, env?: { [key: string]: string | undefined }): FileComparison[] {
  return comparisons.map((c) => {
    if (c.error || !c.before) return c;
    const kept = new Set((c.after?.units ?? []).map((u) => u.slot));
    const leaving = c.before.units.filter((u) => u.lifecycle === UnitLifecycle.RETIRED && !kept.has(u.slot)).map((u) => u.slot);
    if (leaving.length === 0) return c;
    const rel = path.relative(cwd, path.resolve(cwd, c.file));
    try {
      const file = recordsFileOf(rel, c.before.fleet);
      const text = showFile(base, file, cwd, env);
      const records = text === undefined ? [] : parseDeployRecords(text, `${escapeLine(file)} at ${escapeLine(base)}`, c.before.fleet);
      const problem = forgetProblem(c.before, leaving, records);
      if (!problem) return c;
      return {
        ...c, error: new BlueGreenError({
          fleet: c.before.fleet, unit: leaving.length === 1 ? leaving[0] : undefined, field: `${escapeLine(c.file)}: step ${c.before.step} → ${c.after ? c.after.step : '(deleted)'}`,
          value: `${leaving.join(', ')} (absent)`, rule: `rule forget: ${problem} (deploy records at ${escapeLine(base)})`,
          fix: `keep the retired unit in the file until a deploy of its retirement has run through \`${RECORD_DEPLOY_COMMAND}\` and its record is on ${escapeLine(base)}, then forget it`,
        }),
      };
    } catch (e) {
      return { ...c, error: e as Error };
    }
  });
}
