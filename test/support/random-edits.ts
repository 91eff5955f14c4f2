// Random hand edits of rollout state files, for comparing `check` with the oracle written from
// docs/cli.md. Bases come from random walks of the CLI's own steps (so they are realistic and
// valid); heads are a base edited by hand: a command's result touched up, or raw field changes,
// with the history fields sometimes kept truthful (so legal edits are common, not a rarity).
import { BlueGreenError } from '../../src/core/errors';
import { applyStep } from '../../src/core/rollout-steps';
import { parseRolloutState, parseRolloutStateText, RolloutStateFile } from '../../src/core/state-file';
import { transitionViolations } from '../../src/core/transitions';
import { oracleRefusal } from './transition-oracle';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A small seeded PRNG (mulberry32), so a failing edit can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VERSIONS = ['1.28', '1.29', '1.30', '1.33', '1.33.1', '1.33.4', '1.34', '1.34.2', '1.35', '1.36', '1.37', '1.38', '1.40'];
const SLOTS = ['blue', 'green', 'teal', 'amber', 'violet'];
const LIFECYCLES = ['candidate', 'serving', 'standby', 'retired'];
const FPS = ['nljqy2', 'ejqurb', 'abcdef', 'zzzzzz'];

/** A valid base: a random walk of CLI steps from a fresh fleet. */
export function randomBase(r: () => number): RolloutStateFile {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const policy: any = {};
  if (r() < 0.5) policy.canaryWeight = pick([5, 10, 20, 50]);
  if (r() < 0.5) policy.maxWeightStep = pick([10, 25, 40]);
  if (r() < 0.3) policy.patchCanaryWeight = pick([30, 50]);
  if (r() < 0.3) policy.patchMaxWeightStep = pick([50, 60]);
  if (r() < 0.3) policy.minimumKubernetesVersion = pick(['1.29', '1.33']);
  if (r() < 0.3) policy.maximumKubernetesVersion = pick(['1.34', '1.35', '1.37']);
  let s: RolloutStateFile;
  try {
    s = parseRolloutState({ version: 1, fleet: 'shop', step: 0, ...(Object.keys(policy).length ? { policy } : {}), units: [{ slot: 'blue', kubernetesVersion: pick(['1.33', '1.33.1']), lifecycle: 'serving', weight: 100, since: 0, peakWeight: 100, ...(r() < 0.5 ? { fingerprint: 'nljqy2' } : {}) }] }, 'base');
  } catch {
    s = parseRolloutState({ version: 1, fleet: 'shop', step: 0, units: [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: 'serving', weight: 100, since: 0, peakWeight: 100 }] }, 'base');
  }
  const n = Math.floor(r() * 8);
  for (let i = 0; i < n; i++) {
    const c = pick([
      { name: 'start', version: pick(['1.33.4', '1.34', '1.35', '1.34.2']) }, { name: 'promote' }, { name: 'shift' }, { name: 'shift', weight: Math.floor(r() * 101) },
      { name: 'rollback' }, { name: 'retire' }, { name: 'forget' }, { name: 'retire', slot: 'green' }, { name: 'promote', weight: 1 + Math.floor(r() * 60) },
    ]);
    try {
      const next = parseRolloutState(applyStep(s, c), 'base');
      if (transitionViolations(s, next).length === 0) s = next;
    } catch (e) {
      if (!(e instanceof BlueGreenError)) throw e;
    }
  }
  return s;
}

