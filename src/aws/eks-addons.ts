import { KubernetesVersion } from '../core/kubernetes-version';

/** The add-ons every EKS unit installs as EKS managed add-ons (self-managed bootstrap add-ons are off). */
export const EKS_ADDON_NAMES = ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent', 'coredns'];

/**
 * What a unit's identity records for an add-on whose version EKS chooses when the unit is built
 * (`aws_eks_addon_version`, `most_recent`): the rule, not the build, because the build is only
 * known at the unit's first apply, and the rule is what stays the same for the unit's whole life.
 */
export const EKS_ADDON_MOST_RECENT_AT_BUILD = 'most-recent-at-build';

/** The day the frozen table below was last changed: it is never extended again. */
export const EKS_ADDON_TABLE_AS_OF = '2026-11-21';

// Frozen: the versions units of these minors were pinned (and fingerprinted) with before add-on
// versions came from the cloud. They stay so that no unit built with them changes identity or
// stack; they are NOT verified against a live account. Every minor after 1.34 asks EKS
// (`aws_eks_addon_version`) when the unit is built; a spec pins any add-on with `addonVersions`.
const TABLE: { [minor: string]: { [addon: string]: string } } = {
  '1.30': { 'vpc-cni': 'v1.19.2-eksbuild.1', 'kube-proxy': 'v1.30.9-eksbuild.3', 'eks-pod-identity-agent': 'v1.3.4-eksbuild.1', 'coredns': 'v1.11.4-eksbuild.2' },
  '1.31': { 'vpc-cni': 'v1.19.2-eksbuild.1', 'kube-proxy': 'v1.31.3-eksbuild.2', 'eks-pod-identity-agent': 'v1.3.4-eksbuild.1', 'coredns': 'v1.11.4-eksbuild.2' },
  '1.32': { 'vpc-cni': 'v1.19.2-eksbuild.1', 'kube-proxy': 'v1.32.0-eksbuild.2', 'eks-pod-identity-agent': 'v1.3.4-eksbuild.1', 'coredns': 'v1.11.4-eksbuild.2' },
  '1.33': { 'vpc-cni': 'v1.19.5-eksbuild.1', 'kube-proxy': 'v1.33.0-eksbuild.2', 'eks-pod-identity-agent': 'v1.3.7-eksbuild.2', 'coredns': 'v1.12.1-eksbuild.2' },
  '1.34': { 'vpc-cni': 'v1.20.1-eksbuild.3', 'kube-proxy': 'v1.34.0-eksbuild.2', 'eks-pod-identity-agent': 'v1.3.8-eksbuild.2', 'coredns': 'v1.12.3-eksbuild.1' },
};

/**
 * EKS managed add-on versions per unit. For 1.30–1.34 a frozen table (dated
 * {@link EKS_ADDON_TABLE_AS_OF}) keeps the versions units were pinned with; for every later minor
 * EKS itself says, when the unit is built, which build is the most recent for the unit's minor.
 * A spec's `addonVersions` pins any add-on explicitly.
 */
export class EksAddonVersions {
  /** Kubernetes minors of the frozen table, oldest first. */
  public static knownMinors(): string[] {
    return Object.keys(TABLE).sort((a, b) => KubernetesVersion.parse(a).compare(KubernetesVersion.parse(b)));
  }

  /** The frozen table's versions for a Kubernetes version (any patch of the minor), or an empty map. */
  public static defaultsFor(kubernetesVersion: string): { [addon: string]: string } {
    const v = KubernetesVersion.tryParse(kubernetesVersion);
    return v ? { ...(TABLE[v.minorVersion] ?? {}) } : {};
  }

  /**
   * The versions known at synth: the frozen table's for the unit's minor, overridden by
   * `overrides`. Add-ons missing from the result are resolved by EKS when the unit is built
   * (see {@link EksAddonVersions.fromCloud}).
   */
  public static resolve(kubernetesVersion: string, overrides: { [addon: string]: string } = {}): { [addon: string]: string } {
    const out = EksAddonVersions.defaultsFor(kubernetesVersion);
    for (const [name, version] of Object.entries(overrides)) out[name] = version;
    return out;
  }

  /** The add-ons whose version EKS chooses when the unit is built (no table entry, no override). */
  public static fromCloud(kubernetesVersion: string, overrides: { [addon: string]: string } = {}): string[] {
    const pinned = EksAddonVersions.resolve(kubernetesVersion, overrides);
    return EKS_ADDON_NAMES.filter((n) => !pinned[n]);
  }

  /**
   * What a unit's fingerprint records for its add-ons: each pinned version, or
   * {@link EKS_ADDON_MOST_RECENT_AT_BUILD} for one EKS chooses at build. For every unit that could
   * be built before add-on versions came from the cloud this is exactly the pinned map it was
   * fingerprinted with, so no existing fingerprint changes.
   */
  public static identity(kubernetesVersion: string, overrides: { [addon: string]: string } = {}): { [addon: string]: string } {
    const out = EksAddonVersions.resolve(kubernetesVersion, overrides);
    for (const name of EksAddonVersions.fromCloud(kubernetesVersion, overrides)) out[name] = EKS_ADDON_MOST_RECENT_AT_BUILD;
    return out;
  }
}
