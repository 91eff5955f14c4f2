import { execFileSync } from 'child_process';
import { BlueGreenError } from '../core/errors';
import { escapeLine, excerpt, shortText } from '../core/excerpt';
import { STATE_FILE_MAX_BYTES } from '../core/state-file';
import { StateFileAccessError, StateFileProblem } from '../core/state-file-io';
import { UsageError } from './usage-error';

type Env = { [key: string]: string | undefined };

function git(args: string[], cwd: string, env?: Env, maxBuffer = 16 * 1024 * 1024, input?: string): { ok: boolean; stdout: Buffer; stderr: string } {
  try {
    const stdout = execFileSync('git', args, { cwd, env: env as NodeJS.ProcessEnv | undefined, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], input, maxBuffer, timeout: 60_000 });
    return { ok: true, stdout, stderr: '' };
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer; message: string; code?: string };
    if (err.code === 'ENOENT') throw new UsageError('git is not installed or not on PATH; check --base reads the base state with git');
    return { ok: false, stdout: err.stdout ?? Buffer.alloc(0), stderr: err.stderr ? err.stderr.toString('utf8') : err.message };
  }
}

/**
 * A git command failed where its answer decides a verdict: `check` refuses rather than read the
 * failure as "no base" or "no history" (which would widen what passes).
 */
export class GitFailure extends BlueGreenError {
  constructor(what: string, ref: string, stderr: string) {
    const why = stderr.trim() ? shortText(stderr.trim().split('\n')[0], 160) : 'no message';
    super({
      fleet: '(every fleet)', field: `git ${what} at ${escapeLine(ref.slice(0, 80))}`, value: `(git failed: ${why})`,
      rule: 'check and plan judge a state file only from what git answers; a git failure is never read as "no base" or "no history"',
      fix: 'fetch the base again (git fetch origin main, or check out with fetch-depth: 0) and re-run; if it fails again, run the git command shown to see why',
    });
    this.name = 'GitFailure';
  }
}

/** Object names: SHA-1 (40 hex) or SHA-256 (64 hex) repositories. */
export const OBJECT_NAME = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/** Throws a usage error unless `ref` names a commit. */
export function verifyRef(ref: string, cwd: string, env?: Env): void {
  if (ref.startsWith('-') || ref.includes('..') || ref.trim() === '' || ref.length > 200 || /[\u0000-\u001f\u007f]/.test(ref)) {
    throw new UsageError(`${excerpt(ref)} is not a git ref to compare with (use a branch, tag or commit, e.g. origin/main)`);
  }
  const r = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd, env);
  if (!r.ok) {
    const why = r.stderr.trim() ? ` (git: ${shortText(r.stderr.trim().split('\n')[0], 120)})` : '';
    throw new UsageError(`--base ${escapeLine(ref)}: no such commit in this repository${why}; in CI, fetch it first (\`git fetch origin main\`, or check out with fetch-depth: 0)`);
  }
}

/** One entry of `git ls-tree -l -z`. */
interface TreeEntry { mode: string; type: string; sha: string; size: number; path: string; utf8: boolean }


/** A file at a ref: its text, or why it may not be read. */
export type RefFile = { text: string } | { error: StateFileAccessError };

function entryProblem(entry: TreeEntry, shown: string): StateFileAccessError | undefined {
  if (entry.mode === '120000') return new StateFileAccessError(StateFileProblem.SYMLINK, shown, '(a symbolic link)', 'a state file is a regular file; a link is never followed (it could point at secrets outside the repository)', 'commit the file itself instead of a link');
  if (entry.type !== 'blob') return new StateFileAccessError(StateFileProblem.NOT_A_FILE, shown, `(a ${entry.type === 'tree' ? 'folder' : 'submodule'})`, 'a state file is a regular file', 'commit the fleet\'s JSON state file at this path');
  if (entry.size > STATE_FILE_MAX_BYTES) {
    return new StateFileAccessError(StateFileProblem.TOO_LARGE, shown, `(${entry.size.toLocaleString('en-US')} bytes)`, `a state file is at most ${STATE_FILE_MAX_BYTES.toLocaleString('en-US')} bytes`, 'forget retired units, or check that this is the right file');
  }
  return undefined;
}

/**
 * The files `files` (relative to `cwd`) at `ref`, read in two git calls whatever their number
 * (one `ls-tree`, one `cat-file --batch`). Each is held to the rules of a working-tree file: a
 * regular file (no symlink, submodule or folder), at most the size limit, UTF-8. A file absent
 * at `ref` is absent from the result.
 */