/** A hand edit of `base`: a plain JSON value, possibly invalid or illegal. */
export function randomEdit(base: RolloutStateFile, r: () => number): any {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  let head: any = JSON.parse(JSON.stringify(base));
  if (r() < 0.5) {
    // Start from what a command would write, then maybe touch it up.
    const c = pick([{ name: 'start', version: pick(VERSIONS) }, { name: 'promote' }, { name: 'shift' }, { name: 'rollback' }, { name: 'retire' }, { name: 'forget' }, { name: 'shift', weight: Math.floor(r() * 101) }, { name: 'promote', weight: 1 + Math.floor(r() * 100) }]);
    try { head = JSON.parse(JSON.stringify(applyStep(base, c))); } catch { /* the command does not apply: edit the base */ }
  }
  const edits = Math.floor(r() * 3);
  for (let i = 0; i < edits; i++) {
    const u = head.units.length ? pick(head.units) as any : undefined;
    switch (Math.floor(r() * 14)) {
      case 0: head.step += pick([-1, 1, 2]); break;
      case 1: if (u) u.weight = Math.floor(r() * 101); break;
      case 2: {
        // Move weight between two units, keeping the total.
        const a = pick(head.units) as any;
        const b = pick(head.units) as any;
        const d = Math.min(a.weight, Math.floor(r() * 60));
        a.weight -= d; b.weight += d;
        if (a.weight === 0 && a.lifecycle === 'serving') a.lifecycle = pick(['standby', 'serving']);
        if (b.weight > 0 && b.lifecycle !== 'serving') b.lifecycle = pick(['serving', b.lifecycle]);
        break;
      }
      case 3: if (u) u.lifecycle = pick(LIFECYCLES); break;
      case 4: if (u) u.since = pick([0, base.step, head.step, u.since + 1]); break;
      case 5: if (u) { if (r() < 0.5) delete u.peakWeight; else u.peakWeight = pick([0, u.weight, 100, Math.floor(r() * 101)]); } break;
      case 6: {
        const slot = pick(SLOTS);
        if (!head.units.some((x: any) => x.slot === slot)) head.units.push({ slot, kubernetesVersion: pick(VERSIONS), lifecycle: r() < 0.8 ? 'candidate' : pick(LIFECYCLES), weight: r() < 0.85 ? 0 : 10, since: head.step, ...(r() < 0.3 ? { peakWeight: 0 } : {}) });
        break;
      }
      case 7: if (head.units.length > 1) head.units.splice(Math.floor(r() * head.units.length), 1); break;
      case 8: if (u) u.kubernetesVersion = pick(VERSIONS); break;
      case 9: if (u) { if (r() < 0.3) delete u.fingerprint; else u.fingerprint = pick(FPS); } break;
      case 10: {
        head.policy = { ...(head.policy ?? {}) };
        const k = pick(['canaryWeight', 'maxWeightStep', 'patchCanaryWeight', 'patchMaxWeightStep', 'minimumKubernetesVersion', 'maximumKubernetesVersion']);
        head.policy[k] = k.endsWith('Version') ? pick(['1.28', '1.30', '1.33', '1.36', '1.38', '1.40']) : pick([1, 5, 10, 50, 100]);
        break;
      }
      case 11: if (r() < 0.2) head.fleet = 'other'; break;
      case 12: head.step = base.step + 1; break;
      default: if (u) u.weight = u.lifecycle === 'serving' ? u.weight : 0;
    }
  }
  if (r() < 0.6) {
    // Keep the history fields truthful, as a careful hand editor would.
    const changed = head.units.length !== base.units.length || head.units.some((a: any) => {
      const b = base.units.find((x) => x.slot === a.slot);
      return !b || b.lifecycle !== a.lifecycle || b.weight !== a.weight || b.kubernetesVersion !== a.kubernetesVersion;
    });
    if (r() < 0.8) head.step = changed ? base.step + 1 : base.step;
    for (const a of head.units) {
      const b = base.units.find((x) => x.slot === a.slot);
      a.since = !b || b.lifecycle !== a.lifecycle ? head.step : b.since;
      if (b && a.peakWeight !== undefined) a.peakWeight = Math.max(b.peakWeight ?? 0, b.weight ?? 0, a.weight);
      if (!b && a.lifecycle === 'candidate') a.peakWeight = 0;
    }
  }
  return head;
}

/** `check`'s verdict on a hand edit, as the CLI reaches it: the head's text parsed strictly, then the transition rules. */
export function implementationAccepts(base: RolloutStateFile, head: any): boolean {
  try {
    const h = parseRolloutStateText(JSON.stringify(head), 'rollout/shop.json');
    return transitionViolations(base, h).length === 0;
  } catch (e) {
    if (e instanceof BlueGreenError) return false;
    throw e;
  }
}

/** Runs `count` random edits from `seed`; returns the counts and the first disagreements. */
export function compareWithOracle(count: number, seed = 1): { legal: number; illegal: number; illegalAccepted: number; legalRefused: number; examples: string[] } {
  const r = rng(seed);
  const out = { legal: 0, illegal: 0, illegalAccepted: 0, legalRefused: 0, examples: [] as string[] };
  let base = randomBase(r);
  for (let i = 0; i < count; i++) {
    if (i % 20 === 0) base = randomBase(r);
    const head = randomEdit(base, r);
    const why = oracleRefusal(base, head);
    const accepted = implementationAccepts(base, head);
    if (why === undefined) out.legal++; else out.illegal++;
    if (why !== undefined && accepted) out.illegalAccepted++;
    if (why === undefined && !accepted) out.legalRefused++;
    if ((why !== undefined) === accepted && out.examples.length < 5) {
      out.examples.push(`oracle: ${why ?? 'legal'}; implementation: ${accepted ? 'accepted' : 'refused'}\nbase ${JSON.stringify(base)}\nhead ${JSON.stringify(head)}`);
    }
  }
  return out;
}
