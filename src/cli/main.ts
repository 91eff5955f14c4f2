import * as path from 'path';
import { BlueGreenError } from '../core/errors';
import { escapeControls, escapeLine, excerpt, shortText } from '../core/excerpt';
import { describeChange, StepCommand } from '../core/rollout-steps';
import { editDistance } from '../core/state-file';
import { StateFileAccessError, StateFileProblem, displayPath, resolveInside, writeOutputFile } from '../core/state-file-io';
import { legalNextSteps, TransitionError, TransitionRule } from '../core/transitions';
import { compareWithBase, createStateFile, DEFAULT_DIR, FileComparison, FileOptions, initState, oneStateFile, readState, repoRelative, stateFiles, stepFile } from './commands';
import { CliIo, colorAllowed, painter, textTable } from './output';
import { withSoak } from './soak-check';
import { fleetReport, planJson, planMarkdown, statusText, stepsText } from './report';
import { UsageError } from './usage-error';
import { checkForget, runRecord, withRecordedForget } from './record';
import { runAutopilot } from './autopilot';

/** Exit codes of the CLI. */
export const EXIT_OK = 0;
/** A change was refused (illegal transition, invalid state, unmet precondition). */
export const EXIT_REFUSED = 1;
/** The CLI was called wrongly. */
export const EXIT_USAGE = 2;

export const USAGE = `Usage: cdktf-bluegreen <command> [options]

Rollout state files (rollout/<fleet>.json) moved one reviewable step per pull request.

Commands that read:
  status                      units, lifecycles, weights, what the next deploy does, legal next steps
  check --base <ref>          is each state file a legal successor of its version at <ref>? (exit 1 if not)
  plan [--base <ref>]         Markdown report of the change base → head (--json for JSON, --out <file>);
                              over GitHub's comment limit it is summarised (--full for all of it, --link <url> to link it)

Commands that write one legal step (each one pull request):
  init <fleet> <version>      new state file: one unit serving 100 (--slot blue, --kind aks-cluster|eks-cluster|aks-node-pool|eks-node-pool)
  start <version>             add a candidate unit in a free slot (--slot s, --fingerprint f)
  promote                     candidate → serving at the canary weight; or finish: newest unit 100, others standby
  shift                       next weight step for the newest serving unit (--weight N for an explicit weight)
  retire                      standby units → retired (the deploy destroys them); --slot s also abandons a candidate
  rollback                    traffic back: to the oldest unit during a canary, else to the standby unit (--slot s, --weight N);
                              --on-gate-failure: only if the policy says "onGateFailure": "rollback" (CI, after a failed deploy)
  forget                      drop retired units from the file (once a deploy record shows their retirement deployed)
  pin <slot> <fingerprint>    record a unit's fingerprint from the rollout plan report

Autopilot:
  autopilot                   every fleet's next legal step per autopilot/policy.json (rings, windows, soak, records,
                              CVE feed, offered versions), written like the commands above; why each fleet moves or waits
                              (--json, --dry-run, --fleet f: write that fleet's step only; --policy/--feed/--offered <file>)

Deploys:
  record -- <deploy command>  run the deploy (e.g. npx cdktf deploy '*' --auto-approve) and append what it did
                              to <dir>/.deploys/<fleet>.jsonl (soak, forget and the autopilot read these records)

Options:
  --file <path>     one state file
  --dir <folder>    folder of state files (default: ${DEFAULT_DIR})
  --fleet <name>    the file <dir>/<name>.json (needed when the folder holds several)
  --head <ref>      check/plan: compare with <ref> instead of the working tree
  --at <time>       check/plan: judge each step's soak as of this time (ISO 8601 or epoch seconds) instead of now;
                    record: the time the deploy is recorded at (a replayed or rehearsed deploy);
                    autopilot: decide as of this time (windows, soaks, the feed), e.g. to replay a run
  --dry-run         show the step without writing it
  --no-color        plain output (also with NO_COLOR set, TERM=dumb, or when the output is not a terminal)

Exit codes: 0 ok, 1 refused (illegal step, invalid or unsafe file, lost race: re-run), 2 usage error.`;

