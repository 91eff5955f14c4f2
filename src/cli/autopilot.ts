import * as path from 'path';
import { EksAddonVersions } from '../aws/eks-addons';
import { AutopilotAction, AutopilotDecision, decideAutopilot } from '../core/autopilot';
import { CveEntry, parseAutopilotPolicy, parseCveFeed, parseOfferedVersions } from '../core/autopilot-policy';
import { isoSeconds, stateDigest } from '../core/deploy-record';
import { escapeControls, escapeLine } from '../core/excerpt';
import { commandLine, describeChange } from '../core/rollout-steps';
import { readStateFileText, StateFileAccessError, StateFileProblem } from '../core/state-file-io';
import { FileOptions, readStateWithText, stateFiles, stepFile } from './commands';
import { CliIo, Paint } from './output';
import { readRecords } from './record';
import { UsageError } from './usage-error';

/** Where the autopilot's own files live, relative to the repository. */
export const AUTOPILOT_FILES = { policy: 'autopilot/policy.json', feed: 'autopilot/cve-feed.json', offered: 'autopilot/offered-versions.json' };

function readText(cwd: string, file: string, required: boolean, what: string): string | undefined {
  try {
    return readStateFileText(cwd, file).text;
  } catch (e) {
    if (e instanceof StateFileAccessError && e.problem === StateFileProblem.MISSING) {
      if (required) throw new UsageError(`${escapeLine(file)}: no ${what}; write one (docs/autopilot.md) or name it with --policy <file>`);
      return undefined;
    }
    throw e;
  }
}

/** One fleet's line of the autopilot's report. */
export interface AutopilotReportLine extends AutopilotDecision {
  /** What the written step changes. */
  readonly change?: string;
  /** The state file written (or that would be, with --dry-run). */
  readonly file?: string;
}

/**
 * `autopilot`: decides every fleet's next move and writes each step through the CLI's own
 * `stepFile` (the same rules, lock and checks as `start`, `promote`, `shift`, …). With `--fleet`,
 * only that fleet's step is written (one pull request per fleet step). Exits 0 when nothing is to
 * be done as well; 1 when a step was refused.
 */
export function runAutopilot(flags: { [name: string]: string }, files: FileOptions, io: CliIo, p: Paint): number {
  const now = Math.floor((io.now ?? Date.now)() / 1000);
  const list = stateFiles(io.cwd, { dir: files.dir });
  if (list.length === 0) throw new UsageError(`no rollout state file in ${escapeLine(files.dir ?? 'rollout')}/`);
  const states = list.map((file) => {
    const r = readStateWithText(io.cwd, file);
    return { file, state: r.state, digest: stateDigest(r.text), records: readRecords(io.cwd, file, r.state.fleet).records };
  });
  if (files.fleet !== undefined && !states.some((s) => s.state.fleet === files.fleet)) throw new UsageError(`--fleet ${escapeLine(files.fleet)}: no such fleet in ${escapeLine(files.dir ?? 'rollout')}/`);
  const policyFile = flags.policy ?? AUTOPILOT_FILES.policy;
  const policy = parseAutopilotPolicy(readText(io.cwd, policyFile, true, 'autopilot policy')!, escapeLine(policyFile), states.map((s) => s.state.fleet));
  const feedFile = flags.feed ?? AUTOPILOT_FILES.feed;
  const feedText = readText(io.cwd, feedFile, false, 'CVE feed');
  const feed: CveEntry[] = feedText === undefined ? [] : parseCveFeed(feedText, escapeLine(feedFile));
  const offeredFile = flags.offered ?? AUTOPILOT_FILES.offered;
  const offered = parseOfferedVersions(readText(io.cwd, offeredFile, true, 'offered-versions file')!, escapeLine(offeredFile));
  const decisions = decideAutopilot({ policy, fleets: states, feed, offered, buildableMinors: { eks: EksAddonVersions.knownMinors() }, now });

  const dryRun = Boolean(flags['dry-run']);
  const lines: AutopilotReportLine[] = [];
  let refused = 0;
  for (const d of decisions) {
    const s = states.find((x) => x.state.fleet === d.fleet)!;
    if (d.action !== AutopilotAction.STEP || (files.fleet !== undefined && files.fleet !== d.fleet)) { lines.push(d); continue; }
    try {
      const { before, after } = stepFile(io.cwd, s.file, d.command!, dryRun);
      lines.push({ ...d, change: describeChange(before, after), file: path.normalize(s.file) });
    } catch (e) {
      refused++;
      lines.push({ ...d, action: AutopilotAction.HOLD, reason: `the step was refused: ${(e as Error).message}` });
    }
  }
  if (flags.json) {
    io.out(`${escapeControls(JSON.stringify({ at: isoSeconds(now), dryRun, fleets: lines.map((l) => ({ ...l, command: l.command ? commandLine(l.command) : undefined })) }, null, 2))}\n`);
  } else {
    for (const l of lines) {
      const head = l.action === AutopilotAction.STEP ? p.green('step') : l.action === AutopilotAction.HOLD ? p.red('held') : p.dim('wait');
      const approval = l.action === AutopilotAction.STEP ? (l.needsApproval ? p.yellow(' [needs a person\'s approval]') : ' [merges itself]') : '';
      io.out(`${head} ${p.bold(l.fleet)} (ring ${l.ring})${approval}: ${escapeControls(l.reason)}\n`);
      if (l.change) io.out(`     ${dryRun ? 'would write' : 'wrote'} ${escapeLine(l.file!)}: ${escapeControls(l.change)}\n`);
      if (l.release) io.out(`     to release: ${escapeControls(l.release)}\n`);
    }
    const moved = lines.filter((l) => l.change).length;
    io.out(`${moved} step(s) ${dryRun ? 'to write' : 'written'}, ${lines.length - moved} fleet(s) waiting or held, at ${isoSeconds(now)}\n`);
  }
  return refused > 0 ? 1 : 0;
}
