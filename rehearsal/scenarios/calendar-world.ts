// The autopilot calendar deployed in the strict world (issue 22 item 7): every step the autopilot
// merges at a firing is deployed by one real `cdktf deploy '*'` (the real Terraform, the simulated
// providers), the world's clock following the calendar's; each fleet's deploy record is what the
// `record` command reads from that deploy's output and exit code (readDeployOutput); after each
// deploy the scenarios' own checks judge the world (order of actions, live units untouched, traffic
// shares, and the traffic timeline: no request to a destroyed, draining, weight-0 or unvalidated unit).
import * as fs from 'fs';
import * as path from 'path';
import { CalendarDeployer, CalendarOptions, CalendarResult, DeployedFleet, MergedStep, partialMinorUnit, RINGS, runCalendar, summary } from '../../scripts/autopilot-calendar';
import { DeployOutcome, readDeployOutput, stacksOfFleet } from '../../src/core/deploy-record';
import { AKS_RELEASED } from '../world/rules/gitops';
import { WorldStore } from '../world/store';
import { AppFleet, FleetKind, unitNamesOf } from './app-fleets';
import { checkLiveUnitsUntouched, checkOrder, checkShares, checkTimeline } from './checks';
import { sharesUnchanged } from './group';
import { ScenarioApp, StateFile, tempDir } from './harness';
import { StepView, WorldAction, WorldPort } from './model';
import { credentialsInState } from './secrets';

/** The calendar's fleets in the world: AKS behind Traffic Manager, EKS behind Route 53 (the lightest routers of each cloud). */
export function kindOf(fleet: string): FleetKind {
  return fleet.endsWith('aks') ? 'aks-trafficmanager' : 'eks-route53';
}

/** The breach is a latency gate's: the fleet that gets it deploys the ready-made SLO gates (the world's Prometheus). */
const BREACH = { metric: 'latency-p95', value: 0.31 };

/** Figures of the world's deploys. */
export interface WorldFigures {
  deploys: number;
  deploySeconds: number;
  requests: number;
  failedRequests: number;
  stacksApplied: number;
  /** Deletes in unit stacks (a retired unit's objects destroyed). */
  destroyed: number;
  terraformRuns: number;
  /** Simulated seconds the deploys spanned (the world's clock). */
  simulatedSeconds: number;
  /** The largest difference between a unit's share of 10,000 requests and its weight (points). */
  maxShareError: number;
}

export class WorldDeployer implements CalendarDeployer {
  /** world clock − calendar time (s), fixed at the first deploy. */
  private offset?: number;
  public readonly figures: WorldFigures = { deploys: 0, deploySeconds: 0, requests: 0, failedRequests: 0, stacksApplied: 0, destroyed: 0, terraformRuns: 0, simulatedSeconds: 0, maxShareError: 0 };

  constructor(
    private readonly app: ScenarioApp,
    private readonly env: NodeJS.ProcessEnv,
    private readonly world: WorldPort,
    /** Fleets deployed with the SLO gates (the breach needs them). */
    private readonly gated: string[],
    private readonly log: (line: string) => void,
  ) {}

  /** AKS publishes the released patch versions: the simulated region offers them from now on. */
  public release(_now: number, versions: string[]): void {
    const file = (this.world as { file?: string }).file;
    if (!file) throw new Error('the world has no file to release versions into');
    new WorldStore(file).update((w) => {
      const list = Array.isArray(w.ext[AKS_RELEASED]) ? (w.ext[AKS_RELEASED] as string[]) : [];
      w.ext[AKS_RELEASED] = [...new Set([...list, ...versions])];
    });
  }

