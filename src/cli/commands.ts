import * as fs from 'fs';
import * as path from 'path';
import { BlueGreenError } from '../core/errors';
import { escapeLine, excerpt } from '../core/excerpt';
import { DEFAULT_MAXIMUM_KUBERNETES_VERSION, DEFAULT_MINIMUM_KUBERNETES_VERSION, KubernetesVersion } from '../core/kubernetes-version';
import { applyStep, StepCommand } from '../core/rollout-steps';
import { UnitLifecycle } from '../core/rollout-model';
import { formatRolloutState, isStateFileVersion, keepWrittenStrings, parseRolloutState, parseRolloutStateText, RolloutStateFile, STATE_FILE_VERSION } from '../core/state-file';
import { displayPath, readStateFileText, resolveInside, StateFileAccessError, StateFileProblem, writeStateFileText } from '../core/state-file-io';
import { TransitionError, transitionViolations } from '../core/transitions';
import { decodeName, isUtf8, lastGoodVersion, listFilesAt, readFilesAt, RefFile, verifyRef } from './git';
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
  // The folder itself must lie inside the repository (resolved through symlinks) before it is listed.
  let real: string;
  try {
    real = path.dirname(resolveInside(cwd, path.join(dir, 'x.json')).real);
  } catch (e) {
    if (e instanceof StateFileAccessError && (e.problem === StateFileProblem.MISSING || e.problem === StateFileProblem.NOT_A_FILE)) return [];
    throw e;
  }
  let entries: string[];
  try {
    entries = fs.readdirSync(real);
  } catch {
    return [];
  }
  return entries.filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));
}

/** The one state file a writing command acts on. */
export function oneStateFile(cwd: string, o: FileOptions): string {
  const files = stateFiles(cwd, o);
  const dir = escapeLine(o.dir ?? DEFAULT_DIR);
  if (files.length === 0) throw new UsageError(`no rollout state file in ${dir}/; name one with --file <path>, --dir <folder> or --fleet <name>, or create one with \`cdktf-bluegreen init <fleet> <version>\``);
  if (files.length > 1) {
    const names = files.slice(0, 10).map((f) => escapeLine(path.basename(f, '.json'))).join(', ');
    throw new UsageError(`${dir}/ holds ${files.length} state files (${names}${files.length > 10 ? ', …' : ''}); name the fleet with --fleet <name> or the file with --file <path>`);
  }
  return files[0];
}

/** A state file of the working tree, read safely and checked, with the text it was read from. */
export interface ReadState {
  readonly state: RolloutStateFile;
  readonly text: string;
}

/** Reads and checks a state file of the working tree (a missing file is a usage error). */
export function readStateWithText(cwd: string, file: string): ReadState {
  let text: string;
  try {
    text = readStateFileText(cwd, file).text;
  } catch (e) {
    if (e instanceof StateFileAccessError && e.problem === StateFileProblem.MISSING) throw new UsageError(`${displayPath(cwd, file)}: no such state file; create it with \`cdktf-bluegreen init <fleet> <version>\`, or name an existing one with --file <path>`);
    throw e;
  }
  const shown = displayPath(cwd, file);
  return { state: checkFileName(shown, parseRolloutStateText(text, shown)), text };
}

/** Reads and checks a state file of the working tree. */
export function readState(cwd: string, file: string): RolloutStateFile {
  return readStateWithText(cwd, file).state;
}

