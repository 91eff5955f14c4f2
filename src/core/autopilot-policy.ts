import { BlueGreenError } from './errors';
import { excerpt, shortText } from './excerpt';
import { KubernetesVersion } from './kubernetes-version';

/**
 * The autopilot's inputs that live in the repository beside the state files, each read strictly
 * (unknown keys, wrong types and bad patterns are refused with the file, the JSON path, the rule and
 * a value that passes):
 *
 * - `autopilot/policy.json`: rings, maintenance windows, freezes, urgency, approvals, releases;
 * - `autopilot/cve-feed.json`: the Kubernetes official CVE feed (JSON Feed 1.1), refreshed by the workflow;
 * - `autopilot/offered-versions.json`: the versions each cloud region offers, refreshed by the workflow.
 */

/** The kinds of step the autopilot writes; a ring's `autoMerge` lists those that merge without a person. */
export const STEP_KINDS = ['start', 'canary', 'shift', 'promote', 'retire', 'forget', 'rollback'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** CVSS v3 qualitative ratings, lowest first (FIRST, CVSS v3.1 specification, section 5). */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'];

/** A weekly maintenance window, in UTC. */
export interface MaintenanceWindow {
  readonly days: string[];
  /** `HH:MM`, UTC. */
  readonly start: string;
  readonly minutes: number;
}

/** A period in which nothing moves (an exclusion of one fleet, or a freeze of all). */
export interface Blackout {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

/** One fleet's place in the autopilot. */
export interface AutopilotFleet {
  /** `aks` or `eks` (cluster units), `aks-pool` or `eks-pool` (node-pool units). */
  readonly cloud: string;
  readonly region: string;
  readonly windows: MaintenanceWindow[];
  readonly exclusions: Blackout[];
  /** Node-pool fleets: the control plane's version (a pool is never newer, at most 3 minors older). */
  readonly controlPlane?: string;
}

/** One ring: fleets that move together, in order. */
export interface Ring {
  readonly name: string;
  readonly fleets: string[];
  /** How long a version serves 100 % in every fleet of this ring, gates passing, before the next ring starts it. */
  readonly soakHours: number;
  /** This many held fleets in the ring hold every ring after it. */
  readonly failureThreshold: number;
  /** Step kinds that merge themselves in this ring; the others wait for a person. */
  readonly autoMerge: string[];
}

/** The autopilot policy file. */
export interface AutopilotPolicy {
  readonly version: number;
  readonly rings: Ring[];
  readonly fleets: { [fleet: string]: AutopilotFleet };
  readonly freezes: Blackout[];
  /** A CVE at or above this CVSS rating makes its fixing patch urgent. */
  readonly urgentSeverity: string;
  /** A fleet held by a failed deploy is released by a time here later than the failure. */
  readonly released: { [fleet: string]: string };
}

/** One entry of the CVE feed, as the autopilot uses it. */
export interface CveEntry {
  readonly id: string;
  readonly published: string;
  /** The CVSS rating read from the entry's text (`low` … `critical`), or undefined when it names none. */
  readonly severity?: string;
  /** The patch versions the entry names as fixed (`1.34.4`). */
  readonly fixed: string[];
}

/** A refused autopilot input file. */
export class AutopilotInputError extends BlueGreenError {
  constructor(file: string, pathInFile: string, value: unknown, rule: string, fix: string, fleet = '(autopilot)') {
    // Every part that can carry text from the file is cut and escaped: messages reach CI logs and PR comments.
    super({ fleet: shortText(fleet, 40), field: shortText(`${file}: ${pathInFile}`, 160), value: excerpt(value, 60), rule: shortText(rule, 400), fix: shortText(fix, 300) });
    this.name = 'AutopilotInputError';
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const NAME = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;
const REGION = /^[a-z][a-z0-9-]{1,39}$/;
const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const FULL_VERSION = /^1\.(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,5}))?$/;
const MAX_TEXT = 8 * 1024 * 1024;

function obj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(text: string, file: string): unknown {
  if (text.length > MAX_TEXT) throw new AutopilotInputError(file, '(root)', `${text.length} characters`, `an autopilot file is at most ${MAX_TEXT} characters`, 'keep only what the autopilot needs');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AutopilotInputError(file, '(root)', text.slice(0, 40), `the file is JSON (${(e as Error).message.slice(0, 80)})`, 'fix the JSON syntax');
  }
}

function keys(o: Record<string, unknown>, known: string[], file: string, at: string): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new AutopilotInputError(file, `${at}${at ? '.' : ''}${k}`, k, `the known fields are ${known.join(', ')}`, 'remove it, or fix its spelling');
  }
}

