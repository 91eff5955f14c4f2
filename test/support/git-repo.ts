import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CliIo } from '../../src/cli/output';
import { main } from '../../src/cli/main';
import { appendRecord } from '../../src/cli/record';
import { DeployOutcome, isoSeconds, recordUnitsOf, stateDigest } from '../../src/core/deploy-record';
import { parseRolloutStateText } from '../../src/core/state-file';
import { tempDir as processTempDir } from './temp';

/** Environment for git in tests: no user config, a fixed identity. */
export const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.invalid', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

/** A fresh temp folder, removed with the test process. */
export function tempDir(prefix = 'bg-cli-'): string {
  return processTempDir(prefix);
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

/**
 * A stand-in for `cdktf deploy '*'` as `record` runs it: prints `output` and exits with `code`. A
 * shell, not a Node start per deploy: tests record hundreds of these.
 */
export function standInDeploy(output: string, code: number): string[] {
  return ['sh', '-c', 'printf "%s" "$1"; exit "$2"', 'deploy', output, String(code)];
}

/**
 * The deploy workflow's part in a test: `cdktf-bluegreen record` runs a stand-in deploy that exits
 * `code` (printing `lines`) over an app whose manifest lists `stacks`, and appends its record to
 * rollout/.deploys/<fleet>.jsonl, as CI does after a merge. Returns the CLI's result.
 */
export function recordDeploy(cwd: string, stacks: string[], code = 0, lines: string[] = [], extra: string[] = []): { code: number; out: string; err: string } {
  fs.mkdirSync(path.join(cwd, 'cdktf.out'), { recursive: true });
  fs.writeFileSync(path.join(cwd, 'cdktf.out', 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: Object.fromEntries(stacks.map((s) => [s, {}])) }));
  const r = cli(cwd, ['record', ...extra, '--', ...standInDeploy(lines.length ? `${lines.join('\n')}\n` : '', code)]);
  fs.rmSync(path.join(cwd, 'cdktf.out'), { recursive: true, force: true });
  return r;
}

/**
 * A successful deploy record of the fleet's current step, appended in-process (what `record` writes
 * after a deploy that applied every stack): for tests that walk many steps and only need the
 * deploy to have happened.
 */
export function markDeployed(cwd: string, fleet = 'shop', at = 1_800_000_000): void {
  const file = `rollout/${fleet}.json`;
  const text = fs.readFileSync(path.join(cwd, file), 'utf8');
  const state = parseRolloutStateText(text, file);
  appendRecord(cwd, file, {
    v: 1, fleet, step: state.step, state: stateDigest(text), units: recordUnitsOf(state),
    stacks: [{ name: `${fleet}-traffic`, result: 'applied' }], outcome: DeployOutcome.SUCCEEDED, gates: [],
    startedAt: isoSeconds(at), finishedAt: isoSeconds(at),
  });
}
