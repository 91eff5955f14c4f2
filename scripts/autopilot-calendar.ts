/**
 * The autopilot over a simulated calendar: three rings (dev → staging → prod) × two fleets (one AKS,
 * one EKS), one minor and two patches (one urgent, from a CVE feed entry) over 30 simulated days.
 * The scheduler fires every 30 minutes; each firing runs `cdktf-bluegreen autopilot` (in-process,
 * the real command) in a temporary git repository; every step it writes is checked with
 * `cdktf-bluegreen check --base` before it is merged (committed with the simulated time); steps that
 * need a person are merged at the next firing and counted as approvals. The steps merged at one
 * firing are deployed together by a deployer, which says how each fleet's deploy ended; its deploy
 * record is appended (`appendRecord`, what `record` writes). The default deployer is a script (the
 * record 20 minutes after the merge); `--world` deploys every step with the real cdktf CLI and
 * Terraform in the rehearsal's strict world (rehearsal/scenarios/calendar-world.ts). A second run
 * injects a latency breach in staging.
 *
 *   npm run autopilot:calendar             both runs, 30 days, scripted deploys
 *   npm run autopilot:calendar -- --days 12
 *   npm run autopilot:calendar -- --world [--reduced]   deployed in the strict world
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';
import { CliIo } from '../src/cli/output';
import { appendRecord, readRecords } from '../src/cli/record';
import { inWindow, parseAutopilotPolicy } from '../src/core/autopilot-policy';
import { DeployOutcome, DeployRecord, GateResult, isoSeconds, recordUnitsOf, stateDigest } from '../src/core/deploy-record';
import { KubernetesVersion } from '../src/core/kubernetes-version';
import { UnitLifecycle } from '../src/core/rollout-model';
import { parseRolloutStateText, RolloutStateFile } from '../src/core/state-file';

const DAY = 86400;
/** Monday 2027-01-04 00:00 UTC. */
export const T0 = Date.parse('2027-01-04T00:00:00Z') / 1000;
/** The rings of the full calendar: dev, staging, prod × one AKS and one EKS fleet. */
export const RINGS = [['dev-aks', 'dev-eks'], ['stg-aks', 'stg-eks'], ['prod-aks', 'prod-eks']];
const RING_NAMES = ['dev', 'staging', 'prod'];
const REGION: { [cloud: string]: string } = { aks: 'westeurope', eks: 'eu-west-1' };

/** When each version is offered, and the CVE entry (urgent patch). */
export const EVENTS = {
  minor: { at: T0 + 1 * DAY, versions: ['1.34.2'] },
  patch: { at: T0 + 9 * DAY, versions: ['1.34.3', '1.33.6'] },
  urgent: { at: T0 + 17 * DAY + 3 * 3600, versions: ['1.34.4', '1.33.7'], cve: 'CVE-2027-10001' },
};

function eventsOf(o: CalendarOptions): typeof EVENTS {
  const [m, p, u] = o.eventDays ?? [1, 9, 17.125];
  return { minor: { ...EVENTS.minor, at: T0 + m * DAY }, patch: { ...EVENTS.patch, at: T0 + p * DAY }, urgent: { ...EVENTS.urgent, at: T0 + u * DAY } };
}

export interface CalendarOptions {
  readonly days: number;
  /** Ring soaks of dev, staging and prod (prod's keeps the old unit standing by), hours. @default [24, 48, 48] */
  readonly soakHours?: number[];
  /** Days after T0 when the minor, the patch and the urgent patch appear. @default [1, 9, 17.125] */
  readonly eventDays?: number[];
  /** Inject a latency breach into staging's EKS fleet while it serves 1.34 in part (its canary). */
  readonly breach: boolean;
  readonly log?: (line: string) => void;
  /** The rings, in order, each its fleets (names end in `aks` or `eks`); the last ring is prod. @default RINGS */
  readonly rings?: string[][];
  /** The first version of a fleet (its blue unit). @default 1.33.5 for AKS, 1.33 for EKS (declared by minor) */
  readonly firstVersions?: { [fleet: string]: string };
  /** Who deploys the merged steps. @default scriptedDeployer (a record 20 minutes after the merge) */
  readonly deployer?: CalendarDeployer;
}

