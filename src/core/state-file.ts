import { BlueGreenError } from './errors';
import { excerpt, shortText } from './excerpt';
import type { RefusalDetails } from './refusal';
import { DEFAULT_MAXIMUM_KUBERNETES_VERSION, DEFAULT_MINIMUM_KUBERNETES_VERSION } from './kubernetes-version';
import { FLEET_KINDS } from './fleet-kind';
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
  /**
   * Minutes that must pass after the last traffic change before a canary step (candidate → serving)
   * may follow (see docs/slo-gates.md, "Soak"). @default 0
   */
  readonly canarySoakMinutes?: number;
  /** Minutes after the last traffic change before a shift (a serving unit gains weight). @default 0 */
  readonly shiftSoakMinutes?: number;
  /** Minutes after the last traffic change before a promote that finishes (one unit takes 100). @default 0 */
  readonly promoteSoakMinutes?: number;
  /** Minutes after the last traffic change before any step of a patch-only upgrade (the fast path). @default 0 */
  readonly patchSoakMinutes?: number;
  /**
   * What CI does when a deploy fails its gates: `hold` (nothing moves; people decide) or `rollback`
   * (CI runs `cdktf-bluegreen rollback` and opens the rollback pull request). @default 'hold'
   */
  readonly onGateFailure?: string;
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
  /** The file's `$schema` (for editors), kept as written. @default - none */
  readonly schema?: string;
  /** A free-text description of the fleet, kept as written. @default - none */
  readonly description?: string;
  /** Format version of the file; always 1. */
  readonly version: number;
  /** The fleet the file belongs to (the fleet construct's id). */
  readonly fleet: string;
  /** The rollout step: 0 for a new fleet, +1 for every change of lifecycles or weights. */
  readonly step: number;
  /** The fleet's rollout limits. @default - the defaults of each RolloutPolicy field */
  readonly policy?: RolloutPolicy;
  /**
   * What the fleet is made of (a `FleetKind` value: `aks-cluster`, `eks-cluster`, `aks-node-pool`,
   * `eks-node-pool`), so the CLI suggests only versions that kind can build next.
   * @default - a fleet of whole clusters (AKS or EKS)
   */
  readonly kind?: string;
  /** The units of this step. */
  readonly units: RolloutStateUnit[];
}

/** The format version this library writes and reads. */
export const STATE_FILE_VERSION = 1;

/** The largest state file read, in bytes: a fleet at its maximum size takes under a tenth of it. */
export const STATE_FILE_MAX_BYTES = 256 * 1024;

/**
 * The most units a fleet's state file may hold (retired units included, until forgotten). Far
 * above what one router spreads traffic over, and it bounds the work of every command.
 */
export const MAX_UNITS = 200;

/** The deepest nesting a state file needs is 3 (root → units → unit); anything far deeper is refused before it costs anything. */
export const MAX_JSON_DEPTH = 16;

/** Stands in for the name part of a unit whose fingerprint is not pinned yet. */
export const UNPINNED_FINGERPRINT = '<fp>';

/** A refusal of a state file: names the file and the JSON path of the bad value. */
export class RolloutStateError extends BlueGreenError {
  /** The state file (as given to the loader). */
  public readonly file: string;
  /** JSON path of the bad value inside the file, e.g. `units[1].weight`. */
  public readonly path: string;

  constructor(file: string, path: string, details: RefusalDetails) {
    // Every part that can carry text from the file is cut and escaped: messages reach CI logs and PR comments.
    const f = shortText(file, 120);
    const p = shortText(path, 80);
    super({
      fleet: shortText(details.fleet, 40), unit: details.unit === undefined ? undefined : shortText(details.unit, 40),
      field: p, value: shortText(details.value, 160), rule: shortText(details.rule, 400), fix: shortText(details.fix, 300),
    });
    this.name = 'RolloutStateError';
    this.file = f;
    this.path = p;
    this.message = `${f}: ${this.message}`;
  }
}

const TOP_KEYS = ['$schema', 'description', 'version', 'fleet', 'kind', 'step', 'policy', 'units'];
const POLICY_KEYS = ['canaryWeight', 'maxWeightStep', 'patchCanaryWeight', 'patchMaxWeightStep', 'minimumKubernetesVersion', 'maximumKubernetesVersion',
  'canarySoakMinutes', 'shiftSoakMinutes', 'promoteSoakMinutes', 'patchSoakMinutes', 'onGateFailure'];
