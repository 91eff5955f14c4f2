import { KubernetesVersion } from '../core/kubernetes-version';

/** The add-ons every EKS unit installs as EKS managed add-ons (self-managed bootstrap add-ons are off). */
export const EKS_ADDON_NAMES = ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent', 'coredns'];

// Pinned per Kubernetes minor so a unit's resources never change under it. These are the library's
// best knowledge of each minor's add-on builds, NOT verified against a live account (none was
// available): check them with `aws eks describe-addon-versions --kubernetes-version <minor>` and
// override per spec with `addonVersions` where they differ.
const TABLE: { [minor: string]: { [addon: string]: string } } = {
  '1.30': { 'vpc-cni': 'v1.19.2-eksbuild.1', 'kube-proxy': 'v1.30.9-eksbuild.3', 'eks-pod-identity-agent': 'v1.3.4-eksbuild.1', 'coredns': 'v1.11.4-eksbuild.2' },
  '1.31': { 'vpc-cni': 'v1.19.2-eksbuild.1', 'kube-proxy': 'v1.31.3-eksbuild.2', 'eks-pod-identity-agent': 'v1.3.4-eksbuild.1', 'coredns': 'v1.11.4-eksbuild.2' },
  '1.32': { 'vpc-cni': 'v1.19.2-eksbuild.1', 'kube-proxy': 'v1.32.0-eksbuild.2', 'eks-pod-identity-agent': 'v1.3.4-eksbuild.1', 'coredns': 'v1.11.4-eksbuild.2' },
  '1.33': { 'vpc-cni': 'v1.19.5-eksbuild.1', 'kube-proxy': 'v1.33.0-eksbuild.2', 'eks-pod-identity-agent': 'v1.3.7-eksbuild.2', 'coredns': 'v1.12.1-eksbuild.2' },
  '1.34': { 'vpc-cni': 'v1.20.1-eksbuild.3', 'kube-proxy': 'v1.34.0-eksbuild.2', 'eks-pod-identity-agent': 'v1.3.8-eksbuild.2', 'coredns': 'v1.12.3-eksbuild.1' },
};

/**
 * The library's table of EKS managed add-on versions per Kubernetes minor. A unit installs exactly
 * these versions (or the spec's `addonVersions` overrides), so its stack never changes while it lives.
 */
export class EksAddonVersions {
  /** Kubernetes minors the table has versions for, oldest first. */
  public static knownMinors(): string[] {
    return Object.keys(TABLE).sort((a, b) => KubernetesVersion.parse(a).compare(KubernetesVersion.parse(b)));
  }

  /** The table's versions for a Kubernetes version (any patch of the minor), or an empty map. */
  public static defaultsFor(kubernetesVersion: string): { [addon: string]: string } {
    const v = KubernetesVersion.tryParse(kubernetesVersion);
    return v ? { ...(TABLE[v.minorVersion] ?? {}) } : {};
  }

  /**
   * The versions a unit installs: the table's for its minor, overridden by `overrides`. Add-ons
   * with no version in either are missing from the result (the spec check refuses that).
   */
  public static resolve(kubernetesVersion: string, overrides: { [addon: string]: string } = {}): { [addon: string]: string } {
    const out = EksAddonVersions.defaultsFor(kubernetesVersion);
    for (const [name, version] of Object.entries(overrides)) out[name] = version;
    return out;
  }
}
