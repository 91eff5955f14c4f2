import * as fs from 'fs';
import * as path from 'path';
import { AutopilotAction, AutopilotDecision, decideAutopilot } from '../core/autopilot';
import { CveEntry, parseAutopilotPolicy, parseCveFeed, parseOfferedVersions } from '../core/autopilot-policy';
import { DeployRecord, isoSeconds, stateDigest } from '../core/deploy-record';
import { BlueGreenError } from '../core/errors';
import { escapeControls, escapeLine } from '../core/excerpt';
import { commandLine, describeChange } from '../core/rollout-steps';
import { resolveInside, StateFileAccessError, StateFileProblem } from '../core/state-file-io';
import { FileOptions, readStateWithText, stateFiles, stepFile } from './commands';
import { CliIo, Paint } from './output';
import { readRecords } from './record';
import { UsageError } from './usage-error';

/** Where the autopilot's own files live, relative to the repository. */
export const AUTOPILOT_FILES = { policy: 'autopilot/policy.json', feed: 'autopilot/cve-feed.json', offered: 'autopilot/offered-versions.json' };

/** The largest autopilot input read (the official CVE feed carries every announcement's full text). */
const MAX_INPUT_BYTES = 8 * 1024 * 1024;

/**
 * Reads an autopilot input file as a state file is read (inside the repository, a regular file,
 * never through a link, never blocking on a FIFO, UTF-8), with a higher size limit.
 */
function readText(cwd: string, file: string, required: boolean, what: string): string | undefined {
  const { real, shown } = resolveInside(cwd, file);
  const refuse = (value: string, rule: string, fix: string): never => { throw new StateFileAccessError(StateFileProblem.NOT_A_FILE, shown, value, rule, fix); };
  let st: fs.Stats;
  try {
    st = fs.lstatSync(real);
  } catch {
    if (required) throw new UsageError(`${escapeLine(file)}: no ${what}; write one (docs/autopilot.md) or name it with --policy, --feed or --offered`);
    return undefined;
  }
  if (!st.isFile()) refuse(st.isSymbolicLink() ? '(a symbolic link)' : '(not a regular file)', `the ${what} is a regular file of the repository; a link is never followed`, `commit the ${what} itself at ${shown}`);
  if (st.size > MAX_INPUT_BYTES) refuse(`(${st.size.toLocaleString('en-US')} bytes)`, `the ${what} is at most ${MAX_INPUT_BYTES.toLocaleString('en-US')} bytes`, 'keep only what the autopilot reads');
  const fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(Math.min(fs.fstatSync(fd).size, MAX_INPUT_BYTES) + 1);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    if (n > MAX_INPUT_BYTES) refuse('(over the limit)', `the ${what} is at most ${MAX_INPUT_BYTES.toLocaleString('en-US')} bytes`, 'keep only what the autopilot reads');
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf.subarray(0, n));
    } catch {
      return refuse('(bytes that are not UTF-8)', `the ${what} is JSON text in UTF-8`, 'save it as UTF-8');
    }
  } finally {
    fs.closeSync(fd);
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
  // A fleet whose deploy records are refused is held (with the refusal as its reason); the others go on.
  const broken = new Map<string, string>();
  const states = list.map((file) => {
    const r = readStateWithText(io.cwd, file);
    let records: DeployRecord[] = [];
    try {
      records = readRecords(io.cwd, file, r.state.fleet).records;
    } catch (e) {
      if (!(e instanceof BlueGreenError)) throw e;
      broken.set(r.state.fleet, e.message);
    }
    return { file, state: r.state, digest: stateDigest(r.text), records };
  });
  if (files.fleet !== undefined && !states.some((s) => s.state.fleet === files.fleet)) throw new UsageError(`--fleet ${escapeLine(files.fleet)}: no such fleet in ${escapeLine(files.dir ?? 'rollout')}/`);
  const policyFile = flags.policy ?? AUTOPILOT_FILES.policy;
  const policy = parseAutopilotPolicy(readText(io.cwd, policyFile, true, 'autopilot policy')!, escapeLine(policyFile), states.map((s) => s.state.fleet));
  const feedFile = flags.feed ?? AUTOPILOT_FILES.feed;
  const feedText = readText(io.cwd, feedFile, false, 'CVE feed');
  const feed: CveEntry[] = feedText === undefined ? [] : parseCveFeed(feedText, escapeLine(feedFile));
  const offeredFile = flags.offered ?? AUTOPILOT_FILES.offered;
  const offered = parseOfferedVersions(readText(io.cwd, offeredFile, true, 'offered-versions file')!, escapeLine(offeredFile));
  const decisions = decideAutopilot({ policy, fleets: states, feed, offered, now });

  const dryRun = Boolean(flags['dry-run']);
  const lines: AutopilotReportLine[] = [];
  let refused = 0;
  for (const decided of decisions) {
    const s = states.find((x) => x.state.fleet === decided.fleet)!;
    const problem = broken.get(decided.fleet);
    const d: AutopilotDecision = problem === undefined ? decided : {
      ...decided, action: AutopilotAction.HOLD, command: undefined, kind: undefined, needsApproval: false,
      reason: `held: its deploy records are refused: ${problem}`, release: 'restore the records file from git (only `cdktf-bluegreen record` writes it)',
    };
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
