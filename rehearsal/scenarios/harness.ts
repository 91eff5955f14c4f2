// The scenario harness: a git repo per scenario whose state files the real CLI moves one step at a
// time (with `check --base HEAD~1` after every commit), and one cdktf app per run group that reads
// those files and is deployed with the real cdktf CLI and the real Terraform.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppFleet } from './app-fleets';

/** This repository (the library under rehearsal). */
export const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'bin', 'cdktf-bluegreen.js');
/** One cdktf CLI install for every app: the repository's own. */
const CDKTF = path.join(REPO, 'node_modules', '.bin', 'cdktf');
/** tsx's require hook, absolute: the apps live outside the repository. */
const TSX = require.resolve('tsx/cjs', { paths: [REPO] });
/** What cdktf runs as Terraform: a recorder of each stack's commands, output and exit codes. */
const RECORDER = path.join(__dirname, 'terraform-recorder.js');

/** A failure of the harness or of a step's expectation; its message is the scenario's reason. */
export class StepFailure extends Error {}

/** Runs a command synchronously; returns its exit code and output. */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { code: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { code: 127, out: String(r.error.message) };
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Makes a fresh temporary directory for a run. */
export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rehearsal-${label}-`));
}

/** A scenario's infra repo: rollout/<fleet>.json moved by the CLI, one commit per step. */
export class ScenarioRepo {
  public readonly dir: string;
  private commits = 0;

  constructor(parent: string, id: string) {
    this.dir = path.join(parent, id);
    fs.mkdirSync(path.join(this.dir, 'rollout'), { recursive: true });
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'rehearsal@example.invalid');
    this.git('config', 'user.name', 'rehearsal');
    this.git('config', 'commit.gpgsign', 'false');
  }

  public stateFile(fleet: string): string {
    return path.join(this.dir, 'rollout', `${fleet}.json`);
  }

  /** The state file as the previous commit had it (written next to the app for previousUnits), or undefined. */
  public previousState(fleet: string): string | undefined {
    if (this.commits < 2) return undefined;
    const r = run('git', ['show', `HEAD~1:rollout/${fleet}.json`], this.dir);
    return r.code === 0 ? r.out : undefined;
  }

  public state(fleet: string): StateFile {
    return JSON.parse(fs.readFileSync(this.stateFile(fleet), 'utf8')) as StateFile;
  }

  /**
   * Lets the autopilot write the fleet's next step (StepSpec.autopilot): writes its policy and the
   * region's offered versions to autopilot/, runs `cdktf-bluegreen autopilot --fleet <fleet> --at <t>`
   * at the time the step will be merged, and throws unless it wrote the step named by `writes`.
   */
  public autopilot(a: { fleet: string; cloud: string; region: string; offered: string[]; writes: string }, afterMinutes = 60): string {
    const policy = {
      version: 1,
      rings: [{ name: 'rehearsal', fleets: [a.fleet], soakHours: 0, failureThreshold: 1, autoMerge: ['start', 'canary', 'shift', 'promote', 'retire', 'forget', 'rollback'] }],
      fleets: { [a.fleet]: { cloud: a.cloud, region: a.region, windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', minutes: 1440 }] } },
    };
    fs.mkdirSync(path.join(this.dir, 'autopilot'), { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'autopilot', 'policy.json'), `${JSON.stringify(policy, null, 2)}\n`);
    fs.writeFileSync(path.join(this.dir, 'autopilot', 'offered-versions.json'), `${JSON.stringify({ version: 1, offered: { [`${a.cloud}/${a.region}`]: a.offered } }, null, 2)}\n`);
    const at = this.mergeTime(afterMinutes);
    const r = run(process.execPath, [CLI, 'autopilot', '--dir', 'rollout', '--fleet', a.fleet, '--at', String(at), '--no-color'], this.dir);
    if (r.code !== 0 || !r.out.includes(a.writes)) {
      throw new StepFailure(`cdktf-bluegreen autopilot --fleet ${a.fleet} (exit ${r.code}) did not write "${a.writes}": ${r.out.trim().split('\n').slice(0, 4).join(' | ')}`);
    }
    return r.out;
  }

  /** Runs `cdktf-bluegreen <args> --file rollout/<fleet>.json`; throws on a refusal unless allowed. */
  public cli(fleet: string, args: string[], allowRefusal = false): { code: number; out: string } {
    const withFile = args[0] === 'init' ? [...args, '--dir', 'rollout'] : [...args, '--file', `rollout/${fleet}.json`];
    const r = run(process.execPath, [CLI, ...withFile, '--no-color'], this.dir);
    if (r.code !== 0 && !allowRefusal) {
      throw new StepFailure(`cdktf-bluegreen ${args.join(' ')} (fleet ${fleet}) exited ${r.code}: ${r.out.trim().split('\n').slice(0, 4).join(' | ')}`);
    }
    return r;
  }

  /**
   * Commits the step and runs `check --base HEAD~1`, which must pass at every step, unless
   * `refusal` is given: then it must refuse with a message containing it, and the commit is undone.
   * Commits carry a simulated merge time (`afterMinutes` after the previous kept commit, default 60),
   * and the check judges the step at that time (`--at`), so soaks are rehearsed without waiting.
   */
  public commitStep(message: string, afterMinutes = 60, refusal?: string): void {
    this.git('add', '-A');
    const at = this.mergeTime(afterMinutes);
    const dated = { ...process.env, GIT_COMMITTER_DATE: `@${at} +0000`, GIT_AUTHOR_DATE: `@${at} +0000` };
    const r = run('git', ['commit', '-q', '--allow-empty', '-m', message], this.dir, dated);
    if (r.code !== 0) throw new StepFailure(`git commit failed: ${r.out.trim()}`);
    this.commits++;
    if (this.commits < 2) { this.mergedAt = at; return; }
    const c = run(process.execPath, [CLI, 'check', '--base', 'HEAD~1', '--dir', 'rollout', '--no-color', '--at', String(at)], this.dir);
    if (refusal !== undefined) {
      if (c.code !== 1 || !c.out.includes(refusal)) throw new StepFailure(`check --base HEAD~1 should have refused step "${message}" with "${refusal}" (exit ${c.code}): ${c.out.trim().split('\n').slice(0, 4).join(' | ')}`);
      this.git('reset', '-q', '--soft', 'HEAD~1');
      this.commits--;
      return;
    }
    if (c.code !== 0) throw new StepFailure(`check --base HEAD~1 refused step "${message}": ${c.out.trim().split('\n').slice(0, 6).join(' | ')}`);
    this.mergedAt = at;
  }

  /** The simulated merge time of the last kept commit (seconds since the epoch). */
  private mergedAt = 1_800_000_000;

  /** When a step merged `afterMinutes` after the last kept commit is merged (simulated seconds). */
  private mergeTime(afterMinutes: number): number {
    return this.mergedAt + afterMinutes * 60;
  }

  /** When the last kept step was merged (simulated seconds since the epoch): its deploy is recorded at that instant. */
  public get mergedTime(): number {
    return this.mergedAt;
  }

  /**
   * The deploy workflow's commit of what `record` appended to rollout/.deploys/ (examples/autopilot/
   * deploy-with-record.yml): pushed to main directly, not a pull request, so no check runs on it.
   * Dated at the step's merge time. Returns whether there was anything to commit.
   */
  public commitRecords(): boolean {
    if (!fs.existsSync(path.join(this.dir, 'rollout', '.deploys'))) return false;
    this.git('add', 'rollout/.deploys');
    if (run('git', ['diff', '--cached', '--quiet'], this.dir).code === 0) return false;
    const dated = { ...process.env, GIT_COMMITTER_DATE: `@${this.mergedAt} +0000`, GIT_AUTHOR_DATE: `@${this.mergedAt} +0000` };
    const r = run('git', ['commit', '-q', '-m', 'deploy record'], this.dir, dated);
    if (r.code !== 0) throw new StepFailure(`git commit of the deploy records failed: ${r.out.trim()}`);
    this.commits++;
    return true;
  }

  /** The fleet's deploy records as `record` wrote them (one JSON object a line), oldest first. */
  public records(fleet: string): Array<{ step: number; outcome: string; units: Array<{ slot: string; lifecycle: string }> }> {
    const file = path.join(this.dir, 'rollout', '.deploys', `${fleet}.jsonl`);
    if (!fs.existsSync(file)) return [];
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  private git(...args: string[]): void {
    const r = run('git', args, this.dir);
    if (r.code !== 0) throw new StepFailure(`git ${args.join(' ')} failed: ${r.out.trim()}`);
  }
}

/** The state file as the CLI writes it (the fields the scenarios read). */
export interface StateFile {
  readonly fleet: string;
  readonly step: number;
  readonly units: Array<{ slot: string; kubernetesVersion: string; lifecycle: string; weight: number; fingerprint?: string; since?: number }>;
}

/** What one `cdktf deploy '*'` did. */
export interface DeployResult {
  readonly code: number;
  readonly seconds: number;
  readonly output: string;
  /** Stacks in the app at this deploy. */
  readonly stacks: string[];
  /** Stacks whose deploy failed (an error was printed for them). */
  readonly failedStacks: string[];
  /** Stacks whose `terraform apply` completed. */
  readonly appliedStacks: string[];
  /** Terraform plan/apply processes cdktf started, per stack. */
  readonly runs: Record<string, number>;
  /** The error lines Terraform printed, per failed stack (verbatim). */
  readonly errors: Record<string, string[]>;
}

/**
 * The toolchain a group's app runs on. `cdktf`: this repository's cdktf 0.21 CLI and the library's
 * sources (src/). `cdktn`: CDK Terrain — an app set up as the README's CDK Terrain set-up tells a user
 * (scripts/new-app.sh), the library installed from this repository packed by `npm pack`, its program
 * importing 'cdktf-bluegreen' and 'cdktn', driven by that app's own `cdktn-cli` 0.24 (docs/cdktn.md).
 */
export type Flavour = 'cdktf' | 'cdktn';

let packed: Promise<string> | undefined;
/**
 * The library as a user installs it: REHEARSAL_TARBALL when given (a `npm pack` output), otherwise
 * this repository packed once per rehearsal (prepack builds lib/ first).
 */
function packedLibrary(): Promise<string> {
  packed ??= (async () => {
    const given = process.env.REHEARSAL_TARBALL;
    if (given) {
      if (!fs.existsSync(given)) throw new Error(`REHEARSAL_TARBALL=${given}: no such file`);
      return path.resolve(given);
    }
    const dest = tempDir('pack');
    const r = await runAsync('npm', ['pack', '--pack-destination', dest, '--loglevel=error'], REPO);
    const tgz = fs.readdirSync(dest).find((f) => f.endsWith('.tgz'));
    if (r.code !== 0 || !tgz) throw new Error(`npm pack failed (exit ${r.code}): ${r.out.trim().split('\n').slice(-3).join(' | ')}`);
    return path.join(dest, tgz);
  })();
  return packed;
}

/** Runs a command without blocking the other groups; its exit code and output. */
export function runAsync(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env });
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { out += String(d); });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
    child.on('error', (e) => resolve({ code: 127, out: String(e) }));
  });
}

/** A cdktf (or CDK Terrain) app (cdktf.json + main.ts) shared by the scenarios of one run group. */
export class ScenarioApp {
  /** A group's app on the given toolchain (a CDK Terrain app is installed first: about a minute). */
  public static async create(parent: string, flavour: Flavour = 'cdktf'): Promise<ScenarioApp> {
    const dir = path.join(parent, 'app');
    if (flavour === 'cdktf') return new ScenarioApp(dir, 'cdktf', CDKTF, [], `node -r ${TSX} main.ts`, path.join(REPO, 'src'), path.join(REPO, 'rehearsal', 'scenarios', 'app-fleets'));
    const tarball = await packedLibrary();
    const setup = await runAsync('bash', [path.join(REPO, 'scripts', 'new-app.sh'), 'cdktn', dir, tarball, 'both'], parent);
    fs.writeFileSync(path.join(parent, 'app-setup.log'), setup.out);
    if (setup.code !== 0) throw new Error(`the CDK Terrain app could not be set up (scripts/new-app.sh exit ${setup.code}): ${setup.out.trim().split('\n').slice(-3).join(' | ')}`);
    const cli = path.join(dir, 'node_modules', '.bin', 'cdktn');
    if (!fs.existsSync(cli)) throw new Error(`the CDK Terrain app has no cdktn-cli (${cli})`);
    // new-app.sh puts a Node 22 first on PATH when this machine's node is older than cdktn-cli's minimum.
    const node22 = path.join(dir, '.node22', 'node_modules', '.bin');
    // The fleets builder as a CDK Terrain user's program: the published library and cdktn.
    const builder = fs.readFileSync(path.join(__dirname, 'app-fleets.ts'), 'utf8')
      .replace("from 'cdktf';", "from 'cdktn';")
      .replace("from '../../src';", "from 'cdktf-bluegreen';")
      .replace("from '../world/metrics';", `from ${JSON.stringify(path.join(REPO, 'rehearsal', 'world', 'metrics'))};`);
    if (/from '(cdktf|\.\.?\/[^']*)'/.test(builder)) throw new Error('app-fleets.ts has an import the CDK Terrain app cannot resolve; extend ScenarioApp.create');
    fs.writeFileSync(path.join(dir, 'fleets-builder.ts'), builder);
    fs.copyFileSync(path.join(__dirname, 'wait-for-stack.js'), path.join(dir, 'wait-for-stack.js'));
    return new ScenarioApp(dir, 'cdktn', cli, fs.existsSync(node22) ? [node22] : [], 'node_modules/.bin/tsx main.ts', 'cdktf-bluegreen', './fleets-builder');
  }

  private deploys = 0;

  private constructor(
    public readonly dir: string,
    public readonly flavour: Flavour,
    /** The flavour's CLI (cdktf or cdktn). */
    private readonly cli: string,
    /** Directories put first on PATH for the CLI. */
    private readonly pathFirst: string[],
    appCommand: string, lib: string, builder: string,
  ) {
    fs.mkdirSync(path.join(this.dir, 'previous'), { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'cdktf.json'), `${JSON.stringify({
      language: 'typescript',
      app: appCommand,
      projectId: 'cdktf-bluegreen-rehearsal',
      sendCrashReports: 'false',
      terraformProviders: [],
      terraformModules: [],
      context: {},
    }, null, 2)}\n`);
    fs.writeFileSync(path.join(this.dir, 'main.ts'), [
      `// A rehearsal app (${flavour}): the fleets of fleets.json, built by the library under rehearsal.`,
      "import * as fs from 'fs';",
      "import * as path from 'path';",
      `import { synthesizeRollout } from ${JSON.stringify(lib)};`,
      `import { buildFleets } from ${JSON.stringify(builder)};`,
      '',
      "synthesizeRollout((app) => buildFleets(app, JSON.parse(fs.readFileSync(path.join(__dirname, 'fleets.json'), 'utf8'))));",
      '',
    ].join('\n'));
  }

  /** The environment of the flavour's CLI. */
  private cliEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const out = deployEnv(env);
    if (this.pathFirst.length) out.PATH = [...this.pathFirst, out.PATH ?? ''].join(path.delimiter);
    return out;
  }

  /** Writes a previous-step state file for a node-pool fleet; returns its path. */
  public writePrevious(fleet: string, text: string): string {
    const file = path.join(this.dir, 'previous', `${fleet}.json`);
    fs.writeFileSync(file, text);
    return file;
  }

  public writeFleets(fleets: AppFleet[]): void {
    fs.writeFileSync(path.join(this.dir, 'fleets.json'), `${JSON.stringify(fleets, null, 2)}\n`);
  }

  /** `cdktf synth` / `cdktn synth` (no providers needed). */
  public synth(env: NodeJS.ProcessEnv): { code: number; out: string } {
    return run(this.cli, ['synth'], this.dir, this.cliEnv(env));
  }

  /** Where the scenarios' infra repos live: inside the app, so `record` (run in the app) reaches their state files. */
  public get reposDir(): string {
    return path.join(this.dir, 'repos');
  }

  /**
   * The deploy as the deploy workflow runs it (examples/autopilot/deploy-with-record.yml):
   * `cdktf-bluegreen record --dir <repo>/rollout -- cdktf deploy '*' --auto-approve --skip-provider-lock`
   * (or `cdktn deploy …`) with the engine's environment. The scenarios of a group share one deploy
   * but each has its own repository, so one `record` per repository wraps the next (record runs
   * its command, prints its output and exits with its code): every repository gets its records,
   * read from the one deploy's output. Each repository's record is dated at its step's simulated
   * merge time (`--at`), the clock its soaks are judged by.
   */
  public async deploy(env: NodeJS.ProcessEnv, log: (line: string) => void, repos: ScenarioRepo[] = []): Promise<DeployResult> {
    const started = Date.now();
    const logDir = path.join(this.dir, 'tflog', String(++this.deploys));
    fs.mkdirSync(logDir, { recursive: true });
    const recorded: NodeJS.ProcessEnv = { ...env, TERRAFORM_BINARY_NAME: RECORDER, REHEARSAL_TF_LOG_DIR: logDir, REHEARSAL_REAL_TERRAFORM: realTerraform() };
    const deploy = [this.cli, 'deploy', '*', '--auto-approve', '--skip-provider-lock'];
    const command = repos.reduceRight((inner, repo) => [
      process.execPath, this.bluegreenCli(), 'record', '--dir', path.relative(this.dir, path.join(repo.dir, 'rollout')), '--at', String(repo.mergedTime), '--', ...inner,
    ], deploy);
    const output = await runAsync(command[0], command.slice(1), this.dir, this.cliEnv(recorded));
    // When cdktf aborts, Terraform processes it started may still be running: let them finish
    // (their state locks and world changes belong to this deploy).
    const orphansSettled = Date.now() + 180_000;
    while (inFlight(logDir) && Date.now() < orphansSettled) await new Promise((r) => setTimeout(r, 1000));
    const seconds = (Date.now() - started) / 1000;
    fs.appendFileSync(path.join(this.dir, 'deploys.log'), `\n===== deploy (exit ${output.code}, ${seconds.toFixed(1)} s)\n${output.out}`);
    const stacks = this.stacks();
    const parsed = readTerraformLogs(logDir, stacks);
    log(`deploy exit ${output.code} in ${seconds.toFixed(1)} s; failed stacks: ${parsed.failed.join(', ') || 'none'}`);
    return { code: output.code, seconds, output: stripAnsi(output.out), stacks, failedStacks: parsed.failed, appliedStacks: parsed.applied, runs: parsed.runs, errors: parsed.errors };
  }

  /** The cdktf-bluegreen CLI the app's user runs: the installed package's (CDK Terrain app), or this repository's. */
  private bluegreenCli(): string {
    const installed = path.join(this.dir, 'node_modules', 'cdktf-bluegreen', 'bin', 'cdktf-bluegreen.js');
    return this.flavour === 'cdktn' && fs.existsSync(installed) ? installed : CLI;
  }

  /** Stack names of the last synth (cdktf.out/manifest.json). */
  public stacks(): string[] {
    const manifest = path.join(this.dir, 'cdktf.out', 'manifest.json');
    if (!fs.existsSync(manifest)) return [];
    return Object.keys((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { stacks: Record<string, unknown> }).stacks);
  }

  /** The toolchain version the last synth wrote into its stacks' metadata ("0.21.0" for cdktf, "0.24.0" for cdktn). */
  public toolchainVersion(): string | undefined {
    const stack = this.stacks()[0];
    if (!stack) return undefined;
    const json = JSON.parse(fs.readFileSync(path.join(this.dir, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8')) as { '//'?: { metadata?: { version?: string } } };
    return json['//']?.metadata?.version;
  }

  /** The rollout plan JSON of the last synth (unit fingerprints). */
  public rolloutPlan(): { fleets: Array<{ fleet: string; units: Array<{ slot: string; fingerprint: string; pinned: boolean; name: string }>; warnings?: string[] }> } | undefined {
    const file = path.join(this.dir, 'cdktf.out', 'rollout-plan.json');
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
  }
}

/**
 * The environment of a cdktf run. cdktf points Terraform at a plugin cache in the home directory
 * by default; that cache is shared with every other run on the machine, whose provider wrappers
 * differ, so the lock file's checksum would no longer match: each stack installs from the mirror.
 */
function deployEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0', NO_COLOR: '1', CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1' };
  delete out.TF_PLUGIN_CACHE_DIR;
  return out;
}