const VALUE_FLAGS = ['file', 'dir', 'fleet', 'base', 'head', 'out', 'slot', 'weight', 'fingerprint', 'at', 'link', 'policy', 'feed', 'offered', 'kind'];
const BOOL_FLAGS = ['json', 'dry-run', 'no-color', 'help', 'on-gate-failure', 'full'];
const ALLOWED: { [command: string]: string[] } = {
  status: [], check: ['base', 'head', 'at'], plan: ['base', 'head', 'json', 'out', 'at', 'full', 'link'],
  init: ['slot', 'fingerprint', 'kind'], start: ['slot', 'fingerprint', 'dry-run'], promote: ['slot', 'weight', 'dry-run'], shift: ['slot', 'weight', 'dry-run'],
  record: ['at'], autopilot: ['json', 'dry-run', 'policy', 'feed', 'offered', 'at'],
  retire: ['slot', 'dry-run'], rollback: ['slot', 'weight', 'dry-run', 'on-gate-failure'], forget: ['slot', 'dry-run'], pin: ['dry-run'],
};
const COMMON = ['file', 'dir', 'fleet', 'no-color', 'help'];

/** Parsed command line. */
export interface ParsedArgs {
  readonly command: string;
  readonly positional: string[];
  readonly flags: { [name: string]: string };
}

/** Parses argv by hand (no dependency): `--name value`, `--name=value`, boolean `--flag`. */
export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags: { [name: string]: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h') { flags.help = 'true'; continue; }
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (a === '--') throw new UsageError('"--" is not an option; give arguments as they are');
    if (BOOL_FLAGS.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = 'true';
    } else if (VALUE_FLAGS.includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
      if (name in flags) throw new UsageError(`--${name} is given twice`);
      flags[name] = value;
    } else {
      throw new UsageError(`unknown option ${shortText(`--${name}`, 40)}${suggest(name, [...VALUE_FLAGS, ...BOOL_FLAGS], '--')} (the options are ${[...VALUE_FLAGS, ...BOOL_FLAGS].map((f) => `--${f}`).join(', ')})`);
    }
  }
  const command = positional.shift() ?? '';
  if (command && Object.prototype.hasOwnProperty.call(ALLOWED, command)) {
    for (const f of Object.keys(flags)) {
      if (!COMMON.includes(f) && !ALLOWED[command].includes(f)) throw new UsageError(`${command} takes no --${f} (it takes ${[...ALLOWED[command], 'file', 'dir', 'fleet'].map((x) => `--${x}`).join(', ')})`);
    }
  }
  return { command, positional, flags };
}

function weightFlag(flags: { [name: string]: string }): number | undefined {
  if (flags.weight === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,2})$/.test(flags.weight) || Number(flags.weight) > 100) throw new UsageError(`--weight ${shortText(flags.weight, 20)}: a weight is a whole number from 0 to 100`);
  return Number(flags.weight);
}

/** `--at`: ISO 8601 with a zone, or whole seconds since the epoch. */
function atFlag(at: string | undefined): number | undefined {
  if (at === undefined) return undefined;
  if (/^[0-9]{1,12}$/.test(at)) return Number(at);
  const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(at) ? Date.parse(at) : NaN;
  if (Number.isNaN(t)) throw new UsageError(`--at ${excerpt(at, 40)}: a time is ISO 8601 with a zone (2026-11-22T17:00:00Z) or whole seconds since the epoch`);
  return Math.floor(t / 1000);
}

function positionals(args: ParsedArgs, min: number, max: number, shape: string): string[] {
  if (args.positional.length < min || args.positional.length > max) throw new UsageError(`usage: cdktf-bluegreen ${args.command} ${shape}`.trim());
  return args.positional;
}

/** The step command a writing command line stands for. */
export function stepCommandOf(args: ParsedArgs): StepCommand {
  const f = args.flags;
  switch (args.command) {
    case 'start': {
      const [version] = positionals(args, 1, 1, '<version> [--slot s] [--fingerprint f]');
      return { name: 'start', version, slot: f.slot, fingerprint: f.fingerprint };
    }
    case 'pin': {
      const [slot, fp] = positionals(args, 2, 2, '<slot> <fingerprint>');
      if (!/^[a-z2-7]{6}$/.test(fp)) {
        throw new BlueGreenError({
          fleet: '(this file)', unit: escapeLine(slot.slice(0, 40)), field: 'fingerprint', value: excerpt(fp, 40),
          rule: 'a fingerprint is the 6 characters (a-z, 2-7) the rollout plan report shows for the unit',
          fix: `cdktf-bluegreen pin ${/^[a-z][a-z0-9]{0,9}$/.test(slot) ? slot : '<slot>'} <fingerprint>, with the unit's fingerprint from the rollout plan (cdktf.out/rollout-plan.md), e.g. cdktf-bluegreen pin ${/^[a-z][a-z0-9]{0,9}$/.test(slot) ? slot : 'blue'} cvrbjn`,
        });
      }
      return { name: 'pin', slot, fingerprint: fp };
    }
    default: {
      // retire / forget / rollback / promote / shift take the slot as --slot or as one positional.
      const [slot] = positionals(args, 0, 1, '[slot] [--weight N]');
      if (slot !== undefined && f.slot !== undefined && slot !== f.slot) throw new UsageError(`${args.command}: the slot is given twice (${excerpt(slot, 20)} and --slot ${excerpt(f.slot, 20)})`);
      return { name: args.command, slot: slot ?? f.slot, weight: weightFlag(f) };
    }
  }
}