  public async deploy(now: number, steps: MergedStep[]): Promise<DeployedFleet[]> {
    // The world's clock follows the calendar: the deploy starts at the firing (or when the last one ended).
    if (this.offset === undefined) this.offset = this.world.clock() - now;
    const target = now + this.offset;
    if (this.world.clock() < target) this.world.advanceClock(target - this.world.clock());
    const fleets: AppFleet[] = steps.map((s) => ({ name: s.fleet, kind: kindOf(s.fleet), stateFile: s.file, sloGates: this.gated.includes(s.fleet) ? true : undefined }));
    this.app.writeFleets(fleets);
    // The breach: the new minor's p95 latency while it serves part of a gated fleet's traffic.
    this.world.clearFaults();
    const names = unitNamesOf(fleets);
    for (const s of steps.filter((x) => x.breach)) {
      const u = partialMinorUnit(s.state);
      const unit = u ? names[s.fleet]?.[u.slot] : undefined;
      if (unit) this.world.setFaults([{ label: `${s.fleet} ${u!.slot} p95 ${BREACH.value}`, fleet: s.fleet, slot: u!.slot, fault: { kind: 'metric-value', metric: BREACH.metric, value: BREACH.value, unit } as never }]);
    }
    const actionsBefore = this.world.actions();
    const lastSeq = actionsBefore.length ? actionsBefore[actionsBefore.length - 1].seq : 0;
    const sharesBefore: Record<string, Record<string, number>> = {};
    for (const s of steps) { try { sharesBefore[s.fleet] = this.world.shares(s.fleet); } catch { sharesBefore[s.fleet] = {}; } }
    const from = this.world.clock();
    const deploy = await this.app.deploy(this.env, (line) => this.log(`  ${steps.map((s) => s.fleet).join(' ')}: ${line}`));
    this.world.clearFaults();
    const to = this.world.clock();
    this.figures.deploys++;
    this.figures.simulatedSeconds += to - from;
    this.figures.deploySeconds += deploy.seconds;
    const actions = this.world.actions().filter((a) => a.seq > lastSeq);
    this.figures.destroyed += actions.filter((a) => a.stack.includes('-unit-') && (a.action === 'delete' || a.action === 'destroy')).length;
    const plan = this.app.rolloutPlan();
    const all = steps.map((s) => s.fleet);
    return steps.map((s) => {
      const stacks = stacksOfFleet(s.fleet, deploy.stacks, all);
      // What `cdktf-bluegreen record` writes for this deploy: read from its output and exit code.
      const o = readDeployOutput(deploy.output, s.fleet, stacks, deploy.code);
      // The gates' own messages as Terraform printed them (its log per stack, one line per error):
      // cdktf 0.21 may abort before printing a failed stack's whole error (exit 7), and Terraform wraps it.
      const gateText = Object.entries(deploy.errors).filter(([x]) => stacks.includes(x)).map(([, lines]) => lines.join(' ').replace(/\s+/g, ' ')).join('\n');
      const gates = o.gates.length ? o.gates : readDeployOutput(gateText, s.fleet, [], deploy.code).gates;
      const problems: string[] = [];
      const tfFailed = deploy.failedStacks.filter((x) => stacks.includes(x));
      if (o.outcome === DeployOutcome.SUCCEEDED && tfFailed.length) problems.push(`the record says succeeded, but Terraform failed in ${tfFailed.join(', ')}`);
      const applied = o.outcome === DeployOutcome.SUCCEEDED;
      this.figures.stacksApplied += deploy.appliedStacks.filter((x) => stacks.includes(x)).length;
      this.figures.terraformRuns += Object.entries(deploy.runs).filter(([x]) => stacks.includes(x)).reduce((n, [, k]) => n + k, 0);
      const view: StepView = {
        deploy, world: this.world, repo: undefined as never,
        actions: actions.filter((a: WorldAction) => a.stack.startsWith(`${s.fleet}-`)),
        state: () => JSON.parse(fs.readFileSync(s.file, 'utf8')) as StateFile,
        unitNames: (fleet) => Object.fromEntries((plan?.fleets.find((f) => f.fleet === fleet)?.units ?? []).map((u) => [u.slot, u.name])),
        stacksOf: () => stacks,
        sharesBefore: (fleet) => sharesBefore[fleet] ?? {},
        planWarnings: (fleet) => plan?.fleets.find((f) => f.fleet === fleet)?.warnings ?? [],
      };
      try {
        problems.push(...checkOrder(view, s.fleet), ...checkLiveUnitsUntouched(view, s.fleet));
        const t = checkTimeline(view, s.fleet, from, to, applied);
        this.figures.requests += t.requests;
        this.figures.failedRequests += t.failed;
        problems.push(...t.problems);
        if (applied) {
          const shares = checkShares(view, s.fleet);
          this.figures.maxShareError = Math.max(this.figures.maxShareError, shares.maxError);
          problems.push(...shares.problems);
        } else problems.push(...sharesUnchanged(view, s.fleet));
        problems.push(...credentialsInState(this.app.dir, [`${s.fleet}-`]));
      } catch (e) {
        problems.push(`the checks could not read the world: ${(e as Error).message}`);
      }
      if (gates.length && o.outcome === DeployOutcome.SUCCEEDED) problems.push(`a gate breached (${gates.map((g) => g.name).join(', ')}) but the deploy reads as succeeded`);
      return { fleet: s.fleet, outcome: gates.length ? DeployOutcome.FAILED : o.outcome, gates, stacks: o.stacks, startedAt: from - this.offset!, finishedAt: Math.ceil(to - this.offset!), problems };
    });
  }
}

