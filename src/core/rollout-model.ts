import { BlueGreenError, show } from './errors';
import { fingerprint } from './fingerprint';
import { DEFAULT_MAXIMUM_KUBERNETES_VERSION, DEFAULT_MINIMUM_KUBERNETES_VERSION, KubernetesVersion } from './kubernetes-version';

/**
 * Where a unit is in its life. A unit only ever moves forward, except that a standby unit may be
 * given weight again (rollback).
 */
export enum UnitLifecycle {
  /** Built beside the serving units with weight 0 while its validation stack checks it. */
  CANDIDATE = 'candidate',
  /** Validated and receiving a share of the traffic (weight > 0). */
  SERVING = 'serving',
  /** Weight 0 again, kept intact for rollback or a soak period. */
  STANDBY = 'standby',
  /** Its stack synthesizes empty, so the next deploy destroys it (after traffic has drained). */
  RETIRED = 'retired',
}

/**
 * One unit of a fleet as the user declares it for this rollout step.
 */
export interface UnitDeclaration {
  /**
   * A short name for the unit's place in the fleet ("blue", "green", "b", ...): 1-10 lowercase
   * letters and digits, starting with a letter, unique in the fleet.
   */
  readonly slot: string;
  /** Kubernetes version of the unit, `1.MINOR` or `1.MINOR.PATCH`. */
  readonly kubernetesVersion: string;
  /** The unit's lifecycle in this step. */
  readonly lifecycle: UnitLifecycle;
  /**
   * Share of the fleet's traffic, a whole number from 0 to 100; the weights of a step add up to 100.
   * @default 0
   */
  readonly weight?: number;
  /**
   * The spec fingerprint this unit was built with. When set, a change to the unit's spec (which
   * would make it a different unit) is refused instead of silently replacing a live cluster.
   * The rollout plan report shows each unit's fingerprint, ready to pin.
   * @default - not pinned (a warning is printed for units that are not candidates)
   */
  readonly fingerprint?: string;
  /**
   * Whether the unit gets a validation stack. Only validated units may receive weight; turn this
   * off only for a unit that cannot be reached (e.g. one adopted from outside the library).
   * @default true
   */
  readonly validation?: boolean;
}

/** The whole of a fleet's traffic: the weights of one step add up to this. */
export const TOTAL_WEIGHT = 100;

/** One unit of a checked step, with everything derived from its declaration. */
export interface PlannedUnit {
  readonly slot: string;
  /** `<slot>-<major>-<minor>-<fingerprint>`: the unit's identity, used in stack and resource names. */
  readonly name: string;
  readonly kubernetesVersion: KubernetesVersion;
  readonly lifecycle: UnitLifecycle;
  readonly weight: number;
  readonly fingerprint: string;
  readonly validated: boolean;
  /** Whether the user pinned the fingerprint. */
  readonly pinned: boolean;
}

/** Options of a step check. */
export interface StepCheckOptions {
  /** Oldest minor a new (candidate) unit may use. @default DEFAULT_MINIMUM_KUBERNETES_VERSION */
  readonly minimumKubernetesVersion?: string;
  /** Newest minor a new (candidate) unit may use. @default DEFAULT_MAXIMUM_KUBERNETES_VERSION */
  readonly maximumKubernetesVersion?: string;
}

const SLOT_PATTERN = /^[a-z][a-z0-9]{0,9}$/;
const FLEET_PATTERN = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;

/** Refuses a fleet name that cannot be part of every provider's resource names. */
export function checkFleetName(fleet: string): void {
  if (typeof fleet !== 'string' || !FLEET_PATTERN.test(fleet) || fleet.includes('--')) {
    throw new BlueGreenError({
      fleet: String(fleet), field: 'fleet name', value: show(fleet),
      rule: 'a fleet name is 2-24 lowercase letters, digits and single "-", starting with a letter and ending with a letter or digit (it prefixes stack and resource names)',
      fix: `use e.g. ${show(suggestFleetName(String(fleet)))}`,
    });
  }
}

function suggestFleetName(fleet: string): string {
  const s = fleet.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^[^a-z]+/, '').slice(0, 24).replace(/-+$/, '');
  return s.length >= 2 ? s : 'shop-prod';
}

/**
 * Checks every declared unit on its own and derives its identity. `specFingerprint` gives the
 * fingerprint of the spec each unit is built from (computed by the cloud layer).
 */