export function readFilesAt(ref: string, files: string[], cwd: string, env?: Env): Map<string, RefFile> {
  const out = new Map<string, RefFile>();
  if (files.length === 0) return out;
  const rels = files.map((f) => f.split('\\').join('/').replace(/^\.\//, ''));
  const wanted = new Set(rels);
  const entries = lsTreeMany(ref, [...wanted], cwd, env).filter((e) => wanted.has(e.path));
  const blobs: TreeEntry[] = [];
  for (const e of entries) {
    const problem = entryProblem(e, `${escapeLine(e.path)} at ${escapeLine(ref)}`);
    if (problem) out.set(e.path, { error: problem });
    else blobs.push(e);
  }
  if (blobs.length > 0) {
    const r = git(['cat-file', '--batch'], cwd, env, blobs.length * (STATE_FILE_MAX_BYTES + 200), blobs.map((b) => b.sha).join('\n') + '\n');
    let at = 0;
    for (const b of blobs) {
      const shown = `${escapeLine(b.path)} at ${escapeLine(ref)}`;
      const nl = r.stdout.indexOf(0x0a, at);
      const header = nl < 0 ? '' : r.stdout.subarray(at, nl).toString('utf8');
      const size = Number(header.split(' ')[2]);
      if (!r.ok || nl < 0 || !header.startsWith(b.sha) || !Number.isInteger(size)) {
        out.set(b.path, { error: new StateFileAccessError(StateFileProblem.UNREADABLE, shown, '(unreadable)', 'git could not read the file at this ref', 'fetch the ref again') });
        break;
      }
      const body = r.stdout.subarray(nl + 1, nl + 1 + size);
      at = nl + 1 + size + 1;
      try {
        out.set(b.path, { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body) });
      } catch {
        out.set(b.path, { error: new StateFileAccessError(StateFileProblem.NOT_TEXT, shown, '(bytes that are not UTF-8)', 'a state file is JSON text in UTF-8', 'save it as UTF-8') });
      }
    }
  }
  // Results keyed by the caller's spelling of each path.
  const byCaller = new Map<string, RefFile>();
  files.forEach((f, i) => { const v = out.get(rels[i]); if (v) byCaller.set(f, v); });
  return byCaller;
}

/** The most bytes of paths one git call takes as arguments (far below the kernel's limit, whatever the number of files). */
const ARG_BYTES = 64 * 1024;

function lsTreeMany(ref: string, specs: string[], cwd: string, env?: Env, recursive = false): TreeEntry[] {
  const out: TreeEntry[] = [];
  // In chunks: one call with every path as an argument fails (E2BIG) beyond a few tens of thousands of files.
  for (let i = 0; i < specs.length;) {
    const chunk: string[] = [];
    let bytes = 0;
    while (i < specs.length && (chunk.length === 0 || bytes + Buffer.byteLength(specs[i]) + 1 <= ARG_BYTES)) {
      bytes += Buffer.byteLength(specs[i]) + 1;
      chunk.push(specs[i++]);
    }
    const r = git(['ls-tree', '-z', '-l', ...(recursive ? ['-r'] : []), ref, '--', ...chunk], cwd, env, 256 * 1024 * 1024);
    if (!r.ok) throw new GitFailure('ls-tree', ref, r.stderr);
    for (const raw of splitZ(r.stdout)) {
      const tab = raw.indexOf(0x09);
      if (tab < 0) throw new GitFailure('ls-tree', ref, 'an entry without a path');
      const [mode, type, sha, size] = raw.subarray(0, tab).toString('latin1').trim().split(/\s+/);
      const nameBytes = raw.subarray(tab + 1);
      out.push({ mode, type, sha, size: size === '-' ? 0 : Number(size), path: decodeName(nameBytes), utf8: isUtf8(nameBytes) });
    }
  }
  return out;
}

function splitZ(buf: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const z = buf.indexOf(0, at);
    if (z < 0) { if (at < buf.length) parts.push(buf.subarray(at)); return parts; }
    if (z > at) parts.push(buf.subarray(at, z));
    at = z + 1;
  }
}