/**
 * Does a recorded Terraform command still run? The recorder keeps `<stack>.log.<pid>.running` with
 * its own pid and Terraform's while the command runs; a command runs while one of them is alive (a
 * recorder killed together with cdktf leaves its file behind but no live process).
 */
function inFlight(logDir: string): boolean {
  return fs.readdirSync(logDir).filter((f) => f.endsWith('.running')).some((f) => {
    let pids: number[] = [];
    try { pids = fs.readFileSync(path.join(logDir, f), 'utf8').trim().split(/\s+/).map(Number); } catch { return false; }
    return pids.some(alive);
  });
}

/** Is the process running (Linux: /proc/<pid>/stat exists and the process is not a zombie)? */
function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

let terraformPath: string | undefined;
/** The real terraform on PATH, absolute (the recorder runs it). */
export function realTerraform(): string {
  if (!terraformPath) {
    const r = run('sh', ['-c', 'command -v terraform'], process.cwd());
    terraformPath = r.code === 0 ? r.out.trim() : 'terraform';
  }
  return terraformPath;
}

/**
 * Each stack's Terraform commands as the recorder logged them: a stack failed when a command
 * exited non-zero, applied when `apply` exited 0; a command without an exit line was cut off.
 */
export function readTerraformLogs(dir: string, stacks: string[]): { failed: string[]; applied: string[]; runs: Record<string, number>; errors: Record<string, string[]> } {
  const failed: string[] = [];
  const applied: string[] = [];
  const runs: Record<string, number> = {};
  const errors: Record<string, string[]> = {};
  for (const stack of stacks) {
    const file = path.join(dir, `${stack}.log`);
    if (!fs.existsSync(file)) continue;
    const blocks = stripAnsi(fs.readFileSync(file, 'utf8')).split(/\n=== terraform /).slice(1);
    let stackFailed = false;
    for (const b of blocks) {
      const command = b.split(/\s/)[0];
      const exit = /\n=== exit (\S+)\n?$/.exec(b.trimEnd() + '\n');
      if (command === 'plan' || command === 'apply' || command === 'destroy') runs[stack] = (runs[stack] ?? 0) + 1;
      if (exit && exit[1] !== '0') {
        stackFailed = true;
        const lines = b.split('\n').map((x) => x.replace(/^[│╷╵\s]+/, '').trimEnd()).filter((x) => !x.startsWith('=== exit'));
        const i = lines.findIndex((x) => /^Error:/.test(x));
        errors[stack] = i >= 0 ? lines.slice(i, i + 24).filter((x) => x.trim()) : lines.filter((x) => x.trim()).slice(-6);
      }
      if (command === 'apply' && exit && exit[1] === '0') applied.push(stack);
    }
    if (stackFailed) failed.push(stack);
  }
  return { failed: failed.sort(), applied: applied.filter((s) => !failed.includes(s)).sort(), runs, errors };
}