/** One fleet's step merged at a firing, to deploy. */
export interface MergedStep {
  readonly fleet: string;
  /** The state file, absolute (the app reads it as an infra repo's app does). */
  readonly file: string;
  readonly state: RolloutStateFile;
  /** The state file's text (its digest names the step in the record). */
  readonly text: string;
  /** The breach run: this fleet's new minor is to breach its latency gate while it serves in part. */
  readonly breach: boolean;
}

/** How one fleet's deploy ended: the record fields the deploy decides. */
export interface DeployedFleet {
  readonly fleet: string;
  readonly outcome: DeployOutcome;
  readonly gates: GateResult[];
  readonly stacks: Array<{ readonly name: string; readonly result: 'applied' | 'failed' | 'not-run' }>;
  readonly startedAt: number;
  readonly finishedAt: number;
  /** What the deployer's own checks found wrong (world mode: traffic, order, live units); must be empty. */
  readonly problems: string[];
}

/** Deploys the steps merged at one firing (at `now`), all in one deploy where it can. */
export interface CalendarDeployer {
  deploy(now: number, steps: MergedStep[]): Promise<DeployedFleet[]>;
  /** Versions released at `now` (the region starts offering them). */
  release?(now: number, versions: string[]): void;
}

/** One upgrade of one fleet. */
export interface FleetUpgrade {
  readonly fleet: string;
  readonly version: string;
  started?: number;
  /** When the version served 100 % (the finishing deploy's end). */
  servedAll?: number;
  steps: number;
  approvals: number;
}

export interface CalendarResult {
  readonly upgrades: FleetUpgrade[];
  readonly steps: number;
  readonly rollbacks: number;
  readonly approvals: number;
  /** Steps `check --base` refused (must be 0). */
  readonly illegal: string[];
  /** Units retired while the last deploy still gave them traffic (must be 0). */
  readonly destroyedWithTraffic: string[];
  /** Hold reasons printed by the last autopilot run. */
  readonly holds: string[];
  readonly final: { [fleet: string]: string };
  readonly firings: number;
  /** Deploys run (each carries every step merged at one firing). */
  readonly deploys: number;
  /** How each fleet's deploy ended, in order (kind: the autopilot's step kind; none for the first deploy and a re-run). */
  readonly deployOutcomes: Array<{ fleet: string; step: number; kind?: string; outcome: DeployOutcome; at: string }>;
  readonly events: typeof EVENTS;
  readonly fleets: string[];
  /** The fleets of the last ring. */
  readonly prod: string[];
  /** What the deployer's checks found (world mode: requests to a destroyed, draining, weight-0 or unvalidated unit; order; live units changed). Must be empty. */
  readonly worldProblems: string[];
}

const ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'autopilot', GIT_AUTHOR_EMAIL: 'autopilot@example.invalid', GIT_COMMITTER_NAME: 'autopilot', GIT_COMMITTER_EMAIL: 'autopilot@example.invalid',
};

function cloudOf(fleet: string): string {
  return fleet.endsWith('aks') ? 'aks' : 'eks';
}

/**
 * EKS fleets are declared by minor: EKS lists minors and chooses a control plane's patch itself
 * (docs/autopilot.md, "Versions that exist"); the nodes' kubelet patch is the AMI's. A unit declared
 * with a patch would be checked against a kubelet patch EKS never promised.
 */
const FIRST: { [cloud: string]: string } = { aks: '1.33.5', eks: '1.33' };

function stateText(fleet: string, first?: string): string {
  return `${JSON.stringify({
    version: 1, fleet, step: 0,
    policy: {
      canaryWeight: 10, maxWeightStep: 30, patchCanaryWeight: 50, patchMaxWeightStep: 50,
      canarySoakMinutes: 60, shiftSoakMinutes: 30, promoteSoakMinutes: 30, patchSoakMinutes: 30, onGateFailure: 'rollback',
    },
    units: [{ slot: 'blue', kubernetesVersion: first ?? FIRST[cloudOf(fleet)], lifecycle: 'serving', weight: 100, since: 0, peakWeight: 100 }],
  }, null, 2)}\n`;
}