export function planUnits(fleet: string, units: UnitDeclaration[], specFingerprint: (u: UnitDeclaration) => string, options: StepCheckOptions = {}): PlannedUnit[] {
  checkFleetName(fleet);
  if (!Array.isArray(units) || units.length === 0) {
    throw new BlueGreenError({ fleet, field: 'units', value: show(units ?? []), rule: 'a fleet declares at least one unit', fix: `declare a serving unit, e.g. [{ slot: 'blue', kubernetesVersion: '1.31', lifecycle: UnitLifecycle.SERVING, weight: 100 }]` });
  }
  const min = KubernetesVersion.parse(options.minimumKubernetesVersion ?? DEFAULT_MINIMUM_KUBERNETES_VERSION);
  const max = KubernetesVersion.parse(options.maximumKubernetesVersion ?? DEFAULT_MAXIMUM_KUBERNETES_VERSION);
  const seen = new Map<string, number>();
  const planned: PlannedUnit[] = [];
  const changed: ChangedUnit[] = [];
  units.forEach((u, i) => {
    const label = typeof u?.slot === 'string' && u.slot.length > 0 ? u.slot : `#${i}`;
    const refuse = (field: string, value: unknown, rule: string, fix: string): never => {
      throw new BlueGreenError({ fleet, unit: label, field, value: show(value), rule, fix });
    };
    if (typeof u.slot !== 'string' || !SLOT_PATTERN.test(u.slot)) {
      const s = String(u.slot ?? '').toLowerCase().replace(/[^a-z0-9]/g, '').replace(/^[0-9]+/, '').slice(0, 10);
      refuse('slot', u.slot, 'a slot is 1-10 lowercase letters and digits, starting with a letter (it is part of provider names with tight limits)', `slot: ${show(s || 'green')}`);
    }
    if (seen.has(u.slot)) {
      refuse('slot', u.slot, `slots are unique in a fleet (unit #${seen.get(u.slot)} already uses it)`, `give this unit another slot, e.g. ${show(nextFreeSlot(units))}`);
    }
    seen.set(u.slot, i);
    const lifecycles = Object.values(UnitLifecycle) as string[];
    if (!lifecycles.includes(u.lifecycle as string)) {
      refuse('lifecycle', u.lifecycle, `a lifecycle is one of ${lifecycles.join(', ')}`, 'lifecycle: UnitLifecycle.CANDIDATE');
    }
    const version = KubernetesVersion.tryParse(u.kubernetesVersion);
    if (!version) {
      refuse('kubernetesVersion', u.kubernetesVersion, 'a Kubernetes version is 1.MINOR or 1.MINOR.PATCH', `kubernetesVersion: ${show(max.minorVersion)}`);
    }
    const v = version as KubernetesVersion;
    if (u.lifecycle === UnitLifecycle.CANDIDATE && (v.minorsAhead(min) < 0 || v.minorsAhead(max) > 0)) {
      refuse('kubernetesVersion', u.kubernetesVersion, `a new unit uses a supported minor, ${min.minorVersion} to ${max.minorVersion} (override with minimumKubernetesVersion / maximumKubernetesVersion)`, `kubernetesVersion: ${show(max.minorVersion)}`);
    }
    const weight = u.weight ?? 0;
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > TOTAL_WEIGHT) {
      const near = typeof weight === 'number' && Number.isFinite(weight) ? Math.min(TOTAL_WEIGHT, Math.max(0, Math.round(weight))) : 10;
      refuse('weight', weight, `a weight is a whole number from 0 to ${TOTAL_WEIGHT} (a share of the fleet's traffic)`, `weight: ${near}`);
    }
    if (u.lifecycle === UnitLifecycle.SERVING && weight === 0) {
      refuse('weight', weight, 'a serving unit receives traffic, so its weight is at least 1', 'weight: 10, or lifecycle: UnitLifecycle.STANDBY to keep it without traffic');
    }
    if (u.lifecycle !== UnitLifecycle.SERVING && weight !== 0) {
      refuse('weight', weight, `only a serving unit receives traffic; a ${u.lifecycle} unit has weight 0`, `weight: 0, or lifecycle: UnitLifecycle.SERVING`);
    }
    const validated = u.validation ?? true;
    if (!validated && weight > 0) {
      refuse('validation', false, 'only a unit with a validation stack receives weight', 'validation: true (the default), or weight: 0 with lifecycle: UnitLifecycle.STANDBY');
    }
    // A retired unit builds nothing: its pinned fingerprint is its identity, whatever the spec says now.
    const fp = u.lifecycle === UnitLifecycle.RETIRED && u.fingerprint !== undefined ? u.fingerprint : specFingerprint(u);
    if (u.fingerprint !== undefined && u.fingerprint !== fp) changed.push({ slot: u.slot, pinned: u.fingerprint, now: fp, candidate: u.lifecycle === UnitLifecycle.CANDIDATE });
    planned.push({
      slot: u.slot, name: unitName(u.slot, v, fp), kubernetesVersion: v, lifecycle: u.lifecycle,
      weight, fingerprint: fp, validated, pinned: u.fingerprint !== undefined,
    });
  });
  if (changed.length > 0) refuseChangedSpecs(fleet, changed, units);
  return planned;
}

