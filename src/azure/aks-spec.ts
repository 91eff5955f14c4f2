/** Operating system of an AKS node pool. */
export enum AksOsType {
  /** Linux pools: names of 1-12 characters. */
  LINUX = 'Linux',
  /**
   * Windows pools: refused, because the library's clusters use the Cilium dataplane, which runs
   * Linux nodes only (https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium#limitations).
   */
  WINDOWS = 'Windows',
}

/**
 * How a node pool is sized and scheduled: what every AKS pool shares, whether it is a pool of a
 * whole-cluster unit or a node-pool unit of its own.
 */
export interface AksNodePoolOptions {
  /** VM size, e.g. `Standard_D4ds_v5`. */
  readonly vmSize: string;
  /** Fewest nodes (the cluster autoscaler is on). @default 2 */
  readonly minCount?: number;
  /** Most nodes. @default 5 */
  readonly maxCount?: number;
  /** Operating system; only Linux pools are accepted (Cilium dataplane). @default AksOsType.LINUX */
  readonly osType?: AksOsType;
  /**
   * Kubernetes labels on the pool's nodes: the workload labels that workloads select
   * (nodeSelector / node affinity). @default - none
   */
  readonly labels?: { [key: string]: string };
  /** Node taints of the pool's own spec, `key=value:Effect`. @default - none */
  readonly taints?: string[];
  /** Availability zones. @default ['1', '2', '3'] */
  readonly zones?: string[];
  /** Max pods per node. @default 110 */
  readonly maxPods?: number;
  /** OS disk size in GB. @default 128 */
  readonly osDiskSizeGb?: number;
}

/**
 * One node pool of an AKS cluster unit (the system pool or a user pool).
 */
export interface AksNodePoolSpec extends AksNodePoolOptions {
  /**
   * Pool name inside the cluster: Linux 1-12, Windows 1-6 lowercase letters and digits, starting
   * with a letter. @see https://learn.microsoft.com/azure/aks/create-node-pools
   */
  readonly name: string;
  /**
   * Kubernetes version of this pool's nodes, when it should lag the unit's control plane (never
   * newer, at most 3 minors older). @default - the unit's version
   */
  readonly kubernetesVersion?: string;
}

/** Weekly window in which AKS applies node OS security patches. */
export interface AksMaintenanceWindow {
  /** Day of the week, e.g. `Sunday`. @default 'Sunday' */
  readonly dayOfWeek?: string;
  /** Start time, `HH:mm`. @default '02:00' */
  readonly startTime?: string;
  /** Length in hours (at least 4). @default 4 */
  readonly durationHours?: number;
  /** UTC offset, e.g. `+01:00`. @default '+00:00' */
  readonly utcOffset?: string;
}

/**
 * Everything an AKS cluster unit is built from, apart from its Kubernetes version. Units built
 * from the same spec share a fingerprint; changing the spec makes new units.
 */
export interface AksClusterSpec {
  /** Azure region, e.g. `westeurope`. */
  readonly location: string;
  /** The system pool (critical add-ons only). */
  readonly systemPool: AksNodePoolSpec;
  /** User pools, where workloads run. @default - none */
  readonly userPools?: AksNodePoolSpec[];
  /** Object ids of the Entra ID groups that administer the cluster (Azure RBAC is always on). */
  readonly adminGroupObjectIds: string[];
  /** AKS pricing tier. @default 'Standard' (uptime SLA) */
  readonly skuTier?: string;
  /** An existing subnet for the nodes. @default - AKS creates a managed virtual network */
  readonly nodeSubnetId?: string;
  /** CIDRs allowed to reach the API server. @default - public endpoint, Entra ID auth only */
  readonly authorizedIpRanges?: string[];
  /** When node OS security patches are applied. @default Sundays 02:00-06:00 UTC */
  readonly maintenanceWindow?: AksMaintenanceWindow;
}
