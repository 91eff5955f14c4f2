/**
 * The range of Kubernetes minors the library accepts by default. AKS supports N-2 minors and EKS
 * up to 26 months per minor; this window covers both clouds as of the release of this library.
 * Override it per fleet with `minimumKubernetesVersion` / `maximumKubernetesVersion`.
 */
export const DEFAULT_MINIMUM_KUBERNETES_VERSION = '1.29';
/** @see DEFAULT_MINIMUM_KUBERNETES_VERSION */
export const DEFAULT_MAXIMUM_KUBERNETES_VERSION = '1.37';

const VERSION_PATTERN = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/;

/**
 * A Kubernetes version, `MAJOR.MINOR` or `MAJOR.MINOR.PATCH` (a leading `v` is accepted).
 */
export class KubernetesVersion {
  /**
   * Parses a version; returns undefined when the text is not a version.
   */
  public static tryParse(text: string): KubernetesVersion | undefined {
    const m = VERSION_PATTERN.exec(String(text).trim());
    if (!m) return undefined;
    const major = Number(m[1]);
    const minor = Number(m[2]);
    if (major !== 1) return undefined;
    return new KubernetesVersion(major, minor, m[3] === undefined ? undefined : Number(m[3]));
  }

  /** Parses a version, throwing a plain Error when it is not one (callers wrap it with context). */
  public static parse(text: string): KubernetesVersion {
    const v = KubernetesVersion.tryParse(text);
    if (!v) throw new Error(`"${text}" is not a Kubernetes version of the form 1.MINOR or 1.MINOR.PATCH`);
    return v;
  }

  private constructor(
    /** Always 1 today. */
    public readonly major: number,
    /** The minor version, e.g. 30 for 1.30. */
    public readonly minor: number,
    /** The patch, when given. */
    public readonly patch?: number,
  ) {}

  /** `1.30` */
  public get minorVersion(): string {
    return `${this.major}.${this.minor}`;
  }

  /** How many minors `other` is behind this version (negative when it is ahead). */
  public minorsAhead(other: KubernetesVersion): number {
    return (this.major - other.major) * 1000 + (this.minor - other.minor);
  }

  /** -1, 0 or 1, comparing minors then patches (a missing patch counts as 0). */
  public compare(other: KubernetesVersion): number {
    const d = this.minorsAhead(other);
    if (d !== 0) return Math.sign(d);
    return Math.sign((this.patch ?? 0) - (other.patch ?? 0));
  }

  public toString(): string {
    return this.patch === undefined ? this.minorVersion : `${this.minorVersion}.${this.patch}`;
  }
}
