/**
 * The autopilot over a simulated calendar: three rings (dev → staging → prod) × two fleets (one AKS,
 * one EKS), one minor and two patches (one urgent, from a CVE feed entry) over 30 simulated days.
 * The scheduler fires every 30 minutes; each firing runs `cdktf-bluegreen autopilot` (in-process,
 * the real command) in a temporary git repository; every step it writes is checked with
 * `cdktf-bluegreen check --base` before it is merged (committed with the simulated time); steps that
 * need a person are merged at the next firing and counted as approvals. A deploy is modelled by a
 * scripted world that writes the deploy record (`appendRecord`, what `record` writes) 20 minutes
 * after the merge. A second run injects a latency breach in staging.
 *
 *   npm run autopilot:calendar             both runs, 30 days
 *   npm run autopilot:calendar -- --days 12
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
const RINGS = [['dev-aks', 'dev-eks'], ['stg-aks', 'stg-eks'], ['prod-aks', 'prod-eks']];
const FLEETS = RINGS.flat();
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
  readonly events: typeof EVENTS;
}

const ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'autopilot', GIT_AUTHOR_EMAIL: 'autopilot@example.invalid', GIT_COMMITTER_NAME: 'autopilot', GIT_COMMITTER_EMAIL: 'autopilot@example.invalid',
};

function stateText(fleet: string): string {
  return `${JSON.stringify({
    version: 1, fleet, step: 0,
    policy: {
      canaryWeight: 10, maxWeightStep: 30, patchCanaryWeight: 50, patchMaxWeightStep: 50,
      canarySoakMinutes: 60, shiftSoakMinutes: 30, promoteSoakMinutes: 30, patchSoakMinutes: 30, onGateFailure: 'rollback',
    },
    units: [{ slot: 'blue', kubernetesVersion: '1.33.5', lifecycle: 'serving', weight: 100, since: 0, peakWeight: 100 }],
  }, null, 2)}\n`;
}

function policyText(soak: number[]): string {
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
  const all = ['start', 'canary', 'shift', 'promote', 'retire', 'forget', 'rollback'];
  return `${JSON.stringify({
    version: 1,
    rings: [
      { name: 'dev', fleets: RINGS[0], soakHours: soak[0], failureThreshold: 1, autoMerge: all },
      { name: 'staging', fleets: RINGS[1], soakHours: soak[1], failureThreshold: 1, autoMerge: all },
      { name: 'prod', fleets: RINGS[2], soakHours: soak[2], failureThreshold: 1, autoMerge: ['canary', 'shift', 'retire', 'forget', 'rollback'] },
    ],
    fleets: Object.fromEntries(FLEETS.map((f) => {
      const cloud = f.endsWith('aks') ? 'aks' : 'eks';
      const prod = f.startsWith('prod');
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
  return `${JSON.stringify({ version: 1, offered: { 'aks/westeurope': list, 'eks/eu-west-1': list.map((v) => v) } }, null, 2)}\n`;
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

/** The scripted world: a deploy fails its latency gate while staging's EKS fleet gives 1.34 part of the traffic. */
function deployOutcome(state: RolloutStateFile, breach: boolean): { outcome: DeployOutcome; gates: GateResult[] } {
  if (!breach || state.fleet !== 'stg-eks') return { outcome: DeployOutcome.SUCCEEDED, gates: [] };
  const canary = state.units.find((u) => u.lifecycle === UnitLifecycle.SERVING && KubernetesVersion.parse(u.kubernetesVersion).minor === 34 && (u.weight ?? 0) < 100);
  if (!canary) return { outcome: DeployOutcome.SUCCEEDED, gates: [] };
  const unit = `${canary.slot}-${canary.kubernetesVersion.replace(/\./g, '-')}`;
  return { outcome: DeployOutcome.FAILED, gates: [{ name: 'slo-latency-p95', unit, passed: false, value: '0.31', threshold: '<= 0.24' }] };
}

