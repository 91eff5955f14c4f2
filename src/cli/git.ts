import { execFileSync } from 'child_process';
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
interface TreeEntry { mode: string; type: string; sha: string; size: number; path: string }


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

function lsTreeMany(ref: string, specs: string[], cwd: string, env?: Env): TreeEntry[] {
  const r = git(['ls-tree', '-z', '-l', ref, '--', ...specs], cwd, env);
  if (!r.ok) return [];
  return r.stdout.toString('utf8').split('\0').filter((l) => l.length > 0).map((l) => {
    const tab = l.indexOf('\t');
    const [mode, type, sha, size] = l.slice(0, tab).trim().split(/\s+/);
    return { mode, type, sha, size: size === '-' ? 0 : Number(size), path: l.slice(tab + 1) };
  });
}

/** The text of one file at `ref`, or undefined when it does not exist there; throws `StateFileAccessError` for a file that may not be read. */
export function showFile(ref: string, file: string, cwd: string, env?: Env): string | undefined {
  const r = readFilesAt(ref, [file], cwd, env).get(file);
  if (r === undefined) return undefined;
  if ('error' in r) throw r.error;
  return r.text;
}

/** The `.json` entries directly in `dir` (relative to `cwd`) at `ref`, as paths relative to `cwd`. */
export function listJsonAt(ref: string, dir: string, cwd: string, env?: Env): string[] {
  const d = dir.replace(/\/+$/, '');
  return lsTreeMany(ref, [`${d}/`], cwd, env).map((e) => e.path).filter((p) => p.endsWith('.json'));
}

/**
 * The commit on `ref`'s first-parent line (the merges into the base branch) that last changed
 * `file`, with its committer time in seconds; undefined when the file has no history there.
 */
export function lastChangeAt(ref: string, file: string, cwd: string, env?: Env): { commit: string; time: number } | undefined {
  const rel = file.split('\\').join('/').replace(/^\.\//, '');
  const r = git(['log', '-1', '--first-parent', '--format=%H %ct', ref, '--', rel], cwd, env);
  const m = /^([0-9a-f]{40}) ([0-9]+)$/.exec(r.stdout.toString('utf8').trim());
  return r.ok && m ? { commit: m[1], time: Number(m[2]) } : undefined;
}