/** `; did you mean `cdktf-bluegreen shift`?` for a typo within two edits of a known name, else nothing. */
export function suggest(typed: string, known: string[], prefix: string): string {
  if (typed.length > 40 || typed.length === 0) return '';
  const prefixed = known.filter((k) => k.startsWith(typed.toLowerCase()));
  if (prefixed.length === 1) return `; did you mean \`${prefix}${prefixed[0]}\`?`;
  let best = '';
  let bestScore = 3;
  for (const k of known) {
    const d = editDistance(typed.toLowerCase(), k);
    if (d < bestScore) { best = k; bestScore = d; }
  }
  return best ? `; did you mean \`${prefix}${best}\`?` : '';
}

const isCommand = (c: string) => Object.prototype.hasOwnProperty.call(ALLOWED, c);
const FLEET_FLAG = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;

/**
 * Runs the CLI in-process and returns its exit code. Everything it prints goes through `io`, so
 * tests call it directly. It never throws: every failure ends in a one-paragraph message on
 * stderr and exit code 1 (refused) or 2 (usage).
 */
export function main(argv: string[], io: CliIo): number {
  const allowed = colorAllowed(io.env);
  let color = io.color && allowed;
  let errColor = (io.errColor ?? io.color) && allowed;
  const out = (s: string) => io.out(s);
  const err = (s: string) => io.err(s);
  try {
    // `record -- <deploy command>`: everything after `--` is the command it runs.
    const dashes = argv[0] === 'record' ? argv.indexOf('--') : -1;
    const deployCommand = dashes >= 0 ? argv.slice(dashes + 1) : [];
    const args = parseArgs(dashes >= 0 ? argv.slice(0, dashes) : argv);
    if (args.flags['no-color']) { color = false; errColor = false; }
    const p = painter(color);
    const pe = painter(errColor);
    if (args.flags.help || args.command === 'help') { out(`${USAGE}\n`); return EXIT_OK; }
    if (!args.command) throw new UsageError('no command given');
    if (!isCommand(args.command)) throw new UsageError(`unknown command ${excerpt(args.command, 40)}${suggest(args.command, Object.keys(ALLOWED), 'cdktf-bluegreen ')} (the commands are ${Object.keys(ALLOWED).join(', ')})`);
    if (args.flags.fleet !== undefined && !FLEET_FLAG.test(args.flags.fleet)) {
      throw new UsageError(`--fleet ${excerpt(args.flags.fleet, 40)}: a fleet name is 2-24 lowercase letters, digits and "-" (the file is <dir>/<fleet>.json)`);
    }
    const files: FileOptions = { file: args.flags.file, dir: args.flags.dir, fleet: args.flags.fleet };

    if (args.command === 'status') {
      positionals(args, 0, 0, '');
      const list = stateFiles(io.cwd, files);
      if (list.length === 0) oneStateFile(io.cwd, files);
      out(list.map((f) => statusText(displayPath(io.cwd, f), readState(io.cwd, f), p)).join('\n'));
      return EXIT_OK;
    }

    if (args.command === 'autopilot') {
      positionals(args, 0, 0, '[--fleet f] [--json] [--dry-run]');
      if (files.file !== undefined) throw new UsageError('autopilot reads every fleet of the folder: give --dir <folder> (and --fleet <name> to write one fleet\'s step), not --file');
      const at = atFlag(args.flags.at);
      return runAutopilot(args.flags, files, at === undefined ? io : { ...io, now: () => at * 1000 }, p);
    }

    if (args.command === 'record') {
      positionals(args, 0, 0, '-- <deploy command>');
      return runRecord(deployCommand, files, io, atFlag(args.flags.at));
    }

    if (args.command === 'init') {
      const [fleet, version] = positionals(args, 2, 2, '<fleet> <version> [--slot blue] [--fingerprint f] [--kind k]');
      const file = files.file ?? path.join(files.dir ?? DEFAULT_DIR, `${fleet}.json`);
      const state = initState(fleet, version, args.flags.slot, args.flags.fingerprint, args.flags.kind);
      createStateFile(io.cwd, file, state);
      out(`${p.green('✓')} ${state.fleet}: wrote ${displayPath(io.cwd, file)} (step 0, ${state.units[0].slot} ${state.units[0].kubernetesVersion} serving 100)\n`);
      return EXIT_OK;
    }

    if (args.command === 'check' || args.command === 'plan') {
      positionals(args, 0, 0, '[--base <ref>]');
      const base = args.flags.base;
      if (args.command === 'check' && base === undefined) throw new UsageError('check needs --base <git-ref>, e.g. --base origin/main');
      if (base === undefined && args.flags.head !== undefined) throw new UsageError('--head <ref> is compared with --base <ref>; give both');
      const comparisons: FileComparison[] = base === undefined
        ? stateFilesOrFail(io.cwd, files).map((file) => ({ file: displayPath(io.cwd, file), after: readState(io.cwd, file) }))
        : withSoak(withRecordedForget(compareWithBase(io.cwd, files, base, args.flags.head, io.env), base, io.cwd, io.env), base, io.cwd, atFlag(args.flags.at) ?? Math.floor((io.now ?? Date.now)() / 1000), io.env);
      const reports = comparisons.map(fleetReport);
      const refused = comparisons.filter((c) => c.error);
      const shownBase = base === undefined ? undefined : escapeLine(base);
      if (args.command === 'plan') {
        // The report is posted on pull requests: no control character of any file reaches it raw.
        const link = linkFlag(args.flags.link);
        const text = escapeControls(args.flags.json ? planJson(reports, shownBase) : planMarkdown(reports, shownBase, { limit: args.flags.full ? Infinity : undefined, link }));
        if (args.flags.out !== undefined) {
          checkOutPath(io.cwd, args.flags.out, files, comparisons);
          try {
            writeOutputFile(io.cwd, args.flags.out, text);
          } catch (e) {
            if (e instanceof StateFileAccessError && e.problem === StateFileProblem.MISSING) throw new UsageError(`--out ${e.value.replace(/^\(|\)$/g, '')}: give a path in an existing folder`);
            throw e;
          }
          out(`wrote ${displayPath(io.cwd, args.flags.out)}\n`);
        } else out(text);
        return refused.length ? EXIT_REFUSED : EXIT_OK;
      }
      const rows = reports.map((r) => [
        r.verdict === 'refused' ? p.red('✗') : p.green('✓'), p.bold(r.fleet),
        stepsText(r),
        r.verdict === 'refused' ? p.red('refused') : r.verdict, r.verdict === 'refused' ? '' : r.change,
      ]);
      out(`${textTable(['', 'FLEET', 'STEP', 'VERDICT', 'CHANGE'], rows, { paint: p })}\n`);
      for (const c of refused) err(`\n${pe.red(escapeControls((c.error as Error).message))}\n`);
      if (refused.length) err(`\n${refused.length} of ${comparisons.length} state file(s) refused against ${shownBase}.\n`);
      return refused.length ? EXIT_REFUSED : EXIT_OK;
    }

    // The writing commands.
    const command = stepCommandOf(args);
    const file = oneStateFile(io.cwd, files);
    const shown = displayPath(io.cwd, file);
    const dryRun = Boolean(args.flags['dry-run']);
    if (args.flags['on-gate-failure']) {
      // CI after a failed deploy: the fleet's policy decides whether it rolls back or holds.
      const policy = readState(io.cwd, file).policy;
      if ((policy?.onGateFailure ?? 'hold') !== 'rollback') {
        out(`${p.yellow('held')} ${shown}: the policy's onGateFailure is "${policy?.onGateFailure ?? 'hold'}" (the default), so nothing is rolled back; traffic stays where the last successful deploy left it\n`);
        return EXIT_OK;
      }
    }
    // A retired unit leaves the file only once a deploy record shows its retirement deployed (no records: refused).
    if (command.name === 'forget') checkForget(io.cwd, file, readState(io.cwd, file), command.slot);
    const { before, after } = withCommandFix(() => stepFile(io.cwd, file, command, dryRun), args.command, command);
    const steps = before.step === after.step ? `step ${after.step}` : `step ${before.step} → ${after.step}`;
    out(`${p.green('✓')} ${p.bold(after.fleet)} ${steps}: ${describeChange(before, after)}\n`);
    out(dryRun ? `  (dry run: ${shown} not written)\n` : `  wrote ${shown}; commit it and open a pull request (one step per PR: the check compares with the base branch)\n`);
    const next = legalNextSteps(after);
    if (next.length) out(`  ${p.dim(`then, in a later PR: ${next.map((n) => n.command.replace('cdktf-bluegreen ', '')).join(' | ')}`)}\n`);
    return EXIT_OK;
  } catch (e) {
    const pe = painter(errColor);
    if (e instanceof UsageError) {
      err(`${pe.red('usage error:')} ${escapeControls(e.message)}\n\nRun \`cdktf-bluegreen --help\` for the commands.\n`);
      return EXIT_USAGE;
    }
    if (e instanceof TransitionError || e instanceof BlueGreenError) {
      err(`${pe.red('refused:')} ${escapeControls(e.message)}\n`);
      return EXIT_REFUSED;
    }
    // Anything else is a failure of the CLI itself: one paragraph, no stack trace, nothing written.
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    err(`${pe.red('failed:')} cdktf-bluegreen could not finish (${shortText(what, 200)}); no state file was changed. Re-run the command; if it fails again, report it with this message.\n`);
    return EXIT_REFUSED;
  }
}