/** The longest soak a policy may ask for: one week. */
export const MAX_SOAK_MINUTES = 7 * 24 * 60;
/** The values of `policy.onGateFailure`. */
export const GATE_FAILURE_ACTIONS = ['hold', 'rollback'];
const UNIT_KEYS = ['slot', 'kubernetesVersion', 'lifecycle', 'weight', 'fingerprint', 'since', 'peakWeight'];
const FINGERPRINT_PATTERN = /^[a-z2-7]{6}$/;
// Versions keep their exact digits: no sign, no leading zero, no `v`, no spaces, and few enough
// digits that no number ever rounds them.
const UNIT_VERSION_PATTERN = /^1\.(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,5}))?$/;
const MINOR_PATTERN = /^1\.(0|[1-9][0-9]{0,2})$/;

/** Whether `text` is a Kubernetes version as a state file spells it: `1.MINOR` or `1.MINOR.PATCH`, plain digits. */
export function isStateFileVersion(text: unknown): text is string {
  return typeof text === 'string' && UNIT_VERSION_PATTERN.test(text);
}

/** The canonical spelling of a version the user wrote loosely (`v1.033` → `1.33`), for a fix. */
function canonicalVersion(v: unknown, fallback: string): string {
  if (typeof v !== 'string' || v.length > 20) return fallback;
  const m = /^\s*v?0*1\.0*([0-9]{1,3})(?:\.0*([0-9]{1,6}))?\s*$/.exec(v);
  return m ? `1.${Number(m[1])}${m[2] !== undefined ? `.${Number(m[2])}` : ''}` : fallback;
}

/** The closest known key, for "did you mean" fixes. */
function closest(key: string, known: string[]): string {
  // A long key is no misspelling of a short one (and measuring it would cost time for nothing).
  if (key.length > 40) return known[0];
  let best = known[0];
  let bestScore = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestScore) { best = k; bestScore = d; }
  }
  return best;
}