/** A fleet's state file is named after the fleet, so `--fleet <name>` finds it and no two files claim one fleet. */
export function checkFileName(file: string, state: RolloutStateFile): RolloutStateFile {
  const name = path.basename(file, '.json');
  if (name !== state.fleet || !file.endsWith('.json')) {
    throw new BlueGreenError({
      fleet: state.fleet, field: `${escapeLine(file)}: file name`, value: excerpt(path.basename(file)),
      rule: 'a fleet\'s state file is named <fleet>.json (so --fleet finds it, and no two files claim one fleet)',
      fix: `rename it to ${JSON.stringify(path.join(path.dirname(file), `${state.fleet}.json`))}`,
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

/**
 * Reads the file, applies the command under the rules, and writes the result (unless `dryRun`).
 * The write is refused if another writer changed the file meanwhile (see `writeStateFileText`).
 */
export function stepFile(cwd: string, file: string, command: StepCommand, dryRun = false): { before: RolloutStateFile; after: RolloutStateFile } {
  const { state: before, text } = readStateWithText(cwd, file);
  const after = applyCommand(before, command, displayPath(cwd, file));
  if (!dryRun) writeStateFileText(cwd, file, keepWrittenStrings(text, formatRolloutState(after)), text);
  return { before, after };
}

/**
 * `init <fleet> <version>`: a new state file with one unit serving all the traffic. The version
 * must lie in the default policy's range, as it would for any new unit.
 */
export function initState(fleet: string, kubernetesVersion: string, slot = 'blue', fp?: string, kind?: string): RolloutStateFile {
  const refuse = (field: string, value: unknown, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet: escapeLine(fleet.slice(0, 40)), field, value: excerpt(value), rule, fix });
  };
  if (!isStateFileVersion(kubernetesVersion)) refuse('version', kubernetesVersion, 'a Kubernetes version is 1.MINOR or 1.MINOR.PATCH in plain digits', 'cdktf-bluegreen init shop-prod 1.33');
  const v = KubernetesVersion.parse(kubernetesVersion);
  const min = KubernetesVersion.parse(DEFAULT_MINIMUM_KUBERNETES_VERSION);
  const max = KubernetesVersion.parse(DEFAULT_MAXIMUM_KUBERNETES_VERSION);
  if (v.minorsAhead(min) < 0 || v.minorsAhead(max) > 0) {
    refuse('version', kubernetesVersion, `a new fleet's first unit uses a supported minor, ${min.minorVersion} to ${max.minorVersion} (the default policy's range)`, `cdktf-bluegreen init <fleet> ${max.minorVersion}, or write the file by hand with a wider "policy"`);
  }
  return parseRolloutState({
    version: STATE_FILE_VERSION, fleet, ...(kind !== undefined ? { kind } : {}), step: 0,
    policy: { canaryWeight: 10, maxWeightStep: 25 },
    units: [{ slot, kubernetesVersion, lifecycle: UnitLifecycle.SERVING, weight: 100, ...(fp !== undefined ? { fingerprint: fp } : {}), since: 0, peakWeight: 100 }],
  }, `${fleet}.json`);
}

/** Writes a new state file; refused if one exists (never overwritten). */
export function createStateFile(cwd: string, file: string, state: RolloutStateFile): void {
  checkFileName(displayPath(cwd, file), state);
  writeStateFileText(cwd, file, formatRolloutState(state));
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
  /** Whether the file is absent at head (deleted), as opposed to present but unreadable or invalid. @default false */
  readonly deleted?: boolean;
  /** The file's path relative to the directory the command runs in, as git names it. @default - as `file` */
  readonly path?: string;
  /** How the base was found, when it is not simply the file at the base ref. @default - none */
  readonly note?: string;
}

/**
 * A path the user named, as git names it: relative to `cwd`, normalized (`./`, `a/../`, an absolute
 * path inside `cwd`). A path outside `cwd` is refused: git would never find it at the base, and a
 * file "new" at head is checked only on its own.
 */
export function repoRelative(cwd: string, file: string): string {
  const abs = path.resolve(cwd, file);
  let rel = path.relative(cwd, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    // cwd itself may be reached through a symlink: compare real paths before refusing.
    try {
      rel = path.relative(fs.realpathSync(cwd), path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs)));
    } catch { /* the folder does not exist: judged by the plain path */ }
  }
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new StateFileAccessError(StateFileProblem.OUTSIDE, displayPath(cwd, file), '(outside the repository)', 'check and plan compare state files inside the directory the command runs in with the same paths at the base ref', 'run the command from the repository root and name files relative to it, e.g. --file rollout/shop.json');
  }
  return rel.split(path.sep).join('/');
}

