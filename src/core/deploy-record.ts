import { createHash } from 'crypto';
import * as path from 'path';
import { BlueGreenError } from './errors';
import { excerpt, shortText } from './excerpt';
import { UnitLifecycle } from './rollout-model';
import { RolloutStateFile } from './state-file';

/**
 * Deploy records: what one `cdktf deploy` did to one fleet — the step it deployed (number and the
 * SHA-256 of the state file's text), the fleet's stacks and how each ended, the outcome, the SLO
 * gates that breached (with the value they measured), and when it started and finished. The deploy
 * workflow writes them (`cdktf-bluegreen record -- cdktf deploy …`) into the repository, one JSON
 * line per deploy in `<state folder>/.deploys/<fleet>.jsonl`. Soak, promotion, `forget` and the
 * autopilot read them instead of commit timestamps. They are untrusted input like a state file:
 * every line must be exactly as `record` writes it, or it is refused.
 */

/** How a deploy ended for one fleet. */
export enum DeployOutcome {
  /** Every stack of the fleet applied (or had nothing to change). */
  SUCCEEDED = 'succeeded',
  /** A stack of the fleet failed (a check, a gate, the cloud): what came after it did not run. */
  FAILED = 'failed',
  /** The deploy stopped before every stack of the fleet ran, and none of them failed (another fleet's failure, a cancel). */
  INTERRUPTED = 'interrupted',
}

/** How one stack ended. */
export type StackResult = 'applied' | 'failed' | 'not-run';

/** One SLO gate's result, as the deploy printed it. */
export interface GateResult {
  /** The gate's check name, e.g. `slo-latency-p95`. */
  readonly name: string;
  /** The unit it judged, e.g. `green-1-34-ejqurb`. */
  readonly unit: string;
  readonly passed: boolean;
  /** The value it measured, as printed (`0.31`, `NaN`). */
  readonly value: string;
  /** The threshold, as printed (`<= 0.24`). */
  readonly threshold: string;
}

/** One unit of the step that was deployed. */
export interface RecordUnit {
  readonly slot: string;
  readonly version: string;
  readonly lifecycle: string;
  readonly weight: number;
}

/** What one deploy did to one fleet. */
export interface DeployRecord {
  /** Format version, always 1. */
  readonly v: number;
  readonly fleet: string;
  /** The step number of the state file that was deployed. */
  readonly step: number;
  /** SHA-256 (hex) of the state file's text that was deployed. */
  readonly state: string;
  /** The commit that was deployed, when known (40 or 64 hex digits). */
  readonly commit?: string;
  /** The units of the deployed step. */
  readonly units: RecordUnit[];
  readonly stacks: Array<{ readonly name: string; readonly result: StackResult }>;
  readonly outcome: DeployOutcome;
  /** Gate results the deploy printed (a breach always carries its value). */
  readonly gates: GateResult[];
  /** ISO 8601, UTC, whole seconds: `2026-12-07T02:00:00Z`. */
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** Records kept per fleet: older ones are dropped when `record` appends (the git history keeps them). */
export const MAX_RECORDS = 100;
/** The longest record line. */
export const MAX_RECORD_LINE = 16 * 1024;
/** The folder, beside the state files, that holds the records. */
export const DEPLOYS_FOLDER = '.deploys';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const SLOT = /^[a-z][a-z0-9]{0,9}$/;
const VERSION = /^1\.(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,5}))?$/;
const STACK = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const GATE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const UNIT = /^[a-z0-9][a-z0-9-]{0,62}$/;
const VALUE = /^(-?[0-9]{1,15}(\.[0-9]{1,15})?([eE][+-]?[0-9]{1,3})?|NaN|none)$/;
const THRESHOLD = /^(<=|>=|<|>|==) -?[0-9]{1,15}(\.[0-9]{1,15})?([eE][+-]?[0-9]{1,3})?$/;
const HEX = /^[0-9a-f]{64}$/;
const COMMIT = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const RESULTS = ['applied', 'failed', 'not-run'];
const OUTCOMES: string[] = [DeployOutcome.SUCCEEDED, DeployOutcome.FAILED, DeployOutcome.INTERRUPTED];
const LIFECYCLES: string[] = [UnitLifecycle.CANDIDATE, UnitLifecycle.SERVING, UnitLifecycle.STANDBY, UnitLifecycle.RETIRED];

