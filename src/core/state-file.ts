import { BlueGreenError, show } from './errors';
import type { RefusalDetails } from './refusal';
import { checkWeights, planUnits, PlannedUnit, TOTAL_WEIGHT, UnitDeclaration, UnitLifecycle } from './rollout-model';

/**
 * How fast a fleet's rollouts may move: the limits the transition rules apply between two
 * consecutive rollout states (see `checkTransition`). Stored in the fleet's state file.
 */
export interface RolloutPolicy {
  /**
   * Highest weight a unit may receive in the first step it serves (candidate → serving).
   * @default 10
   */
  readonly canaryWeight?: number;
  /**
   * Most weight a serving unit may gain in one step, unless it returns to a weight it already
   * carried (its `peakWeight`).
   * @default 25
   */
  readonly maxWeightStep?: number;
  /**
   * The canary weight of a patch-only upgrade (the unit has the same minor as every other live
   * unit of the fleet): the fast path.
   * @default - canaryWeight
   */
  readonly patchCanaryWeight?: number;
  /**
   * The weight step of a patch-only upgrade: the fast path.
   * @default - maxWeightStep
   */
  readonly patchMaxWeightStep?: number;
  /** Oldest minor a new (candidate) unit may use. @default '1.29' */
  readonly minimumKubernetesVersion?: string;
  /** Newest minor a new (candidate) unit may use. @default '1.37' */
  readonly maximumKubernetesVersion?: string;
}

/** One unit in a rollout state file: its declaration plus the history the transition rules need. */
export interface RolloutStateUnit extends UnitDeclaration {
  /** The step at which the unit entered its current lifecycle. */
  readonly since: number;
  /**
   * The highest weight the unit has carried so far. A unit may return to this weight in one step
   * (rollback), whatever the policy's weight step.
   * @default - the unit's current weight
   */
  readonly peakWeight?: number;
}

/**
 * A fleet's rollout state, as committed in the infra repo (e.g. `rollout/<fleet>.json`). Each pull
 * request moves it by one step; the transition rules decide which steps are legal.
 */
export interface RolloutStateFile {
  /** Format version of the file; always 1. */
  readonly version: number;
  /** The fleet the file belongs to (the fleet construct's id). */
  readonly fleet: string;
  /** The rollout step: 0 for a new fleet, +1 for every change of lifecycles or weights. */
  readonly step: number;
  /** The fleet's rollout limits. @default - the defaults of each RolloutPolicy field */
  readonly policy?: RolloutPolicy;
  /** The units of this step. */
  readonly units: RolloutStateUnit[];
}

/** The format version this library writes and reads. */
export const STATE_FILE_VERSION = 1;

/** Stands in for the name part of a unit whose fingerprint is not pinned yet. */
export const UNPINNED_FINGERPRINT = '<fp>';

/** A refusal of a state file: names the file and the JSON path of the bad value. */
export class RolloutStateError extends BlueGreenError {
  /** The state file (as given to the loader). */
  public readonly file: string;
  /** JSON path of the bad value inside the file, e.g. `units[1].weight`. */
  public readonly path: string;

  constructor(file: string, path: string, details: RefusalDetails) {
    super({ ...details, field: path });
    this.name = 'RolloutStateError';
    this.file = file;
    this.path = path;
    this.message = `${file}: ${this.message}`;
  }
}

const TOP_KEYS = ['$schema', 'description', 'version', 'fleet', 'step', 'policy', 'units'];
const POLICY_KEYS = ['canaryWeight', 'maxWeightStep', 'patchCanaryWeight', 'patchMaxWeightStep', 'minimumKubernetesVersion', 'maximumKubernetesVersion'];
const UNIT_KEYS = ['slot', 'kubernetesVersion', 'lifecycle', 'weight', 'fingerprint', 'since', 'peakWeight'];
const FINGERPRINT_PATTERN = /^[a-z2-7]{6}$/;

