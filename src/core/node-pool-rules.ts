import { BlueGreenError, show } from './errors';
import { KubernetesVersion } from './kubernetes-version';
import { fitName, fitsRule, NameRule } from './naming';
import { PlannedUnit, UnitDeclaration, UnitLifecycle } from './rollout-model';
import { controlPlaneStepProblem, kubeletSkewProblem } from './version-skew';

/**
 * Rules of node-pool fleets: one cluster whose control plane is upgraded in place, one minor per
 * step, and node pools that are immutable units beside it. Pure functions, no cdktf.
 */

/** The control plane of one step: where it goes, and where it comes from when the user said so. */
export interface ControlPlaneStep {
  /** The version the shared stack sets. */
  readonly version: KubernetesVersion;
  /** The version it had in the previous step, when declared. */
  readonly previousVersion?: KubernetesVersion;
}

/**
 * Parses and checks the control plane's versions: a version of the form 1.MINOR[.PATCH], and at
 * most one minor ahead of the previous step's (never back).
 */
export function checkControlPlaneStep(fleet: string, version: string, previousVersion?: string): ControlPlaneStep {
  const to = KubernetesVersion.tryParse(String(version ?? ''));
  if (!to) {
    throw new BlueGreenError({ fleet, field: 'controlPlaneVersion', value: show(version), rule: 'a Kubernetes version is 1.MINOR or 1.MINOR.PATCH', fix: "controlPlaneVersion: '1.33'" });
  }
  if (previousVersion === undefined) return { version: to };
  const from = KubernetesVersion.tryParse(String(previousVersion));
  if (!from) {
    throw new BlueGreenError({ fleet, field: 'previousControlPlaneVersion', value: show(previousVersion), rule: 'a Kubernetes version is 1.MINOR or 1.MINOR.PATCH', fix: `previousControlPlaneVersion: ${show(to.minorVersion)}` });
  }
  const problem = controlPlaneStepProblem(from, to);
  if (problem) {
    const next = to.minorsAhead(from) > 1 ? `${from.major}.${from.minor + 1}` : from.minorVersion;
    throw new BlueGreenError({
      fleet, field: 'controlPlaneVersion', value: `${show(version)} (previous step: ${show(previousVersion)})`, rule: problem,
      fix: `controlPlaneVersion: ${show(next)} in this step, and ${show(to.minorVersion)} in a later one`,
    });
  }
  return { version: to, previousVersion: from };
}

/**
 * Every pool that still exists in this step (retired pools too: they run until the end of the step,
 * after the control plane moved) runs a kubelet the control plane supports.
 */
export function checkPoolSkew(fleet: string, controlPlane: ControlPlaneStep, units: PlannedUnit[]): void {
  const cp = controlPlane.version;
  for (const u of units) {
    const problem = kubeletSkewProblem(cp, u.kubernetesVersion);
    if (!problem) continue;
    const newer = cp.minorsAhead(u.kubernetesVersion) < 0;
    const retiredNote = u.lifecycle === UnitLifecycle.RETIRED && !newer
      ? ' (a retired pool still runs while the control plane upgrades: the shared stack deploys first)'
      : '';
    throw new BlueGreenError({
      fleet, unit: u.slot, field: 'kubernetesVersion', value: `${show(u.kubernetesVersion.toString())} with controlPlaneVersion ${show(cp.toString())}`,
      rule: `${problem}${retiredNote}`,
      fix: newer
        ? `kubernetesVersion: ${show(cp.minorVersion)} (or upgrade the control plane first, one minor per step)`
        : u.lifecycle === UnitLifecycle.RETIRED
          ? `retire this pool in a step before the control plane moves past ${cp.major}.${u.kubernetesVersion.minor + (u.kubernetesVersion.minor < 25 ? 2 : 3)}`
          : `replace this pool with one at ${show(cp.minorVersion)} before the control plane moves on (keep controlPlaneVersion ${show(controlPlane.previousVersion?.minorVersion ?? cp.minorVersion)} until then)`,
    });
  }
}

/** How a node-pool name is built from a unit's identity, and the provider rule it must satisfy. */
export interface PoolNameFormat {
  /** The provider's naming rule. */
  readonly rule: NameRule;
  /** How many characters of the unit's fingerprint the name keeps. */
  readonly fingerprintLength: number;
  /** Whether the name carries the major version digit (`1`) before the minor. */
  readonly includeMajor: boolean;
  /** Separator between slot, version and fingerprint ('' for AKS, '-' for EKS). */
  readonly separator: string;
}

