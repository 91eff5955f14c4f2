import * as fs from 'fs';
import * as path from 'path';
import { BlueGreenError } from '../core/errors';
import { describeChange, StepCommand } from '../core/rollout-steps';
import { legalNextSteps, TransitionError } from '../core/transitions';
import { compareWithBase, DEFAULT_DIR, FileComparison, FileOptions, initState, oneStateFile, readState, stateFiles, stepFile, writeState } from './commands';
import { CliIo, painter, textTable } from './output';
import { fleetReport, planJson, planMarkdown, statusText, stepsText } from './report';
import { UsageError } from './usage-error';

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
  plan [--base <ref>]         Markdown report of the change base → head (--json for JSON, --out <file>)

Commands that write one legal step (each one pull request):
  init <fleet> <version>      new state file: one unit serving 100 (--slot blue)
  start <version>             add a candidate unit in a free slot (--slot s, --fingerprint f)
  promote                     candidate → serving at the canary weight; or finish: newest unit 100, others standby
  shift                       next weight step for the newest serving unit (--weight N for an explicit weight)
  retire                      standby units → retired (the deploy destroys them); --slot s also abandons a candidate
  rollback                    traffic back: to the oldest unit during a canary, else to the standby unit (--slot s, --weight N)
  forget                      drop retired units from the file (after a deploy destroyed them)
  pin <slot> <fingerprint>    record a unit's fingerprint from the rollout plan report

Options:
  --file <path>     one state file
  --dir <folder>    folder of state files (default: ${DEFAULT_DIR})
  --fleet <name>    the file <dir>/<name>.json (needed when the folder holds several)
  --head <ref>      check/plan: compare with <ref> instead of the working tree
  --dry-run         show the step without writing it
  --no-color        plain output (also with NO_COLOR=1, or when stdout is not a terminal)