/** Whether `rel` (relative to `cwd`) is a file name the state-file folder `dir` holds: `<dir>/<name>.json`, directly. */
function isStateFileName(rel: string, dir: string): boolean {
  return path.posix.dirname(rel) === dir && rel.endsWith('.json');
}

/** Every file under `dir` in the working tree, at any depth (symlinks not followed), with whether its name is UTF-8. */
function walkWorkingTree(cwd: string, dir: string): Array<{ path: string; utf8: boolean }> {
  const out: Array<{ path: string; utf8: boolean }> = [];
  let real: string;
  try {
    real = path.dirname(resolveInside(cwd, path.join(dir, 'x.json')).real);
  } catch (e) {
    if (e instanceof StateFileAccessError && (e.problem === StateFileProblem.MISSING || e.problem === StateFileProblem.NOT_A_FILE)) return out;
    throw e;
  }
  const visit = (abs: string, rel: string, depth: number) => {
    let entries: fs.Dirent<Buffer>[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true, encoding: 'buffer' });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length > 100_000) return;
      const utf8 = isUtf8(e.name);
      const childRel = `${rel}/${decodeName(e.name)}`;
      // A folder whose name is not UTF-8 is reported itself, not entered.
      if (e.isDirectory() && utf8 && depth < 16) visit(path.join(abs, e.name.toString('utf8')), childRel, depth + 1);
      else if (!e.isDirectory() || !utf8) out.push({ path: childRel, utf8 });
    }
  };
  visit(real, dir, 0);
  return out;
}

/**
 * Pairs every state file at the base ref with the same file at head (the working tree, or `head`):
 * is each head state a legal successor of its base? A file new at head is checked on its own; a
 * file deleted at head is legal only when every unit of its base was retired. A `.json` file under
 * the folder that is not `<dir>/<name>.json` (in a subfolder, `.JSON`), and a file name that is not
 * UTF-8, are refused on their own. A git failure refuses the whole check.
 */
export function compareWithBase(cwd: string, o: FileOptions, base: string, head?: string, env?: { [key: string]: string | undefined }): FileComparison[] {
  verifyRef(base, cwd, env);
  if (head !== undefined) verifyRef(head, cwd, env);
  const named = o.file !== undefined || o.fleet !== undefined;
  const dir = repoRelative(cwd, path.join(o.dir ?? DEFAULT_DIR, 'x')).replace(/\/x$/, '');
  const strays: FileComparison[] = [];
  let headFiles: string[];
  let baseFiles: string[] = [];
  if (named) {
    headFiles = stateFiles(cwd, o).map((f) => repoRelative(cwd, f));
  } else {
    const listed = head === undefined ? walkWorkingTree(cwd, dir) : listFilesAt(head, dir, cwd, env);
    headFiles = [];
    for (const f of listed) {
      const shown = escapeLine(f.path);
      if (!f.utf8) {
        strays.push({ file: shown, base, error: new StateFileAccessError(StateFileProblem.NOT_TEXT, shown, '(a file name that is not UTF-8)', 'a state file is named <fleet>.json in UTF-8 (git and the PR comment must name it exactly)', 'rename it, or move it out of the folder') });
      } else if (isStateFileName(f.path, dir)) {
        headFiles.push(f.path);
      } else if (/\.json$/i.test(f.path)) {
        strays.push({ file: shown, base, error: new StateFileAccessError(StateFileProblem.NOT_A_FILE, shown, '(not read as a state file)', `a state file lies directly in ${escapeLine(dir)}/ and is named <fleet>.json (lowercase .json); check would not compare this one with the base, so it is refused rather than passed unchecked`, `move it to ${escapeLine(dir)}/<fleet>.json, or out of ${escapeLine(dir)}/`) });
      }
    }
    baseFiles = listFilesAt(base, dir, cwd, env).filter((f) => f.utf8 && isStateFileName(f.path, dir)).map((f) => f.path);
  }
  const all = [...new Set([...headFiles, ...baseFiles])].sort();
  if (all.length === 0 && strays.length === 0) throw new UsageError(`no rollout state files in ${escapeLine(dir)}/ at ${escapeLine(head ?? 'the working tree')} or at ${escapeLine(base)}; name them with --dir <folder> or --file <path>`);
  // A few git calls per ref, however many files.
  const atBase = readFilesAt(base, all, cwd, env);
  const atHead = head === undefined ? undefined : readFilesAt(head, all, cwd, env);
  return [...all.map((file) => compareOne(cwd, file, base, head, atBase, atHead, env)), ...strays];
}