/** Levenshtein distance, for "did you mean" suggestions (keys here, commands and options in the CLI). @internal */
export function editDistance(a: string, b: string): number {
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
    throw new RolloutStateError(file, path, { fleet: fleetOf, unit, field: path, value: excerpt(value), rule, fix });
  };
  if (!isObject(raw)) {
    refuse('(root)', raw, 'a rollout state file holds one JSON object', '{ "version": 1, "fleet": "shop-prod", "step": 0, "units": [...] }');
  }
  // A typed state carries the file's `$schema` as `schema` (see parseRolloutStateText).
  const doc = { ...(raw as Record<string, unknown>) };
  if (doc.schema !== undefined && doc.$schema === undefined) { doc.$schema = doc.schema; delete doc.schema; }
  for (const k of Object.keys(doc)) {
    if (!TOP_KEYS.includes(k)) refuse(k, doc[k], `the known fields are ${TOP_KEYS.join(', ')}`, `rename it to ${JSON.stringify(closest(k, TOP_KEYS))}, or remove it`);
  }
  for (const [k, max] of [['$schema', 2048], ['description', 4096]] as const) {
    const v = doc[k];
    if (v !== undefined && (typeof v !== 'string' || v.length > max)) refuse(k, v, `${k} is a string of at most ${max} characters (kept as written)`, `"${k}": "${k === '$schema' ? './rollout.schema.json' : 'the shop frontend in West Europe'}", or remove it`);
  }
  if (doc.version !== STATE_FILE_VERSION) refuse('version', doc.version, `this library reads state file version ${STATE_FILE_VERSION}`, `"version": ${STATE_FILE_VERSION}`);
  if (typeof doc.fleet !== 'string') refuse('fleet', doc.fleet, 'the fleet is named by a string (the fleet construct\'s id)', '"fleet": "shop-prod"');
  if (doc.kind !== undefined && !(FLEET_KINDS as unknown[]).includes(doc.kind)) {
    refuse('kind', doc.kind, `what the fleet is made of: ${FLEET_KINDS.map((k) => `"${k}"`).join(', ')}`, `"kind": "${FLEET_KINDS[0]}", or remove it (whole clusters)`);
  }
  if (!isWhole(doc.step, 0, Number.MAX_SAFE_INTEGER)) refuse('step', doc.step, 'the step is a whole number from 0, one more for every change of lifecycles or weights', '"step": 0');
  const step = doc.step as number;

  let policy: RolloutPolicy | undefined;
  if (doc.policy !== undefined) {
    if (!isObject(doc.policy)) refuse('policy', doc.policy, 'the policy is an object', '"policy": { "canaryWeight": 10, "maxWeightStep": 25 }');
    const p = doc.policy as Record<string, unknown>;
    for (const k of Object.keys(p)) {
      if (!POLICY_KEYS.includes(k)) refuse(`policy.${k}`, p[k], `the known policy fields are ${POLICY_KEYS.join(', ')}`, `rename it to ${JSON.stringify(closest(k, POLICY_KEYS))}, or remove it`);
    }
    for (const k of ['canaryWeight', 'maxWeightStep', 'patchCanaryWeight', 'patchMaxWeightStep']) {
      if (p[k] !== undefined && !isWhole(p[k], 1, TOTAL_WEIGHT)) refuse(`policy.${k}`, p[k], `a weight limit is a whole number from 1 to ${TOTAL_WEIGHT}`, `"${k}": ${k.includes('anary') ? 10 : 25}`);
    }
    for (const k of ['minimumKubernetesVersion', 'maximumKubernetesVersion']) {
      if (p[k] !== undefined && (typeof p[k] !== 'string' || !MINOR_PATTERN.test(p[k] as string))) {
        refuse(`policy.${k}`, p[k], 'a version bound is a Kubernetes minor, 1.MINOR in plain digits', `"${k}": "${canonicalVersion(p[k], k.startsWith('min') ? '1.29' : '1.37').replace(/^(1\.\d+)\.\d+$/, '$1')}"`);
      }
    }
    for (const k of ['canarySoakMinutes', 'shiftSoakMinutes', 'promoteSoakMinutes', 'patchSoakMinutes']) {
      if (p[k] !== undefined && !isWhole(p[k], 0, MAX_SOAK_MINUTES)) refuse(`policy.${k}`, p[k], `a soak is a whole number of minutes from 0 to ${MAX_SOAK_MINUTES} (one week)`, `"${k}": 30`);
    }
    if (p.onGateFailure !== undefined && !GATE_FAILURE_ACTIONS.includes(p.onGateFailure as string)) {
      refuse('policy.onGateFailure', p.onGateFailure, `what CI does when a deploy fails its gates: ${GATE_FAILURE_ACTIONS.map((a) => `"${a}"`).join(' or ')}`, '"onGateFailure": "rollback"');
    }
    const lo = p.minimumKubernetesVersion as string | undefined;
    const hi = p.maximumKubernetesVersion as string | undefined;
    const minorOf = (v: string) => Number(v.split('.')[1]);
    const loMinor = minorOf(lo ?? DEFAULT_MINIMUM_KUBERNETES_VERSION);
    const hiMinor = minorOf(hi ?? DEFAULT_MAXIMUM_KUBERNETES_VERSION);
    if (loMinor > hiMinor) {
      refuse(lo !== undefined ? 'policy.minimumKubernetesVersion' : 'policy.maximumKubernetesVersion', lo !== undefined ? lo : hi,
        `the oldest minor a new unit may use is at most the newest (${lo ?? `default ${DEFAULT_MINIMUM_KUBERNETES_VERSION}`} > ${hi ?? `default ${DEFAULT_MAXIMUM_KUBERNETES_VERSION}`}): no new unit could ever start`,
        lo !== undefined ? `"minimumKubernetesVersion": "1.${hiMinor}" or lower` : `"maximumKubernetesVersion": "1.${loMinor}" or higher`);
    }
    policy = p as RolloutPolicy;
  }

  if (!Array.isArray(doc.units) || doc.units.length === 0) {
    refuse('units', doc.units, 'a fleet has at least one unit', '"units": [{ "slot": "blue", "kubernetesVersion": "1.33", "lifecycle": "serving", "weight": 100, "since": 0 }]');
  }
  const units = doc.units as unknown[];
  if (units.length > MAX_UNITS) {
    refuse('units', units, `a fleet holds at most ${MAX_UNITS} units, retired ones included (${units.length} here)`, 'forget retired units (cdktf-bluegreen forget), or split the fleet');
  }
  units.forEach((u, i) => {
    const label = isObject(u) && typeof u.slot === 'string' ? u.slot : `#${i}`;
    if (!isObject(u)) refuse(`units[${i}]`, u, 'a unit is an object', '{ "slot": "green", "kubernetesVersion": "1.34", "lifecycle": "candidate", "weight": 0, "since": 1 }');
    const o = u as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!UNIT_KEYS.includes(k)) refuse(`units[${i}].${k}`, o[k], `the known unit fields are ${UNIT_KEYS.join(', ')}`, `rename it to ${JSON.stringify(closest(k, UNIT_KEYS))}, or remove it`, label);
    }
    if (typeof o.kubernetesVersion !== 'string') refuse(`units[${i}].kubernetesVersion`, o.kubernetesVersion, 'a Kubernetes version is a string, 1.MINOR or 1.MINOR.PATCH (a number would lose "1.30" to 1.3)', `"kubernetesVersion": "${typeof o.kubernetesVersion === 'number' && o.kubernetesVersion < 100 ? String(o.kubernetesVersion) : '1.34'}"`, label);
    if (!UNIT_VERSION_PATTERN.test(o.kubernetesVersion as string)) {
      refuse(`units[${i}].kubernetesVersion`, o.kubernetesVersion, 'a Kubernetes version is 1.MINOR or 1.MINOR.PATCH in plain digits (no "v", no spaces, no leading zeros, at most 3 digits of minor and 6 of patch), kept exactly as written', `"kubernetesVersion": "${canonicalVersion(o.kubernetesVersion, '1.34')}"`, label);
    }
    if (o.weight === undefined || o.weight === null) refuse(`units[${i}].weight`, o.weight, 'a state file spells out every weight as a whole number', '"weight": 0', label);
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
    ...(doc.$schema !== undefined ? { schema: doc.$schema as string } : {}),
    ...(doc.description !== undefined ? { description: doc.description as string } : {}),
    version: STATE_FILE_VERSION, fleet, ...(doc.kind !== undefined ? { kind: doc.kind as string } : {}), step, ...(policy ? { policy: pick(policy, POLICY_KEYS) as RolloutPolicy } : {}),
    units: typed.map((u) => ({
      slot: u.slot, kubernetesVersion: u.kubernetesVersion, lifecycle: u.lifecycle, weight: u.weight ?? 0,
      ...(u.fingerprint !== undefined ? { fingerprint: u.fingerprint } : {}),
      since: u.since,
      ...(u.peakWeight !== undefined ? { peakWeight: u.peakWeight } : {}),
    })),
  };
}

