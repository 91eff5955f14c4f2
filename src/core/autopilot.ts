import { AutopilotPolicy, blackoutAt, CveEntry, inWindow, nextWindow, SEVERITIES } from './autopilot-policy';
import { DeployOutcome, DeployRecord, describeRecord, forgetProblem, isoSeconds, lastRecordOf, recordTime, trafficSince } from './deploy-record';
import { FleetKind } from './fleet-kind';
import { DEFAULT_MAXIMUM_KUBERNETES_VERSION, KubernetesVersion } from './kubernetes-version';
import { UnitLifecycle } from './rollout-model';
import { applyStep, commandLine, rampingUnit, StepCommand } from './rollout-steps';
import { soakMinutes, stepKind } from './soak';
import { RolloutStateFile } from './state-file';
import { KubernetesSupportCalendar } from './support-calendar';
import { buildableNextVersions } from './version-next';
import { kubeletSkewProblem } from './version-skew';

/**
 * The autopilot's decision: for every fleet, the next legal step or a wait (or a hold) with its
 * reason. Pure: everything comes in (state files, policy, deploy records, the CVE feed, the offered
 * versions, the time); the CLI writes the steps through the same step functions as its commands.
 */

/** One fleet as the autopilot sees it. */
export interface AutopilotFleetInput {
  readonly state: RolloutStateFile;
  /** SHA-256 of the state file's text (which step the records speak of). */
  readonly digest: string;
  readonly records: DeployRecord[];
}

/** Everything one autopilot run decides from. */
export interface AutopilotInput {
  readonly policy: AutopilotPolicy;
  readonly fleets: AutopilotFleetInput[];
  readonly feed: CveEntry[];
  /** `<cloud>/<region>` → versions offered, oldest first. */
  readonly offered: { [cloudRegion: string]: string[] };
  /** Seconds since the epoch. */
  readonly now: number;
}

/** What the autopilot does with one fleet. */
export enum AutopilotAction {
  /** Writes a step. */
  STEP = 'step',
  /** Nothing to do yet (window, soak, ring, deploy pending, up to date). */
  WAIT = 'wait',
  /** A failure holds the fleet until a person releases it. */
  HOLD = 'hold',
}

/** The decision for one fleet. */
export interface AutopilotDecision {
  readonly fleet: string;
  readonly ring: string;
  readonly action: AutopilotAction;
  /** The step, when action is STEP. */
  readonly command?: StepCommand;
  /** The step kind (start, canary, shift, promote, retire, forget, rollback). */
  readonly kind?: string;
  /** Whether the step waits for a person (the ring's autoMerge does not list its kind). */
  readonly needsApproval: boolean;
  /** Why it moves, waits or is held. */
  readonly reason: string;
  /** How to release a held fleet. */
  readonly release?: string;
  /** The version a start brings in, and whether an urgent CVE asks for it. */
  readonly target?: string;
  readonly urgent?: boolean;
}

const v = (s: string) => KubernetesVersion.parse(s);
/** The fleet kind each `cloud` of the autopilot policy names. */
const FLEET_KIND_OF_CLOUD: { [cloud: string]: FleetKind } = {
  'aks': FleetKind.AKS_CLUSTER, 'eks': FleetKind.EKS_CLUSTER, 'aks-pool': FleetKind.AKS_NODE_POOL, 'eks-pool': FleetKind.EKS_NODE_POOL,
};
const patchOf = (s: string) => { const x = v(s); return x.patch ?? -1; };

/** The last failed deploy not yet released, or undefined. */
export function holdingFailure(fleet: string, records: DeployRecord[], policy: AutopilotPolicy): DeployRecord | undefined {
  const released = policy.released[fleet] ? Date.parse(policy.released[fleet]) / 1000 : -Infinity;
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (recordTime(r.finishedAt) <= released) return undefined;
    if (r.outcome === DeployOutcome.FAILED) return r;
  }
  return undefined;
}