function blackouts(v: unknown, file: string, at: string): Blackout[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > 100) throw new AutopilotInputError(file, at, v, 'a list of at most 100 periods', '[{ "from": "2026-12-20T00:00:00Z", "to": "2027-01-04T00:00:00Z", "reason": "year-end freeze" }]');
  return v.map((b, i) => {
    const here = `${at}[${i}]`;
    if (!obj(b)) throw new AutopilotInputError(file, here, b, 'a period is an object', '{ "from": "…", "to": "…", "reason": "…" }');
    keys(b, ['from', 'to', 'reason'], file, here);
    for (const k of ['from', 'to']) {
      if (typeof b[k] !== 'string' || !ISO.test(b[k] as string) || Number.isNaN(Date.parse(b[k] as string))) throw new AutopilotInputError(file, `${here}.${k}`, b[k], 'a time is ISO 8601 in UTC with seconds', `"${k}": "2026-12-20T00:00:00Z"`);
    }
    if (Date.parse(b.to as string) <= Date.parse(b.from as string)) throw new AutopilotInputError(file, `${here}.to`, b.to, `a period ends after it starts (${b.from})`, 'swap from and to');
    if (typeof b.reason !== 'string' || b.reason.length < 1 || b.reason.length > 200 || /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069<>`@[\]]/.test(b.reason)) {
      throw new AutopilotInputError(file, `${here}.reason`, b.reason, 'a reason is 1-200 plain characters (no control or bidi characters, no < > ` @ [ ])', '"reason": "year-end freeze"');
    }
    return { from: b.from as string, to: b.to as string, reason: b.reason };
  });
}

