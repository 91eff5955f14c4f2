import { AksClusterSpec, AksNodePoolSpec, AksOsType } from '../aks-spec';

/** The documented defaults of an AKS pool, filled in: what the unit is really built with. */
function resolvedPool(pool: AksNodePoolSpec, unitVersion: string): AksNodePoolSpec {
  return {
    ...pool,
    osType: pool.osType ?? AksOsType.LINUX,
    minCount: pool.minCount ?? 2,
    maxCount: pool.maxCount ?? 5,
    maxPods: pool.maxPods ?? 110,
    osDiskSizeGb: pool.osDiskSizeGb ?? 128,
    zones: pool.zones ?? ['1', '2', '3'],
    kubernetesVersion: pool.kubernetesVersion ?? unitVersion,
  };
}

/**
 * An AKS spec with every documented default written out, so that a fingerprint taken of it does
 * not change when a user writes a default out (and does change when a default is overridden).
 */
export function resolvedAksSpec(spec: AksClusterSpec, unitVersion: string): AksClusterSpec {
  const w = spec.maintenanceWindow ?? {};
  return {
    ...spec,
    systemPool: resolvedPool(spec.systemPool, unitVersion),
    userPools: (spec.userPools ?? []).map((p) => resolvedPool(p, unitVersion)),
    skuTier: spec.skuTier ?? 'Standard',
    maintenanceWindow: {
      dayOfWeek: w.dayOfWeek ?? 'Sunday',
      startTime: w.startTime ?? '02:00',
      durationHours: w.durationHours ?? 4,
      utcOffset: w.utcOffset ?? '+00:00',
    },
  };
}
