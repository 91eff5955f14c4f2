import { KubernetesVersion } from './kubernetes-version';
import { UnitLifecycle } from './rollout-model';
import { RolloutPolicy, RolloutStateFile, RolloutStateUnit } from './state-file';

/** A policy with every default filled in. */
export interface ResolvedRolloutPolicy {
  readonly canaryWeight: number;
  readonly maxWeightStep: number;
  readonly patchCanaryWeight: number;
  readonly patchMaxWeightStep: number;
}

/** Default first weight of a new unit. */
export const DEFAULT_CANARY_WEIGHT = 10;
/** Default most weight a unit gains in one step. */
export const DEFAULT_MAX_WEIGHT_STEP = 25;

/** Fills in the defaults of a policy. */
export function resolvePolicy(policy: RolloutPolicy | undefined): ResolvedRolloutPolicy {
  const canaryWeight = policy?.canaryWeight ?? DEFAULT_CANARY_WEIGHT;
  const maxWeightStep = policy?.maxWeightStep ?? DEFAULT_MAX_WEIGHT_STEP;
  return {
    canaryWeight,
    maxWeightStep,
    patchCanaryWeight: policy?.patchCanaryWeight ?? canaryWeight,
    patchMaxWeightStep: policy?.patchMaxWeightStep ?? maxWeightStep,
  };
}

/** What `isPatchOnly` needs of a state, computed once per state (so judging every unit stays linear). */
interface LiveVersions {
  readonly count: number;
  readonly byMinor: Map<number, number>;
  /** The two newest serving or standby units. */
  readonly top: Array<{ slot: string; v: KubernetesVersion }>;
}

const LIVE = new WeakMap<RolloutStateFile, LiveVersions>();

function liveVersions(state: RolloutStateFile): LiveVersions {
  let lv = LIVE.get(state);
  if (lv) return lv;
  const byMinor = new Map<number, number>();
  const top: Array<{ slot: string; v: KubernetesVersion }> = [];
  let count = 0;
  for (const u of state.units) {
    if (u.lifecycle !== UnitLifecycle.SERVING && u.lifecycle !== UnitLifecycle.STANDBY) continue;
    count++;
    const v = KubernetesVersion.tryParse(u.kubernetesVersion);
    // An unparsable version never matches a minor (NaN), so it is never a patch-only partner.
    const minor = v ? v.minor : NaN;
    byMinor.set(minor, (byMinor.get(minor) ?? 0) + 1);
    if (v) {
      top.push({ slot: u.slot, v });
      top.sort((a, b) => b.v.compare(a.v));
      if (top.length > 2) top.pop();
    }
  }
  lv = { count, byMinor, top };
  LIVE.set(state, lv);
  return lv;
}

/**
 * Whether bringing `unit` in is a patch-only upgrade: every other unit that serves or stands by
 * runs the same minor and an older patch. Such a unit may take the policy's fast path. (A rebuild
 * at the same version, i.e. a spec change, is not a patch upgrade: it takes the normal path.)
 */
export function isPatchOnly(state: RolloutStateFile, unit: RolloutStateUnit): boolean {
  const v = KubernetesVersion.tryParse(unit.kubernetesVersion);
  if (!v) return false;
  const lv = liveVersions(state);
  const self = isLiveIn(state, unit);
  const others = lv.count - (self ? 1 : 0);
  if (others <= 0) return false;
  const sameMinor = (lv.byMinor.get(v.minor) ?? 0) - (self ? 1 : 0);
  if (sameMinor !== others) return false;
  const newestOther = lv.top.find((t) => t.slot !== unit.slot);
  return newestOther !== undefined && v.compare(newestOther.v) > 0;
}

/** Whether the state's unit in `unit`'s slot serves or stands by (the unit itself is among the live ones). */
function isLiveIn(state: RolloutStateFile, unit: RolloutStateUnit): boolean {
  const own = slotIndex(state).get(unit.slot);
  return own !== undefined && (own.lifecycle === UnitLifecycle.SERVING || own.lifecycle === UnitLifecycle.STANDBY);
}

const SLOTS = new WeakMap<RolloutStateFile, Map<string, RolloutStateUnit>>();

/** The state's units by slot (computed once per state). */
export function slotIndex(state: RolloutStateFile): Map<string, RolloutStateUnit> {
  let m = SLOTS.get(state);
  if (!m) {
    m = new Map(state.units.map((u) => [u.slot, u]));
    SLOTS.set(state, m);
  }
  return m;
}

/** The canary weight and weight step that apply to `unit` in `state` (the fast path for a patch-only upgrade). */
export function limitsFor(state: RolloutStateFile, unit: RolloutStateUnit): { canaryWeight: number; maxWeightStep: number; patch: boolean } {
  const p = resolvePolicy(state.policy);
  const patch = isPatchOnly(state, unit);
  return patch
    ? { canaryWeight: p.patchCanaryWeight, maxWeightStep: p.patchMaxWeightStep, patch }
    : { canaryWeight: p.canaryWeight, maxWeightStep: p.maxWeightStep, patch };
}

/** The highest weight the unit has carried (its recorded peak, or its weight now). */
export function peakOf(u: RolloutStateUnit): number {
  return Math.max(u.peakWeight ?? 0, u.weight ?? 0);
}
