import * as fs from 'fs';
import * as path from 'path';
import { BlueGreenError, show } from '../core/errors';
import { KubernetesVersion } from '../core/kubernetes-version';
import { applyStep, StepCommand } from '../core/rollout-steps';
import { UnitLifecycle } from '../core/rollout-model';
import { formatRolloutState, parseRolloutState, parseRolloutStateText, RolloutStateFile, STATE_FILE_VERSION } from '../core/state-file';
import { TransitionError, transitionViolations } from '../core/transitions';
import { listJsonAt, showFile, verifyRef } from './git';
import { UsageError } from './usage-error';

/** Where to find state files. */
export interface FileOptions {
  /** One state file. */
  readonly file?: string;
  /** The folder of state files. @default 'rollout' */
  readonly dir?: string;
  /** The fleet whose file `<dir>/<fleet>.json` is meant. */
  readonly fleet?: string;
}

/** The default folder of state files in an infra repo. */
export const DEFAULT_DIR = 'rollout';

/** The state files the options name, relative to `cwd`, sorted. */
export function stateFiles(cwd: string, o: FileOptions): string[] {
  if (o.file !== undefined) return [o.file];
  const dir = o.dir ?? DEFAULT_DIR;
  if (o.fleet !== undefined) return [path.join(dir, `${o.fleet}.json`)];
  const abs = path.resolve(cwd, dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) return [];
  return fs.readdirSync(abs).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));
}

/** The one state file a writing command acts on. */
export function oneStateFile(cwd: string, o: FileOptions): string {
  const files = stateFiles(cwd, o);
  const dir = o.dir ?? DEFAULT_DIR;
  if (files.length === 0) throw new UsageError(`no rollout state file in ${dir}/ (looked from ${cwd}); name one with --file <path>, --dir <folder> or --fleet <name>, or create one with \`cdktf-bluegreen init <fleet> <version>\``);
  if (files.length > 1) throw new UsageError(`${dir}/ holds ${files.length} state files (${files.map((f) => path.basename(f, '.json')).join(', ')}); name the fleet with --fleet <name> or the file with --file <path>`);
  return files[0];
}

/** Reads and checks a state file of the working tree. */
export function readState(cwd: string, file: string): RolloutStateFile {
  const abs = path.resolve(cwd, file);
  if (!fs.existsSync(abs)) throw new UsageError(`${file}: no such file (looked from ${cwd})`);
  return checkFileName(file, parseRolloutStateText(fs.readFileSync(abs, 'utf8'), file));
}

/** A fleet's state file is named after the fleet, so `--fleet <name>` finds it and no two files claim one fleet. */
export function checkFileName(file: string, state: RolloutStateFile): RolloutStateFile {
  const name = path.basename(file, '.json');
  if (name !== state.fleet) {
    throw new BlueGreenError({
      fleet: state.fleet, field: `${file}: file name`, value: show(path.basename(file)),
      rule: 'a fleet\'s state file is named <fleet>.json (so --fleet finds it, and no two files claim one fleet)',
      fix: `rename it to ${show(path.join(path.dirname(file), `${state.fleet}.json`))}`,
    });
  }
  return state;
}

/**
 * A command applied to a state, held to the rules: the result must be valid on its own and a legal
 * successor of `before`. Throws a `BlueGreenError` (refused precondition or invalid result) or a
 * `TransitionError` (illegal step).
 */
export function applyCommand(before: RolloutStateFile, command: StepCommand, file = 'rollout state'): RolloutStateFile {
  const after = parseRolloutState(applyStep(before, command), file);
  const violations = transitionViolations(before, after);
  if (violations.length > 0) throw new TransitionError(file, before, after, violations);
  return after;
}