/** The records file of a fleet whose state file is `stateFile`. */
export function recordsFileOf(stateFile: string, fleet: string): string {
  return path.join(path.dirname(stateFile), DEPLOYS_FOLDER, `${fleet}.jsonl`);
}

/** SHA-256 (hex) of a state file's text: which step a record is about. */
export function stateDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A record line exactly as `record` writes it (fixed key order, no spaces). */
export function formatDeployRecord(r: DeployRecord): string {
  return JSON.stringify({
    v: r.v, fleet: r.fleet, step: r.step, state: r.state, ...(r.commit !== undefined ? { commit: r.commit } : {}),
    units: r.units.map((u) => ({ slot: u.slot, version: u.version, lifecycle: u.lifecycle, weight: u.weight })),
    stacks: r.stacks.map((s) => ({ name: s.name, result: s.result })),
    outcome: r.outcome,
    gates: r.gates.map((g) => ({ name: g.name, unit: g.unit, passed: g.passed, value: g.value, threshold: g.threshold })),
    startedAt: r.startedAt, finishedAt: r.finishedAt,
  });
}

/** A refused records file: names the file, the line and the field. */
export class DeployRecordError extends BlueGreenError {
  constructor(fleet: string, file: string, line: number, field: string, value: unknown, rule: string, fix: string) {
    // Every part that can carry text from the file is cut and escaped: messages reach CI logs and PR comments.
    super({ fleet: shortText(fleet, 40), field: `${shortText(file, 80)}:${line} ${shortText(field, 60)}`, value: excerpt(value, 60), rule, fix });
    this.name = 'DeployRecordError';
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a fleet's records file. Each line must be a record as `record` writes it: known fields
 * only, each matching its pattern, in the canonical form (so a duplicate key, a reordered or
 * hand-made line is refused), for this fleet, in the order of their finishing times.
 */
export function parseDeployRecords(text: string, file: string, fleet: string): DeployRecord[] {
  const out: DeployRecord[] = [];
  if (text === '') return out;
  if (!text.endsWith('\n')) throw new DeployRecordError(fleet, file, text.split('\n').length, '(end)', text.slice(-20), 'a records file ends with a newline (each record is one whole line)', 'let `cdktf-bluegreen record` write the file; restore it from git');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length > MAX_RECORDS) throw new DeployRecordError(fleet, file, MAX_RECORDS + 1, '(lines)', `${lines.length} records`, `a records file keeps at most ${MAX_RECORDS} records (record drops the oldest; git keeps them)`, 'remove the oldest lines');
  lines.forEach((line, i) => {
    const n = i + 1;
    const bad = (field: string, value: unknown, rule: string, fix: string): never => { throw new DeployRecordError(fleet, file, n, field, value, rule, fix); };
    if (line.length > MAX_RECORD_LINE) bad('(line)', line, `a record is one line of at most ${MAX_RECORD_LINE} characters`, 'restore the file from git');
    let raw: unknown;
    try { raw = JSON.parse(line); } catch { bad('(line)', line, 'a record is one JSON object on one line', 'restore the file from git; only `cdktf-bluegreen record` writes it'); }
    if (!isObj(raw)) return bad('(line)', line, 'a record is a JSON object', 'restore the file from git');
    const r = raw;
    const known = ['v', 'fleet', 'step', 'state', 'commit', 'units', 'stacks', 'outcome', 'gates', 'startedAt', 'finishedAt'];
    for (const k of Object.keys(r)) if (!known.includes(k)) bad(k, k, `the fields of a record are ${known.join(', ')}`, 'remove it');
    if (r.v !== 1) bad('v', r.v, 'the record format version is 1', '"v":1');
    if (r.fleet !== fleet) bad('fleet', r.fleet, `a record in ${fleet}.jsonl is about fleet ${fleet}`, `"fleet":"${fleet}", or move the line to its own fleet's file`);
    if (!Number.isSafeInteger(r.step) || (r.step as number) < 0) bad('step', r.step, 'the step deployed is a whole number, 0 or more', '"step":3');
    if (typeof r.state !== 'string' || !HEX.test(r.state)) bad('state', r.state, 'the state digest is the SHA-256 of the state file, 64 lowercase hex digits', 'let record compute it');
    if (r.commit !== undefined && (typeof r.commit !== 'string' || !COMMIT.test(r.commit))) bad('commit', r.commit, 'a commit id is 40 or 64 lowercase hex digits', 'leave it out, or give the full commit id');
    if (!Array.isArray(r.units) || r.units.length > 200) bad('units', r.units, 'the units of the deployed step, at most 200', '[]');
    (r.units as unknown[]).forEach((u, j) => {
      if (!isObj(u) || typeof u.slot !== 'string' || !SLOT.test(u.slot)) bad(`units[${j}].slot`, isObj(u) ? u.slot : u, 'a slot is 1-10 lowercase letters and digits, starting with a letter', '"slot":"blue"');
      const uu = u as Record<string, unknown>;
      if (typeof uu.version !== 'string' || !VERSION.test(uu.version)) bad(`units[${j}].version`, uu.version, 'a version is 1.MINOR or 1.MINOR.PATCH', '"version":"1.34"');
      if (typeof uu.lifecycle !== 'string' || !LIFECYCLES.includes(uu.lifecycle)) bad(`units[${j}].lifecycle`, uu.lifecycle, `a lifecycle is one of ${LIFECYCLES.join(', ')}`, '"lifecycle":"serving"');
      if (!Number.isInteger(uu.weight) || (uu.weight as number) < 0 || (uu.weight as number) > 100) bad(`units[${j}].weight`, uu.weight, 'a weight is a whole number 0-100', '"weight":10');
    });
    if (!Array.isArray(r.stacks) || r.stacks.length > 500) bad('stacks', r.stacks, 'the fleet\'s stacks, at most 500', '[]');
    (r.stacks as unknown[]).forEach((s, j) => {
      if (!isObj(s) || typeof s.name !== 'string' || !STACK.test(s.name)) bad(`stacks[${j}].name`, isObj(s) ? s.name : s, 'a stack name is letters, digits, "-" and "_" (at most 128)', '"name":"shop-traffic"');
      if (!RESULTS.includes((s as Record<string, unknown>).result as string)) bad(`stacks[${j}].result`, (s as Record<string, unknown>).result, `a stack result is one of ${RESULTS.join(', ')}`, '"result":"applied"');
    });
    if (typeof r.outcome !== 'string' || !OUTCOMES.includes(r.outcome)) bad('outcome', r.outcome, `the outcome is one of ${OUTCOMES.join(', ')}`, '"outcome":"succeeded"');
    if (!Array.isArray(r.gates) || r.gates.length > 200) bad('gates', r.gates, 'the gate results, at most 200', '[]');
    (r.gates as unknown[]).forEach((g, j) => {
      const gg = isObj(g) ? g : {};
      if (typeof gg.name !== 'string' || !GATE.test(gg.name)) bad(`gates[${j}].name`, gg.name, 'a gate name is lowercase letters, digits and "-" (at most 63)', '"name":"slo-latency-p95"');
      if (typeof gg.unit !== 'string' || !UNIT.test(gg.unit)) bad(`gates[${j}].unit`, gg.unit, 'a unit name is lowercase letters, digits and "-" (at most 63)', '"unit":"green-1-34-ejqurb"');
      if (typeof gg.passed !== 'boolean') bad(`gates[${j}].passed`, gg.passed, 'passed is true or false', '"passed":false');
      if (typeof gg.value !== 'string' || !VALUE.test(gg.value)) bad(`gates[${j}].value`, gg.value, 'a measured value is a decimal number, NaN or none', '"value":"0.31"');
      if (typeof gg.threshold !== 'string' || !THRESHOLD.test(gg.threshold)) bad(`gates[${j}].threshold`, gg.threshold, 'a threshold is a comparison and a number', '"threshold":"<= 0.24"');
    });
    for (const k of ['startedAt', 'finishedAt']) {
      if (typeof r[k] !== 'string' || !ISO.test(r[k] as string) || Number.isNaN(Date.parse(r[k] as string))) bad(k, r[k], 'a time is ISO 8601 in UTC with whole seconds', `"${k}":"2026-12-07T02:00:00Z"`);
    }
    if (Date.parse(r.finishedAt as string) < Date.parse(r.startedAt as string)) bad('finishedAt', r.finishedAt, `a deploy finishes after it starts (${r.startedAt})`, 'restore the file from git');
    const rec = r as unknown as DeployRecord;
    const canonical = formatDeployRecord(rec);
    if (canonical !== line) bad('(line)', line, 'a record line is exactly as `cdktf-bluegreen record` writes it (fixed key order, no spaces, no duplicate keys)', `restore it from git, or write it as ${canonical.slice(0, 60)}…`);
    const prev = out[out.length - 1];
    if (prev && Date.parse(rec.finishedAt) < Date.parse(prev.finishedAt)) bad('finishedAt', rec.finishedAt, `records are in the order deploys finished (the line before finished at ${prev.finishedAt})`, 'restore the file from git');
    out.push(rec);
  });
  return out;
}

/** The records as a file: the last {@link MAX_RECORDS} of `records`, one line each. */
export function formatDeployRecords(records: DeployRecord[]): string {
  return records.slice(-MAX_RECORDS).map((r) => `${formatDeployRecord(r)}\n`).join('');
}

/** The units of a state, as a record keeps them. */
export function recordUnitsOf(state: RolloutStateFile): RecordUnit[] {
  return state.units.map((u) => ({ slot: u.slot, version: u.kubernetesVersion, lifecycle: u.lifecycle, weight: u.weight ?? 0 }));
}

/** Seconds since the epoch of a record's time. */
export function recordTime(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** `2026-12-07T02:00:00Z` for seconds since the epoch. */
export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The last record of a step (by number and state digest when given), or undefined. */
export function lastRecordOf(records: DeployRecord[], step: number, digest?: string): DeployRecord | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (r.step === step && (digest === undefined || r.state === digest)) return r;
  }
  return undefined;
}