/** Reads and checks `autopilot/policy.json`. Every fleet of the repository must be in exactly one ring (`stateFleets`). */
export function parseAutopilotPolicy(text: string, file: string, stateFleets: string[]): AutopilotPolicy {
  const raw = parseJson(text, file);
  if (!obj(raw)) throw new AutopilotInputError(file, '(root)', raw, 'the policy is a JSON object', '{ "version": 1, "rings": [...], "fleets": {...} }');
  keys(raw, ['$schema', 'description', 'version', 'rings', 'fleets', 'freezes', 'urgency', 'released'], file, '');
  if (raw.version !== 1) throw new AutopilotInputError(file, 'version', raw.version, 'the policy format version is 1', '"version": 1');
  if (!Array.isArray(raw.rings) || raw.rings.length < 1 || raw.rings.length > 20) throw new AutopilotInputError(file, 'rings', raw.rings, 'rings is a list of 1 to 20 rings, first to last', '"rings": [{ "name": "dev", "fleets": ["shop-dev"] }]');
  if (!obj(raw.fleets)) throw new AutopilotInputError(file, 'fleets', raw.fleets, 'fleets maps each fleet to its cloud, region and windows', '"fleets": { "shop-dev": { "cloud": "aks", "region": "westeurope", "windows": [...] } }');
  const seen = new Map<string, string>();
  const rings: Ring[] = raw.rings.map((r, i) => {
    const at = `rings[${i}]`;
    if (!obj(r)) throw new AutopilotInputError(file, at, r, 'a ring is an object', '{ "name": "dev", "fleets": ["shop-dev"] }');
    keys(r, ['name', 'fleets', 'soakHours', 'failureThreshold', 'autoMerge'], file, at);
    if (typeof r.name !== 'string' || !NAME.test(r.name)) throw new AutopilotInputError(file, `${at}.name`, r.name, 'a ring name is 2-24 lowercase letters, digits and "-"', '"name": "staging"');
    if (!Array.isArray(r.fleets) || r.fleets.length < 1 || r.fleets.length > 200) throw new AutopilotInputError(file, `${at}.fleets`, r.fleets, 'a ring holds 1 to 200 fleets', '"fleets": ["shop-dev"]');
    for (const [j, f] of r.fleets.entries()) {
      if (typeof f !== 'string' || !NAME.test(f)) throw new AutopilotInputError(file, `${at}.fleets[${j}]`, f, 'a fleet name is 2-24 lowercase letters, digits and "-"', '"shop-dev"');
      if (seen.has(f)) throw new AutopilotInputError(file, `${at}.fleets[${j}]`, f, `a fleet is in one ring (it is in ${seen.get(f)} already)`, 'remove it from one of them');
      if (!stateFleets.includes(f)) throw new AutopilotInputError(file, `${at}.fleets[${j}]`, f, `a ring names fleets that have a state file (${stateFleets.slice(0, 8).join(', ')})`, 'create its state file with cdktf-bluegreen init, or remove it');
      seen.set(f, r.name);
    }
    const soak = r.soakHours ?? 24;
    if (!Number.isInteger(soak) || (soak as number) < 0 || (soak as number) > 720) throw new AutopilotInputError(file, `${at}.soakHours`, r.soakHours, 'hours a version serves 100 % in this ring before the next ring starts it: a whole number 0-720 (30 days, GKE rollout sequencing\'s maximum soak)', '"soakHours": 24');
    const threshold = r.failureThreshold ?? 1;
    if (!Number.isInteger(threshold) || (threshold as number) < 1) throw new AutopilotInputError(file, `${at}.failureThreshold`, r.failureThreshold, 'a whole number of held fleets, 1 or more', '"failureThreshold": 1');
    const auto = r.autoMerge ?? [];
    if (!Array.isArray(auto) || auto.some((k) => !STEP_KINDS.includes(k as string))) throw new AutopilotInputError(file, `${at}.autoMerge`, r.autoMerge, `step kinds that merge without a person, from ${STEP_KINDS.join(', ')}`, '"autoMerge": ["canary", "shift", "retire", "forget", "rollback"]');
    return { name: r.name, fleets: r.fleets as string[], soakHours: soak as number, failureThreshold: threshold as number, autoMerge: auto as string[] };
  });
  const missing = stateFleets.filter((f) => !seen.has(f));
  if (missing.length) throw new AutopilotInputError(file, 'rings', missing[0], `every fleet with a state file is in one ring (${missing.length} are not: ${missing.slice(0, 5).join(', ')})`, `add "${missing[0]}" to a ring's fleets`);
  const fleets: { [f: string]: AutopilotFleet } = {};
  for (const f of seen.keys()) {
    const at = `fleets.${f}`;
    const e = raw.fleets[f];
    if (!obj(e)) throw new AutopilotInputError(file, at, e, 'each fleet of a ring has an entry: its cloud, region and maintenance windows', `"${f}": { "cloud": "aks", "region": "westeurope", "windows": [{ "days": ["tue"], "start": "06:00", "minutes": 240 }] }`);
    keys(e, ['cloud', 'region', 'windows', 'exclusions', 'controlPlane'], file, at);
    if (!['aks', 'eks', 'aks-pool', 'eks-pool'].includes(e.cloud as string)) throw new AutopilotInputError(file, `${at}.cloud`, e.cloud, 'the fleet kind is aks, eks (cluster units), aks-pool or eks-pool (node-pool units)', '"cloud": "aks"');
    if (typeof e.region !== 'string' || !REGION.test(e.region)) throw new AutopilotInputError(file, `${at}.region`, e.region, 'a region is lowercase letters, digits and "-"', '"region": "westeurope"');
    if (!Array.isArray(e.windows) || e.windows.length < 1 || e.windows.length > 20) throw new AutopilotInputError(file, `${at}.windows`, e.windows, 'a fleet has 1 to 20 weekly maintenance windows (UTC)', '"windows": [{ "days": ["tue", "wed"], "start": "06:00", "minutes": 240 }]');
    const windows = e.windows.map((w, i) => {
      const here = `${at}.windows[${i}]`;
      if (!obj(w)) throw new AutopilotInputError(file, here, w, 'a window is an object', '{ "days": ["tue"], "start": "06:00", "minutes": 240 }');
      keys(w, ['days', 'start', 'minutes'], file, here);
      if (!Array.isArray(w.days) || w.days.length < 1 || w.days.some((d) => !DAYS.includes(d as string))) throw new AutopilotInputError(file, `${here}.days`, w.days, `days are ${DAYS.join(', ')}`, '"days": ["tue", "wed"]');
      if (typeof w.start !== 'string' || !HHMM.test(w.start)) throw new AutopilotInputError(file, `${here}.start`, w.start, 'a start is HH:MM in UTC', '"start": "06:00"');
      if (!Number.isInteger(w.minutes) || (w.minutes as number) < 30 || (w.minutes as number) > 1440) throw new AutopilotInputError(file, `${here}.minutes`, w.minutes, 'a window lasts 30 to 1440 minutes', '"minutes": 240');
      return { days: w.days as string[], start: w.start, minutes: w.minutes as number };
    });
    let controlPlane: string | undefined;
    if (e.controlPlane !== undefined) {
      if (typeof e.controlPlane !== 'string' || !FULL_VERSION.test(e.controlPlane)) throw new AutopilotInputError(file, `${at}.controlPlane`, e.controlPlane, 'a control plane version is 1.MINOR', '"controlPlane": "1.34"');
      controlPlane = e.controlPlane;
    } else if ((e.cloud as string).endsWith('-pool')) {
      throw new AutopilotInputError(file, `${at}.controlPlane`, undefined, 'a node-pool fleet names its control plane\'s version (a pool is never newer, at most 3 minors older)', '"controlPlane": "1.34"');
    }
    fleets[f] = { cloud: e.cloud as string, region: e.region, windows, exclusions: blackouts(e.exclusions, file, `${at}.exclusions`), ...(controlPlane ? { controlPlane } : {}) };
  }
  let urgentSeverity = 'high';
  if (raw.urgency !== undefined) {
    if (!obj(raw.urgency)) throw new AutopilotInputError(file, 'urgency', raw.urgency, 'urgency is an object', '"urgency": { "minimumSeverity": "high" }');
    keys(raw.urgency, ['minimumSeverity'], file, 'urgency');
    if (!SEVERITIES.includes(raw.urgency.minimumSeverity as string)) throw new AutopilotInputError(file, 'urgency.minimumSeverity', raw.urgency.minimumSeverity, `a CVSS rating: ${SEVERITIES.join(', ')}`, '"minimumSeverity": "high"');
    urgentSeverity = raw.urgency.minimumSeverity as string;
  }
  const released: { [f: string]: string } = {};
  if (raw.released !== undefined) {
    if (!obj(raw.released)) throw new AutopilotInputError(file, 'released', raw.released, 'released maps a fleet to the time it was released from a hold', '"released": { "shop-staging": "2026-12-07T09:00:00Z" }');
    for (const [f, t] of Object.entries(raw.released)) {
      if (!seen.has(f)) throw new AutopilotInputError(file, `released.${f}`, f, 'a released fleet is one of the rings\' fleets', 'remove it');
      if (typeof t !== 'string' || !ISO.test(t) || Number.isNaN(Date.parse(t))) throw new AutopilotInputError(file, `released.${f}`, t, 'a time is ISO 8601 in UTC with seconds', `"${f}": "2026-12-07T09:00:00Z"`);
      released[f] = t;
    }
  }
  return { version: 1, rings, fleets, freezes: blackouts(raw.freezes, file, 'freezes'), urgentSeverity, released };
}