export function runCalendar(o: CalendarOptions): CalendarResult {
  const log = o.log ?? (() => undefined);
  const ev = eventsOf(o);
  const windowPolicy = parseAutopilotPolicy(policyText(o.soakHours ?? [24, 48, 48]), 'policy', FLEETS);
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
    for (const f of FLEETS) write(`rollout/${f}.json`, stateText(f));
    write('autopilot/policy.json', policyText(o.soakHours ?? [24, 48, 48]));
    write('autopilot/offered-versions.json', offeredText(ev, T0));
    write('autopilot/cve-feed.json', feedText(ev, T0));
    fs.mkdirSync(path.join(dir, 'rollout', '.deploys'), { recursive: true });
    // The running fleets are adopted: their step 0 was deployed before the calendar starts.
    for (const f of FLEETS) {
      const text = read(f);
      const s = parseRolloutStateText(text, f);
      appendRecord(dir, `rollout/${f}.json`, { v: 1, fleet: f, step: 0, state: stateDigest(text), units: recordUnitsOf(s), stacks: [{ name: `${f}-traffic`, result: 'applied' }], outcome: DeployOutcome.SUCCEEDED, gates: [], startedAt: isoSeconds(T0 - 3600), finishedAt: isoSeconds(T0 - 3000) });
    }
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'fleets, policy, feed'], T0 - 3000);

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
    let holds: string[] = [];
    const awaiting = new Set<string>();
    let changed = true;
    for (let now = T0; now < T0 + o.days * DAY; now += 1800) {
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
      for (const d of fleets.filter((x) => x.action === 'step')) {
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
        // The deploy, in the scripted world, and its record 20 minutes later.
        const world = deployOutcome(after, o.breach);
        const done = now + 1200;
        appendRecord(dir, `rollout/${d.fleet}.json`, {
          v: 1, fleet: d.fleet, step: after.step, state: stateDigest(afterText), units: recordUnitsOf(after),
          stacks: [{ name: `${d.fleet}-traffic`, result: world.outcome === DeployOutcome.SUCCEEDED ? 'applied' : 'not-run' }],
          outcome: world.outcome, gates: world.gates, startedAt: isoSeconds(now + 60), finishedAt: isoSeconds(done),
        } as DeployRecord);
        git(['commit', '-qam', `deploy record: ${d.fleet} step ${after.step} ${world.outcome}`], done);
        if (world.outcome !== DeployOutcome.SUCCEEDED) log(`${isoSeconds(done)} ${d.fleet}: deploy of step ${after.step} FAILED: ${world.gates.map((g) => `${g.name} ${g.value} (${g.threshold})`).join(', ')}`);
        const full = after.units.filter((u) => u.lifecycle === UnitLifecycle.SERVING);
        if (world.outcome === DeployOutcome.SUCCEEDED && full.length === 1 && before.units.filter((u) => u.lifecycle === UnitLifecycle.SERVING).length > 1) {
          const served = upgradeOf(d.fleet, full[0].kubernetesVersion);
          if (served.servedAll === undefined && served.started !== undefined) served.servedAll = done;
        }
      }
    }
    const final: { [fleet: string]: string } = {};
    for (const f of FLEETS) final[f] = parseRolloutStateText(read(f), f).units.map((u) => `${u.slot} ${u.kubernetesVersion} ${u.lifecycle} ${u.weight}`).join(', ');
    return { upgrades, steps, rollbacks, approvals, illegal, destroyedWithTraffic, holds, final, firings, events: ev };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const day = (t: number | undefined) => (t === undefined ? 'never' : `day ${((t - T0) / DAY).toFixed(2)}`);

/** The summary the script prints. */
export function summary(title: string, r: CalendarResult): string {
  const out = [`== ${title}`];
  for (const [name, e] of [['minor 1.34', r.events.minor], ['patch (1.34.3 / 1.33.6)', r.events.patch], [`urgent patch (${EVENTS.urgent.cve}: 1.34.4 / 1.33.7)`, r.events.urgent]] as const) {
    const ups = r.upgrades.filter((u) => e.versions.includes(u.version));
    out.push(`${name}: offered ${day(e.at)}`);
    for (const f of FLEETS) {
      const u = ups.find((x) => x.fleet === f);
      out.push(`  ${f.padEnd(9)} ${u ? `${u.version.padEnd(7)} started ${day(u.started)}, serving 100 % ${day(u.servedAll)}${u.servedAll ? ` (${((u.servedAll - e.at) / 3600).toFixed(1)} h after)` : ''}, ${u.steps} steps, ${u.approvals} human approvals` : 'not started'}`);
    }
    const prod = RINGS[2].map((f) => ups.find((x) => x.fleet === f)?.servedAll);
    out.push(`  days to reach prod: ${prod.every((t) => t !== undefined) ? (Math.max(...(prod as number[])) - e.at) / DAY : 'not reached'}`.replace(/(\.\d{2})\d+/, '$1'));
  }
  out.push(`steps ${r.steps}, rollbacks ${r.rollbacks}, human approvals ${r.approvals}, autopilot runs ${r.firings}`);
  out.push(`steps refused by check --base: ${r.illegal.length}${r.illegal.length ? `\n  ${r.illegal.join('\n  ')}` : ''}`);
  out.push(`units retired while the last deploy gave them traffic: ${r.destroyedWithTraffic.length}`);
  out.push(`held at the end: ${r.holds.length ? `\n  ${r.holds.join('\n  ')}` : 'none'}`);
  out.push('final state:', ...Object.entries(r.final).map(([f, s]) => `  ${f.padEnd(9)} ${s}`));
  return out.join('\n');
}

if (require.main === module) {
  const i = process.argv.indexOf('--days');
  const days = i > 0 ? Number(process.argv[i + 1]) : 30;
  const verbose = process.argv.includes('--verbose');
  for (const breach of [false, true]) {
    const started = Date.now();
    const r = runCalendar({ days, breach, log: verbose ? (l) => console.log(l) : undefined });
    console.log(summary(breach ? `breach run: latency breach injected in staging (stg-eks canary of 1.34), ${days} days` : `calendar run, ${days} days`, r));
    console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}