/**
 * The first successful deploy that carried out `slot`'s retirement: a record of a step from `since`
 * (the step that retired it) up to `upTo` (the file's step; a record of a later step belongs to
 * another history) whose deployed units include that slot, at that version, retired. A record of
 * another step, of another unit in the slot, or of a deploy that failed or was cut off does not count.
 */
export function retirementRecord(records: DeployRecord[], slot: string, version: string, since: number, upTo: number): DeployRecord | undefined {
  return records.find((r) => r.outcome === DeployOutcome.SUCCEEDED && r.step >= since && r.step <= upTo
    && r.units.some((u) => u.slot === slot && u.version === version && u.lifecycle === UnitLifecycle.RETIRED));
}

/**
 * Why `forget` may not drop `slots` yet, or undefined when it may: each unit's retirement (the
 * step at which it became retired, its `since`) was carried out by a successful deploy of that
 * step or a later one that deployed the unit retired, so its stacks were destroyed. No records at
 * all is no proof: a repository that keeps none cannot forget (docs/cli.md, "forget and deploy records").
 */
export function forgetProblem(state: RolloutStateFile, slots: string[], records: DeployRecord[]): string | undefined {
  for (const slot of slots) {
    const u = state.units.find((x) => x.slot === slot);
    if (!u || u.lifecycle !== UnitLifecycle.RETIRED) continue;
    if (!retirementRecord(records, slot, u.kubernetesVersion, u.since, state.step)) {
      const last = records[records.length - 1];
      const seen = last ? `the last record is step ${last.step}, ${last.outcome}, at ${last.finishedAt}` : 'there is no deploy record for this fleet';
      return `${slot} was retired at step ${u.since}, and no deploy record says a deploy of step ${u.since} or later succeeded with ${slot} (${u.kubernetesVersion}) retired (${seen}); until one has, ${slot}'s cluster may still exist, and dropping it from the file would orphan it`;
    }
  }
  return undefined;
}