/** The closest known key, for "did you mean" fixes. */
function closest(key: string, known: string[]): string {
  let best = known[0];
  let bestScore = Infinity;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestScore) { best = k; bestScore = d; }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isWhole(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/**
 * Checks a parsed state file and returns it typed. Every refusal names the file, the fleet, the
 * unit, the JSON path of the bad value, the rule and a value that passes. Beyond the shape, the
 * units must pass the single-step invariants (`planUnits`, `checkWeights`), with each unit's
 * recorded fingerprint standing in for its spec's.
 */
export function parseRolloutState(raw: unknown, file: string): RolloutStateFile {
  const fleetOf = isObject(raw) && typeof raw.fleet === 'string' ? raw.fleet : '(unknown)';
  const refuse = (path: string, value: unknown, rule: string, fix: string, unit?: string): never => {
    throw new RolloutStateError(file, path, { fleet: fleetOf, unit, field: path, value: show(value), rule, fix });
  };
  if (!isObject(raw)) {
    refuse('(root)', raw, 'a rollout state file holds one JSON object', '{ "version": 1, "fleet": "shop-prod", "step": 0, "units": [...] }');
  }
  const doc = raw as Record<string, unknown>;
  for (const k of Object.keys(doc)) {
    if (!TOP_KEYS.includes(k)) refuse(k, doc[k], `the known fields are ${TOP_KEYS.filter((x) => !x.startsWith('$')).join(', ')}`, `rename it to ${show(closest(k, TOP_KEYS))}, or remove it`);
  }
  if (doc.version !== STATE_FILE_VERSION) refuse('version', doc.version, `this library reads state file version ${STATE_FILE_VERSION}`, `"version": ${STATE_FILE_VERSION}`);
  if (typeof doc.fleet !== 'string') refuse('fleet', doc.fleet, 'the fleet is named by a string (the fleet construct\'s id)', '"fleet": "shop-prod"');
  if (!isWhole(doc.step, 0, Number.MAX_SAFE_INTEGER)) refuse('step', doc.step, 'the step is a whole number from 0, one more for every change of lifecycles or weights', '"step": 0');
  const step = doc.step as number;

  let policy: RolloutPolicy | undefined;
  if (doc.policy !== undefined) {
    if (!isObject(doc.policy)) refuse('policy', doc.policy, 'the policy is an object', '"policy": { "canaryWeight": 10, "maxWeightStep": 25 }');
    const p = doc.policy as Record<string, unknown>;
    for (const k of Object.keys(p)) {
      if (!POLICY_KEYS.includes(k)) refuse(`policy.${k}`, p[k], `the known policy fields are ${POLICY_KEYS.join(', ')}`, `rename it to ${show(closest(k, POLICY_KEYS))}, or remove it`);
    }
    for (const k of ['canaryWeight', 'maxWeightStep', 'patchCanaryWeight', 'patchMaxWeightStep']) {
      if (p[k] !== undefined && !isWhole(p[k], 1, TOTAL_WEIGHT)) refuse(`policy.${k}`, p[k], `a weight limit is a whole number from 1 to ${TOTAL_WEIGHT}`, `"${k}": ${k.includes('anary') ? 10 : 25}`);
    }
    for (const k of ['minimumKubernetesVersion', 'maximumKubernetesVersion']) {
      if (p[k] !== undefined && (typeof p[k] !== 'string' || !/^1\.\d+$/.test(p[k] as string))) refuse(`policy.${k}`, p[k], 'a version bound is a Kubernetes minor, 1.MINOR', `"${k}": "${k.startsWith('min') ? '1.29' : '1.37'}"`);
    }
    policy = p as RolloutPolicy;
  }

  if (!Array.isArray(doc.units) || doc.units.length === 0) {
    refuse('units', doc.units, 'a fleet has at least one unit', '"units": [{ "slot": "blue", "kubernetesVersion": "1.33", "lifecycle": "serving", "weight": 100, "since": 0 }]');
  }
  const units = doc.units as unknown[];
  units.forEach((u, i) => {
    const label = isObject(u) && typeof u.slot === 'string' ? u.slot : `#${i}`;
    if (!isObject(u)) refuse(`units[${i}]`, u, 'a unit is an object', '{ "slot": "green", "kubernetesVersion": "1.34", "lifecycle": "candidate", "weight": 0, "since": 1 }');
    const o = u as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!UNIT_KEYS.includes(k)) refuse(`units[${i}].${k}`, o[k], `the known unit fields are ${UNIT_KEYS.join(', ')}`, `rename it to ${show(closest(k, UNIT_KEYS))}, or remove it`, label);
    }
    if (typeof o.kubernetesVersion !== 'string') refuse(`units[${i}].kubernetesVersion`, o.kubernetesVersion, 'a Kubernetes version is a string, 1.MINOR or 1.MINOR.PATCH (a number would lose "1.30" to 1.3)', `"kubernetesVersion": "${String(o.kubernetesVersion ?? '1.34')}"`, label);
    if (o.weight === undefined) refuse(`units[${i}].weight`, o.weight, 'a state file spells out every weight', '"weight": 0', label);
    if (o.fingerprint !== undefined && (typeof o.fingerprint !== 'string' || !FINGERPRINT_PATTERN.test(o.fingerprint))) {
      refuse(`units[${i}].fingerprint`, o.fingerprint, 'a fingerprint is the 6 characters (a-z, 2-7) the rollout plan report shows for the unit', 'the unit\'s fingerprint from the rollout plan, e.g. "ejqurb", or remove the field until it is known', label);
    }
    if (!isWhole(o.since, 0, step)) refuse(`units[${i}].since`, o.since, `since is the step at which the unit entered its lifecycle, a whole number from 0 to the file's step (${step})`, `"since": ${step}`, label);
    if (o.peakWeight !== undefined) {
      // A bad weight itself is reported by the single-step checks below, with its own fix.
      const w = isWhole(o.weight, 0, TOTAL_WEIGHT) ? o.weight : 0;
      if (!isWhole(o.peakWeight, 0, TOTAL_WEIGHT) || (o.peakWeight as number) < w) {
        refuse(`units[${i}].peakWeight`, o.peakWeight, `peakWeight is the highest weight the unit has carried: a whole number from its weight (${w}) to ${TOTAL_WEIGHT}`, `"peakWeight": ${Math.max(w, Math.min(TOTAL_WEIGHT, Number(o.peakWeight) || 0))}`, label);
      }
      if (o.lifecycle === UnitLifecycle.CANDIDATE && o.peakWeight !== 0) {
        refuse(`units[${i}].peakWeight`, o.peakWeight, 'a candidate has never carried traffic, so its peakWeight is 0', '"peakWeight": 0', label);
      }
    }
  });

  const typed = units as RolloutStateUnit[];
  const fleet = doc.fleet as string;
  // The single-step invariants, mapped back to JSON paths.
  try {
    const planned = planUnits(fleet, typed, (u) => u.fingerprint ?? UNPINNED_FINGERPRINT, {
      minimumKubernetesVersion: policy?.minimumKubernetesVersion, maximumKubernetesVersion: policy?.maximumKubernetesVersion,
    });
    checkWeights(fleet, planned);
  } catch (e) {
    if (!(e instanceof BlueGreenError)) throw e;
    let index = typed.findIndex((u) => u.slot === e.unit);
    if (e.field === 'slot' && e.unit !== undefined) {
      // A duplicate slot names the second unit holding it.
      const all = typed.map((u, i) => [u.slot, i] as const).filter(([s]) => s === e.unit);
      if (all.length > 1) index = all[1][1];
    }
    if (index < 0 && e.unit?.startsWith('#')) index = Number(e.unit.slice(1));
    const path = e.unit === undefined || index < 0 ? e.field : `units[${index}].${e.field}`;
    throw new RolloutStateError(file, path, { fleet: e.fleet, unit: e.unit, field: path, value: e.value, rule: e.rule, fix: e.fix });
  }
  return {
    version: STATE_FILE_VERSION, fleet, step, ...(policy ? { policy } : {}),
    units: typed.map((u) => ({
      slot: u.slot, kubernetesVersion: u.kubernetesVersion, lifecycle: u.lifecycle, weight: u.weight ?? 0,
      ...(u.fingerprint !== undefined ? { fingerprint: u.fingerprint } : {}),
      since: u.since,
      ...(u.peakWeight !== undefined ? { peakWeight: u.peakWeight } : {}),
    })),
  };
}

