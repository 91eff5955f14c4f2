import { BlueGreenError, show } from './errors';
import { KubernetesVersion } from './kubernetes-version';

/** When one Kubernetes minor stops being supported by a cloud. Dates are `YYYY-MM-DD` (UTC). */
export interface KubernetesSupportEntry {
  /** The minor, e.g. `1.33`. */
  readonly minor: string;
  /** Last day of (standard) support. */
  readonly endOfSupport: string;
  /**
   * Last day of extended support, where the cloud sells it (EKS `upgrade_policy = EXTENDED`).
   * @default - no extended support
   */
  readonly endOfExtendedSupport?: string;
  /**
   * First day on which the cloud may upgrade a cluster left on this minor after its support ended,
   * where the cloud keeps such clusters on a lesser support first (AKS platform support, which lasts
   * while the minor is N-3).
   * @default - unknown (the warning then names no date for it)
   */
  readonly endOfPlatformSupport?: string;
}

/** Options of a {@link KubernetesSupportCalendar}. */
export interface KubernetesSupportCalendarProps {
  /**
   * Entries that replace or add to the shipped ones (by minor), e.g. when the cloud announces a
   * new date before this library ships it. @default - the shipped entries only
   */
  readonly entries?: KubernetesSupportEntry[];
  /**
   * The date the warnings are computed for, `YYYY-MM-DD`. @default - the day synth runs (UTC)
   */
  readonly asOf?: string;
  /** A serving unit whose support ends within this many days gets a warning. @default 60 */
  readonly warningDays?: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The day the shipped EKS entries were read from the EKS release calendar. Warnings name it, so a
 * reader sees how old the library's knowledge is.
 */
export const EKS_CALENDAR_AS_OF = '2026-12-07';

/**
 * EKS: 14 months of standard support, then 12 months of extended support; at the end of the one
 * that applies, EKS upgrades the control plane by itself (to the oldest version still in extended
 * support). Dates of the release calendar, as of {@link EKS_CALENDAR_AS_OF}.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
 */
const EKS_ENTRIES: KubernetesSupportEntry[] = [
  { minor: '1.29', endOfSupport: '2025-03-23', endOfExtendedSupport: '2026-03-23' },
  { minor: '1.30', endOfSupport: '2025-07-23', endOfExtendedSupport: '2026-07-23' },
  { minor: '1.31', endOfSupport: '2025-11-26', endOfExtendedSupport: '2026-11-26' },
  { minor: '1.32', endOfSupport: '2026-03-23', endOfExtendedSupport: '2027-03-23' },
  { minor: '1.33', endOfSupport: '2026-07-29', endOfExtendedSupport: '2027-07-29' },
  { minor: '1.34', endOfSupport: '2026-12-02', endOfExtendedSupport: '2027-12-02' },
  { minor: '1.35', endOfSupport: '2027-03-27', endOfExtendedSupport: '2028-03-27' },
];

/** The day the shipped AKS entries were read from the AKS Kubernetes release calendar. */
export const AKS_CALENDAR_AS_OF = '2026-12-07';

/**
 * AKS: 12 months of community support per GA minor ("End of life"); then the minor moves to
 * platform support (Azure infrastructure only, no Kubernetes fixes) while it is N-3, "until 1.(m+4)
 * GA"; when a cluster would drop to N-4, AKS upgrades it by itself. The calendar gives months: the
 * page reads a month as its last day, which `endOfSupport` uses; the end of platform support is the
 * first day of the month of 1.(m+4)'s AKS GA (the early end of the month, so the warning is never
 * late). As of {@link AKS_CALENDAR_AS_OF}.
 * @see https://learn.microsoft.com/azure/aks/supported-kubernetes-versions#aks-kubernetes-release-calendar
 * @see https://learn.microsoft.com/azure/aks/supported-kubernetes-versions#platform-support-policy
 * @see https://learn.microsoft.com/azure/aks/auto-upgrade-cluster#customer-versus-aks-initiated-auto-upgrades
 */
const AKS_ENTRIES: KubernetesSupportEntry[] = [
  { minor: '1.29', endOfSupport: '2025-03-31', endOfPlatformSupport: '2025-06-01' },
  { minor: '1.30', endOfSupport: '2025-08-22', endOfPlatformSupport: '2025-11-01' },
  { minor: '1.31', endOfSupport: '2025-11-01', endOfPlatformSupport: '2026-03-01' },
  { minor: '1.32', endOfSupport: '2026-03-31', endOfPlatformSupport: '2026-06-01' },
  { minor: '1.33', endOfSupport: '2026-07-31', endOfPlatformSupport: '2026-10-01' },
  { minor: '1.34', endOfSupport: '2026-11-30' },
  { minor: '1.35', endOfSupport: '2027-03-31' },
  { minor: '1.36', endOfSupport: '2027-06-30' },
  { minor: '1.37', endOfSupport: '2027-10-31' },
];

/**
 * When each Kubernetes minor leaves a cloud's support, shipped per cloud and overridable per fleet.
 * The rollout plan warns when a serving unit's minor is within `warningDays` of the end of its
 * support: the cloud would then change the live unit on its own, so a newer unit should take over
 * before. A minor the calendar does not know gets no warning.
 */
export class KubernetesSupportCalendar {
  /** The EKS calendar (standard and extended support). */
  public static eks(props: KubernetesSupportCalendarProps = {}): KubernetesSupportCalendar {
    return new KubernetesSupportCalendar('EKS', EKS_ENTRIES, EKS_CALENDAR_AS_OF, props);
  }