interface ChangedUnit { readonly slot: string; readonly pinned: string; readonly now: string; readonly candidate: boolean }

/**
 * Every unit whose spec moved away from its pinned fingerprint, in one refusal (a spec change
 * usually touches all units at once), with the three ways out.
 */
function refuseChangedSpecs(fleet: string, changed: ChangedUnit[], units: UnitDeclaration[]): never {
  const one = changed.length === 1 ? changed[0] : undefined;
  const pins = changed.map((c) => `${c.slot}: ${show(c.now)}`).join(', ');
  const candidates = changed.filter((c) => c.candidate).map((c) => c.slot);
  const pinChoice = candidates.length > 0
    ? `(1) the change is intended and ${candidates.map((c) => `"${c}"`).join(', ')} ${candidates.length > 1 ? 'are candidates' : 'is a candidate'} (no traffic yet): pin the new fingerprint (${changed.filter((c) => c.candidate).map((c) => `${c.slot}: ${show(c.now)}`).join(', ')})`
    : '(1) if a unit were a candidate (no traffic yet) you could pin its new fingerprint; these units are not, so this choice is closed';
  throw new BlueGreenError({
    fleet,
    unit: one?.slot,
    field: one ? 'fingerprint' : 'units[*].fingerprint',
    value: one ? show(one.pinned) : changed.map((c) => `${c.slot}=${show(c.pinned)}`).join(', '),
    rule: `a unit is immutable, but the spec it is built from now has fingerprint ${pins} (changing a unit's spec makes a new unit)`,
    fix: `${pinChoice}; (2) revert the spec change (or give ${one ? 'this unit' : 'these units'} the spec ${one ? 'it was' : 'they were'} built from); (3) keep the change and declare it as a new unit in another slot, e.g. { slot: ${show(nextFreeSlot(units))}, lifecycle: UnitLifecycle.CANDIDATE, fingerprint: ${show(changed[0].now)} }, then move traffic to it`,
  });
}

/** `<slot>-<major>-<minor>-<fingerprint>` */
export function unitName(slot: string, v: KubernetesVersion, fp: string): string {
  return `${slot}-${v.major}-${v.minor}-${fp}`;
}

function nextFreeSlot(units: UnitDeclaration[]): string {
  const used = new Set(units.map((u) => u.slot));
  for (const s of ['blue', 'green', 'teal', 'amber', 'violet']) if (!used.has(s)) return s;
  for (let i = 2; ; i++) if (!used.has(`u${i}`)) return `u${i}`;
}

/**
 * Fleet-wide weight rules: at least one unit serves, and the weights add up to the whole.
 */
export function checkWeights(fleet: string, units: PlannedUnit[]): void {
  checkSomethingServes(fleet, units);
  const serving = units.filter((u) => u.lifecycle === UnitLifecycle.SERVING);
  const total = units.reduce((s, u) => s + u.weight, 0);
  const listing = units.map((u) => `${u.slot}=${u.weight}`).join(', ');
  if (total !== TOTAL_WEIGHT) {
    const first = serving[0];
    const fixed = first.weight + (TOTAL_WEIGHT - total);
    throw new BlueGreenError({
      fleet, field: 'units[*].weight', value: `${total} (${listing})`,
      rule: `the weights of a step add up to ${TOTAL_WEIGHT}`,
      fix: fixed >= 1 && fixed <= TOTAL_WEIGHT
        ? `give ${show(first.slot)} weight ${fixed}`
        : `scale the serving weights so they add up to ${TOTAL_WEIGHT}`,
    });
  }
}

/** At least one unit serves in every step. */
export function checkSomethingServes(fleet: string, units: PlannedUnit[]): void {
  if (!units.some((u) => u.lifecycle === UnitLifecycle.SERVING)) {
    const best = units.find((u) => u.lifecycle === UnitLifecycle.STANDBY) ?? units.find((u) => u.lifecycle === UnitLifecycle.CANDIDATE) ?? units[0];
    throw new BlueGreenError({
      fleet, field: 'units[*].lifecycle', value: show(units.map((u) => `${u.slot}:${u.lifecycle}`).join(', ')),
      rule: 'at least one unit serves traffic in every step',
      fix: `make ${show(best.slot)} serving with weight ${TOTAL_WEIGHT}`,
    });
  }
}

/** The fingerprint of a whole step: changes whenever any unit, lifecycle or weight changes. */
export function stepFingerprint(fleet: string, units: PlannedUnit[]): string {
  return fingerprint({ fleet, units: units.map((u) => [u.name, u.lifecycle, u.weight]) }, 8);
}