/**
 * Parses the text of a state file and checks it; see {@link parseRolloutState}. The JSON is read
 * by a strict parser of its own: a key given twice, nesting deeper than {@link MAX_JSON_DEPTH},
 * a number that is not plain whole digits (which `JSON.parse` would round or reshape), a
 * byte-order mark or text over {@link STATE_FILE_MAX_BYTES} are refused, never silently resolved.
 */
export function parseRolloutStateText(text: string, file: string): RolloutStateFile {
  const raw = parseStrictJson(text, file);
  if (isObject(raw) && 'schema' in raw) {
    throw new RolloutStateError(file, 'schema', {
      fleet: typeof raw.fleet === 'string' ? raw.fleet : '(unknown)', field: 'schema', value: excerpt(raw.schema),
      rule: `the known fields are ${TOP_KEYS.join(', ')}`, fix: 'rename it to "$schema", or remove it',
    });
  }
  return parseRolloutState(raw, file);
}

/** Strict JSON (RFC 8259) with the refusals above; objects are plain, with own keys only (no prototype tricks). */
function parseStrictJson(text: string, file: string): unknown {
  const fail = (at: number, what: string, fix = 'fix the JSON syntax (an editor with JSON support shows where)'): never => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const col = at - before.lastIndexOf('\n');
    throw new RolloutStateError(file, '(root)', {
      fleet: '(unknown)', field: '(root)', value: excerpt(text.slice(Math.max(0, at - 20), at + 20), 40),
      rule: `a rollout state file is JSON (${what} at line ${line}, column ${col})`, fix,
    });
  };
  if (text.length > STATE_FILE_MAX_BYTES) fail(0, `the text is ${text.length.toLocaleString('en-US')} characters, over the limit of ${STATE_FILE_MAX_BYTES.toLocaleString('en-US')}`, 'a state file holds one fleet; forget retired units or split the fleet');
  if (text.charCodeAt(0) === 0xfeff) fail(0, 'a byte-order mark starts the file', 'save the file as UTF-8 without a byte-order mark');
  let i = 0;
  const ws = () => { while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++; };
  const refuseAt = (path: string, shown: string, rule: string, fix: string): never => {
    throw new RolloutStateError(file, path, { fleet: '(unknown)', field: path, value: shown, rule, fix });
  };
  const str = (): string => {
    const start = i++;
    let out = '';
    for (;;) {
      if (i >= text.length) fail(start, 'a string is not closed');
      const c = text[i];
      if (c === '"') { i++; return out; }
      if (c < ' ') fail(i, 'a control character inside a string');
      if (c !== '\\') { out += c; i++; continue; }
      const e = text[i + 1];
      const simple: { [k: string]: string } = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e in simple) { out += simple[e]; i += 2; continue; }
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) { out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)); i += 6; continue; }
      fail(i, 'a bad escape in a string');
    }
  };
  const value = (path: string, depth: number): unknown => {
    if (depth > MAX_JSON_DEPTH) fail(i, `nesting deeper than ${MAX_JSON_DEPTH} levels`, 'a state file nests 3 levels (root, units, unit): remove the extra nesting');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(i, 'a key (a string in double quotes) is expected');
        const key = str();
        const at = path === '' ? key : `${path}.${key}`;
        if (Object.prototype.hasOwnProperty.call(obj, key)) {
          refuseAt(at, excerpt(key), 'a key appears once in an object (JSON readers disagree on which copy wins, so the file would mean different things to different tools)', `keep one ${JSON.stringify(key.slice(0, 30))} and remove the other`);
        }
        ws();
        if (text[i] !== ':') fail(i, 'a ":" is expected after a key');
        i++;
        // defineProperty: a key like "__proto__" stays an ordinary (and unknown, so refused) key.
        Object.defineProperty(obj, key, { value: value(at, depth + 1), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return obj; }
        fail(i, 'a "," or "}" is expected');
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value(`${path}[${arr.length}]`, depth + 1));
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return arr; }
        fail(i, 'a "," or "]" is expected');
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m) fail(i, i >= text.length ? 'the text ends too early' : 'a value is expected');
    i += m![0].length;
    const raw = m![0];
    // Every number of a state file is a whole number; anything else would be rounded or reshaped on the next write.
    if (!/^(0|-?[1-9][0-9]{0,14})$/.test(raw)) {
      const n = Number(raw);
      refuseAt(path || '(root)', raw.length > 40 ? `${raw.slice(0, 40)}… (${raw.length} digits)` : raw, 'a number in a state file is a whole number in plain digits, at most 15 of them (no fraction, exponent or -0, which would be rewritten differently)',
        Number.isSafeInteger(n) && !Object.is(n, -0) ? `${JSON.stringify(path.split('.').pop())}: ${n}` : 'a whole number such as 0');
    }
    return Number(raw);
  };
  const result = value('', 0);
  ws();
  if (i < text.length) fail(i, 'text after the end of the JSON value');
  return result;
}