/** Whether a file name is valid UTF-8. */
export function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A file name as text: UTF-8, or (when it is not) each byte that is not ASCII shown as `\xNN`, so it is never confused with another name. */
export function decodeName(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  return [...bytes].map((b) => (b < 0x80 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
}

/** The text of one file at `ref`, or undefined when it does not exist there; throws `StateFileAccessError` for a file that may not be read. */
export function showFile(ref: string, file: string, cwd: string, env?: Env): string | undefined {
  const r = readFilesAt(ref, [file], cwd, env).get(file);
  if (r === undefined) return undefined;
  if ('error' in r) throw r.error;
  return r.text;
}

/** Every file under `dir` (relative to `cwd`, at any depth) at `ref`, with whether its name is UTF-8. */
export function listFilesAt(ref: string, dir: string, cwd: string, env?: Env): Array<{ path: string; utf8: boolean }> {
  const d = dir.replace(/\/+$/, '');
  return lsTreeMany(ref, [`${d}/`], cwd, env, true).map((e) => ({ path: e.path, utf8: e.utf8 }));
}

/** The `.json` entries directly in `dir` (relative to `cwd`) at `ref`, as paths relative to `cwd`. */
export function listJsonAt(ref: string, dir: string, cwd: string, env?: Env): string[] {
  const d = dir.replace(/\/+$/, '');
  return lsTreeMany(ref, [`${d}/`], cwd, env).map((e) => e.path).filter((p) => p.endsWith('.json'));
}

/** No state file of this library was committed before 2020-01-01T00:00:00Z (CDK for Terraform came out in July 2020). */
export const EARLIEST_STATE_FILE_TIME = 1_577_836_800;

/** The latest committer time a commit can truthfully carry: the clock of the check plus this much skew. */
export const CLOCK_SKEW_SECONDS = 5 * 60;

/**
 * The commit on `ref`'s first-parent line (the merges into the base branch) that last changed
 * `file`, with its committer time in seconds; undefined when the file has no history there.
 * A git failure, a malformed answer, a committer time after `now` (beyond a few minutes of clock
 * skew) or before the time of the commit's own first parent is refused: the soak is measured from
 * that time, and a time that cannot be true would let a step through at once or block it for years.
 */
export function lastChangeAt(ref: string, file: string, cwd: string, env?: Env, now?: number): { commit: string; time: number } | undefined {
  const rel = file.split('\\').join('/').replace(/^\.\//, '');
  const r = git(['log', '-1', '--first-parent', '--format=%H %ct %P', ref, '--', rel], cwd, env);
  if (!r.ok) throw new GitFailure('log', ref, r.stderr);
  const line = r.stdout.toString('utf8').trim();
  if (line === '') return undefined;
  const m = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9]{1,12})((?: (?:[0-9a-f]{40}|[0-9a-f]{64}))*)$/.exec(line);
  const untrue = (what: string) => new BlueGreenError({
    fleet: escapeLine(rel.replace(/^.*\//, '').replace(/\.json$/, '').slice(0, 40)), field: `${escapeLine(rel)}: last change at ${escapeLine(ref.slice(0, 80))}`, value: excerpt(line, 120),
    rule: `the soak is measured from the committer time of the base commit that last changed the file, and ${what}`,
    fix: 'the base branch holds a commit whose time cannot be true (a wrong clock or a hand-made date): have a maintainer fix the base branch, or judge the step with --at <time> once the real time of that merge is known',
  });
  if (!m) throw untrue('git gave no commit id and time a repository can hold (SHA-1 or SHA-256 object name, whole seconds)');
  const time = Number(m[2]);
  if (time < EARLIEST_STATE_FILE_TIME) throw untrue(`this commit's time ${new Date(time * 1000).toISOString()} lies before 2020, before CDK for Terraform (and any state file of this library) existed`);
  if (now !== undefined && time > now + CLOCK_SKEW_SECONDS) throw untrue(`this commit's time ${new Date(time * 1000).toISOString()} lies after the time of the check (${new Date(now * 1000).toISOString()})`);
  const parent = m[3].trim().split(' ')[0];
  if (parent) {
    const p = git(['log', '-1', '--format=%ct', parent], cwd, env);
    if (!p.ok) throw new GitFailure('log', parent, p.stderr);
    const pt = Number(p.stdout.toString('utf8').trim());
    if (!/^[0-9]{1,12}$/.test(p.stdout.toString('utf8').trim())) throw untrue('its parent\'s committer time is not whole seconds');
    if (time + CLOCK_SKEW_SECONDS < pt) throw untrue(`this commit's time ${new Date(time * 1000).toISOString()} lies before its own parent's (${new Date(pt * 1000).toISOString()}): it was backdated`);
  }
  return { commit: m[1], time };
}

/**
 * The newest version of `file` on `ref`'s first-parent line (at most `depth` changes back) that
 * `accept` takes, with its commit: the previous legal step when the file at `ref` itself is invalid.
 */
export function lastGoodVersion<T>(ref: string, file: string, cwd: string, accept: (text: string) => T | undefined, env?: Env, depth = 20): { commit: string; value: T } | undefined {
  const rel = file.split('\\').join('/').replace(/^\.\//, '');
  const r = git(['log', `-${depth}`, '--first-parent', '--format=%H', ref, '--', rel], cwd, env);
  if (!r.ok) throw new GitFailure('log', ref, r.stderr);
  for (const commit of r.stdout.toString('utf8').split('\n').map((l) => l.trim()).filter((l) => OBJECT_NAME.test(l))) {
    const f = readFilesAt(commit, [rel], cwd, env).get(rel);
    if (!f || 'error' in f) continue;
    const value = accept(f.text);
    if (value !== undefined) return { commit, value };
  }
  return undefined;
}