function textOf(files: Map<string, RefFile>, file: string): string | undefined {
  const r = files.get(file);
  if (r === undefined) return undefined;
  if ('error' in r) throw r.error;
  return r.text;
}

function compareOne(cwd: string, file: string, base: string, head: string | undefined, atBase: Map<string, RefFile>, atHead: Map<string, RefFile> | undefined, env?: { [key: string]: string | undefined }): FileComparison {
  const shown = displayPath(cwd, file);
  let before: RolloutStateFile | undefined;
  let after: RolloutStateFile | undefined;
  let headAbsent = false;
  let note: string | undefined;
  try {
    let baseError: BlueGreenError | undefined;
    try {
      const baseText = textOf(atBase, file);
      if (baseText !== undefined) before = parseRolloutStateText(baseText, `${shown} at ${escapeLine(base)}`);
    } catch (e) {
      if (!(e instanceof BlueGreenError)) throw e;
      baseError = e;
    }
    if (baseError) {
      // An invalid base is no previous step: the head is judged against the last valid version of
      // the file on the base branch (so the pull request that repairs it can pass, and only by a legal step).
      const good = lastGoodVersion(base, file, cwd, (text) => {
        try { return parseRolloutStateText(text, shown); } catch (e) { if (e instanceof BlueGreenError) return undefined; throw e; }
      }, env);
      if (!good) throw baseError;
      before = good.value;
      note = `the file at ${escapeLine(base)} is invalid, so it is compared with its last valid version (commit ${good.commit.slice(0, 12)})`;
    }
    let headText: string | undefined;
    if (head === undefined) {
      try {
        headText = readStateFileText(cwd, file).text;
      } catch (e) {
        if (!(e instanceof StateFileAccessError) || e.problem !== StateFileProblem.MISSING) throw e;
      }
    } else headText = textOf(atHead!, file);
    headAbsent = headText === undefined;
    if (headText !== undefined) after = checkFileName(shown, parseRolloutStateText(headText, shown));
    if (before && after) {
      const violations = transitionViolations(before, after);
      if (violations.length > 0) return { file: shown, before, after, base, error: new TransitionError(shown, before, after, violations), ...(note ? { note } : {}) };
    } else if (before && !after) {
      const live = before.units.filter((u) => u.lifecycle !== UnitLifecycle.RETIRED);
      if (live.length > 0) {
        return {
          file: shown, before, base, deleted: true, error: new BlueGreenError({
            fleet: before.fleet, field: shown, value: '(deleted)',
            rule: `a fleet's state file is deleted only when every unit was retired in the base state (so the deploy destroyed them); ${live.slice(0, 10).map((u) => `${u.slot} is ${u.lifecycle}`).join(', ')}${live.length > 10 ? ', …' : ''}`,
            fix: 'restore the file, and retire the units step by step first',
          }),
        };
      }
    } else if (!before && !after) {
      throw new UsageError(`${shown}: not found at ${escapeLine(base)} nor at ${escapeLine(head ?? 'the working tree')}`);
    }
    return { file: shown, path: file, before, after, base, deleted: headAbsent, ...(note ? { note } : {}) };
  } catch (e) {
    if (e instanceof BlueGreenError) return { file: shown, before, after, base, error: e, deleted: false };
    throw e;
  }
}
