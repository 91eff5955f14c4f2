// The scenarios R1–R12 of issue 9, and the run groups that deploy them together.
// Fleet names are short and unique per run (they prefix every stack and every cloud name).
import { SlowBuild } from './app-fleets';
import { FaultSpec, FleetDecl, ScenarioDef, StepSpec, StepView, WorldPort } from './model';
import { trafficStack, unitStack } from './checks';
import { firstError } from './group';
import { SLO_SCENARIOS } from './catalog-slo';
import { HCP_SCENARIOS } from './catalog-hcp';
import { CALENDAR_SCENARIOS } from './catalog-calendar';
import { WorldStore } from '../world/store';
import { WorldOps } from '../world/ops';
import { timestamp } from '../world/rules/common';
import { addonBuilds } from '../world/rules/eks-addon-versions';

const FROM = '1.33';
const TO = '1.34';
/** Policy of the whole-upgrade fleets: canary 10, then 40 points per shift (one step fewer than the default 25). */
const WHOLE_POLICY = { canaryWeight: 10, maxWeightStep: 40 };

/**
 * A whole upgrade from an empty world, every command the CLI's: blue alone, then start → canary →
 * shifts → green 100 / blue standby → retire → forget (the README's PR-by-PR table). The fleets'
 * policy allows 40 points per shift (WHOLE_POLICY), so the shifts are 10 → 50 → 90. Green's build
 * is slow (slowGreen).
 */
function wholeUpgrade(fleet: string): StepSpec[] {
  return [
    { label: `first deploy: blue ${FROM} serves 100` },
    { label: `start ${TO}: green candidate (a slow build)`, cli: [[fleet, 'start', TO]] },
    { label: 'promote: green canary 10', cli: [[fleet, 'promote']] },
    { label: 'shift: green 50', cli: [[fleet, 'shift']] },
    { label: 'shift: green 90', cli: [[fleet, 'shift']] },
    { label: 'promote: green 100, blue standby', cli: [[fleet, 'promote']] },
    { label: 'retire blue', cli: [[fleet, 'retire']], verify: (v) => retiredDestroyed(v, fleet, 'blue') },
    { label: 'forget blue', cli: [[fleet, 'forget']], verify: (v) => forgotten(v, fleet, 'blue') },
  ];
}

/**
 * Green's build is slow, as a real cluster's is: the object its router knows it by (the cluster;
 * the ALB target group; the Global Accelerator endpoint's load balancer) is created only after the
 * fleet's traffic stack started acting (+20 s), or after 150 s. The traffic stack must wait for
 * every live unit's stack (issue 10 item 2); one that looks the candidate up by name fails if not.
 */
function slowGreen(hostTypes: string[], objectType: string): SlowBuild {
  return { slot: 'green', hostTypes, objectType, timeoutSeconds: 150, graceSeconds: 20 };
}

/** No delete anywhere in the fleet's unit and traffic stacks. */
function nothingDestroyed(v: StepView, fleet: string): string[] {
  const d = v.actions.filter((a) => (a.action === 'delete' || a.action === 'destroy') && (a.stack.startsWith(`${fleet}-unit-`) || a.stack === trafficStack(fleet)));
  return d.length ? [`fleet ${fleet}: ${d.length} object(s) destroyed in a failed step: ${d.slice(0, 2).map((a) => `${a.stack} ${a.type}`).join(', ')}`] : [];
}

/**
 * A node-pool upgrade: the control plane moves one minor per step (1.32 → 1.33 → 1.34, in place,
 * in the shared stack) while blue (1.32) serves; green (1.34) starts with the last control-plane
 * step, then canary, all, standby, retire, forget. Pools do not split by weight (scheduling), so the
 * policy lets green go from its canary to 100 in one step.
 */
function poolUpgrade(fleet: string, drainFaults?: FaultSpec[]): StepSpec[] {
  return [
    { label: 'first deploy: control plane 1.32, pool blue 1.32 serves' },
    { label: 'control plane 1.32 → 1.33 (pools unchanged)', controlPlane: { [fleet]: '1.33' } },
    { label: `control plane 1.33 → ${TO}, start pool green ${TO}`, controlPlane: { [fleet]: TO }, cli: [[fleet, 'start', TO]] },
    { label: 'promote: green schedulable (canary 10)', cli: [[fleet, 'promote']] },
    { label: `promote: green 100, blue standby (cordoned)${drainFaults ? `; ${drainFaults.map((f) => f.label).join(', ')}` : ''}`, cli: [[fleet, 'promote']], faults: drainFaults },
    { label: 'retire blue', cli: [[fleet, 'retire']], verify: (v) => retiredDestroyed(v, fleet, 'blue') },
    { label: 'forget blue', cli: [[fleet, 'forget']], verify: (v) => forgotten(v, fleet, 'blue') },
  ];
}

/** The retired unit's stack destroyed what it had (deletes seen), after the traffic stack. */
function retiredDestroyed(v: StepView, fleet: string, slot: string): string[] {
  const name = v.unitNames(fleet)[slot];
  if (!name) return [`fleet ${fleet}: the rollout plan has no unit for slot ${slot} at its retirement`];
  const deletes = v.actions.filter((a) => a.stack === unitStack(fleet, name) && (a.action === 'delete' || a.action === 'destroy'));
  return deletes.length ? [] : [`fleet ${fleet}: retiring ${slot} destroyed nothing (no delete in ${unitStack(fleet, name)})`];
}

/** After forget, the retired unit has no stack any more. */
function forgotten(v: StepView, fleet: string, slot: string): string[] {
  const left = v.stacksOf(fleet).filter((s) => s.startsWith(`${fleet}-unit-${slot}-`) || s.startsWith(`${fleet}-validate-${slot}-`));
  return left.length ? [`fleet ${fleet}: ${slot} was forgotten but the app still has ${left.join(', ')}`] : [];
}

/**
 * A delete Azure Resource Manager refuses for now: "409 Conflict ... another operation is in progress"
 * (https://learn.microsoft.com/en-us/azure/azure-resource-manager/troubleshooting/common-deployment-errors).
 */
const DELETE_CONFLICT = 'Conflict: another operation is in progress on the resource (simulated; learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors)';

/**
 * After a failed retirement deploy: the fleet's last deploy record (written by `record`) says failed,
 * and `forget` is refused by the rule forget, naming the failed record (the CLI call alone).
 */
function forgetRefusedAfterFailedRetirement(v: StepView, fleet: string, slot: string): string[] {
  const problems = nothingDestroyedButUnit(v, fleet, slot);
  const last = v.repo.records(fleet).slice(-1)[0];
  if (!last || last.outcome !== 'failed') problems.push(`fleet ${fleet}: the failed retirement deploy was recorded as ${last ? last.outcome : '(no record)'}`);
  const r = v.repo.cli(fleet, ['forget', slot, '--dry-run'], true);
  if (r.code !== 1 || !/rule forget: .*no deploy record says a deploy of step \d+ or later succeeded .*the last record is step \d+, failed/.test(r.out.replace(/\s+/g, ' '))) {
    problems.push(`fleet ${fleet}: after the failed retirement deploy, forget ${slot} was not refused by the rule forget naming the failed record (exit ${r.code}): ${r.out.trim().split('\n').slice(0, 2).join(' | ')}`);
  }
  return problems;
}

