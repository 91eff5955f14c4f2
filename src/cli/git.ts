import { execFileSync } from 'child_process';
import { UsageError } from './usage-error';

function git(args: string[], cwd: string, env?: { [key: string]: string | undefined }): { ok: boolean; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync('git', args, { cwd, env: env as NodeJS.ProcessEnv | undefined, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    return { ok: true, stdout, stderr: '' };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string; code?: string };
    if (err.code === 'ENOENT') throw new UsageError('git is not installed or not on PATH; check --base reads the base state with `git show`');
    return { ok: false, stdout: err.stdout ?? '', stderr: err.stderr ?? err.message };
  }
}

/** Throws a usage error unless `ref` names a commit. */
export function verifyRef(ref: string, cwd: string, env?: { [key: string]: string | undefined }): void {
  if (ref.startsWith('-') || ref.includes('..') || ref.trim() === '') throw new UsageError(`${JSON.stringify(ref)} is not a git ref to compare with (use a branch, tag or commit, e.g. origin/main)`);
  const r = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd, env);
  if (!r.ok) {
    throw new UsageError(`--base ${ref}: no such commit in ${cwd} (in CI, fetch it first: \`git fetch origin main\`, and check out with fetch-depth: 0)${r.stderr.trim() ? `\n${r.stderr.trim()}` : ''}`);
  }
}

/** The text of `file` (relative to `cwd`) at `ref`, or undefined when the file does not exist there. */
export function showFile(ref: string, file: string, cwd: string, env?: { [key: string]: string | undefined }): string | undefined {
  const rel = file.split('\\').join('/');
  const r = git(['show', `${ref}:./${rel.replace(/^\.\//, '')}`], cwd, env);
  return r.ok ? r.stdout : undefined;
}

/** The `.json` files directly in `dir` (relative to `cwd`) at `ref`, as paths relative to `cwd`. */
export function listJsonAt(ref: string, dir: string, cwd: string, env?: { [key: string]: string | undefined }): string[] {
  const d = dir.replace(/\/+$/, '');
  const r = git(['ls-tree', '--name-only', ref, '--', `${d}/`], cwd, env);
  if (!r.ok) return [];
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l.endsWith('.json'));
}