/**
 * Since when (seconds) the fleet has served a version accepted by `serves` with all the traffic, every
 * deploy since then succeeded (so every gate passed); undefined when it does not now.
 */
export function servedSince(records: DeployRecord[], serves: (version: string) => boolean): number | undefined {
  let since: number | undefined;
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    const full = r.units.filter((u) => u.lifecycle === UnitLifecycle.SERVING);
    if (r.outcome !== DeployOutcome.SUCCEEDED || full.length !== 1 || full[0].weight !== 100 || !serves(full[0].version)) break;
    since = recordTime(r.finishedAt);
  }
  return since;
}

function severityRank(s: string | undefined): number {
  return s === undefined ? -1 : SEVERITIES.indexOf(s);
}

const kindOf = (c: StepCommand, before: RolloutStateFile): string => {
  if (c.name !== 'promote') return c.name === 'retire' && c.slot ? 'rollback' : c.name;
  return before.units.some((u) => u.lifecycle === UnitLifecycle.CANDIDATE) ? 'canary' : 'promote';
};

/** Decides every fleet's next move. */
export function decideAutopilot(input: AutopilotInput): AutopilotDecision[] {
  const { policy, now } = input;
  const byFleet = new Map(input.fleets.map((f) => [f.state.fleet, f]));
  const held = new Map<string, DeployRecord>();
  for (const f of input.fleets) {
    const h = holdingFailure(f.state.fleet, f.records, policy);
    if (h) held.set(f.state.fleet, h);
  }
  return input.fleets.map((f) => decideOne(f, input, byFleet, held, now));
}