/** The drain timer ran in the traffic stack before any delete in a unit stack of the fleet (this deploy). */
function drainedBeforeDelete(v: StepView, fleet: string): string[] {
  const drain = v.actions.find((a) => a.stack === trafficStack(fleet) && a.type === 'time_sleep' && ['create', 'drain', 'replace'].includes(a.action));
  const del = v.actions.find((a) => a.stack.startsWith(`${fleet}-unit-`) && (a.action === 'delete' || a.action === 'destroy'));
  if (!drain) return [`fleet ${fleet}: the retirement deploy ran no drain timer`];
  return del && del.seq < drain.seq ? [`fleet ${fleet}: ${del.stack} ${del.type} was deleted before the drain timer ran`] : [];
}

/** A retried retirement: deletes only in the retired unit's stack, no router change, green keeps 100 %. */
function retryDestroysOnly(v: StepView, fleet: string, slot: string): string[] {
  const name = v.unitNames(fleet)[slot];
  const problems: string[] = [];
  const other = v.actions.filter((a) => (a.action === 'delete' || a.action === 'destroy') && !(name && a.stack === unitStack(fleet, name)));
  if (other.length) problems.push(`fleet ${fleet}: the retried retirement deleted more than ${slot}'s stack: ${other.slice(0, 2).map((a) => `${a.stack} ${a.type}`).join(', ')}`);
  const routed = v.actions.filter((a) => a.stack === trafficStack(fleet) && a.action !== 'read');
  if (routed.length) problems.push(`fleet ${fleet}: the retried retirement changed the traffic stack: ${routed.slice(0, 2).map((a) => `${a.action} ${a.type}`).join(', ')}`);
  const green = v.world.shares(fleet)[v.unitNames(fleet).green] ?? 0;
  if (green !== 100) problems.push(`fleet ${fleet}: green serves ${green} %, not 100 %, after the retried retirement`);
  return problems;
}

/** A failed retirement deploy changed nothing but the retired unit's own stack (the traffic stack left it before). */
function nothingDestroyedButUnit(v: StepView, fleet: string, slot: string): string[] {
  const name = v.unitNames(fleet)[slot];
  const d = v.actions.filter((a) => (a.action === 'delete' || a.action === 'destroy') && a.stack.startsWith(`${fleet}-unit-`) && !(name && a.stack === unitStack(fleet, name)));
  return d.length ? [`fleet ${fleet}: the failed retirement destroyed objects of other units: ${d.slice(0, 2).map((a) => `${a.stack} ${a.type}`).join(', ')}`] : [];
}

/** Nothing of the unit remains in the world (R11). */
function nothingRemains(v: StepView, fleet: string, slot: string, names: () => Record<string, string>): string[] {
  const name = names()[slot];
  if (!name) return [`fleet ${fleet}: no unit name for ${slot}`];
  const left = v.world.remainsOf(fleet, name);
  return left.length ? [`fleet ${fleet}: after retiring ${slot} (${name}) the world still holds ${left.length}: ${left.slice(0, 6).join(', ')}${left.length > 6 ? ', …' : ''}`] : [];
}

/** The deploy failed where the fault is: in the unit's validation stack (its checks), nowhere else first. */
function failedInChecksOf(v: StepView, fleet: string, slot: string): string[] {
  const failed = v.deploy.failedStacks.filter((s) => s.startsWith(`${fleet}-`));
  if (failed.some((s) => s.startsWith(`${fleet}-validate-${slot}-`))) return [];
  return [`fleet ${fleet}: the deploy failed, but not in ${slot}'s checks (failed: ${failed.map((s) => `${s}: ${firstError(v.deploy, s)}`).join('; ') || 'none'})`];
}

/** A failed deploy's traffic stack did nothing but read, and nothing anywhere was destroyed. */
function stoppedBeforeTraffic(v: StepView, fleet: string): string[] {
  const problems: string[] = [];
  const t = trafficStack(fleet);
  const changed = v.actions.filter((a) => a.stack === t && a.action !== 'read');
  if (changed.length || v.deploy.appliedStacks.includes(t)) problems.push(`fleet ${fleet}: the traffic stack was applied although a check failed (${changed.slice(0, 2).map((a) => `${a.action} ${a.type}`).join(', ') || 'cdktf reported it applied'})`);
  return [...problems, ...nothingDestroyed(v, fleet)];
}

/**
 * A candidate's failed check stops every weight move; its router entry may still be created, disabled
 * (weight 0 = a disabled Traffic Manager endpoint / Front Door origin, which receives no request:
 * https://learn.microsoft.com/azure/traffic-manager/traffic-manager-manage-endpoints), because the
 * traffic stack waits only for the checks of units with weight (DESIGN.md, "Stack topology") and
 * cdktf may start it before the candidate's check fails. The timeline's exact-zero rule proves the
 * candidate got no request; this proves nothing else in the traffic stack changed.
 */
function candidateKeptOut(v: StepView, fleet: string, slot: string): string[] {
  const t = trafficStack(fleet);
  const other = v.actions.filter((a) => a.stack === t && a.action !== 'read'
    && !(a.action === 'create' && `${a.unit ?? ''} ${a.name ?? ''} ${a.id ?? ''}`.includes(`${slot}-`)));
  const problems = other.length ? [`fleet ${fleet}: the traffic stack changed more than the ${slot} candidate's disabled entry although its check failed (${other.slice(0, 2).map((a) => `${a.action} ${a.type} ${a.name ?? ''}`).join(', ')})`] : [];
  return [...problems, ...nothingDestroyed(v, fleet)];
}

const faultsAt = (fleet: string, slot: string): FaultSpec[] => [
  { label: 'nodes NotReady', fleet, slot, fault: { kind: 'nodes-not-ready' } },
  { label: 'nodes on the wrong kubelet version', fleet, slot, fault: { kind: 'wrong-kubelet-version', version: 'v1.33.5' } },
  { label: 'smoke Job fails', fleet, slot, fault: { kind: 'job-fails' } },
  { label: 'origin answers 503', fleet, slot, fault: { kind: 'origin-status', status: 503 } },
  // A status the http provider does not retry (only connection errors and 5xx but 501 are): the probe's
  // own postcondition must refuse it (an ingress with no rule for the unit's host yet answers 404).
  { label: 'origin answers 404 (its ingress route is not there yet)', fleet, slot, fault: { kind: 'origin-status', status: 404 } },
  { label: 'origin not answering (beyond the probe\'s attempts)', fleet, slot, fault: { kind: 'origin-late', attempts: 1000 } },
  { label: 'role assignment not effective (beyond the checks\' reads)', fleet, slot, fault: { kind: 'role-assignment-late', attempts: 100000 } },
  { label: 'apply error on the check Job', fleet, fault: { kind: 'apply-error', type: 'kubernetes_job_v1' } },
];

// ---- issue 16: GitOps, workload access, version offered ----------------------------------------
const GITOPS = { repository: { url: 'https://github.com/example/shop-gitops', path: 'clusters/{minor}' } };
const SHOP_API_IDENTITY = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-api';

/** The fleet's step failed in a validation stack of `slot`, with an error matching `what`. */
function failedCheck(v: StepView, fleet: string, slot: string, what: RegExp, label: string): string[] {
  const failed = v.deploy.failedStacks.filter((s) => s.startsWith(`${fleet}-validate-${slot}-`));
  if (!failed.length) return [`${fleet}: ${slot}'s validation stack did not fail (failed: ${v.deploy.failedStacks.join(', ') || 'none'})`];
  const msg = firstError(v.deploy, failed[0]) + ' ' + v.actions.filter((a) => a.action === 'check-fail').map((a) => `${a.name}: ${a.detail ?? ''}`).join(' ');
  return what.test(msg) ? [] : [`${fleet}: ${slot}'s validation failed, but not ${label}: ${firstError(v.deploy, failed[0])}`];
}