/** AKS Linux user pools: `<slot><major><minor><4 fingerprint chars>`, e.g. `b133x7k2`, at most 12. */
export const AKS_LINUX_POOL_NAME: Omit<PoolNameFormat, 'rule'> = { fingerprintLength: 4, includeMajor: true, separator: '' };
/** AKS Windows user pools: `<slot><minor><2 fingerprint chars>`, e.g. `b33x7`, at most 6. */
export const AKS_WINDOWS_POOL_NAME: Omit<PoolNameFormat, 'rule'> = { fingerprintLength: 2, includeMajor: false, separator: '' };
/** EKS managed node groups: `<slot>-<major>-<minor>-<fingerprint>` (the unit name), at most 63. */
export const EKS_NODE_GROUP_NAME: Omit<PoolNameFormat, 'rule'> = { fingerprintLength: 6, includeMajor: true, separator: '-' };

function versionPart(f: PoolNameFormat, v: KubernetesVersion): string[] {
  return f.separator === '' ? [`${f.includeMajor ? v.major : ''}${v.minor}`] : (f.includeMajor ? [`${v.major}`, `${v.minor}`] : [`${v.minor}`]);
}

/** The pool name of a unit, without checking it. */
export function poolName(f: PoolNameFormat, slot: string, v: KubernetesVersion, fp: string): string {
  return [slot, ...versionPart(f, v), fp.slice(0, f.fingerprintLength)].join(f.separator);
}

/**
 * The pool name of a unit, refused with a name that fits (and the slot that gives it) when the
 * provider's limit is exceeded.
 */
export function checkedPoolName(fleet: string, f: PoolNameFormat, u: PlannedUnit, otherSlots: string[]): string {
  const name = poolName(f, u.slot, u.kubernetesVersion, u.fingerprint);
  if (fitsRule(f.rule, name)) return name;
  const tail = [...versionPart(f, u.kubernetesVersion), u.fingerprint.slice(0, f.fingerprintLength)].join(f.separator);
  const budget = f.rule.maxLength - tail.length - f.separator.length;
  let slot = fitName(f.rule, [u.slot]).slice(0, Math.max(1, budget)).replace(/[^a-z0-9]/g, '');
  if (!/^[a-z]/.test(slot)) slot = `p${slot.slice(1)}`;
  for (let i = 2; otherSlots.includes(slot) && i < 10; i++) slot = `${slot.slice(0, Math.max(1, slot.length - 1))}${i}`;
  const suggestion = poolName(f, slot, u.kubernetesVersion, u.fingerprint);
  const fix = fitsRule(f.rule, suggestion)
    ? `slot: ${show(slot)} (pool name ${show(suggestion)})`
    : `a shorter slot; ${f.rule.what} keeps ${tail.length} characters for version and fingerprint (${show(tail)})`;
  throw new BlueGreenError({
    fleet, unit: u.slot, field: 'pool name', value: show(name),
    rule: `${f.rule.what} is ${f.rule.description} (at most ${f.rule.maxLength}); a pool's name is <slot><version><fingerprint> so it changes with the pool's identity`,
    fix,
  });
}

/**
 * Fleet-wide scheduling rule: some pool can still take the workloads when another is retired.
 */
export function checkSchedulablePools(fleet: string, units: PlannedUnit[]): void {
  const retired = units.filter((u) => u.lifecycle === UnitLifecycle.RETIRED);
  const serving = units.filter((u) => u.lifecycle === UnitLifecycle.SERVING);
  if (retired.length > 0 && serving.length === 0) {
    const candidate = units.find((u) => u.lifecycle === UnitLifecycle.STANDBY) ?? units.find((u) => u.lifecycle === UnitLifecycle.CANDIDATE);
    throw new BlueGreenError({
      fleet, unit: retired[0].slot, field: 'lifecycle', value: show(retired[0].lifecycle),
      rule: 'retiring a pool drains it, so another pool must be serving (schedulable, weight > 0) to take its workloads; this step would leave none',
      fix: candidate
        ? `keep ${show(retired[0].slot)} serving, or make ${show(candidate.slot)} serving with weight 100 in this step and retire ${show(retired[0].slot)} in a later one`
        : `keep ${show(retired[0].slot)} serving and add a candidate pool first`,
    });
  }
}