/** A world for a calendar run: the simulated providers installed, a world file, the app. */
export async function openWorld(dir: string): Promise<{ env: NodeJS.ProcessEnv; world: WorldPort & { file: string }; app: ScenarioApp }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const engine = require('../provider/install') as typeof import('../provider/install');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { FileWorld } = require('./world-port') as typeof import('./world-port');
  const installation = engine.installProviders();
  const file = path.join(dir, 'world.json');
  return { env: installation.env(file, process.env), world: new FileWorld(file), app: await ScenarioApp.create(dir) };
}

/** A calendar deployed in the world: the result, and the deploys' figures. */
export async function runWorldCalendar(o: CalendarOptions, w: { env: NodeJS.ProcessEnv; world: WorldPort; app: ScenarioApp }, log: (line: string) => void): Promise<{ result: CalendarResult; figures: WorldFigures }> {
  const rings = o.rings ?? RINGS;
  const gated = o.breach && rings.length > 1 ? rings[rings.length - 2].filter((f) => f.endsWith('eks')).slice(0, 1) : [];
  const deployer = new WorldDeployer(w.app, w.env, w.world, gated, log);
  const result = await runCalendar({ ...o, deployer, log });
  return { result, figures: deployer.figures };
}

/**
 * `npm run autopilot:calendar -- --world [--days N] [--events minor,patch,urgent] [--soak dev,staging,prod]
 * [--first fleet=version,…] [--breach-only|--calendar-only]`: the runs deployed in the world (days
 * after Monday 2027-01-04 for the events, 99 = never; ring soaks in hours; fleets already serving a version).
 */
export async function mainWorld(argv: string[]): Promise<number> {
  const arg = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const days = Number(arg('--days') ?? 30);
  const soak = arg('--soak')?.split(',').map(Number);
  const events = arg('--events')?.split(',').map(Number);
  const rings = RINGS;
  // --first fleet=version,…: fleets that already serve a version when the calendar starts (a reduced calendar).
  const firstVersions = arg('--first') ? Object.fromEntries(arg('--first')!.split(',').map((x) => x.split('='))) as { [fleet: string]: string } : undefined;
  const runs = argv.includes('--breach-only') ? [true] : argv.includes('--calendar-only') ? [false] : [false, true];
  let bad = 0;
  for (const breach of runs) {
    const started = Date.now();
    const dir = tempDir(`calendar-${breach ? 'breach' : 'run'}`);
    const line = (l: string) => process.stdout.write(`  ${new Date().toISOString().slice(11, 19)} ${l}\n`);
    line(`world calendar (${breach ? 'breach run' : 'calendar run'}) in ${dir}`);
    const w = await openWorld(dir);
    const { result, figures } = await runWorldCalendar({ days, breach, rings, soakHours: soak, eventDays: events, firstVersions }, w, line);
    process.stdout.write(`${summary(`${breach ? 'breach run' : 'calendar run'} deployed in the strict world, ${days} days, rings ${rings.map((r) => r.join('+')).join(' → ')}${firstVersions ? `, first versions ${JSON.stringify(firstVersions)}` : ''}`, result)}\n`);
    process.stdout.write(`deploys ${figures.deploys} (real cdktf deploy '*', ${figures.deploySeconds.toFixed(0)} s of wall time), stacks applied ${figures.stacksApplied}, requests over time ${figures.requests} (${figures.failedRequests} failed)\n`);
    process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(0)} s)\n\n`);
    if (result.illegal.length || result.destroyedWithTraffic.length || result.worldProblems.length || figures.failedRequests) bad++;
  }
  return bad ? 1 : 0;
}
