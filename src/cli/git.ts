import { execFileSync } from 'child_process';
import { escapeLine, excerpt, shortText } from '../core/excerpt';
import { STATE_FILE_MAX_BYTES } from '../core/state-file';
import { StateFileAccessError, StateFileProblem } from '../core/state-file-io';
import { UsageError } from './usage-error';

type Env = { [key: string]: string | undefined };

function git(args: string[], cwd: string, env?: Env, maxBuffer = 16 * 1024 * 1024): { ok: boolean; stdout: Buffer; stderr: string } {
  try {
    const stdout = execFileSync('git', args, { cwd, env: env as NodeJS.ProcessEnv | undefined, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer, timeout: 60_000 });
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

function lsTree(ref: string, spec: string, cwd: string, env?: Env): TreeEntry[] {
  const r = git(['ls-tree', '-z', '-l', ref, '--', spec], cwd, env);
  if (!r.ok) return [];
  return r.stdout.toString('utf8').split('\0').filter((l) => l.length > 0).map((l) => {
    const tab = l.indexOf('\t');
    const [mode, type, sha, size] = l.slice(0, tab).trim().split(/\s+/);
    return { mode, type, sha, size: size === '-' ? 0 : Number(size), path: l.slice(tab + 1) };
  });
}

/**
 * The text of `file` (relative to `cwd`) at `ref`, or undefined when the file does not exist there.
 * Held to the same rules as a file of the working tree: a regular file (no symlink, submodule or
 * folder), at most the size limit, UTF-8. Throws `StateFileAccessError` otherwise.
 */
export function showFile(ref: string, file: string, cwd: string, env?: Env): string | undefined {
  const rel = file.split('\\').join('/').replace(/^\.\//, '');
  const shown = `${escapeLine(rel)} at ${escapeLine(ref)}`;
  const entry = lsTree(ref, rel, cwd, env).find((e) => e.path === rel);
  if (!entry) return undefined;
  if (entry.mode === '120000') throw new StateFileAccessError(StateFileProblem.SYMLINK, shown, '(a symbolic link)', 'a state file is a regular file; a link is never followed (it could point at secrets outside the repository)', 'commit the file itself instead of a link');
  if (entry.type !== 'blob') throw new StateFileAccessError(StateFileProblem.NOT_A_FILE, shown, `(a ${entry.type === 'tree' ? 'folder' : 'submodule'})`, 'a state file is a regular file', 'commit the fleet\'s JSON state file at this path');
  if (entry.size > STATE_FILE_MAX_BYTES) {
    throw new StateFileAccessError(StateFileProblem.TOO_LARGE, shown, `(${entry.size.toLocaleString('en-US')} bytes)`, `a state file is at most ${STATE_FILE_MAX_BYTES.toLocaleString('en-US')} bytes`, 'forget retired units, or check that this is the right file');
  }
  const r = git(['cat-file', 'blob', entry.sha], cwd, env, STATE_FILE_MAX_BYTES + 1024);
  if (!r.ok) throw new StateFileAccessError(StateFileProblem.UNREADABLE, shown, '(unreadable)', 'git could not read the file at this ref', 'fetch the ref again');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(r.stdout);
  } catch {
    throw new StateFileAccessError(StateFileProblem.NOT_TEXT, shown, '(bytes that are not UTF-8)', 'a state file is JSON text in UTF-8', 'save it as UTF-8');
  }
}

/** The `.json` entries directly in `dir` (relative to `cwd`) at `ref`, as paths relative to `cwd`. */
export function listJsonAt(ref: string, dir: string, cwd: string, env?: Env): string[] {
  const d = dir.replace(/\/+$/, '');
  return lsTree(ref, `${d}/`, cwd, env).map((e) => e.path).filter((p) => p.endsWith('.json'));
}
