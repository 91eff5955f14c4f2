import { AksNodePoolOptions } from './aks-spec';

/**
 * What an AKS user node pool unit is built from, apart from its Kubernetes version and its name
 * (derived from the unit's identity). Pools built from the same spec and version share a fingerprint;
 * changing the spec makes a new pool.
 */
export interface AksNodePoolUnitSpec extends AksNodePoolOptions {
  /** An existing subnet for the pool's nodes. @default - the cluster's node subnet */
  readonly vnetSubnetId?: string;
}