/**
 * A refused step of a writing command ends with a command the user can run, not a JSON fragment:
 * the same command with the weight the rule allows, or the first legal next step from the file.
 */
function withCommandFix<T>(run: () => T, name: string, command: StepCommand): T {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof TransitionError)) throw e;
    const v = e.violations.find((x) => x.rule === TransitionRule.WEIGHT_STEP || x.rule === TransitionRule.CANARY);
    const allowed = v ? /(\d+)(?: at most)?\.?$/.exec(v.message.replace(/"weight": /, '')) : null;
    const fix = v && allowed
      ? `cdktf-bluegreen ${name}${command.slot ? ` --slot ${command.slot}` : ''} --weight ${allowed[1]}`
      : e.legalNextSteps[0]?.command;
    if (fix) e.message = `${e.message}\n  Fix: ${fix}`;
    throw e;
  }
}

/** `--link`: an https URL, shown in a summarised report (no spaces, quotes, brackets or backticks). */
function linkFlag(link: string | undefined): string | undefined {
  if (link === undefined) return undefined;
  if (!/^https:\/\/[A-Za-z0-9._~:/?#@!$&'*+,;=%-]{1,2000}$/.test(link) || /[()'`]/.test(link)) throw new UsageError(`--link ${excerpt(link, 60)}: the full report's address is an https URL without spaces, quotes, brackets or backticks (e.g. https://github.com/org/repo/actions/runs/123)`);
  return link;
}

/**
 * `plan --out`: the report is written inside the repository, never into `.git` (its config and hooks
 * run code), never into the state files' folder and never over a state file it read.
 */
function checkOutPath(cwd: string, out: string, o: FileOptions, comparisons: FileComparison[]): void {
  const refuse = (why: string): never => {
    throw new StateFileAccessError(StateFileProblem.OUTSIDE, displayPath(cwd, out), '(not a place for the report)', why, 'write the report beside the repository\'s files, e.g. --out rollout-plan.md');
  };
  let rel: string;
  try {
    rel = repoRelative(cwd, out);
  } catch {
    return refuse('the report is written inside the directory the command runs in (its folders resolved through symbolic links)');
  }
  // The folder resolved through symlinks must lie inside too (writeOutputFile resolves it the same way).
  try {
    resolveInside(cwd, out);
  } catch (e) {
    if (e instanceof StateFileAccessError && e.problem === StateFileProblem.OUTSIDE) refuse('the report is written inside the directory the command runs in (its folders resolved through symbolic links)');
  }
  const parts = rel.split('/');
  if (parts.some((p) => p.toLowerCase() === '.git')) refuse('the report is never written into .git (its config and hooks decide what git runs)');
  const dir = repoRelative(cwd, path.join(o.dir ?? DEFAULT_DIR, 'x')).replace(/\/x$/, '');
  if (path.posix.dirname(rel) === dir || rel.startsWith(`${dir}/`)) refuse(`the report is never written into the state files' folder ${escapeLine(dir)}/ (it would be read as a state file, or replace one)`);
  if (comparisons.some((c) => c.path === rel || c.file === rel)) refuse('the report never replaces a state file');
}

function stateFilesOrFail(cwd: string, o: FileOptions): string[] {
  const list = stateFiles(cwd, o);
  if (list.length === 0) oneStateFile(cwd, o);
  return list;
}

/** The process's own io: colour on stdout and on stderr each only when that stream is a terminal. */
export function processIo(): CliIo {
  // A reader that stops early (`plan | head`) closes the pipe: stop quietly, as cat does, never with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      process.exit(EXIT_REFUSED);
    });
  }
  return {
    cwd: process.cwd(),
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    color: Boolean(process.stdout.isTTY),
    errColor: Boolean(process.stderr.isTTY),
    env: process.env,
    now: () => Date.now(),
  };
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), processIo());
}
