// An independent oracle for `check`: is a head state a legal successor of a base state? Written
// from docs/cli.md alone (the field table, the single-step invariants, the policy table and the
// transition rules), without importing anything from src/, so that a mistake in the
// implementation and the same mistake here would have to be made twice.

/* eslint-disable @typescript-eslint/no-explicit-any */

const LIFECYCLES = ['candidate', 'serving', 'standby', 'retired'];
const TOP = ['$schema', 'schema', 'description', 'version', 'fleet', 'step', 'policy', 'units'];
const POLICY = ['canaryWeight', 'maxWeightStep', 'patchCanaryWeight', 'patchMaxWeightStep', 'minimumKubernetesVersion', 'maximumKubernetesVersion'];
const UNIT = ['slot', 'kubernetesVersion', 'lifecycle', 'weight', 'fingerprint', 'since', 'peakWeight'];

const whole = (v: any, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const isObj = (v: any) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** [minor, patch] of a version as the doc spells it, or undefined. */
export function oracleVersion(v: any): [number, number] | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^1\.(0|[1-9][0-9]{0,2})(?:\.(0|[1-9][0-9]{0,5}))?$/.exec(v);
  return m ? [Number(m[1]), m[2] === undefined ? 0 : Number(m[2])] : undefined;
}
const minorOf = (v: string) => {
  const m = /^1\.(0|[1-9][0-9]{0,2})$/.exec(v);
  return m ? Number(m[1]) : undefined;
};
const cmp = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];

function range(policy: any): [number, number] {
  return [minorOf(policy?.minimumKubernetesVersion ?? '1.29')!, minorOf(policy?.maximumKubernetesVersion ?? '1.37')!];
}

/** Why a state is not valid on its own (the field table, policy table and single-step invariants), or undefined. */
export function oracleInvalid(s: any): string | undefined {
  if (!isObj(s)) return 'not an object';
  for (const k of Object.keys(s)) if (!TOP.includes(k)) return `unknown field ${k}`;
  if (s.$schema !== undefined && (typeof s.$schema !== 'string' || s.$schema.length > 2048)) return '$schema';
  if (s.schema !== undefined && (typeof s.schema !== 'string' || s.schema.length > 2048)) return 'schema';
  if (s.description !== undefined && (typeof s.description !== 'string' || s.description.length > 4096)) return 'description';
  if (s.version !== 1) return 'version';
  if (typeof s.fleet !== 'string' || !/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/.test(s.fleet) || s.fleet.includes('--')) return 'fleet';
  if (!whole(s.step, 0, Number.MAX_SAFE_INTEGER)) return 'step';
  if (s.policy !== undefined) {
    if (!isObj(s.policy)) return 'policy';
    for (const k of Object.keys(s.policy)) if (!POLICY.includes(k)) return `policy.${k}`;
    for (const k of POLICY.slice(0, 4)) if (s.policy[k] !== undefined && !whole(s.policy[k], 1, 100)) return `policy.${k}`;
    for (const k of POLICY.slice(4)) if (s.policy[k] !== undefined && (typeof s.policy[k] !== 'string' || minorOf(s.policy[k]) === undefined)) return `policy.${k}`;
    const [lo, hi] = range(s.policy);
    if (lo > hi) return 'policy range';
  }
  if (!Array.isArray(s.units) || s.units.length < 1 || s.units.length > 200) return 'units';
  const slots = new Set<string>();
  const [lo, hi] = range(s.policy);
  let total = 0;
  let serving = 0;
  for (const u of s.units) {
    if (!isObj(u)) return 'unit';
    for (const k of Object.keys(u)) if (!UNIT.includes(k)) return `unit field ${k}`;
    if (typeof u.slot !== 'string' || !/^[a-z][a-z0-9]{0,9}$/.test(u.slot)) return 'slot';
    if (slots.has(u.slot)) return 'duplicate slot';
    slots.add(u.slot);
    const v = oracleVersion(u.kubernetesVersion);
    if (!v) return 'kubernetesVersion';
    if (!LIFECYCLES.includes(u.lifecycle)) return 'lifecycle';
    if (!whole(u.weight, 0, 100)) return 'weight';
    if (u.fingerprint !== undefined && (typeof u.fingerprint !== 'string' || !/^[a-z2-7]{6}$/.test(u.fingerprint))) return 'fingerprint';
    if (!whole(u.since, 0, s.step)) return 'since';
    if (u.peakWeight !== undefined) {
      if (!whole(u.peakWeight, u.weight, 100)) return 'peakWeight';
      if (u.lifecycle === 'candidate' && u.peakWeight !== 0) return 'candidate peakWeight';
    }
    if (u.lifecycle === 'serving' && u.weight < 1) return 'serving without weight';
    if (u.lifecycle !== 'serving' && u.weight !== 0) return 'weight on a unit that does not serve';
    if (u.lifecycle === 'candidate' && (v[0] < lo || v[0] > hi)) return 'candidate outside the policy range';
    total += u.weight;
    if (u.lifecycle === 'serving') serving++;
  }
  if (serving === 0) return 'nothing serves';
  if (total !== 100) return 'weights do not add up to 100';
  return undefined;
}

