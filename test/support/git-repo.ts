import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIo } from '../../src/cli/output';
import { main } from '../../src/cli/main';

/** Environment for git in tests: no user config, a fixed identity. */
export const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.invalid', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

/** A fresh temp folder. */
export function tempDir(prefix = 'bg-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A temp git repository on branch main, with helpers to write files and commit. */
export function gitRepo(): { dir: string; git(...args: string[]): string; write(file: string, text: string): void; commit(message: string): void } {
  const dir = tempDir();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  return {
    dir, git,
    write: (file, text) => { fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true }); fs.writeFileSync(path.join(dir, file), text); },
    commit: (message) => { git('add', '-A'); git('commit', '-q', '-m', message); },
  };
}

/** Runs the CLI in-process in `cwd`; returns its exit code and what it printed. */
export function cli(cwd: string, argv: string[], color = false): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: CliIo = { cwd, out: (s) => { out += s; }, err: (s) => { err += s; }, color, env: GIT_ENV };
  const code = main(argv, io);
  return { code, out, err };
}