/** Parses the text of a state file (JSON) and checks it; see {@link parseRolloutState}. */
export function parseRolloutStateText(text: string, file: string): RolloutStateFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new RolloutStateError(file, '(root)', {
      fleet: '(unknown)', field: '(root)', value: show(String(text).slice(0, 40)),
      rule: `a rollout state file is JSON (${(e as Error).message})`, fix: 'fix the JSON syntax, e.g. with `node -e "JSON.parse(require(\'fs\').readFileSync(0))" < file`',
    });
  }
  return parseRolloutState(raw, file);
}

/** The state as the file is written: stable key order, two-space indent, final newline. */
export function formatRolloutState(state: RolloutStateFile): string {
  const out = {
    version: state.version, fleet: state.fleet, step: state.step,
    ...(state.policy ? { policy: pick(state.policy, POLICY_KEYS) } : {}),
    units: state.units.map((u) => pick(u, UNIT_KEYS)),
  };
  return JSON.stringify(out, null, 2).replace(/\{\n\s+("slot"[^}]*?)\n\s+\}/g, (_m, body: string) => `{ ${body.replace(/,\n\s+/g, ', ')} }`) + '\n';
}

function pick(o: object, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The unit's declaration, as a fleet construct takes it (without the state's history fields). */
export function declarationOf(u: RolloutStateUnit): UnitDeclaration {
  return {
    slot: u.slot, kubernetesVersion: u.kubernetesVersion, lifecycle: u.lifecycle, weight: u.weight,
    ...(u.fingerprint !== undefined ? { fingerprint: u.fingerprint } : {}),
  };
}

/** The units of a state, planned (each unit's recorded fingerprint stands in for its spec's). */
export function plannedUnitsOf(state: RolloutStateFile): PlannedUnit[] {
  return planUnits(state.fleet, state.units.map(declarationOf), (u) => u.fingerprint ?? UNPINNED_FINGERPRINT, {
    minimumKubernetesVersion: state.policy?.minimumKubernetesVersion, maximumKubernetesVersion: state.policy?.maximumKubernetesVersion,
  });
}