  /** The AKS calendar (community support, then platform support). */
  public static aks(props: KubernetesSupportCalendarProps = {}): KubernetesSupportCalendar {
    return new KubernetesSupportCalendar('AKS', AKS_ENTRIES, AKS_CALENDAR_AS_OF, props);
  }

  /** The cloud, for messages. */
  public readonly cloud: string;
  /** The entries in force (shipped ones overridden by the props' entries). */
  public readonly entries: KubernetesSupportEntry[];
  /** The date the warnings are computed for. */
  public readonly asOf: string;
  /** Days of warning before the end of support. */
  public readonly warningDays: number;
  /** The day the shipped entries were read from the cloud's release calendar (`YYYY-MM-DD`). */
  public readonly shippedAsOf: string;
  private readonly overridden: Set<string>;

  private constructor(cloud: string, shipped: KubernetesSupportEntry[], shippedAsOf: string, props: KubernetesSupportCalendarProps) {
    this.cloud = cloud;
    this.shippedAsOf = shippedAsOf;
    this.overridden = new Set((props.entries ?? []).map((e) => e?.minor));
    const refuse = (field: string, value: unknown, rule: string, fix: string): never => {
      throw new BlueGreenError({ fleet: '(any)', field: `supportCalendar.${field}`, value: show(value), rule, fix });
    };
    const byMinor = new Map(shipped.map((e) => [e.minor, e]));
    (props.entries ?? []).forEach((e, i) => {
      const v = KubernetesVersion.tryParse(e?.minor);
      if (!v || v.minorVersion !== e.minor) refuse(`entries[${i}].minor`, e?.minor, 'a minor is 1.MINOR', "minor: '1.33'");
      for (const k of ['endOfSupport', 'endOfExtendedSupport', 'endOfPlatformSupport'] as const) {
        const d = e[k];
        if ((k === 'endOfSupport' || d !== undefined) && (typeof d !== 'string' || !DATE.test(d) || Number.isNaN(Date.parse(d)))) {
          refuse(`entries[${i}].${k}`, d, 'a date is YYYY-MM-DD', `${k}: '2027-07-29'`);
        }
      }
      byMinor.set(e.minor, e);
    });
    this.entries = [...byMinor.values()];
    this.asOf = props.asOf ?? new Date().toISOString().slice(0, 10);
    if (!DATE.test(this.asOf) || Number.isNaN(Date.parse(this.asOf))) refuse('asOf', props.asOf, 'a date is YYYY-MM-DD', "asOf: '2026-05-01'");
    this.warningDays = props.warningDays ?? 60;
    if (!Number.isInteger(this.warningDays) || this.warningDays < 0) refuse('warningDays', props.warningDays, 'a whole number of days, 0 or more', 'warningDays: 60');
  }

  /** The last day of support of a minor (extended when `extended`), or undefined when unknown. */
  public endOfSupport(kubernetesVersion: string, extended = false): string | undefined {
    const minor = KubernetesVersion.parse(kubernetesVersion).minorVersion;
    const e = this.entries.find((x) => x.minor === minor);
    if (!e) return undefined;
    return extended && e.endOfExtendedSupport ? e.endOfExtendedSupport : e.endOfSupport;
  }

  /**
   * The warning for a serving unit whose support ends within `warningDays` of `asOf` (or has
   * ended), or undefined. It says what the cloud then does (EKS upgrades the control plane; AKS
   * keeps the cluster on platform support while it is N-3 and upgrades it when it would drop to
   * N-4) and how old the date is (the shipped calendar's day, or the fleet's own entry).
   * @param unit how the message names the unit, e.g. `blue (blue-1-33-abcdef)`
   */
  public warningFor(unit: string, kubernetesVersion: string, extended = false): string | undefined {
    const end = this.endOfSupport(kubernetesVersion, extended);
    if (end === undefined) return undefined;
    const days = daysBetween(this.asOf, end);
    if (days > this.warningDays) return undefined;
    const v = KubernetesVersion.parse(kubernetesVersion);
    const minor = v.minorVersion;
    const what = extended ? 'extended support' : 'support';
    const when = days >= 0 ? `ends on ${end} (${days} days after ${this.asOf})` : `ended on ${end} (${-days} days before ${this.asOf})`;
    const then = this.cloud === 'AKS' ? this.aksAfterSupport(v) : 'after that EKS upgrades the control plane by itself';
    const source = this.overridden.has(minor)
      ? "the date is the fleet's own supportCalendar entry"
      : `the date is from the ${this.cloud} calendar as shipped on ${this.shippedAsOf}, ${Math.max(0, daysBetween(this.shippedAsOf, this.asOf))} days before ${this.asOf}: check the cloud's calendar and override it with supportCalendar entries where it moved`;
    return `unit ${unit} serves on ${this.cloud} ${minor}, whose ${what} ${when}: ${then}. Start a newer unit and move the traffic to it before (${source}).`;
  }

  private aksAfterSupport(v: KubernetesVersion): string {
    const e = this.entries.find((x) => x.minor === v.minorVersion);
    const upgrade = e?.endOfPlatformSupport
      ? `from about ${e.endOfPlatformSupport}, when ${v.major}.${v.minor + 4} reaches GA on AKS`
      : `once ${v.major}.${v.minor + 4} reaches GA on AKS`;
    return `after that AKS gives it platform support only (Azure infrastructure, no Kubernetes fixes) while it is within N-3, and upgrades the cluster by itself when it would drop to N-4 (${upgrade})`;
  }
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
}