/**
 * When the traffic of the state's current step began: the finish of the first successful deploy
 * of that step (seconds), or undefined when no record shows one. The record-based soak starts here.
 */
export function trafficSince(state: RolloutStateFile, records: DeployRecord[], digest?: string): number | undefined {
  const r = records.find((x) => x.step === state.step && x.outcome === DeployOutcome.SUCCEEDED && (digest === undefined || x.state === digest));
  return r ? recordTime(r.finishedAt) : undefined;
}

/** Stack results and breached gates of one fleet, read from the output of `cdktf deploy`. */
export interface FleetDeployOutput {
  readonly stacks: Array<{ name: string; result: StackResult }>;
  readonly outcome: DeployOutcome;
  readonly gates: GateResult[];
}

// cdktf prefixes every line of a stack's Terraform run with the stack name; Terraform ends a good
// apply with "Apply complete!" (or reports no changes) and a failure with "Error:".
const APPLIED = /Apply complete!|^No changes\.|Your infrastructure matches the configuration/;
const ERROR = /^(│\s*)?Error:/;
// The message of a metric gate's postcondition or Job (docs/slo-gates.md, "What a breach looks like").
const BREACH = /\[([a-z0-9-]+)\/([a-z0-9-]+)\] SLO gate ([a-z0-9-]+) failed: .* = (-?[0-9.eE+-]+|NaN), threshold (<=|>=|<|>|==) ?(-?[0-9.eE+-]+)/;

