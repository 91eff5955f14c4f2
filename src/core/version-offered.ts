/** A unit about to be built, as the version-offered check names it. */
export interface VersionOfferedUnit {
  /** Slot of the unit. */
  readonly slot: string;
  /** Declared Kubernetes version (`1.34` or `1.34.2`). */
  readonly kubernetesVersion: string;
}

/** Groups candidates by declared version (one cloud look-up per version), slots in order. */
export function byVersion(units: VersionOfferedUnit[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const u of units) out.set(u.kubernetesVersion, [...(out.get(u.kubernetesVersion) ?? []), u.slot]);
  return out;
}