/** Writes a state file atomically (a reader never sees half a file). */
export function writeState(cwd: string, file: string, state: RolloutStateFile): void {
  const abs = path.resolve(cwd, file);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const tmp = `${abs}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, formatRolloutState(state));
  fs.renameSync(tmp, abs);
}

/** Reads the file, applies the command under the rules, and writes the result (unless `dryRun`). */
export function stepFile(cwd: string, file: string, command: StepCommand, dryRun = false): { before: RolloutStateFile; after: RolloutStateFile } {
  const before = readState(cwd, file);
  const after = applyCommand(before, command, file);
  if (!dryRun) writeState(cwd, file, after);
  return { before, after };
}

/** `init <fleet> <version>`: a new state file with one unit serving all the traffic. */
export function initState(fleet: string, kubernetesVersion: string, slot = 'blue', fp?: string): RolloutStateFile {
  const v = KubernetesVersion.tryParse(kubernetesVersion);
  if (!v) throw new BlueGreenError({ fleet, field: 'version', value: show(kubernetesVersion), rule: 'a Kubernetes version is 1.MINOR or 1.MINOR.PATCH', fix: 'cdktf-bluegreen init shop-prod 1.33' });
  return parseRolloutState({
    version: STATE_FILE_VERSION, fleet, step: 0,
    policy: { canaryWeight: 10, maxWeightStep: 25 },
    units: [{ slot, kubernetesVersion: v.toString(), lifecycle: UnitLifecycle.SERVING, weight: 100, ...(fp ? { fingerprint: fp } : {}), since: 0, peakWeight: 100 }],
  }, `${fleet}.json`);
}

/** One fleet file compared between a base ref and the working tree (or a head ref). */
export interface FileComparison {
  readonly file: string;
  /** The base state; undefined when the file is new. */
  readonly before?: RolloutStateFile;
  /** The head state; undefined when the file was deleted. */
  readonly after?: RolloutStateFile;
  /** The refusal, when the change is illegal (or a state is invalid). */
  readonly error?: Error;
  /** The ref the file was compared with. @default - none: the state is shown on its own */
  readonly base?: string;
}

/**
 * Pairs every state file at the base ref with the same file at head (the working tree, or `head`):
 * is each head state a legal successor of its base? A file new at head is checked on its own; a
 * file deleted at head is legal only when every unit of its base was retired.
 */
export function compareWithBase(cwd: string, o: FileOptions, base: string, head?: string, env?: { [key: string]: string | undefined }): FileComparison[] {
  verifyRef(base, cwd, env);
  if (head !== undefined) verifyRef(head, cwd, env);
  const dir = o.dir ?? DEFAULT_DIR;
  const headFiles = head === undefined
    ? stateFiles(cwd, o)
    : o.file !== undefined || o.fleet !== undefined ? stateFiles(cwd, o) : listJsonAt(head, dir, cwd, env);
  const baseFiles = o.file !== undefined || o.fleet !== undefined ? [] : listJsonAt(base, dir, cwd, env);
  const norm = (f: string) => path.normalize(f);
  const all = [...new Set([...headFiles, ...baseFiles].map(norm))].sort();
  if (all.length === 0) throw new UsageError(`no rollout state files in ${dir}/ at ${head ?? 'the working tree'} or at ${base}; name them with --dir <folder> or --file <path>`);
  return all.map((file) => {
    let before: RolloutStateFile | undefined;
    let after: RolloutStateFile | undefined;
    try {
      const baseText = showFile(base, file, cwd, env);
      if (baseText !== undefined) before = parseRolloutStateText(baseText, `${file} at ${base}`);
      const headText = head === undefined
        ? (fs.existsSync(path.resolve(cwd, file)) ? fs.readFileSync(path.resolve(cwd, file), 'utf8') : undefined)
        : showFile(head, file, cwd, env);
      if (headText !== undefined) after = checkFileName(file, parseRolloutStateText(headText, file));
      if (before && after) {
        const violations = transitionViolations(before, after);
        if (violations.length > 0) return { file, before, after, base, error: new TransitionError(file, before, after, violations) };
      } else if (before && !after) {
        const live = before.units.filter((u) => u.lifecycle !== UnitLifecycle.RETIRED);
        if (live.length > 0) {
          return {
            file, before, base, error: new BlueGreenError({
              fleet: before.fleet, field: file, value: '(deleted)',
              rule: `a fleet's state file is deleted only when every unit was retired in the base state (so the deploy destroyed them); ${live.map((u) => `${u.slot} is ${u.lifecycle}`).join(', ')}`,
              fix: 'restore the file, and retire the units step by step first',
            }),
          };
        }
      } else if (!before && !after) {
        throw new UsageError(`${file}: not found at ${base} nor at ${head ?? 'the working tree'}`);
      }
      return { file, before, after, base };
    } catch (e) {
      if (e instanceof BlueGreenError) return { file, before, after, base, error: e };
      throw e;
    }
  });
}