function policyText(soak: number[], rings: string[][]): string {
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
  const all = ['start', 'canary', 'shift', 'promote', 'retire', 'forget', 'rollback'];
  const names = RING_NAMES.slice(RING_NAMES.length - rings.length);
  return `${JSON.stringify({
    version: 1,
    rings: rings.map((fleets, i) => {
      const prod = i === rings.length - 1;
      return { name: names[i], fleets, soakHours: soak[soak.length - rings.length + i], failureThreshold: 1, autoMerge: prod ? ['canary', 'shift', 'retire', 'forget', 'rollback'] : all };
    }),
    fleets: Object.fromEntries(rings.flat().map((f) => {
      const cloud = cloudOf(f);
      const prod = rings[rings.length - 1].includes(f);
      return [f, {
        cloud, region: REGION[cloud],
        windows: [{ days: weekdays, start: prod ? '06:00' : '08:00', minutes: 600 }],
        ...(prod ? { exclusions: [{ from: '2027-01-15T00:00:00Z', to: '2027-01-16T00:00:00Z', reason: 'quarterly close' }] } : {}),
      }];
    })),
    urgency: { minimumSeverity: 'high' },
  }, null, 2)}\n`;
}

function offeredText(ev: typeof EVENTS, now: number): string {
  const list = ['1.33.5'];
  for (const e of [ev.minor, ev.patch, ev.urgent]) if (now >= e.at) list.push(...e.versions);
  // EKS offers a minor from the minor's release on (its patches are AWS's: they never bring a minor).
  const minors = [...new Set(['1.33.5', ...(now >= ev.minor.at ? ev.minor.versions : [])].map((v) => v.split('.').slice(0, 2).join('.')))];
  return `${JSON.stringify({ version: 1, offered: { 'aks/westeurope': list, 'eks/eu-west-1': minors } }, null, 2)}\n`;
}

function feedText(ev: typeof EVENTS, now: number): string {
  const items = now >= ev.urgent.at ? [{
    id: `https://www.cve.org/CVERecord?id=${EVENTS.urgent.cve}`,
    url: `https://www.cve.org/CVERecord?id=${EVENTS.urgent.cve}`,
    summary: 'kube-apiserver: authorization bypass in aggregated API discovery',
    content_text: 'CVSS Rating: High (8.1) CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N\n\nFixed Versions:\n- kube-apiserver v1.34.4\n- kube-apiserver v1.33.7\n',
    date_published: isoSeconds(ev.urgent.at),
    _kubernetes_io: { google_group_url: 'https://groups.google.com/g/kubernetes-announce', issue_number: 1 },
  }] : [];
  return `${JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Kubernetes Vulnerability Announcements - CVE Feed', items }, null, 2)}\n`;
}

/** The unit of the new minor (1.34) while it serves part of the traffic: the one a breach is injected into. */
export function partialMinorUnit(state: RolloutStateFile): { slot: string; kubernetesVersion: string } | undefined {
  return state.units.find((u) => u.lifecycle === UnitLifecycle.SERVING && KubernetesVersion.parse(u.kubernetesVersion).minor === 34 && (u.weight ?? 0) > 0 && (u.weight ?? 0) < 100);
}

/**
 * The scripted deployer (no Terraform, no world): every deploy succeeds 20 minutes after the merge,
 * except that a fleet with the breach fails its latency gate while 1.34 serves part of its traffic.
 */
export const scriptedDeployer: CalendarDeployer = {
  async deploy(now, steps) {
    return steps.map((s) => {
      const canary = s.breach ? partialMinorUnit(s.state) : undefined;
      const gates: GateResult[] = canary ? [{ name: 'slo-latency-p95', unit: `${canary.slot}-${canary.kubernetesVersion.replace(/\./g, '-')}`, passed: false, value: '0.31', threshold: '<= 0.24' }] : [];
      const outcome = canary ? DeployOutcome.FAILED : DeployOutcome.SUCCEEDED;
      return { fleet: s.fleet, outcome, gates, stacks: [{ name: `${s.fleet}-traffic`, result: canary ? 'not-run' : 'applied' }], startedAt: now + 60, finishedAt: now + 1200, problems: [] };
    });
  },
};

