import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BlueGreenError } from './errors';
import { excerpt } from './excerpt';
import { parseRolloutStateText, RolloutStateFile } from './state-file';
import { legalNextSteps, transitionViolations, unitsChanged } from './transitions';

// Synth's half of the pull-request guard: when `check --base` did not run (or a hand edit was never
// reviewed), the state file's own git history still names the previous step, and synth refuses to
// build an illegal one (a unit retired while it still serves, two weight steps at once, ...).

function gitText(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000, maxBuffer: 4 * 1024 * 1024 }).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Where the previous step of a state file is, in git: the committed version when the file has uncommitted changes, else the version before its last commit on the first-parent line. */
export interface PreviousVersion {
  readonly text: string;
  /** `the last commit (HEAD)` or `commit 1a2b3c4d5e6f, before 6f5e4d3c2b1a`. */
  readonly where: string;
}

/**
 * The previous version of `file` (whose current text is `text`) from git, or undefined when it
 * cannot be known: git missing, no repository, the file untracked or new in its last commit.
 */
export function previousVersionOf(file: string, text: string): PreviousVersion | undefined {
  const abs = path.resolve(file);
  let dirReal: string;
  try {
    dirReal = fs.realpathSync(path.dirname(abs));
  } catch {
    return undefined;
  }
  const top = gitText(['rev-parse', '--show-toplevel'], dirReal)?.trim();
  if (!top) return undefined;
  let topReal: string;
  try { topReal = fs.realpathSync(top); } catch { return undefined; }
  const rel = path.relative(topReal, path.join(dirReal, path.basename(abs))).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const committed = gitText(['cat-file', 'blob', `HEAD:${rel}`], topReal);
  if (committed === undefined) return undefined;
  if (committed !== text) return { text: committed, where: 'the last commit (HEAD)' };
  const log = gitText(['log', '-1', '--first-parent', '--format=%H %P', 'HEAD', '--', rel], topReal)?.trim();
  const m = log ? /^([0-9a-f]{40}|[0-9a-f]{64})(?: ([0-9a-f]{40}|[0-9a-f]{64}))?/.exec(log) : null;
  if (!m || !m[2]) return undefined;
  const before = gitText(['cat-file', 'blob', `${m[2]}:${rel}`], topReal);
  return before === undefined ? undefined : { text: before, where: `commit ${m[2].slice(0, 12)}, before ${m[1].slice(0, 12)} changed it` };
}

/**
 * Refuses `state` (read from `file` as `text`) when its previous version in git is valid and the
 * step between them breaks a transition rule. Only a step is judged (a change of units,
 * lifecycles, weights or the step number); when the previous version cannot be known or is itself
 * invalid, nothing is judged (check --base on the pull request is then the guard).
 */
export function checkAgainstHistory(file: string, state: RolloutStateFile, text: string): void {
  const previous = previousVersionOf(file, text);
  if (!previous) return;
  let before: RolloutStateFile;
  try {
    before = parseRolloutStateText(previous.text, `${file} (previous)`);
  } catch {
    return;
  }
  if (before.fleet !== state.fleet || (!unitsChanged(before, state) && before.step === state.step)) return;
  const violations = transitionViolations(before, state);
  if (violations.length === 0) return;
  const next = legalNextSteps(before);
  throw new BlueGreenError({
    fleet: state.fleet, unit: violations[0].slot, field: `${excerpt(file, 120).slice(1, -1)}: step ${before.step} → ${state.step}`,
    value: `${violations[0].slot ? `${violations[0].slot} ` : ''}${violations[0].before} → ${violations[0].after}`,
    rule: `synth builds only a legal step from the file's previous version (${previous.where}): ${violations.map((v) => `rule ${v.rule}${v.slot ? ` (${v.slot}: ${v.before} → ${v.after})` : ''}: ${v.message}`).join('; ')}`,
    fix: next.length
      ? `restore the file (git checkout -- ${excerpt(file, 80).slice(1, -1)}) and take a legal step instead: ${next.slice(0, 3).map((n) => n.command).join(' | ')}`
      : 'restore the file (git checkout) and edit it within the rules (docs/cli.md, transition rules)',
  });
}