/** The state as the file is written: stable key order, two-space indent, final newline. */
export function formatRolloutState(state: RolloutStateFile): string {
  const out = {
    ...(state.schema !== undefined ? { $schema: state.schema } : {}),
    ...(state.description !== undefined ? { description: state.description } : {}),
    version: state.version, fleet: state.fleet, ...(state.kind !== undefined ? { kind: state.kind } : {}), step: state.step,
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

/** The raw JSON literal of each top-level string field of `text` (as written, escapes included). */
function rawTopLevelStrings(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let depth = 0;
  let key: string | undefined;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      const literal = text.slice(start, i + 1);
      if (depth === 1 && expectKey) { key = literal; expectKey = false; } else if (depth === 1 && key !== undefined) {
        try { out.set(JSON.parse(key) as string, literal); } catch { /* not a plain key */ }
        key = undefined;
      }
      continue;
    }
    if (c === '{' || c === '[') { depth++; if (depth === 1 && c === '{') expectKey = true; else if (depth === 2) key = undefined; }
    else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) { expectKey = true; key = undefined; }
  }
  return out;
}

/**
 * `formatted` (a state written by `formatRolloutState`) with `$schema` and `description` spelled
 * exactly as in `original` when their values did not change: documented as kept as written, so
 * `\u00e9` or `\u2028` in a description is not rewritten by a command that only moves weights.
 */
export function keepWrittenStrings(original: string, formatted: string): string {
  const before = rawTopLevelStrings(original);
  let out = formatted;
  for (const k of ['$schema', 'description']) {
    const raw = before.get(k);
    if (raw === undefined) continue;
    let value: unknown;
    try { value = JSON.parse(raw); } catch { continue; }
    const ours = `\n  ${JSON.stringify(k)}: ${JSON.stringify(value)},\n`;
    const at = out.indexOf(ours);
    if (at >= 0 && at < 4200 + raw.length) out = `${out.slice(0, at)}\n  ${JSON.stringify(k)}: ${raw},\n${out.slice(at + ours.length)}`;
  }
  return out;
}