/** The unit holds a federated identity credential in the world (it arrived with the unit). */
function federated(v: StepView, fleet: string, slot: string): string[] {
  const name = v.unitNames(fleet)[slot];
  const held = name ? v.world.remainsOf(fleet, name).filter((x) => x.startsWith('azurerm_federated_identity_credential ')) : [];
  return held.length === 1 ? [] : [`${fleet}: ${slot} holds ${held.length} federated identity credential(s) in the world, expected 1`];
}

/** The unit has no entry at the fleet's router (it gets no traffic). */
function noRouterEntry(v: StepView, fleet: string, slot: string): string[] {
  const name = v.unitNames(fleet)[slot];
  const entries = name ? v.world.remainsOf(fleet, name).filter((x) => /^azurerm_(traffic_manager_external_endpoint|cdn_frontdoor_origin) /.test(x)) : [];
  return entries.length ? [`${fleet}: ${slot} has a router entry although its check failed: ${entries.join(', ')}`] : [];
}

/** Nothing was created anywhere in the fleet: the step stopped at plan. */
function nothingCreated(v: StepView, fleet: string): string[] {
  const made = v.actions.filter((a) => a.stack.startsWith(`${fleet}-`) && (a.action === 'create' || a.action === 'replace'));
  return made.length ? [`${fleet}: ${made.length} object(s) created although the version is not offered: ${made.slice(0, 3).map((a) => `${a.stack} ${a.type}`).join(', ')}`] : [];
}

/** The fleet's shared stack failed the plan naming the version 1.36, the unit and the offered versions; nothing was created or destroyed. */
function notOffered(v: StepView, fleet: string, slot: string, offered: RegExp): string[] {
  const problems: string[] = [];
  if (!v.deploy.failedStacks.includes(`${fleet}-shared`)) problems.push(`${fleet}: the shared stack did not fail (failed: ${v.deploy.failedStacks.join(', ') || 'none'})`);
  else {
    const msg = firstError(v.deploy, `${fleet}-shared`) + v.deploy.output;
    if (!new RegExp(`Kubernetes 1\\.36 \\(unit ${slot}\\) is not offered`).test(msg) || !offered.test(msg)) problems.push(`${fleet}: the plan failed, but not naming 1.36 and the offered versions: ${firstError(v.deploy, `${fleet}-shared`)}`);
  }
  return [...problems, ...nothingCreated(v, fleet), ...nothingDestroyed(v, fleet)];
}

/**
 * Issue 20 item 6: every add-on of the unit in `slot` runs the newest build the simulated EKS offers
 * for `minor` (rules/eks-addon-versions.ts), read from the world's objects.
 */
function addonsAreMostRecent(v: StepView, fleet: string, slot: string, minor: string): string[] {
  const unit = v.unitNames(fleet)[slot];
  if (!unit) return [`${fleet}: no unit in slot ${slot}`];
  const objects = Object.values(new WorldStore((v.world as unknown as { file: string }).file).read().objects)
    .filter((o) => o.type === 'aws_eks_addon' && o.unit === unit);
  const problems: string[] = [];
  for (const name of ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent', 'coredns']) {
    const builds = addonBuilds(name, minor);
    const o = objects.find((x) => x.attrs.addon_name === name);
    if (!o) problems.push(`${fleet}: unit ${unit} has no ${name} add-on`);
    else if (o.attrs.addon_version !== builds[builds.length - 1]) problems.push(`${fleet}: ${name} of ${unit} runs ${String(o.attrs.addon_version)}, not the most recent build for ${minor} (${builds[builds.length - 1]})`);
  }
  return problems;
}