Exit codes: 0 ok, 1 refused or illegal, 2 usage error.`;

const VALUE_FLAGS = ['file', 'dir', 'fleet', 'base', 'head', 'out', 'slot', 'weight', 'fingerprint'];
const BOOL_FLAGS = ['json', 'dry-run', 'no-color', 'help'];
const ALLOWED: { [command: string]: string[] } = {
  status: [], check: ['base', 'head'], plan: ['base', 'head', 'json', 'out'],
  init: ['slot', 'fingerprint'], start: ['slot', 'fingerprint', 'dry-run'], promote: ['slot', 'weight', 'dry-run'], shift: ['slot', 'weight', 'dry-run'],
  retire: ['slot', 'dry-run'], rollback: ['slot', 'weight', 'dry-run'], forget: ['slot', 'dry-run'], pin: ['dry-run'],
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
    if (BOOL_FLAGS.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = 'true';
    } else if (VALUE_FLAGS.includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
      if (name in flags) throw new UsageError(`--${name} is given twice`);
      flags[name] = value;
    } else {
      throw new UsageError(`unknown option --${name} (the options are ${[...VALUE_FLAGS, ...BOOL_FLAGS].map((f) => `--${f}`).join(', ')})`);
    }
  }
  const command = positional.shift() ?? '';
  if (command && ALLOWED[command]) {
    for (const f of Object.keys(flags)) {
      if (!COMMON.includes(f) && !ALLOWED[command].includes(f)) throw new UsageError(`${command} takes no --${f} (it takes ${[...ALLOWED[command], 'file', 'dir', 'fleet'].map((x) => `--${x}`).join(', ')})`);
    }
  }
  return { command, positional, flags };
}

function weightFlag(flags: { [name: string]: string }): number | undefined {
  if (flags.weight === undefined) return undefined;
  if (!/^\d+$/.test(flags.weight)) throw new UsageError(`--weight ${flags.weight}: a weight is a whole number from 0 to 100`);
  return Number(flags.weight);
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
      return { name: 'pin', slot, fingerprint: fp };
    }
    default: {
      // retire / forget / rollback / promote / shift take the slot as --slot or as one positional.
      const [slot] = positionals(args, 0, 1, '[slot] [--weight N]');
      if (slot !== undefined && f.slot !== undefined && slot !== f.slot) throw new UsageError(`${args.command}: the slot is given twice (${slot} and --slot ${f.slot})`);
      return { name: args.command, slot: slot ?? f.slot, weight: weightFlag(f) };
    }
  }
}

/**
 * Runs the CLI in-process and returns its exit code. Everything it prints goes through `io`, so
 * tests call it directly.
 */
export function main(argv: string[], io: CliIo): number {
  let color = io.color;
  try {
    const args = parseArgs(argv);
    if (args.flags['no-color']) color = false;
    const p = painter(color);
    if (args.flags.help || args.command === 'help') { io.out(`${USAGE}\n`); return EXIT_OK; }
    if (!args.command) throw new UsageError('no command given');
    if (!ALLOWED[args.command]) throw new UsageError(`unknown command ${JSON.stringify(args.command)}`);
    const files: FileOptions = { file: args.flags.file, dir: args.flags.dir, fleet: args.flags.fleet };

    if (args.command === 'status') {
      positionals(args, 0, 0, '');
      const list = stateFiles(io.cwd, files);
      if (list.length === 0) oneStateFile(io.cwd, files);
      io.out(list.map((f) => statusText(f, readState(io.cwd, f), p)).join('\n'));
      return EXIT_OK;
    }

    if (args.command === 'init') {
      const [fleet, version] = positionals(args, 2, 2, '<fleet> <version> [--slot blue] [--fingerprint f]');
      const file = files.file ?? path.join(files.dir ?? DEFAULT_DIR, `${fleet}.json`);
      if (fs.existsSync(path.resolve(io.cwd, file))) throw new UsageError(`${file} exists already; a fleet has one state file`);
      const state = initState(fleet, version, args.flags.slot, args.flags.fingerprint);
      writeState(io.cwd, file, state);
      io.out(`${p.green('✓')} ${fleet}: wrote ${file} (step 0, ${state.units[0].slot} ${state.units[0].kubernetesVersion} serving 100)\n`);
      return EXIT_OK;
    }

    if (args.command === 'check' || args.command === 'plan') {
      positionals(args, 0, 0, '[--base <ref>]');
      const base = args.flags.base;
      if (args.command === 'check' && base === undefined) throw new UsageError('check needs --base <git-ref>, e.g. --base origin/main');
      const comparisons: FileComparison[] = base === undefined
        ? stateFilesOrFail(io.cwd, files).map((file) => ({ file, after: readState(io.cwd, file) }))
        : compareWithBase(io.cwd, files, base, args.flags.head, io.env);
      const reports = comparisons.map(fleetReport);
      const refused = comparisons.filter((c) => c.error);
      if (args.command === 'plan') {
        const text = args.flags.json ? planJson(reports, base) : planMarkdown(reports, base);
        if (args.flags.out) {
          fs.writeFileSync(path.resolve(io.cwd, args.flags.out), text);
          io.out(`wrote ${args.flags.out}\n`);
        } else io.out(text);
        return refused.length ? EXIT_REFUSED : EXIT_OK;
      }
      const rows = reports.map((r) => [
        r.verdict === 'refused' ? p.red('✗') : p.green('✓'), p.bold(r.fleet),
        stepsText(r),
        r.verdict === 'refused' ? p.red('refused') : r.verdict, r.verdict === 'refused' ? '' : r.change,
      ]);
      io.out(`${textTable(['', 'FLEET', 'STEP', 'VERDICT', 'CHANGE'], rows, { paint: p })}\n`);
      for (const c of refused) io.err(`\n${p.red((c.error as Error).message)}\n`);
      if (refused.length) io.err(`\n${refused.length} of ${comparisons.length} state file(s) refused against ${base}.\n`);
      return refused.length ? EXIT_REFUSED : EXIT_OK;
    }

    // The writing commands.
    const command = stepCommandOf(args);
    const file = oneStateFile(io.cwd, files);
    const dryRun = Boolean(args.flags['dry-run']);
    const { before, after } = stepFile(io.cwd, file, command, dryRun);
    const steps = before.step === after.step ? `step ${after.step}` : `step ${before.step} → ${after.step}`;
    io.out(`${p.green('✓')} ${p.bold(after.fleet)} ${steps}: ${describeChange(before, after)}\n`);
    io.out(dryRun ? `  (dry run: ${file} not written)\n` : `  wrote ${file}; commit it and open a pull request (one step per PR: the check compares with the base branch)\n`);
    const next = legalNextSteps(after);
    if (next.length) io.out(`  ${p.dim(`then, in a later PR: ${next.map((n) => n.command.replace('cdktf-bluegreen ', '')).join(' | ')}`)}\n`);
    return EXIT_OK;
  } catch (e) {
    const p = painter(color);
    if (e instanceof UsageError) {
      io.err(`${p.red('usage error:')} ${e.message}\n\nRun \`cdktf-bluegreen --help\` for the commands.\n`);
      return EXIT_USAGE;
    }
    if (e instanceof TransitionError || e instanceof BlueGreenError) {
      io.err(`${p.red('refused:')} ${e.message}\n`);
      return EXIT_REFUSED;
    }
    throw e;
  }
}

function stateFilesOrFail(cwd: string, o: FileOptions): string[] {
  const list = stateFiles(cwd, o);
  if (list.length === 0) oneStateFile(cwd, o);
  return list;
}

/** The process's own io: colour only on a TTY with NO_COLOR unset. */
export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    env: process.env,
  };
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), processIo());
}