/** The moves the lifecycle rule allows (staying put included). */
const MOVES: { [from: string]: string[] } = {
  candidate: ['candidate', 'serving', 'retired'],
  serving: ['serving', 'standby'],
  standby: ['standby', 'serving', 'retired'],
  retired: ['retired'],
};

/** Whether, in `base`, `unit` is patch-only (the doc's definition under the policy table). */
function patchOnly(base: any, unit: any): boolean {
  const v = oracleVersion(unit.kubernetesVersion)!;
  const others = base.units.filter((o: any) => o.slot !== unit.slot && (o.lifecycle === 'serving' || o.lifecycle === 'standby'));
  return others.length > 0 && others.every((o: any) => {
    const ov = oracleVersion(o.kubernetesVersion)!;
    return ov[0] === v[0] && cmp(ov, v) < 0;
  });
}

/**
 * The oracle's verdict on `check`: undefined when `head` is a legal successor of `base` (both
 * valid), else the first reason found.
 */
export function oracleRefusal(base: any, head: any): string | undefined {
  const bad = oracleInvalid(base) ?? oracleInvalid(head);
  if (bad) return `invalid: ${bad}`;
  if (head.fleet !== base.fleet) return 'fleet';
  const before = new Map<string, any>(base.units.map((u: any) => [u.slot, u]));
  const after = new Map<string, any>(head.units.map((u: any) => [u.slot, u]));
  const changed = base.units.length !== head.units.length || [...before.keys()].some((k) => !after.has(k)) || head.units.some((a: any) => {
    const b = before.get(a.slot);
    return !b || b.lifecycle !== a.lifecycle || b.weight !== a.weight || b.kubernetesVersion !== a.kubernetesVersion;
  });
  const step = changed ? base.step + 1 : base.step;
  if (head.step !== step) return 'step-number';
  const p = base.policy ?? {};
  const canary = p.canaryWeight ?? 10;
  const maxStep = p.maxWeightStep ?? 25;
  const [lo, hi] = range(base.policy);
  for (const a of head.units) {
    const b = before.get(a.slot);
    if (!b) {
      if (a.lifecycle !== 'candidate' || a.weight !== 0) return 'new-unit';
      const v = oracleVersion(a.kubernetesVersion)!;
      if (v[0] < lo || v[0] > hi) return 'new-unit (base range)';
      if (a.since !== step) return 'history (new since)';
      continue;
    }
    if (a.kubernetesVersion !== b.kubernetesVersion) return 'identity (version)';
    if (b.fingerprint !== undefined && a.fingerprint !== b.fingerprint) return 'identity (fingerprint)';
    if (b.lifecycle === 'serving' && a.lifecycle === 'retired') return 'standby-before-retire';
    if (!MOVES[b.lifecycle].includes(a.lifecycle)) return 'lifecycle';
    const patch = patchOnly(base, b);
    if (b.lifecycle === 'candidate' && a.lifecycle === 'serving' && a.weight > (patch ? p.patchCanaryWeight ?? canary : canary)) return 'canary';
    if (b.lifecycle === 'serving' && a.lifecycle === 'serving' && a.weight > b.weight) {
      const peak = Math.max(b.peakWeight ?? 0, b.weight);
      if (a.weight > Math.max(b.weight + (patch ? p.patchMaxWeightStep ?? maxStep : maxStep), peak)) return 'weight-step';
    }
    if (b.lifecycle === 'standby' && a.lifecycle === 'serving' && b.peakWeight !== undefined && a.weight > b.peakWeight) return 'weight-step (standby returns above its peak)';
    if (b.peakWeight !== undefined && a.peakWeight === undefined) return 'history (peakWeight dropped)';
    if (a.peakWeight === undefined && a.lifecycle !== b.lifecycle && (a.lifecycle === 'serving' || a.lifecycle === 'standby')) return 'history (peakWeight not recorded)';
    if (a.since !== (a.lifecycle === b.lifecycle ? b.since : step)) return 'history (since)';
    if (a.peakWeight !== undefined && a.peakWeight !== Math.max(b.peakWeight ?? 0, b.weight, a.weight)) return 'history (peakWeight)';
  }
  for (const b of base.units) if (!after.has(b.slot) && b.lifecycle !== 'retired') return 'forget';
  return undefined;
}