/**
 * Reads the output of `cdktf deploy` (ANSI colours stripped) for one fleet: which of its stacks
 * (`fleetStacks`, from cdktf.out/manifest.json) applied or failed, and the SLO gates that
 * breached, with their values. A fleet succeeded when the command exited 0 or every one of its
 * stacks reported a finished apply; it failed when one of its stacks printed an error.
 */
export function readDeployOutput(text: string, fleet: string, fleetStacks: string[], exitCode: number): FleetDeployOutput {
  const applied = new Set<string>();
  const failed = new Set<string>();
  const gates: GateResult[] = [];
  const byLength = [...fleetStacks].sort((a, b) => b.length - a.length);
  let current: string | undefined;
  for (const raw of text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').split('\n')) {
    const named = byLength.find((s) => raw.startsWith(`${s} `) || raw === s);
    if (named) current = named;
    else if (!/^\s/.test(raw) && raw.trim()) current = undefined;
    const b = BREACH.exec(raw);
    if (b && b[1] === fleet && gates.length < 200) {
      const value = b[4].slice(0, 32);
      const thr = b[6].slice(0, 32);
      const g = { name: b[3], unit: b[2], passed: false, value: VALUE.test(value) ? value : 'none', threshold: THRESHOLD.test(`${b[5]} ${thr}`) ? `${b[5]} ${thr}` : '== 0' };
      if (!gates.some((x) => x.name === g.name && x.unit === g.unit)) gates.push(g);
    }
    if (!current) continue;
    const line = (named ? raw.slice(named.length) : raw).trim();
    if (ERROR.test(line)) failed.add(current);
    if (APPLIED.test(line)) applied.add(current);
  }
  const stacks = fleetStacks.map((name) => ({ name, result: (failed.has(name) ? 'failed' : exitCode === 0 || applied.has(name) ? 'applied' : 'not-run') as StackResult }));
  const outcome = failed.size > 0 || gates.length > 0 ? DeployOutcome.FAILED
    : stacks.every((s) => s.result === 'applied') ? DeployOutcome.SUCCEEDED : DeployOutcome.INTERRUPTED;
  return { stacks, outcome, gates };
}

/** The stacks of `fleet` among the app's stacks: `<fleet>-…`, unless a longer fleet name claims them. */
export function stacksOfFleet(fleet: string, allStacks: string[], allFleets: string[]): string[] {
  const longer = allFleets.filter((f) => f !== fleet && f.startsWith(`${fleet}-`));
  return allStacks.filter((s) => s.startsWith(`${fleet}-`) && !longer.some((f) => s.startsWith(`${f}-`))).sort();
}

/** Whether `fleet`'s records say nothing is known yet, for messages. */
export function describeRecord(r: DeployRecord | undefined): string {
  if (!r) return 'no deploy record';
  const breach = r.gates.filter((g) => !g.passed).map((g) => `${g.name} on ${g.unit} = ${g.value} (threshold ${g.threshold})`);
  return `step ${r.step} ${r.outcome} at ${r.finishedAt}${breach.length ? `: ${breach.join('; ')}` : ''}`;
}
