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

/**
 * Whether bringing `unit` in is a patch-only upgrade: every other unit that serves or stands by
 * runs the same minor and an older patch. Such a unit may take the policy's fast path. (A rebuild
 * at the same version, i.e. a spec change, is not a patch upgrade: it takes the normal path.)
 */
export function isPatchOnly(state: RolloutStateFile, unit: RolloutStateUnit): boolean {
  const v = KubernetesVersion.tryParse(unit.kubernetesVersion);
  if (!v) return false;
  const others = state.units.filter((u) => u.slot !== unit.slot && (u.lifecycle === UnitLifecycle.SERVING || u.lifecycle === UnitLifecycle.STANDBY));
  return others.length > 0 && others.every((u) => {
    const o = KubernetesVersion.tryParse(u.kubernetesVersion);
    return o !== undefined && o.minorsAhead(v) === 0 && v.compare(o) > 0;
  });
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