/**
 * Reads the Kubernetes official CVE feed (https://kubernetes.io/docs/reference/issues-security/official-cve-feed/,
 * JSON Feed 1.1: `items[]` with `id`, `summary`, `content_text`, `date_published`). The feed has no
 * structured severity or fixed versions: they are read from the entry's text, as the security
 * announcements write them ("CVSS Rating: High", "rated **High**"; fixed versions such as "v1.34.4").
 * An entry whose text names no rating gets none (it never counts as urgent by itself).
 */
export function parseCveFeed(text: string, file: string): CveEntry[] {
  const raw = parseJson(text, file);
  if (!obj(raw) || !Array.isArray(raw.items)) throw new AutopilotInputError(file, 'items', obj(raw) ? raw.items : raw, 'the Kubernetes official CVE feed is a JSON Feed with an items list', 'refresh it from https://kubernetes.io/docs/reference/issues-security/official-cve-feed/index.json');
  if (raw.items.length > 2000) throw new AutopilotInputError(file, 'items', `${raw.items.length} items`, 'at most 2,000 entries', 'refresh the feed');
  return raw.items.map((it, i) => {
    const at = `items[${i}]`;
    if (!obj(it)) throw new AutopilotInputError(file, at, it, 'an entry is an object', 'refresh the feed');
    if (typeof it.id !== 'string' || it.id.length > 300) throw new AutopilotInputError(file, `${at}.id`, it.id, 'an entry has an id (its CVE record URL)', 'refresh the feed');
    const cve = /CVE-\d{4}-\d{4,7}/.exec(it.id)?.[0] ?? /CVE-\d{4}-\d{4,7}/.exec(typeof it.summary === 'string' ? it.summary : '')?.[0] ?? `entry ${i}`;
    const published = it.date_published;
    if (typeof published !== 'string' || published.length > 40 || Number.isNaN(Date.parse(published))) throw new AutopilotInputError(file, `${at}.date_published`, published, 'an entry has an RFC 3339 date_published', 'refresh the feed');
    const body = `${typeof it.summary === 'string' ? it.summary : ''}\n${typeof it.content_text === 'string' ? it.content_text.slice(0, 20000) : ''}`;
    const rating = /CVSS\s+Rating:?\s*\**\s*(Low|Medium|High|Critical)\b/i.exec(body) ?? /rated\s+(?:as\s+)?\**(Low|Medium|High|Critical)\**/i.exec(body);
    const fixed = [...new Set([...body.matchAll(/\bv?(1\.[1-9][0-9]{0,2}\.(?:0|[1-9][0-9]{0,5}))\b/g)].map((m) => m[1]))].slice(0, 50);
    return { id: cve, published: new Date(Date.parse(published)).toISOString().replace(/\.\d{3}Z$/, 'Z'), ...(rating ? { severity: rating[1].toLowerCase() } : {}), fixed };
  });
}