/** The fleet that gets the breach: staging's EKS fleet (the first EKS fleet of the ring before prod). */
function breachFleetOf(rings: string[][]): string | undefined {
  return rings.length > 1 ? rings[rings.length - 2].find((f) => cloudOf(f) === 'eks') : undefined;
}

export async function runCalendar(o: CalendarOptions): Promise<CalendarResult> {
  const log = o.log ?? (() => undefined);
  const ev = eventsOf(o);
  const rings = o.rings ?? RINGS;
  const FLEETS = rings.flat();
  const deployer = o.deployer ?? scriptedDeployer;
  const breachFleet = o.breach ? breachFleetOf(rings) : undefined;
  const soak = o.soakHours ?? [24, 48, 48];
  const windowPolicy = parseAutopilotPolicy(policyText(soak, rings), 'policy', FLEETS);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-calendar-'));
  const git = (args: string[], at?: number) => execFileSync('git', args, {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8',
    env: at === undefined ? ENV : { ...ENV, GIT_AUTHOR_DATE: `@${at} +0000`, GIT_COMMITTER_DATE: `@${at} +0000` },
  });
  const write = (file: string, text: string) => { fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true }); fs.writeFileSync(path.join(dir, file), text); };
  const read = (fleet: string) => fs.readFileSync(path.join(dir, 'rollout', `${fleet}.json`), 'utf8');
  const run = (argv: string[], now: number) => {
    let out = '';
    let err = '';
    const io: CliIo = { cwd: dir, out: (s) => { out += s; }, err: (s) => { err += s; }, color: false, env: ENV, now: () => now * 1000 };
    return { code: main(argv, io), out, err };
  };
  try {
    git(['init', '-q', '-b', 'main']);
    for (const f of FLEETS) write(`rollout/${f}.json`, stateText(f, o.firstVersions?.[f]));
    write('autopilot/policy.json', policyText(soak, rings));
    write('autopilot/offered-versions.json', offeredText(ev, T0));
    write('autopilot/cve-feed.json', feedText(ev, T0));
    fs.mkdirSync(path.join(dir, 'rollout', '.deploys'), { recursive: true });
    const worldProblems: string[] = [];
    /** Appends each fleet's deploy record, from how its deploy ended. */
    const recordDeploys = (merged: MergedStep[], done: DeployedFleet[]) => {
      for (const d of done) {
        const m = merged.find((x) => x.fleet === d.fleet)!;
        appendRecord(dir, `rollout/${d.fleet}.json`, {
          v: 1, fleet: d.fleet, step: m.state.step, state: stateDigest(m.text), units: recordUnitsOf(m.state),
          stacks: d.stacks, outcome: d.outcome, gates: d.gates, startedAt: isoSeconds(d.startedAt), finishedAt: isoSeconds(d.finishedAt),
        } as DeployRecord);
        worldProblems.push(...d.problems.map((p) => `${isoSeconds(d.startedAt)} ${d.fleet} step ${m.state.step}: ${p}`));
      }
    };
    // The running fleets: their step 0 was deployed before the calendar starts.
    const fileOf = (f: string) => path.join(dir, 'rollout', `${f}.json`);
    const first = FLEETS.map((f) => ({ fleet: f, file: fileOf(f), text: read(f), state: parseRolloutStateText(read(f), f), breach: false }));
    const firstDone = await deployer.deploy(T0 - 3600, first);
    recordDeploys(first, firstDone);
    for (const d of firstDone) if (d.outcome !== DeployOutcome.SUCCEEDED) throw new Error(`the first deploy of ${d.fleet} ${d.outcome}: ${d.problems.join('; ')}`);
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'fleets, policy, feed, first deploy'], Math.max(...firstDone.map((d) => d.finishedAt)));
    let released = offeredText(ev, T0);
    deployer.release?.(T0, (JSON.parse(released) as { offered: { [k: string]: string[] } }).offered['aks/westeurope']);

    const upgrades: FleetUpgrade[] = [];
    const upgradeOf = (fleet: string, version: string) => {
      let u = upgrades.find((x) => x.fleet === fleet && x.version === version);
      if (!u) { u = { fleet, version, steps: 0, approvals: 0 }; upgrades.push(u); }
      return u;
    };
    const illegal: string[] = [];
    const destroyedWithTraffic: string[] = [];
    let steps = 0;
    let rollbacks = 0;
    let approvals = 0;
    let firings = 0;
    let deploys = 1;
    const deployOutcomes: CalendarResult['deployOutcomes'] = [];
    let holds: string[] = [];
    const awaiting = new Set<string>();
    let changed = true;
    /** The clock after the last deploy: the scheduler's next firing is not before it. */
    let busyUntil = T0;
    /** Fleets whose last deploy was interrupted, and whether that step finished an upgrade. */
    const redeploy = new Map<string, boolean>();
    /** The last reason logged per fleet (a reason is logged when it changes). */
    const reasons = new Map<string, string>();
    for (let now = T0; now < T0 + o.days * DAY; now += 1800) {
      if (now < busyUntil) continue;
      // The region offers the versions released by now (the world's catalogue follows the calendar).
      const offered = offeredText(ev, now);
      if (offered !== released) {
        const list = (t: string) => (JSON.parse(t) as { offered: { [k: string]: string[] } }).offered['aks/westeurope'];
        deployer.release?.(now, list(offered).filter((v) => !list(released).includes(v)));
        released = offered;
      }
      // The workflow refreshes the feed and the offered versions before each run.
      const refreshed = [['autopilot/offered-versions.json', offeredText(ev, now)], ['autopilot/cve-feed.json', feedText(ev, now)]]
        .filter(([f, t]) => fs.readFileSync(path.join(dir, f), 'utf8') !== t);
      if (refreshed.length) {
        for (const [f, t] of refreshed) write(f, t);
        git(['commit', '-qam', 'refresh offered versions and CVE feed'], now);
      }
      // The scheduler fires in the fleets' windows, and after a deploy (a failed one is rolled back at once).
      if (!changed && !refreshed.length && !FLEETS.some((f) => inWindow(windowPolicy.fleets[f], now))) continue;
      changed = false;
      const plan = run(['autopilot', '--json', '--dry-run'], now);
      if (plan.code !== 0) throw new Error(`autopilot failed at ${isoSeconds(now)}: ${plan.err}`);
      firings++;
      const fleets = (JSON.parse(plan.out) as { fleets: Array<{ fleet: string; action: string; kind?: string; needsApproval: boolean; reason: string; target?: string; command?: string }> }).fleets;
      holds = fleets.filter((f) => f.action === 'hold').map((f) => `${f.fleet}: ${f.reason}`);
      for (const f of fleets) {
        if (reasons.get(f.fleet) !== f.reason) log(`${isoSeconds(now)} ${f.fleet}: ${f.action}: ${f.reason}`);
        reasons.set(f.fleet, f.reason);
      }
      const merged: Array<MergedStep & { before: RolloutStateFile; kind?: string; needsApproval: boolean; full: boolean }> = [];
      // A deploy another fleet's failure interrupted is run again (deploys are retry-safe); the autopilot waits for it.
      for (const [f, full] of redeploy) {
        const text = read(f);
        const state = parseRolloutStateText(text, f);
        merged.push({ fleet: f, file: fileOf(f), state, text, breach: f === breachFleet, before: state, needsApproval: false, full });
        log(`${isoSeconds(now)} ${f}: deploy of step ${state.step} run again (it was interrupted)`);
      }
      redeploy.clear();
      for (const d of fleets.filter((x) => x.action === 'step' && !merged.some((m) => m.fleet === x.fleet))) {
        const key = `${d.fleet} ${d.command} ${read(d.fleet).length}`;
        changed = true;
        if (d.needsApproval && !awaiting.has(key)) {
          // A pull request that waits for a person: approved and merged at the next firing.
          awaiting.add(key);
          log(`${isoSeconds(now)} ${d.fleet}: PR awaits approval: ${d.command}`);
          continue;
        }
        const before = parseRolloutStateText(read(d.fleet), d.fleet);
        const wrote = run(['autopilot', '--fleet', d.fleet], now);
        if (wrote.code !== 0) throw new Error(`autopilot --fleet ${d.fleet} failed at ${isoSeconds(now)}: ${wrote.err}${wrote.out}`);
        const check = run(['check', '--base', 'HEAD', '--at', isoSeconds(now)], now);
        if (check.code !== 0) {
          illegal.push(`${isoSeconds(now)} ${d.fleet} ${d.command}: ${check.err.trim()}`);
          git(['checkout', '--', `rollout/${d.fleet}.json`]);
          continue;
        }
        const afterText = read(d.fleet);
        const after = parseRolloutStateText(afterText, d.fleet);
        // Nothing destroyed before traffic left it: a unit retired now had no traffic in the last successful deploy.
        const records = readRecords(dir, `rollout/${d.fleet}.json`, d.fleet).records;
        const lastGood = [...records].reverse().find((r) => r.outcome === DeployOutcome.SUCCEEDED);
        for (const u of after.units.filter((x) => x.lifecycle === UnitLifecycle.RETIRED && before.units.find((b) => b.slot === x.slot)?.lifecycle !== UnitLifecycle.RETIRED)) {
          const live = lastGood?.units.find((x) => x.slot === u.slot);
          if (!live || live.weight > 0) destroyedWithTraffic.push(`${d.fleet} ${u.slot} at ${isoSeconds(now)}`);
        }
        git(['commit', '-qam', `autopilot: ${d.fleet} ${d.command}`], now);
        steps++;
        if (d.kind === 'rollback') rollbacks++;
        const newest = after.units.filter((u) => u.lifecycle !== UnitLifecycle.RETIRED).map((u) => u.kubernetesVersion).sort((a, b) => KubernetesVersion.parse(b).compare(KubernetesVersion.parse(a)))[0];
        const up = upgradeOf(d.fleet, d.kind === 'start' ? d.target! : newest);
        up.steps++;
        if (d.kind === 'start') up.started = now;
        if (d.needsApproval) { up.approvals++; approvals++; }
        log(`${isoSeconds(now)} ${d.fleet}: ${d.needsApproval ? 'approved and merged' : 'merged'} ${d.command} (step ${after.step}): ${d.reason}`);
        const full = after.units.filter((u) => u.lifecycle === UnitLifecycle.SERVING).length === 1 && before.units.filter((u) => u.lifecycle === UnitLifecycle.SERVING).length > 1;
        merged.push({ fleet: d.fleet, file: fileOf(d.fleet), state: after, text: afterText, breach: d.fleet === breachFleet, before, kind: d.kind, needsApproval: d.needsApproval, full });
      }
      if (!merged.length) continue;
      // The deploy of every step merged at this firing, and each fleet's record.
      const done = await deployer.deploy(now, merged);
      deploys++;
      recordDeploys(merged, done);
      const end = Math.max(...done.map((x) => x.finishedAt));
      git(['commit', '-qam', `deploy records: ${done.map((x) => `${x.fleet} ${x.outcome}`).join(', ')}`], end);
      busyUntil = end;
      for (const w of done) {
        const m = merged.find((x) => x.fleet === w.fleet)!;
        deployOutcomes.push({ fleet: w.fleet, step: m.state.step, kind: m.kind, outcome: w.outcome, at: isoSeconds(w.finishedAt) });
        if (w.outcome === DeployOutcome.INTERRUPTED) { redeploy.set(w.fleet, m.full); changed = true; }
        if (w.outcome !== DeployOutcome.SUCCEEDED) log(`${isoSeconds(w.finishedAt)} ${w.fleet}: deploy of step ${m.state.step} ${w.outcome.toUpperCase()}: ${w.gates.map((g) => `${g.name} on ${g.unit} = ${g.value} (${g.threshold})`).join(', ') || w.stacks.filter((x) => x.result !== 'applied').map((x) => `${x.name} ${x.result}`).join(', ')}`);
        for (const p of w.problems) log(`${isoSeconds(w.finishedAt)} ${w.fleet}: PROBLEM: ${p}`);
        if (w.outcome === DeployOutcome.SUCCEEDED && m.full) {
          const served = upgradeOf(w.fleet, m.state.units.find((u) => u.lifecycle === UnitLifecycle.SERVING)!.kubernetesVersion);
          if (served.servedAll === undefined && served.started !== undefined) served.servedAll = w.finishedAt;
        }
      }
    }
    const final: { [fleet: string]: string } = {};
    for (const f of FLEETS) final[f] = parseRolloutStateText(read(f), f).units.map((u) => `${u.slot} ${u.kubernetesVersion} ${u.lifecycle} ${u.weight}`).join(', ');
    return { upgrades, steps, rollbacks, approvals, illegal, destroyedWithTraffic, holds, final, firings, deploys, deployOutcomes, events: ev, fleets: FLEETS, prod: rings[rings.length - 1], worldProblems };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const day = (t: number | undefined) => (t === undefined ? 'never' : `day ${((t - T0) / DAY).toFixed(2)}`);

