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
 * EKS: 14 months of standard support, then 12 months of extended support; at the end of the one
 * that applies, AWS upgrades the control plane by itself. Dates of the release calendar.
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

/**
 * AKS: 12 months of community support per GA minor (the calendar gives the month of end of life;
 * the first day of that month is used, so the warning comes early rather than late). AKS upgrades
 * clusters that stay on an unsupported minor.
 * @see https://learn.microsoft.com/azure/aks/supported-kubernetes-versions#aks-kubernetes-release-calendar
 */
const AKS_ENTRIES: KubernetesSupportEntry[] = [
  { minor: '1.28', endOfSupport: '2025-01-01' },
  { minor: '1.29', endOfSupport: '2025-03-01' },
  { minor: '1.30', endOfSupport: '2025-07-01' },
  { minor: '1.31', endOfSupport: '2025-11-01' },
  { minor: '1.32', endOfSupport: '2026-03-01' },
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
    return new KubernetesSupportCalendar('EKS', EKS_ENTRIES, props);
  }

  /** The AKS calendar (community support). */
  public static aks(props: KubernetesSupportCalendarProps = {}): KubernetesSupportCalendar {
    return new KubernetesSupportCalendar('AKS', AKS_ENTRIES, props);
  }

  /** The cloud, for messages. */
  public readonly cloud: string;
  /** The entries in force (shipped ones overridden by the props' entries). */
  public readonly entries: KubernetesSupportEntry[];
  /** The date the warnings are computed for. */
  public readonly asOf: string;
  /** Days of warning before the end of support. */
  public readonly warningDays: number;

  private constructor(cloud: string, shipped: KubernetesSupportEntry[], props: KubernetesSupportCalendarProps) {
    this.cloud = cloud;
    const refuse = (field: string, value: unknown, rule: string, fix: string): never => {
      throw new BlueGreenError({ fleet: '(any)', field: `supportCalendar.${field}`, value: show(value), rule, fix });
    };
    const byMinor = new Map(shipped.map((e) => [e.minor, e]));
    (props.entries ?? []).forEach((e, i) => {
      const v = KubernetesVersion.tryParse(e?.minor);
      if (!v || v.minorVersion !== e.minor) refuse(`entries[${i}].minor`, e?.minor, 'a minor is 1.MINOR', "minor: '1.33'");
      for (const k of ['endOfSupport', 'endOfExtendedSupport'] as const) {
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
   * ended), or undefined.
   * @param unit how the message names the unit, e.g. `blue (blue-1-33-abcdef)`
   */
  public warningFor(unit: string, kubernetesVersion: string, extended = false): string | undefined {
    const end = this.endOfSupport(kubernetesVersion, extended);
    if (end === undefined) return undefined;
    const days = Math.round((Date.parse(end) - Date.parse(this.asOf)) / DAY_MS);
    if (days > this.warningDays) return undefined;
    const minor = KubernetesVersion.parse(kubernetesVersion).minorVersion;
    const what = extended ? 'extended support' : 'support';
    const when = days >= 0 ? `ends on ${end} (${days} days after ${this.asOf})` : `ended on ${end} (${-days} days before ${this.asOf})`;
    return `unit ${unit} serves on ${this.cloud} ${minor}, whose ${what} ${when}: after that the cloud upgrades the control plane by itself. Start a newer unit and move the traffic to it before.`;
  }
}