/**
 * Reads `autopilot/offered-versions.json`: `{ "version": 1, "offered": { "<cloud>/<region>": ["1.34.4", …] } }`,
 * refreshed by the workflow (`az aks get-versions --location <region>`; `aws eks describe-cluster-versions`).
 */
export function parseOfferedVersions(text: string, file: string): { [cloudRegion: string]: string[] } {
  const raw = parseJson(text, file);
  if (!obj(raw)) throw new AutopilotInputError(file, '(root)', raw, 'an object', '{ "version": 1, "offered": { "aks/westeurope": ["1.34.4"] } }');
  keys(raw, ['$schema', 'description', 'version', 'refreshedAt', 'offered'], file, '');
  if (raw.version !== 1) throw new AutopilotInputError(file, 'version', raw.version, 'the format version is 1', '"version": 1');
  if (!obj(raw.offered)) throw new AutopilotInputError(file, 'offered', raw.offered, 'offered maps "<cloud>/<region>" to its versions', '"offered": { "aks/westeurope": ["1.34.4"] }');
  const out: { [k: string]: string[] } = {};
  for (const [k, list] of Object.entries(raw.offered)) {
    if (!/^(aks|eks)\/[a-z][a-z0-9-]{1,39}$/.test(k)) throw new AutopilotInputError(file, `offered.${k}`, k, 'a key is aks/<region> or eks/<region>', '"aks/westeurope"');
    if (!Array.isArray(list) || list.length > 200 || list.some((v) => typeof v !== 'string' || !FULL_VERSION.test(v))) {
      throw new AutopilotInputError(file, `offered.${k}`, list, 'a list of versions, 1.MINOR or 1.MINOR.PATCH', '["1.33.5", "1.34.4"]');
    }
    out[k] = [...(list as string[])].sort((a, b) => KubernetesVersion.parse(a).compare(KubernetesVersion.parse(b)));
  }
  return out;
}

/** Minutes since the week began (Sunday 00:00 UTC). */
function weekMinute(t: number): number {
  const d = new Date(t * 1000);
  return d.getUTCDay() * 1440 + d.getUTCHours() * 60 + d.getUTCMinutes();
}

/** Whether `t` (seconds) lies in one of the fleet's windows. */
export function inWindow(fleet: AutopilotFleet, t: number): boolean {
  const now = weekMinute(t);
  return fleet.windows.some((w) => w.days.some((day) => {
    const [h, m] = w.start.split(':').map(Number);
    const start = DAYS.indexOf(day) * 1440 + h * 60 + m;
    const rel = (now - start + 7 * 1440) % (7 * 1440);
    return rel < w.minutes;
  }));
}

/** The next start of a window after `t` (seconds), within two weeks, or undefined. */
export function nextWindow(fleet: AutopilotFleet, t: number): number | undefined {
  const midnight = t - (t % 86400);
  let best: number | undefined;
  for (let d = 0; d <= 14; d++) {
    const day = midnight + d * 86400;
    const name = DAYS[new Date(day * 1000).getUTCDay()];
    for (const w of fleet.windows) {
      if (!w.days.includes(name)) continue;
      const [h, m] = w.start.split(':').map(Number);
      const start = day + h * 3600 + m * 60;
      if (start > t && (best === undefined || start < best)) best = start;
    }
  }
  return best;
}

/** The blackout (fleet exclusion or freeze) `t` falls in, if any. */
export function blackoutAt(policy: AutopilotPolicy, fleet: string, t: number): Blackout | undefined {
  const all = [...(policy.fleets[fleet]?.exclusions ?? []), ...policy.freezes];
  return all.find((b) => t >= Date.parse(b.from) / 1000 && t < Date.parse(b.to) / 1000);
}

/** The ring a fleet is in. */
export function ringOf(policy: AutopilotPolicy, fleet: string): number {
  return policy.rings.findIndex((r) => r.fleets.includes(fleet));
}