/** Lifecycles from which a pool may be retired: the router kept it cordoned in the previous step. */
const CORDONED_BEFORE_RETIREMENT: string[] = [UnitLifecycle.STANDBY, UnitLifecycle.CANDIDATE, UnitLifecycle.RETIRED];

/**
 * Transition rules of node pools between the previous step and this one:
 * - a pool is retired only after a step in which it was cordoned (standby, or a candidate that never
 *   served): its deletion drains it, and the cordon made sure nothing new landed on it first;
 * - a pool that is new in this step starts as a candidate;
 * - a pool leaves the list only after a step in which it was retired (else its stack would vanish
 *   from the app and its resources would never be destroyed);
 * - a slot keeps its pool (same version and fingerprint) from one step to the next.
 * Without `previous`, only what one step can tell is checked, and retiring is refused.
 */
export function checkPoolTransitions(fleet: string, units: UnitDeclaration[], previous: UnitDeclaration[] | undefined): void {
  if (previous === undefined) {
    const retired = units.find((u) => u.lifecycle === UnitLifecycle.RETIRED);
    if (retired) {
      throw new BlueGreenError({
        fleet, unit: retired.slot, field: 'lifecycle', value: show(retired.lifecycle),
        rule: 'a pool is retired only after a step in which it was cordoned (standby), and without previousUnits that cannot be checked',
        fix: `declare previousUnits (the units of the step before this one) with ${show(retired.slot)} as STANDBY, or make it UnitLifecycle.STANDBY in this step`,
      });
    }
    return;
  }
  if (!Array.isArray(previous)) {
    throw new BlueGreenError({ fleet, field: 'previousUnits', value: show(previous), rule: 'previousUnits is the list of units of the previous step', fix: 'previousUnits: [ ...the units your main branch declares ]' });
  }
  const before = new Map(previous.map((p) => [p.slot, p]));
  for (const u of units) {
    const p = before.get(u.slot);
    if (!p) {
      if (u.lifecycle !== UnitLifecycle.CANDIDATE) {
        throw new BlueGreenError({
          fleet, unit: u.slot, field: 'lifecycle', value: `${show(u.lifecycle)} (not in previousUnits)`,
          rule: u.lifecycle === UnitLifecycle.RETIRED
            ? 'a pool is retired only after a step in which it was cordoned (standby); this one was not in the previous step at all'
            : 'a pool that is new in this step starts as a candidate: it is cordoned until its validation passed',
          fix: 'lifecycle: UnitLifecycle.CANDIDATE, weight: 0',
        });
      }
      continue;
    }
    if (p.kubernetesVersion !== u.kubernetesVersion || (p.fingerprint !== undefined && u.fingerprint !== undefined && p.fingerprint !== u.fingerprint)) {
      throw new BlueGreenError({
        fleet, unit: u.slot, field: 'slot', value: `${show(u.slot)} (was ${show(p.kubernetesVersion)}${p.fingerprint ? `/${p.fingerprint}` : ''}, now ${show(u.kubernetesVersion)}${u.fingerprint ? `/${u.fingerprint}` : ''})`,
        rule: 'a slot holds the same pool from one step to the next (a pool is immutable; a new version or spec is a new pool)',
        fix: 'declare the new pool in another slot as a candidate, and retire this one after a standby step',
      });
    }
    if (u.lifecycle === UnitLifecycle.RETIRED && !CORDONED_BEFORE_RETIREMENT.includes(p.lifecycle)) {
      throw new BlueGreenError({
        fleet, unit: u.slot, field: 'lifecycle', value: `${show(u.lifecycle)} (previous step: ${show(p.lifecycle)})`,
        rule: 'a pool is retired only after a step in which it was cordoned (standby): this one was never cordoned, so new pods could still land on it while its deletion drains it',
        fix: `lifecycle: UnitLifecycle.STANDBY, weight: 0 in this step; UnitLifecycle.RETIRED in the next`,
      });
    }
  }
  const now = new Set(units.map((u) => u.slot));
  for (const p of previous) {
    if (!now.has(p.slot) && p.lifecycle !== UnitLifecycle.RETIRED) {
      throw new BlueGreenError({
        fleet, unit: p.slot, field: 'units', value: `${show(p.slot)} missing (previous step: ${show(p.lifecycle)})`,
        rule: 'a pool leaves the list only after a step in which it was retired: removing its stack from the app would leave its resources alive and unmanaged',
        fix: `keep ${show(p.slot)} in units, as UnitLifecycle.STANDBY and then UnitLifecycle.RETIRED`,
      });
    }
  }
}
