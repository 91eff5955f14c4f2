import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { Construct } from 'constructs';
import { unitTags } from '../core/tags';
import { AksNodePoolUnitSpec } from './aks-node-pool-spec';
import { userPoolConfig } from './private/secure-aks-cluster';

/** Properties of an {@link AksNodePoolUnit}. */
export interface AksNodePoolUnitProps {
  /** Fleet name. */
  readonly fleet: string;
  /** Unit name, `<slot>-<major>-<minor>-<fingerprint>`. */
  readonly unitName: string;
  /** The pool's name in the cluster (derived from the unit's identity, checked against AKS limits). */
  readonly poolName: string;
  /** The cluster's resource id (deterministic, so no look-up is needed). */
  readonly kubernetesClusterId: string;
  /** Kubernetes version of the pool's nodes. */
  readonly kubernetesVersion: string;
  /** What the pool is built from. */
  readonly spec: AksNodePoolUnitSpec;
  /** Subnet of the pool when its spec names none. @default - AKS's managed network */
  readonly defaultSubnetId?: string;
  /** Extra tags. @default - fleet and unit tags only */
  readonly tags?: { [key: string]: string };
}

/**
 * One immutable AKS user node pool (`azurerm_kubernetes_cluster_node_pool`). Nothing in it depends on
 * the rollout step: the router cordons the pool through Kubernetes node taints from the traffic
 * stack, never by editing this resource. `prevent_destroy` is on; retirement removes it from the
 * configuration, and AKS drains the nodes as it deletes the pool.
 */
export class AksNodePoolUnit extends Construct {
  /** The pool. */
  public readonly pool: KubernetesClusterNodePool;

  constructor(scope: Construct, id: string, props: AksNodePoolUnitProps) {
    super(scope, id);
    const { spec } = props;
    this.pool = new KubernetesClusterNodePool(this, 'pool', userPoolConfig(spec, {
      name: props.poolName,
      kubernetesClusterId: props.kubernetesClusterId,
      kubernetesVersion: props.kubernetesVersion,
      labels: { ...(spec.labels ?? {}), 'bluegreen.cdktf.io/unit': props.unitName },
      subnetId: spec.vnetSubnetId ?? props.defaultSubnetId,
      tags: unitTags(props.fleet, props.unitName, props.tags),
    }));
  }
}