/** The summary the script prints. */
export function summary(title: string, r: CalendarResult): string {
  const out = [`== ${title}`];
  for (const [name, e] of [['minor 1.34', r.events.minor], ['patch (1.34.3 / 1.33.6)', r.events.patch], [`urgent patch (${EVENTS.urgent.cve}: 1.34.4 / 1.33.7)`, r.events.urgent]] as const) {
    // EKS fleets are declared by minor: the minor's upgrade is to 1.34; patches are AWS's (in place).
    const ups = r.upgrades.filter((u) => e.versions.includes(u.version) || (e === r.events.minor && u.version === '1.34'));
    out.push(`${name}: offered ${day(e.at)}${e === r.events.minor ? '' : ' (AKS fleets; EKS fleets are declared by minor: AWS patches them in place)'}`);
    for (const f of r.fleets.filter((x) => e === r.events.minor || !x.endsWith('eks'))) {
      const u = ups.find((x) => x.fleet === f);
      out.push(`  ${f.padEnd(9)} ${u ? `${u.version.padEnd(7)} started ${day(u.started)}, serving 100 % ${day(u.servedAll)}${u.servedAll ? ` (${((u.servedAll - e.at) / 3600).toFixed(1)} h after)` : ''}, ${u.steps} steps, ${u.approvals} human approvals` : 'not started'}`);
    }
    // Patches move AKS fleets only (EKS fleets are declared by minor; AWS patches them in place).
    const prod = r.prod.filter((f) => e === r.events.minor || !f.endsWith('eks')).map((f) => ups.find((x) => x.fleet === f)?.servedAll);
    out.push(`  days to reach prod: ${prod.every((t) => t !== undefined) ? (Math.max(...(prod as number[])) - e.at) / DAY : 'not reached'}`.replace(/(\.\d{2})\d+/, '$1'));
  }
  out.push(`steps ${r.steps}, rollbacks ${r.rollbacks}, human approvals ${r.approvals}, autopilot runs ${r.firings}, deploys ${r.deploys}`);
  out.push(`steps refused by check --base: ${r.illegal.length}${r.illegal.length ? `\n  ${r.illegal.join('\n  ')}` : ''}`);
  out.push(`units retired while the last deploy gave them traffic: ${r.destroyedWithTraffic.length}`);
  out.push(`problems the deploys' checks found: ${r.worldProblems.length}${r.worldProblems.length ? `\n  ${r.worldProblems.slice(0, 12).join('\n  ')}` : ''}`);
  out.push(`held at the end: ${r.holds.length ? `\n  ${r.holds.join('\n  ')}` : 'none'}`);
  out.push('final state:', ...Object.entries(r.final).map(([f, s]) => `  ${f.padEnd(9)} ${s}`));
  return out.join('\n');
}

if (require.main === module) {
  const arg = (name: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
  const days = Number(arg('--days') ?? 30);
  const verbose = process.argv.includes('--verbose');
  if (process.argv.includes('--world')) {
    // The strict world: loaded from the rehearsal only when asked for.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('../rehearsal/scenarios/calendar-world') as typeof import('../rehearsal/scenarios/calendar-world')).mainWorld(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
      console.error(e);
      process.exit(1);
    });
  } else {
    void (async () => {
      for (const breach of [false, true]) {
        const started = Date.now();
        const r = await runCalendar({ days, breach, log: verbose ? (l) => console.log(l) : undefined });
        console.log(summary(breach ? `breach run: latency breach injected in staging (stg-eks canary of 1.34), ${days} days` : `calendar run, ${days} days`, r));
        console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      }
    })();
  }
}