export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '\n');
}

/**
 * cdktf's plain output, line by line, attributed to stacks: each chunk of a stack's Terraform
 * output starts with the stack name and its continuation lines are indented, so a line without a
 * stack name belongs to the last stack named.
 */
export function linesByStack(text: string, stacks: string[]): Array<{ stack: string; line: string }> {
  const byLength = [...stacks].sort((a, b) => b.length - a.length);
  const out: Array<{ stack: string; line: string }> = [];
  let current: string | undefined;
  for (const raw of text.split('\n')) {
    const named = byLength.find((s) => raw.startsWith(`${s} `) || raw === s);
    if (named) current = named;
    else if (!/^\s/.test(raw) && raw.trim()) current = undefined; // cdktf's own lines (summary, errors)
    if (!current) continue;
    out.push({ stack: current, line: (named ? raw.slice(named.length) : raw).trim() });
  }
  return out;
}

/**
 * Per-stack outcome: a stack failed when Terraform printed an error for it; it applied when its
 * apply finished ("Apply complete!" or nothing to change).
 */
export function parseDeployOutput(text: string, stacks: string[]): { failed: string[]; applied: string[] } {
  const failed = new Set<string>();
  const applied = new Set<string>();
  for (const { stack, line } of linesByStack(text, stacks)) {
    if (/^(│\s*)?Error:/.test(line)) failed.add(stack);
    if (/Apply complete!|^No changes\.|Your infrastructure matches the configuration/.test(line)) applied.add(stack);
  }
  for (const s of failed) applied.delete(s);
  return { failed: [...failed].sort(), applied: [...applied].sort() };
}