function decideOne(f: AutopilotFleetInput, input: AutopilotInput, byFleet: Map<string, AutopilotFleetInput>, held: Map<string, DeployRecord>, now: number): AutopilotDecision {
  const { policy } = input;
  const s = f.state;
  const k = policy.rings.findIndex((r) => r.fleets.includes(s.fleet));
  const ring = policy.rings[k];
  const entry = policy.fleets[s.fleet];
  const base = { fleet: s.fleet, ring: ring.name };
  const wait = (reason: string): AutopilotDecision => ({ ...base, action: AutopilotAction.WAIT, needsApproval: false, reason });
  const step = (command: StepCommand, reason: string, extra: Partial<AutopilotDecision> = {}): AutopilotDecision => {
    const kind = kindOf(command, s);
    return { ...base, action: AutopilotAction.STEP, command, kind, needsApproval: !ring.autoMerge.includes(kind), reason: `${commandLine(command)}: ${reason}`, ...extra };
  };
  const serving = s.units.filter((u) => u.lifecycle === UnitLifecycle.SERVING);
  const candidates = s.units.filter((u) => u.lifecycle === UnitLifecycle.CANDIDATE);
  const standby = s.units.filter((u) => u.lifecycle === UnitLifecycle.STANDBY);
  const retired = s.units.filter((u) => u.lifecycle === UnitLifecycle.RETIRED);

  // 1. A failed deploy holds the fleet; while the failed step is the current one, roll it back first.
  const failure = held.get(s.fleet);
  if (failure) {
    const release = `fix the cause, then release it in a reviewed pull request: add "released": { "${s.fleet}": "${isoSeconds(now)}" } to the autopilot policy file`;
    const why = `held: the deploy of ${describeRecord(failure)}`;
    if (failure.step === s.step && (s.policy?.onGateFailure ?? 'hold') === 'rollback') {
      if (serving.length > 1 || standby.length > 0) {
        return { ...step({ name: 'rollback' }, `${why}; the policy's onGateFailure is rollback, so the traffic goes back (a rollback is never delayed by a window or a soak)`), release };
      }
      if (candidates.length > 0) {
        return { ...step({ name: 'retire', slot: candidates[candidates.length - 1].slot }, `${why}; the candidate never served, so it is abandoned`), release };
      }
    }
    return { ...base, action: AutopilotAction.HOLD, needsApproval: false, reason: why, release };
  }

  // 2. The current step must have been deployed, successfully.
  const current = lastRecordOf(f.records, s.step, f.digest) ?? lastRecordOf(f.records, s.step);
  if (!current) return wait(`step ${s.step} is not deployed yet (no deploy record of it)`);
  if (current.outcome !== DeployOutcome.SUCCEEDED) return wait(`the deploy of step ${s.step} was ${current.outcome} at ${current.finishedAt}: re-run the deploy (it is retry-safe)`);
  const since = trafficSince(s, f.records, f.digest) ?? trafficSince(s, f.records) ?? recordTime(current.finishedAt);

  // 3. Rings before this one that failed hold it.
  for (let j = 0; j < k; j++) {
    const r = policy.rings[j];
    const failed = r.fleets.filter((x) => held.has(x));
    if (failed.length >= r.failureThreshold) {
      const cleanup = serving.length === 1 && candidates.length === 0 && (retired.length > 0);
      if (!cleanup) {
        return { ...base, action: AutopilotAction.HOLD, needsApproval: false, reason: `held: ring ${r.name} has ${failed.length} held fleet(s) (${failed.join(', ')}), at its failure threshold of ${r.failureThreshold}, so every ring after it waits`, release: `release the held fleets of ring ${r.name} (see their reasons)` };
      }
    }
  }

  // 4. Windows and blackouts.
  const blackout = blackoutAt(policy, s.fleet, now);
  if (blackout) return wait(`in a blackout until ${blackout.to} (${blackout.reason})`);
  if (!inWindow(entry, now)) {
    const next = nextWindow(entry, now);
    return wait(`outside its maintenance window${next ? `; the next one opens at ${isoSeconds(next)}` : ''}`);
  }

  // 5. A rollout under way moves one step, after its soak.
  const soaked = (c: StepCommand): string | undefined => {
    const after = applyStep(s, c);
    const sk = stepKind(s, after);
    const min = soakMinutes(s, sk).minutes;
    const left = since + min * 60 - now;
    return left > 0 ? `soak: the ${sk.kind} step waits ${min} min after the last traffic change (deployed ${isoSeconds(since)}); ${Math.ceil(left / 60)} min left` : undefined;
  };
  // 6. The next version: an urgent patch (even while the last upgrade's old unit still stands by), else the
  // next minor (ring by ring), else a patch (ring by ring).
  const u = rampingUnit(s) ?? s.units[0];
  const cur = v(u.kubernetesVersion);
  const kind = entry.cloud.replace('-pool', '');
  const offered = input.offered[`${kind}/${entry.region}`] ?? [];
  // What the fleet is made of: the policy's cloud; a state file that names another kind is held (one of them is wrong).
  const fleetKind = FLEET_KIND_OF_CLOUD[entry.cloud];
  if (s.kind !== undefined && s.kind !== fleetKind) {
    return { ...base, action: AutopilotAction.HOLD, needsApproval: false, reason: `held: the state file's kind is ${s.kind}, the autopilot policy's cloud ${entry.cloud} is ${fleetKind}`, release: 'make the state file\'s "kind" and the policy\'s "cloud" name the same kind of fleet' };
  }
  // The versions this kind of fleet can build next from this state in this region: the shared rule
  // (offered, newer than every live unit, within the policy's minors, skew-legal for pools), as the CLI suggests them.
  const buildable = new Set(buildableNextVersions(s, { kind: fleetKind, offered, controlPlaneVersion: entry.controlPlane }));
  // EKS builds minors (AWS picks the patch), so a patch of the serving minor is judged by the rest.
  const minorsOnly = fleetKind === FleetKind.EKS_CLUSTER || fleetKind === FleetKind.EKS_NODE_POOL;
  const calendar = kind === 'eks' ? KubernetesSupportCalendar.eks({ asOf: isoSeconds(now).slice(0, 10) }) : KubernetesSupportCalendar.aks({ asOf: isoSeconds(now).slice(0, 10) });
  const maxMinor = v(s.policy?.maximumKubernetesVersion ?? DEFAULT_MAXIMUM_KUBERNETES_VERSION);
  const notes: string[] = [];
  const usable = (t: string): boolean => {
    const tv = v(t);
    const samePatchLine = minorsOnly && tv.minor === cur.minor;
    if (!samePatchLine && !buildable.has(t) && !buildable.has(tv.minorVersion)) {
      // Why the shared rule refused it, for the reason shown.
      const skew = entry.controlPlane ? kubeletSkewProblem(v(entry.controlPlane), tv) : undefined;
      if (tv.minorsAhead(maxMinor) > 0) notes.push(`${t} is beyond the state file's maximumKubernetesVersion ${maxMinor.minorVersion}`);
      else if (skew) notes.push(`${t}: ${skew}`);
      else notes.push(`${t}: a ${fleetKind} fleet cannot build it next from this state`);
      return false;
    }
    // Not after the last support the cloud gives the minor, when the cloud upgrades such a cluster by itself:
    // EKS extended support (EKS clusters default to upgrade_policy EXTENDED), AKS platform support (while N-3).
    const e = calendar.entries.find((x) => x.minor === tv.minorVersion);
    const end = kind === 'eks' ? (e?.endOfExtendedSupport ?? e?.endOfSupport) : e?.endOfPlatformSupport;
    if (end !== undefined && Date.parse(end) / 1000 < now) { notes.push(`${tv.minorVersion} left ${kind.toUpperCase()} ${kind === 'eks' ? 'extended' : 'platform'} support on ${end}`); return false; }
    return true;
  };
  const start = (t: string, why: string, urgent: boolean): AutopilotDecision => step({ name: 'start', version: t }, why, { target: t, urgent });

  // Urgent: a CVE at or above the policy's rating, fixed in a newer patch of this minor; every ring at once.
  const threshold = SEVERITIES.indexOf(policy.urgentSeverity);
  const settled = serving.length === 1 && candidates.length === 0 && retired.length === 0;
  for (const c of settled ? input.feed : []) {
    if (severityRank(c.severity) < threshold || Date.parse(c.published) / 1000 > now) continue;
    const fix = c.fixed.filter((x) => v(x).minor === cur.minor && patchOf(x) > patchOf(u.kubernetesVersion));
    if (fix.length === 0) continue;
    const lowest = fix.sort((a, b) => v(a).compare(v(b)))[0];
    // An EKS unit declared by minor: AWS patches its control plane in place (EKS lists minors), so no
    // unit of the library brings the fix; the CVE is reported, and the fleet's other steps go on.
    if (minorsOnly && cur.patch === undefined) { notes.push(`${c.id} (${c.severity}) is fixed in ${lowest}: EKS applies control plane patches in place`); continue; }
    const target = [...offered].reverse().find((x) => v(x).minor === cur.minor && patchOf(x) >= patchOf(lowest) && usable(x));
    if (!target) {
      const offeredFix = offered.some((x) => v(x).minor === cur.minor && patchOf(x) >= patchOf(lowest));
      return wait(`urgent ${c.id} (${c.severity}) is fixed in ${lowest}, which ${offeredFix ? `this fleet cannot start (${[...new Set(notes)].slice(0, 3).join('; ')})` : `${kind}/${entry.region} does not offer yet`}`);
    }
    return start(target, `urgent: ${c.id} (${c.severity}, published ${c.published}) is fixed in ${lowest}; urgent patches skip ring order, canary first in each fleet`, true);
  }

  if (retired.length > 0) {
    const problem = forgetProblem(s, retired.map((u) => u.slot), f.records);
    if (problem) return wait(problem);
    return step({ name: 'forget' }, `the retirement of ${retired.map((u) => u.slot).join(', ')} was deployed (${describeRecord(current)})`);
  }
  if (candidates.length > 0 && serving.length > 0) {
    const c: StepCommand = { name: 'promote' };
    const w = soaked(c);
    return w ? wait(w) : step(c, `${candidates[candidates.length - 1].slot} passed its checks (${describeRecord(current)}); it takes the canary weight`);
  }
  if (serving.length > 1) {
    const ramp = rampingUnit(s)!;
    // The last shift that would reach 100 is the finishing promote instead (the others stand by).
    const rampAfter = applyStep(s, { name: 'shift' }).units.find((x) => x.slot === ramp.slot)!;
    const c: StepCommand = (rampAfter.weight ?? 0) >= 100 ? { name: 'promote' } : { name: 'shift' };
    const w = soaked(c);
    return w ? wait(w) : step(c, `${ramp.slot} serves ${ramp.weight} % with every gate passing (${describeRecord(current)})`);
  }
  if (standby.length > 0) {
    const left = since + ring.soakHours * 3600 - now;
    if (left > 0) return wait(`${standby.map((u) => u.slot).join(', ')} stands by for rollback during the ring soak (${ring.soakHours} h from ${isoSeconds(since)}); ${Math.ceil(left / 3600)} h left`);
    return step({ name: 'retire' }, `${serving[0].slot} served 100 % for the ring soak of ${ring.soakHours} h with every gate passing`);
  }
  if (candidates.length > 0) return wait('a candidate with no serving unit: nothing the autopilot can move');

  if (offered.length === 0) return wait(`no offered versions known for ${kind}/${entry.region} (refresh the offered-versions file)`);
  const ringGate = (serves: (version: string) => boolean, what: string): string | undefined => {
    if (k === 0) return undefined;
    const prev = policy.rings[k - 1];
    for (const g of prev.fleets) {
      const gi = byFleet.get(g);
      const t = gi ? servedSince(gi.records, serves) : undefined;
      if (t === undefined) return `${what} waits for ring ${prev.name}: ${g} does not serve it with all the traffic and every gate passing yet`;
      const left = t + prev.soakHours * 3600 - now;
      if (left > 0) return `${what} waits for ring ${prev.name}'s soak: ${g} serves it since ${isoSeconds(t)}; ${Math.ceil(left / 3600)} h of ${prev.soakHours} h left`;
    }
    return undefined;
  };

  const nextMinor = offered.filter((x) => v(x).minor === cur.minor + 1 && usable(x));
  if (nextMinor.length > 0) {
    const target = nextMinor[nextMinor.length - 1];
    const gate = ringGate((x) => v(x).minor >= cur.minor + 1, `minor ${v(target).minorVersion}`);
    if (!gate) return start(target, `minor ${v(target).minorVersion} is offered and ${k === 0 ? 'this is the first ring' : `ring ${policy.rings[k - 1].name} served it for its soak`}`, false);
    // A patch of the current minor may still go first; otherwise wait for the ring.
    const patch = offered.filter((x) => v(x).minor === cur.minor && patchOf(x) > patchOf(u.kubernetesVersion) && usable(x)).pop();
    if (!patch) return wait(gate);
  }
  const patch = offered.filter((x) => v(x).minor === cur.minor && patchOf(x) > patchOf(u.kubernetesVersion) && usable(x)).pop();
  if (patch) {
    // A fleet of the ring before declared by minor (EKS: AWS patches in place) serving this minor counts as serving the patch.
    const gate = ringGate((x) => v(x).compare(v(patch)) >= 0 || (v(x).patch === undefined && v(x).minor === v(patch).minor), `patch ${patch}`);
    if (gate) return wait(gate);
    return start(patch, `patch ${patch} is offered (serving ${u.kubernetesVersion})`, false);
  }
  return wait(`up to date: ${u.slot} serves ${u.kubernetesVersion}${notes.length ? ` (${[...new Set(notes)].slice(0, 3).join('; ')})` : ''}`);
}