// ---- issue 24 item 4: EKS GitOps bootstrap and workload access ---------------------------------
const EKS_GITOPS = { repository: { url: 'https://github.com/example/shop-gitops', path: 'clusters/{minor}' }, identityCenterInstanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef' };
const SHOP_API_ROLE = 'arn:aws:iam::123456789012:role/shop-api';

/**
 * The EKS unit in `slot` got, by itself, what its fleet declares (the world's evidence, none of it
 * the CLI's): the managed Argo CD installed on its cluster, its Application synced (the repository's
 * namespace and service accounts exist in the unit's cluster), one pod identity association for
 * shop/api, and — in this deploy — shop/api's check obtained credentials through EKS Pod Identity
 * (rehearsal/world/pod-identity.ts), not any other way.
 */
function eksSyncedAndAssociated(v: StepView, fleet: string, slot: string): string[] {
  const unit = v.unitNames(fleet)[slot];
  if (!unit) return [`${fleet}: no unit in slot ${slot}`];
  const objects = Object.values(new WorldStore((v.world as unknown as { file: string }).file).read().objects);
  const cluster = objects.find((o) => o.type === 'aws_eks_cluster' && o.unit === unit);
  if (!cluster) return [`${fleet}: ${slot} (${unit}) has no EKS cluster in the world`];
  const key = WorldOps.key(cluster.type, cluster.id, cluster.cluster);
  const inCluster = objects.filter((o) => o.cluster === key);
  const problems: string[] = [];
  if (!inCluster.some((o) => o.type === 'aws_eks_capability' && o.attrs.type === 'ARGOCD')) problems.push(`${fleet}: ${slot}'s cluster has no Argo CD capability`);
  if (!inCluster.some((o) => o.type === 'kubernetes_service_account_v1' && o.id === 'shop/api')) problems.push(`${fleet}: the sync did not create shop/api in ${slot}'s cluster`);
  const assoc = inCluster.filter((o) => o.type === 'aws_eks_pod_identity_association');
  if (assoc.length !== 1 || assoc[0].attrs.namespace !== 'shop' || assoc[0].attrs.service_account !== 'api' || assoc[0].attrs.role_arn !== SHOP_API_ROLE) {
    problems.push(`${fleet}: ${slot}'s cluster holds ${assoc.length} pod identity association(s) (${assoc.map((a) => `${String(a.attrs.namespace)}/${String(a.attrs.service_account)}`).join(', ') || 'none'}), expected one for shop/api with ${SHOP_API_ROLE}`);
  }
  const verdicts = v.actions.filter((a) => a.action === 'check-verdict' && a.unit === unit).map((a) => String(a.detail));
  if (!verdicts.some((d) => /is Synced and Healthy/.test(d))) problems.push(`${fleet}: no passing sync check of ${slot} in this deploy (${verdicts.join('; ') || 'none'})`);
  if (!verdicts.some((d) => d.startsWith(`EKS Pod Identity: role ${SHOP_API_ROLE} through association a-`))) problems.push(`${fleet}: shop/api's check on ${slot} did not obtain credentials through EKS Pod Identity in this deploy (${verdicts.join('; ') || 'none'})`);
  return problems;
}

// ---- issue 24 item 4: support warnings, read from the rollout plan --------------------------------
/**
 * The world's date of the first deploy of R11 and R14: past the end of AKS support of 1.33
 * (2026-07-31, platform support 2026-10-01) and of EKS extended support of 1.33 (2027-07-29), the
 * shipped calendars' dates. The app's support calendars take "today" from the world's clock.
 */
const PAST_SUPPORT = '2027-08-05T06:00:00Z';

/** Moves the world's clock on to `instant` (it never goes back). */
function clockTo(instant: string): (w: WorldPort) => void {
  return (w) => {
    const target = (Date.parse(instant) - Date.UTC(2026, 0, 1)) / 1000;
    if (target > w.clock()) w.advanceClock(target - w.clock());
  };
}

/** The step's rollout plan warns that `slot` serves on `cloud` `minor` past its support, dated by the world's clock. */
function supportWarned(v: StepView, fleet: string, slot: string, cloud: string, minor: string): string[] {
  const name = v.unitNames(fleet)[slot];
  const today = timestamp(v.world.clock()).slice(0, 10);
  const re = new RegExp(`^unit ${slot} \\(${name}\\) serves on ${cloud} ${minor.replace('.', '\\.')}, whose (extended )?support ended on \\d{4}-\\d{2}-\\d{2} \\(\\d+ days before ${today}\\)`);
  const warnings = v.planWarnings(fleet);
  return warnings.some((w) => re.test(w)) ? [] : [`${fleet}: the rollout plan does not warn that ${slot} (${name ?? '?'}) serves on ${cloud} ${minor} past its support as of the world's date ${today} (warnings: ${warnings.join(' | ') || 'none'})`];
}

/** The same steps, the first deployed at PAST_SUPPORT and judged also on the plan's support warning of each fleet's serving unit. */
function warnedAtFirstDeploy(steps: StepSpec[], expected: Array<[fleet: string, slot: string, cloud: string, minor: string]>): StepSpec[] {
  const [first, ...rest] = steps;
  return [{
    ...first,
    label: `${first.label}; the world's date ${PAST_SUPPORT.slice(0, 10)}: the plan warns of the minor past its support`,
    before: (w) => { clockTo(PAST_SUPPORT)(w); first.before?.(w); },
    verify: (v) => [...(first.verify?.(v) ?? []), ...expected.flatMap(([f, slot, cloud, minor]) => supportWarned(v, f, slot, cloud, minor))],
  }, ...rest];
}

// ---- Node pools that really move the workload (issue 13) ----------------------------------------
/** The sample workload: 6 replicas of shop/web on the pools' workload labels, PDB minAvailable 4. */
const WORKLOAD = (fleet: string) => ({ namespace: 'shop', name: 'web', replicas: 6, minAvailable: 4, nodeSelector: { workload: 'apps', fleet } });
const CORDON = 'bluegreen.cdktf.io/cordoned';

function podsOn(v: StepView, fleet: string, slot: string): number {
  const unit = v.unitNames(fleet)[slot];
  return unit ? v.world.podsPerUnit(fleet)[unit] ?? 0 : -1;
}

/** Where the workload runs: `pods` on `slot`, 0 on every other pool. */
function podsExactlyOn(v: StepView, fleet: string, slot: string, pods: number): string[] {
  const per = v.world.podsPerUnit(fleet);
  const unit = v.unitNames(fleet)[slot];
  const elsewhere = Object.entries(per).filter(([u, n]) => u !== unit && n > 0);
  const problems: string[] = [];
  if ((per[unit] ?? 0) !== pods) problems.push(`fleet ${fleet}: ${per[unit] ?? 0} workload pods on ${slot}, expected ${pods} (${JSON.stringify(per)})`);
  if (elsewhere.length) problems.push(`fleet ${fleet}: workload pods outside ${slot}: ${elsewhere.map(([u, n]) => `${u || 'pending'} ${n}`).join(', ')}`);
  return problems;
}

/** Every eviction of this deploy left at least minAvailable healthy pods; at least `min` evictions. */
function evictionsHeld(v: StepView, fleet: string, min: number): string[] {
  const ev = v.actions.filter((a) => a.type === 'pod' && a.action === 'evict' && a.stack === trafficStack(fleet));
  const broken = ev.filter((a) => {
    const m = /healthy (\d+) ≥ minAvailable (\d+)/.exec(String(a.detail));
    return !m || Number(m[1]) < Number(m[2]);
  });
  if (ev.length < min) return [`fleet ${fleet}: ${ev.length} eviction(s) in this deploy, expected at least ${min}`];
  return broken.length ? [`fleet ${fleet}: an eviction broke the PDB: ${String(broken[0].detail)}`] : [];
}

/** Every node of `slot` carries the cordon taint in its spec (true) or none does (false). */
function poolCordoned(v: StepView, fleet: string, slot: string, cordoned: boolean): string[] {
  const nodes = v.world.nodesOfUnit(fleet, v.unitNames(fleet)[slot] ?? '');
  if (!nodes.length) return [`fleet ${fleet}: ${slot} has no node`];
  const wrong = nodes.filter((n) => n.taints.some((t) => t.startsWith(`${CORDON}=`)) !== cordoned);
  return wrong.length ? [`fleet ${fleet}: node(s) of ${slot} ${cordoned ? 'without' : 'with'} the cordon taint: ${wrong.map((n) => `${n.name} [${n.taints.join(' ') || 'no taint'}]`).join(', ')}`] : [];
}

/** A node the autoscaler adds to `slot`'s pool gets no workload pod, even when the workload grows to `replicas`. */
function autoscaledNodeStaysEmpty(v: StepView, fleet: string, slot: string, replicas: number): string[] {
  const unit = v.unitNames(fleet)[slot];
  const node = v.world.addPoolNode(fleet, unit);
  v.world.changeWorkload(fleet, { replicas });
  const view = v.world.nodesOfUnit(fleet, unit).find((n) => n.name === node);
  const pods = v.world.podsPerNode(fleet)[node] ?? 0;
  const problems: string[] = [];
  if (!view?.taints.some((t) => t.startsWith(`${CORDON}=`))) problems.push(`fleet ${fleet}: node ${node} added to ${slot} registered without the cordon taint (${view?.taints.join(' ') || 'no taint'})`);
  if (pods > 0) problems.push(`fleet ${fleet}: ${pods} workload pod(s) landed on ${node}, added by the autoscaler to ${slot}`);
  if (podsOn(v, fleet, slot) > 0) problems.push(`fleet ${fleet}: ${podsOn(v, fleet, slot)} workload pod(s) on ${slot} after the workload grew to ${replicas}`);
  return problems;
}

/**
 * R13: a node-pool upgrade that moves the sample workload. Blue serves the workload; green is born
 * cordoned (no pod), becomes schedulable, then the standby step drains blue: first with a PDB that
 * cannot be satisfied (the deploy fails at the drain, naming the PDB and the pods; nothing deleted,
 * blue still schedulable), then with a PDB that allows it (every pod moves to green, minAvailable
 * held at each eviction); rollback moves every pod back to blue in one deploy.
 */
function workloadUpgrade(fleet: string): StepSpec[] {
  return [
    { label: `first deploy: control plane ${FROM}, pool blue ${FROM} serves` },
    {
      label: `control plane ${FROM} → ${TO}, start pool green ${TO} (born cordoned); the workload runs on blue`,
      controlPlane: { [fleet]: TO }, cli: [[fleet, 'start', TO]],
      before: (w) => w.addWorkload(fleet, WORKLOAD(fleet)),
      verify: (v) => [...podsExactlyOn(v, fleet, 'blue', 6), ...poolCordoned(v, fleet, 'green', true)],
    },
    {
      label: 'promote: green schedulable (canary 10); nothing drains',
      cli: [[fleet, 'promote']],
      verify: (v) => [...podsExactlyOn(v, fleet, 'blue', 6), ...poolCordoned(v, fleet, 'green', false)],
    },
    {
      label: 'promote: green 100, blue standby, with a PDB that cannot be satisfied (minAvailable 6 of 6): the drain fails the deploy',
      cli: [[fleet, 'promote']],
      before: (w) => w.changeWorkload(fleet, { minAvailable: 6 }),
      expect: { [fleet]: 'failed' },
      verify: (v) => {
        // The drain timer (time_sleep) is re-created when a pool leaves service; it is not an object of the cloud.
        const destroyed = v.actions.filter((a) => (a.action === 'delete' || a.action === 'destroy') && a.type !== 'time_sleep' && (a.stack.startsWith(`${fleet}-unit-`) || a.stack === trafficStack(fleet)));
        const problems = [...destroyed.map((a) => `fleet ${fleet}: ${a.stack} ${a.type} destroyed in the failed step`), ...podsExactlyOn(v, fleet, 'blue', 6), ...poolCordoned(v, fleet, 'blue', false)];
        const msg = v.deploy.output.replace(/\s+/g, ' ');
        if (!/shop\/web-pdb/.test(msg) || !/shop\/web-[0-9a-z]{5}\b/.test(msg)) problems.push(`fleet ${fleet}: the failed drain did not name the PDB and the pods: ${msg}`);
        if (!v.actions.some((a) => a.stack === trafficStack(fleet) && a.action === 'drain-blocked')) problems.push(`fleet ${fleet}: no blocked drain in the world's log`);
        if (v.world.nodesOfUnit(fleet, v.unitNames(fleet).blue).some((n) => n.unschedulable)) problems.push(`fleet ${fleet}: blue is still cordoned after the failed drain`);
        return problems;
      },
    },
    {
      label: 'the same step once the PDB allows 2 disruptions (minAvailable 4): blue drained, the workload runs on green',
      before: (w) => w.changeWorkload(fleet, { minAvailable: 4 }),
      verify: (v) => [...podsExactlyOn(v, fleet, 'green', 6), ...evictionsHeld(v, fleet, 6), ...poolCordoned(v, fleet, 'blue', true)],
    },
    {
      label: 'rollback: blue 100, green standby; every pod back on blue in one deploy',
      cli: [[fleet, 'rollback']],
      verify: (v) => [...podsExactlyOn(v, fleet, 'blue', 6), ...evictionsHeld(v, fleet, 6), ...poolCordoned(v, fleet, 'green', true), ...poolCordoned(v, fleet, 'blue', false)],
    },
  ];
}

/** R14: nodes the autoscaler adds to a candidate pool, then to a standby pool, get no workload pod. */
function autoscalerUpgrade(fleet: string): StepSpec[] {
  return [
    { label: `first deploy: control plane ${FROM}, pool blue ${FROM} serves` },
    {
      label: `control plane ${FROM} → ${TO}, start pool green ${TO}; the autoscaler adds a node to green; the workload grows to 9`,
      controlPlane: { [fleet]: TO }, cli: [[fleet, 'start', TO]],
      before: (w) => w.addWorkload(fleet, WORKLOAD(fleet)),
      verify: (v) => autoscaledNodeStaysEmpty(v, fleet, 'green', 9),
    },
    { label: 'promote: green schedulable (canary 10)', cli: [[fleet, 'promote']] },
    {
      label: 'promote: green 100, blue standby; the autoscaler adds a node to blue; the workload grows to 12',
      cli: [[fleet, 'promote']],
      verify: (v) => [...podsExactlyOn(v, fleet, 'green', 9), ...evictionsHeld(v, fleet, 9), ...autoscaledNodeStaysEmpty(v, fleet, 'blue', 12)],
    },
    {
      label: 'rollback: blue 100, green standby; every pod back on blue in one deploy',
      cli: [[fleet, 'rollback']],
      verify: (v) => [...podsExactlyOn(v, fleet, 'blue', 12), ...evictionsHeld(v, fleet, 12), ...poolCordoned(v, fleet, 'green', true)],
    },
  ];
}

/** A step in which a fleet changes nothing (it is deployed again, unchanged). */
const NOOP: StepSpec = { label: 'no change' };

/** Two fleets stepped together: step k of each in one deploy (labels joined, expectations and checks merged). */
function mergeSteps(a: StepSpec[], b: StepSpec[]): StepSpec[] {
  return a.map((x, i) => {
    const y = b[i];
    return {
      label: x === NOOP ? y.label : y === NOOP ? x.label : x.label,
      cli: [...(x.cli ?? []), ...(y.cli ?? [])],
      controlPlane: { ...(x.controlPlane ?? {}), ...(y.controlPlane ?? {}) },
      before: (w) => { x.before?.(w); y.before?.(w); },
      expect: x.expect || y.expect ? { ...(x.expect ?? {}), ...(y.expect ?? {}) } : undefined,
      verify: (v) => [...(x.verify?.(v) ?? []), ...(y.verify?.(v) ?? [])],
    };
  });
}

/** R1's fleet (and R21's, on CDK Terrain): AKS behind Front Door, green built slowly. */
function frontDoorFleet(name: string): FleetDecl {
  return { name, kind: 'aks-frontdoor', version: FROM, policy: WHOLE_POLICY, slowBuild: slowGreen(['azurerm_user_assigned_identity'], 'azurerm_kubernetes_cluster') };
}

/** R3's fleet (and R22's, on CDK Terrain): EKS behind Route 53, green built slowly. */
function route53Fleet(name: string): FleetDecl {
  return { name, kind: 'eks-route53', version: FROM, policy: WHOLE_POLICY, slowBuild: slowGreen(['aws_iam_role'], 'aws_eks_cluster') };
}

export const SCENARIOS: ScenarioDef[] = [
  { id: 'R1', text: 'AKS clusters behind Front Door: whole upgrade from an empty world', fleets: [frontDoorFleet('r1fd')], steps: wholeUpgrade('r1fd') },
  { id: 'R2', text: 'AKS clusters behind Traffic Manager: whole upgrade from an empty world', fleets: [{ name: 'r2tm', kind: 'aks-trafficmanager', version: FROM, policy: WHOLE_POLICY, slowBuild: slowGreen(['azurerm_user_assigned_identity'], 'azurerm_kubernetes_cluster') }], steps: wholeUpgrade('r2tm') },
  { id: 'R3', text: 'EKS clusters behind Route 53: whole upgrade from an empty world', fleets: [route53Fleet('r3r53')], steps: wholeUpgrade('r3r53') },
  { id: 'R4', text: 'EKS clusters behind an ALB: whole upgrade from an empty world', fleets: [{ name: 'r4alb', kind: 'eks-alb', version: FROM, policy: WHOLE_POLICY, slowBuild: slowGreen(['aws_iam_role'], 'aws_lb_target_group') }], steps: wholeUpgrade('r4alb') },
  { id: 'R5', text: 'EKS clusters behind Global Accelerator: whole upgrade from an empty world', fleets: [{ name: 'r5ga', kind: 'eks-ga', version: FROM, policy: WHOLE_POLICY, slowBuild: slowGreen(['aws_iam_role'], 'aws_lb') }], steps: wholeUpgrade('r5ga') },
  {
    id: 'R6', text: 'AKS node pools: whole upgrade, control plane one minor per step',
    fleets: [{ name: 'r6akp', kind: 'aks-pools', version: '1.32', controlPlane: '1.32', policy: { maxWeightStep: 100 } }], steps: poolUpgrade('r6akp'),
  },
  {
    id: 'R7', text: 'EKS node pools: whole upgrade, control plane one minor per step',
    fleets: [{ name: 'r7ekp', kind: 'eks-pools', version: '1.32', controlPlane: '1.32', policy: { maxWeightStep: 100 } }],
    // The drain runs 960 s (60 s to start its pod, 900 s of evictions: its whole timeout), longer than
    // an aws_eks_cluster_auth token lives (15 min): only credentials fetched per call outlast it.
    steps: poolUpgrade('r7ekp', [{ label: 'the drain takes 960 s', fleet: 'r7ekp', fault: { kind: 'drain-slow', unit: 'r7ekp', seconds: 960 } }]),
  },
  {
    id: 'R8', text: 'a failed check at the canary step stops the deploy before traffic moves, for each fault kind',
    fleets: [{ name: 'r8tm', kind: 'aks-trafficmanager', version: FROM }],
    steps: [
      { label: 'first deploy' },
      { label: `start ${TO}`, cli: [['r8tm', 'start', TO]] },
      ...faultsAt('r8tm', 'green').map((f, i): StepSpec => ({
        label: `promote (canary 10) with fault: ${f.label}`,
        cli: i === 0 ? [['r8tm', 'promote']] : undefined,
        faults: [f],
        expect: { r8tm: 'failed' },
        verify: (v) => [...failedInChecksOf(v, 'r8tm', 'green'), ...stoppedBeforeTraffic(v, 'r8tm')],
      })),
      { label: 'the same step after the faults cleared: canary 10 deploys' },
    ],
  },
  {
    // Issue 20.5: nothing the library creates in a cluster may block the retry of an interrupted deploy.
    id: 'R8I', text: 'a deploy cut off after a check Job was created (not in state) is retried: the retry creates its own Job, no AlreadyExists',
    fleets: [{ name: 'r8itm', kind: 'aks-trafficmanager', version: FROM }],
    steps: [
      { label: 'first deploy' },
      {
        label: `start ${TO}: the deploy is cut off right after green's first check Job was created`, cli: [['r8itm', 'start', TO]],
        faults: [{ label: 'interrupted after a Job create', fleet: 'r8itm', slot: 'green', fault: { kind: 'interrupted-after-create', type: 'kubernetes_job_v1', attempts: 1 } }],
        expect: { r8itm: 'failed' }, standard: false,
        verify: (v) => {
          const text = Object.values(v.deploy.errors).flat().join(' ');
          return /interrupted/.test(text) ? [] : [`the deploy did not fail on the interruption: ${text.slice(0, 200)}`];
        },
      },
      {
        label: 'the same step deployed again: green\'s checks create new Jobs and pass',
        verify: (v) => {
          const dup = v.actions.filter((a) => a.action === 'error' && /already exists/i.test(String(a.detail ?? '')));
          return dup.length ? [`the retry met AlreadyExists: ${String(dup[0].detail).slice(0, 200)}`] : [];
        },
      },
    ],
  },
  {
    id: 'R9', text: 'rollback mid-canary returns 100 % to blue in one deploy',
    fleets: [{ name: 'r9r53', kind: 'eks-route53', version: FROM }],
    steps: [
      { label: 'first deploy' },
      { label: `start ${TO}`, cli: [['r9r53', 'start', TO]] },
      { label: 'promote: canary 10', cli: [['r9r53', 'promote']] },
      { label: 'shift: green 35', cli: [['r9r53', 'shift']] },
      {
        label: 'rollback: blue 100, green standby', cli: [['r9r53', 'rollback']],
        // Evidence from the world, not the state file the CLI just wrote: every simulated request
        // now reaches blue, none green (green untouched: the standard checks).
        verify: (v) => {
          const names = v.unitNames('r9r53');
          const shares = v.world.shares('r9r53');
          return shares[names.blue] === 100 && (shares[names.green] ?? 0) === 0
            ? [] : [`after the rollback the world sends ${(shares[names.blue] ?? 0).toFixed(2)} % to blue and ${(shares[names.green] ?? 0).toFixed(2)} % to green (expected 100 and 0)`];
        },
      },
    ],
  },
  {
    id: 'R10', text: 'replacing a live unit through an escape hatch fails at plan on prevent_destroy; the world is unchanged',
    fleets: [{ name: 'r10tm', kind: 'aks-trafficmanager', version: FROM }],
    steps: [
      { label: 'first deploy' },
      {
        label: 'escape hatch: blue cluster location westeurope → northeurope (forces a new cluster)',
        escapeHatch: { r10tm: { slot: 'blue', resourceType: 'azurerm_kubernetes_cluster', attribute: 'location', value: 'northeurope' } },
        expect: { r10tm: 'failed' }, standard: false,
        verify: (v) => {
          const problems: string[] = [];
          const failed = v.deploy.failedStacks.filter((s) => s.startsWith('r10tm-unit-blue-'));
          if (!failed.length) problems.push(`blue's unit stack did not fail (failed: ${v.deploy.failedStacks.join(', ') || 'none'})`);
          // The refusal must name blue's own cluster (issue 19 item 6): a prevent_destroy on some
          // dependent resource would refuse the plan too, and hide a cluster left unprotected.
          else if (!/Resource azurerm_kubernetes_cluster\.[\w-]+ has lifecycle\.prevent_destroy set/.test(`${(v.deploy.errors[failed[0]] ?? []).join('\n')}\n${v.deploy.output}`.replace(/[│╷╵]/g, ' ').replace(/\s+/g, ' '))) {
            problems.push(`blue's unit stack failed, but not on its cluster's prevent_destroy (expected "Resource azurerm_kubernetes_cluster.<cluster> has lifecycle.prevent_destroy set"): ${firstError(v.deploy, failed[0])}`);
          }
          const changed = v.actions.filter((a) => a.action !== 'read' && !a.action.startsWith('check-'));
          if (changed.length) problems.push(`the world changed: ${changed.slice(0, 3).map((a) => `${a.stack} ${a.action} ${a.type}`).join('; ')}`);
          return problems;
        },
      },
    ],
  },
  {
    id: 'R11', text: 'after its retirement deploy, nothing a retired unit had remains in the world (AKS and EKS)',
    fleets: [
      { name: 'r11tm', kind: 'aks-trafficmanager', version: FROM, policy: { maxWeightStep: 100 } },
      { name: 'r11r53', kind: 'eks-route53', version: FROM, policy: { maxWeightStep: 100 } },
    ],
    steps: (() => {
      let blueNames: Record<string, string> = {};
      const both = (...args: string[]): Array<[string, ...string[]]> => [['r11tm', ...args], ['r11r53', ...args]];
      return warnedAtFirstDeploy([
        { label: 'first deploy' },
        { label: `start ${TO}`, cli: both('start', TO) },
        { label: 'promote: canary 10', cli: both('promote') },
        {
          label: 'promote: green 100, blue standby', cli: both('promote'),
          verify: (v: StepView) => { blueNames = { r11tm: v.unitNames('r11tm').blue, r11r53: v.unitNames('r11r53').blue }; return []; },
        },
        {
          label: 'retire blue', cli: both('retire'),
          verify: (v: StepView) => [
            ...nothingRemains(v, 'r11tm', 'blue', () => ({ blue: blueNames.r11tm })),
            ...nothingRemains(v, 'r11r53', 'blue', () => ({ blue: blueNames.r11r53 })),
          ],
        },
        { label: 'forget blue', cli: both('forget') },
      ] as StepSpec[], [['r11tm', 'blue', 'AKS', FROM], ['r11r53', 'blue', 'EKS', FROM]]);
    })(),
  },
  {
    id: 'R12', text: 'checks wait within the readiness window for a late role assignment and a late origin; beyond it, the deploy fails with the check\'s message',
    fleets: [{ name: 'r12tm', kind: 'aks-trafficmanager', version: FROM }],
    steps: [
      {
        // Azure documents propagation as time ("can take up to five minutes"), and the kubernetes provider does
        // not retry a 403, so lateness within the window is modelled in simulated seconds: 240 s, inside the
        // unit's 300 s propagation wait (issue 10 item 7). A lateness counted in reads is R8's fault: it fails the step.
        label: 'first deploy: blue\'s role assignment effective 240 s after it was made, its origin answering from the 5th attempt',
        faults: [
          { label: 'role assignment late (240 s)', fleet: 'r12tm', slot: 'blue', fault: { kind: 'role-assignment-late', seconds: 240 } },
          { label: 'origin late (4 attempts)', fleet: 'r12tm', slot: 'blue', fault: { kind: 'origin-late', attempts: 4 } },
        ],
      },
      {
        label: `start ${TO}: green's role assignment and origin stay late for an hour`,
        cli: [['r12tm', 'start', TO]],
        faults: [
          { label: 'role assignment late (1 h)', fleet: 'r12tm', slot: 'green', fault: { kind: 'role-assignment-late', seconds: 3600 } },
          { label: 'origin late (1 h)', fleet: 'r12tm', slot: 'green', fault: { kind: 'origin-late', seconds: 3600 } },
        ],
        expect: { r12tm: 'failed' },
        verify: (v) => {
          const failed = v.deploy.failedStacks.filter((s) => s.startsWith('r12tm-validate-green-'));
          if (!failed.length) return [`green's validation stack did not fail (failed: ${v.deploy.failedStacks.join(', ') || 'none'})`];
          const msg = firstError(v.deploy, failed[0]);
          // The failure names what was still missing after the window (issue 10 item 7): the probe's
          // readiness message, the API's refusal naming the role assignment, or — when the origin still
          // answered 5xx or nothing when the retries ran out — the http provider's own error naming the
          // unit's URL and the attempts made (http 3.5 data source; see rehearsal/world/rules/http.ts).
          const whole = `${(v.deploy.errors[failed[0]] ?? []).join(' ')} ${v.deploy.output}`.replace(/[│╷╵]/g, ' ').replace(/\s+/g, ' ');
          const gaveUp = new RegExp(`GET https://r12tm-green-[^ ]+/healthz giving up after \\d+ attempt`).test(whole);
          return gaveUp || /readiness window|role assignment|still answered/i.test(msg) ? [] : [`green failed, but not with a message naming what was still missing: ${msg}`];
        },
      },
    ],
  },
  {
    // One fleet, so no other stack's failure can hide this one (cdktf may abort a whole deploy).
    // A federation is part of a unit's identity (declaring one later makes new units), so the
    // identity that fails is another service account of the same repository (shop/worker),
    // checked but never declared.
    id: 'R18', text: "a unit whose checked identity has no federation fails the identity check and gets no traffic; the declared identity is federated on every unit, the whole rollout passes, and none of blue's grants remain; a failed retirement deploy keeps forget refused until the retirement is deployed",
    fleets: [{
      name: 'r18tm', kind: 'aks-trafficmanager', version: FROM, policy: { maxWeightStep: 100 },
      extraProps: { gitOps: GITOPS, workloadAccess: { identities: [{ namespace: 'shop', serviceAccount: 'api', managedIdentityId: SHOP_API_IDENTITY }] } },
    }],
    steps: (() => {
      let blue = '';
      return [
        {
          label: 'first deploy, with an identity check for shop/worker, which no unit federates',
          props: { r18tm: { identityChecks: [{ cloud: 'azure', namespace: 'shop', serviceAccount: 'worker' }] } },
          expect: { r18tm: 'failed' },
          // A failed first deploy leaves the fleet without router entries, which the traffic
          // simulation cannot measure (it falls back to node scheduling): check the router instead.
          standard: false,
          verify: (v: StepView) => [
            ...failedCheck(v, 'r18tm', 'blue', /No matching federated identity record found for presented assertion subject 'system:serviceaccount:shop:worker'|wi-worker-[a-z2-7]{8}/, 'on the identity check of shop/worker'),
            ...stoppedBeforeTraffic(v, 'r18tm'),
            ...noRouterEntry(v, 'r18tm', 'blue'),
          ],
        },
        { label: 'the same first deploy, checking the declared identity only (shop/api): blue syncs, is federated, verified', verify: (v: StepView) => federated(v, 'r18tm', 'blue') },
        { label: `start ${TO}: green arrives synced and federated; its identity check passes`, cli: [['r18tm', 'start', TO]], verify: (v: StepView) => federated(v, 'r18tm', 'green') },
        { label: 'promote: canary 10', cli: [['r18tm', 'promote']] },
        {
          label: 'promote: green 100, blue standby', cli: [['r18tm', 'promote']],
          verify: (v: StepView) => { blue = v.unitNames('r18tm').blue; return []; },
        },
        {
          // Issue 21 item 8: a retirement deploy that failed is recorded as failed, and forget waits for a successful one.
          label: "retire blue: deleting blue's cluster fails once, the deploy fails, and forget is refused", cli: [['r18tm', 'retire']],
          faults: [{ label: "blue's cluster deletion fails", fleet: 'r18tm', fault: { kind: 'apply-error', type: 'azurerm_kubernetes_cluster', attempts: 1, note: DELETE_CONFLICT } }],
          expect: { r18tm: 'failed' },
          verify: (v: StepView) => [...drainedBeforeDelete(v, 'r18tm'), ...forgetRefusedAfterFailedRetirement(v, 'r18tm', 'blue')],
        },
        {
          // The standard order check wants the drain timer in the deploy that destroys; it ran in the failed
          // deploy of this same step (checked there), so this retry is judged by its own rules: nothing but
          // blue's stack is destroyed, no weight moves, green keeps every request.
          label: "the retirement deployed again: none of blue's grants remain, and forget passes", standard: false,
          verify: (v: StepView) => [...nothingRemains(v, 'r18tm', 'blue', () => ({ blue })), ...federated(v, 'r18tm', 'green'), ...retryDestroysOnly(v, 'r18tm', 'blue')],
        },
        { label: 'forget blue', cli: [['r18tm', 'forget']], verify: (v: StepView) => forgotten(v, 'r18tm', 'blue') },
      ] as StepSpec[];
    })(),
  },
  {
    // Issue 24 item 4: the EKS cells of GitOps bootstrap and workload access (R18 is AKS).
    id: 'R18E', text: 'EKS: every unit arrives with its managed Argo CD synced and a pod identity association; its workload obtains credentials through EKS Pod Identity, at the first deploy, the start of green and the canary',
    fleets: [{
      name: 'r18eks', kind: 'eks-route53', version: FROM, policy: { maxWeightStep: 100 },
      extraProps: { gitOps: EKS_GITOPS, workloadAccess: { identities: [{ namespace: 'shop', serviceAccount: 'api', roleArn: SHOP_API_ROLE }] } },
    }],
    steps: [
      { label: 'first deploy: blue syncs, is associated, its workload gets credentials', verify: (v) => eksSyncedAndAssociated(v, 'r18eks', 'blue') },
      { label: `start ${TO}: green arrives synced and associated`, cli: [['r18eks', 'start', TO]], verify: (v) => eksSyncedAndAssociated(v, 'r18eks', 'green') },
      { label: 'promote: canary 10; both units checked again', cli: [['r18eks', 'promote']], verify: (v) => [...eksSyncedAndAssociated(v, 'r18eks', 'blue'), ...eksSyncedAndAssociated(v, 'r18eks', 'green')] },
    ],
  },
  {
    // AKS here; EKS in R24 (a stack failing in one fleet aborts the whole deploy, so each scenario
    // has one failing fleet).
    id: 'R19', text: 'a version the simulated region does not offer fails at plan, naming the offered versions, before anything is created',
    fleets: [{ name: 'r19tm', kind: 'aks-trafficmanager', version: FROM }],
    steps: [
      { label: 'first deploy' },
      {
        label: 'start 1.36 (not offered in the simulated region)', cli: [['r19tm', 'start', '1.36']],
        expect: { r19tm: 'failed' },
        verify: (v: StepView) => notOffered(v, 'r19tm', 'green', /Offered versions: 1\.30\.14, 1\.31\.10/),
      },
    ],
  },
  {
    // Issue 20 item 6: EKS no longer refuses a minor its frozen add-on table (1.30–1.34) does not
    // know. EKS says which add-on builds a new unit gets; the region says which minors exist.
    id: 'R24', text: 'EKS: the autopilot starts a minor after the frozen add-on table (1.35), which builds with the newest add-on builds EKS offers for it; a minor the region does not offer (1.36) fails at plan, naming the offered versions, before anything is created',
    fleets: [{ name: 'r24r53', kind: 'eks-route53', version: TO }],
    steps: [
      { label: `first deploy: blue ${TO} (add-on versions of the frozen table)` },
      {
        // The autopilot writes this step: the region offers 1.35, which the library's dated add-on table
        // does not list, and every EKS fleet kind builds it (the add-on builds are EKS's).
        label: "the autopilot starts 1.35 (offered, newer than the add-on table): green's add-ons are the most recent builds the simulated EKS offers for 1.35",
        autopilot: { fleet: 'r24r53', cloud: 'eks', region: 'eu-west-1', offered: ['1.34', '1.35'], writes: 'cdktf-bluegreen start 1.35' },
        verify: (v: StepView) => addonsAreMostRecent(v, 'r24r53', 'green', '1.35'),
      },
      {
        label: 'start 1.36 (not offered in the simulated region)', cli: [['r24r53', 'start', '1.36']],
        expect: { r24r53: 'failed' },
        verify: (v: StepView) => notOffered(v, 'r24r53', '[a-z]+', /Offered versions: 1\.30, 1\.31/),
      },
    ],
  },
  {
    id: 'R20', text: "a sync that never becomes ready stops the step with the sync's name in the message; blue keeps the traffic",
    fleets: [{ name: 'r20tm', kind: 'aks-trafficmanager', version: FROM, extraProps: { gitOps: GITOPS, readinessSeconds: 120 } }],
    steps: [
      { label: 'first deploy: blue syncs' },
      {
        label: `start ${TO}: green's sync never becomes ready`, cli: [['r20tm', 'start', TO]],
        faults: [{ label: 'sync never ready', fleet: 'r20tm', slot: 'green', fault: { kind: 'sync-never-ready' } }],
        expect: { r20tm: 'failed' },
        verify: (v: StepView) => [...failedCheck(v, 'r20tm', 'green', /sync-workloads-apps-[a-z2-7]{8}/, "naming the sync (workloads-apps)"), ...candidateKeptOut(v, 'r20tm', 'green')],
      },
      { label: 'the same step after the sync recovered: green validates' },
    ],
  },
  {
    // One fleet: cdktf 0.21 aborts the whole deploy when a stack fails, so a second fleet's stacks of the
    // failing step would not apply. EKS drains and rolls back in R14.
    id: 'R13', text: 'AKS node pools move the workload: born cordoned, drained through its PDB before standby (a PDB that cannot be satisfied fails the deploy, nothing deleted), rollback moves it back',
    fleets: [{ name: 'r13akp', kind: 'aks-pools', version: FROM, controlPlane: FROM, policy: { maxWeightStep: 100 } }],
    steps: workloadUpgrade('r13akp'),
  },
  {
    id: 'R14', text: 'AKS and EKS node pools: a node the autoscaler adds to a candidate or a standby pool receives no workload pod; the standby step drains every pod to green through the PDB, rollback brings them back',
    fleets: [
      { name: 'r14akp', kind: 'aks-pools', version: FROM, controlPlane: FROM, policy: { maxWeightStep: 100 } },
      { name: 'r14ekp', kind: 'eks-pools', version: FROM, controlPlane: FROM, policy: { maxWeightStep: 100 } },
    ],
    steps: warnedAtFirstDeploy(mergeSteps(autoscalerUpgrade('r14akp'), autoscalerUpgrade('r14ekp')), [['r14akp', 'blue', 'AKS', FROM], ['r14ekp', 'blue', 'EKS', FROM]]),
  },
  // Issue 15: SLO gates, soak, rollback on a breach (catalog-slo.ts).
  ...SLO_SCENARIOS,
  // Issue 19 item 4: stacks in HCP Terraform workspaces, their runs' credentials checked (catalog-hcp.ts).
  ...HCP_SCENARIOS,
  // Issue 11: R1 and R3 again on CDK Terrain — the library packed by `npm pack`, installed into an app
  // set up as the README's CDK Terrain set-up says, every step deployed by `cdktn deploy '*'` (cdktn-cli 0.24).
  { id: 'R21', flavour: 'cdktn', text: 'R1 on CDK Terrain (cdktn-cli 0.24, the packed library): AKS clusters behind Front Door, whole upgrade from an empty world', fleets: [frontDoorFleet('r21fd')], steps: wholeUpgrade('r21fd') },
  // Issue 22 item 7: the autopilot calendar deployed in the strict world (catalog-calendar.ts).
  ...CALENDAR_SCENARIOS,
  { id: 'R22', flavour: 'cdktn', text: 'R3 on CDK Terrain (cdktn-cli 0.24, the packed library): EKS clusters behind Route 53, whole upgrade from an empty world', fleets: [route53Fleet('r22r53')], steps: wholeUpgrade('r22r53') },
];

/**
 * Scenarios deployed together (one app, one world, lockstep) — every scenario alone but R21 and R22
 * (no failing step; their group installs one CDK Terrain app, about a minute): when a
 * stack fails while others of the same `cdktf deploy '*'` run, cdktf 0.21 may abort the whole
 * deploy (an unhandled promise rejection, exit 7), which would stop other scenarios' stacks.
 * Longest first; REHEARSAL_PARALLEL (default 6) groups run at a time.
 */
export const GROUPS: string[][] = [['R21', 'R22'], ['R1'], ['R2'], ['R3'], ['R4'], ['R5'], ['R8'], ['R8I'], ['R6'], ['R7'], ['R11'], ['R9'], ['R10'], ['R12'], ['R13'], ['R14'], ['R18'], ['R18E'], ['R19'], ['R24'], ['R20'], ['R15'], ['R15E'], ['R16'], ['R17'], ['R25H'], ['R25HE'], ['R25']];
