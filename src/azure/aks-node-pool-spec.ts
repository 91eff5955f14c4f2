import { AksOsType } from './aks-spec';

/**
 * What an AKS user node pool unit is built from, apart from its Kubernetes version and its name
 * (derived from the unit's identity). Pools built from the same spec and version share a fingerprint;
 * changing the spec makes a new pool.
 */
export interface AksNodePoolUnitSpec {
  /** VM size, e.g. `Standard_D8ds_v5`. */
  readonly vmSize: string;
  /** Fewest nodes (the cluster autoscaler is on). @default 2 */
  readonly minCount?: number;
  /** Most nodes. @default 5 */
  readonly maxCount?: number;
  /** Operating system; Windows pool names are 1-6 characters, so their slot is one letter. @default AksOsType.LINUX */
  readonly osType?: AksOsType;
  /**
   * The workload labels: Kubernetes labels on the pool's nodes that workloads select (nodeSelector /
   * node affinity). Every pool of the fleet should carry them, so a serving pool takes the workloads.
   * @default - none (workloads may land on any schedulable pool)
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
  /** An existing subnet for the pool's nodes. @default - the cluster's node subnet */
  readonly vnetSubnetId?: string;
}
