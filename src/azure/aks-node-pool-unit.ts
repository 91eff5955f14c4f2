import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { Construct } from 'constructs';
import { unitTags } from '../core/tags';
import { PoolTaint } from '../kubernetes/node-pool-scheduling-router';
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
  /**
   * The scheduling router's cordon taint, while the pool is not serving. It joins the spec's taints
   * in `node_taints`, which AKS applies to the pool's nodes and to every node it adds later.
   * @default - none: the pool is schedulable
   */
  readonly cordonTaint?: PoolTaint;
}

/**
 * One AKS user node pool (`azurerm_kubernetes_cluster_node_pool`). Only `node_taints` depends on the
 * rollout step: it holds the router's cordon taint while the pool is not serving. azurerm updates
 * `node_taints` in place (it is neither "forces a new resource" nor in the list of properties that
 * cycle the pool through `temporary_name_for_rotation`:
 * https://registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/kubernetes_cluster_node_pool),
 * and AKS puts node-pool taints on the pool's nodes and on nodes added at scale-out
 * (https://learn.microsoft.com/azure/aks/use-node-taints). `prevent_destroy` is on; retirement removes
 * it from the configuration once the traffic stack drained it.
 */
export class AksNodePoolUnit extends Construct {
  /** The pool. */
  public readonly pool: KubernetesClusterNodePool;

  constructor(scope: Construct, id: string, props: AksNodePoolUnitProps) {
    super(scope, id);
    const { spec } = props;
    const config = userPoolConfig(spec, {
      name: props.poolName,
      kubernetesClusterId: props.kubernetesClusterId,
      kubernetesVersion: props.kubernetesVersion,
      labels: { ...(spec.labels ?? {}), 'bluegreen.cdktf.io/unit': props.unitName },
      subnetId: spec.vnetSubnetId ?? props.defaultSubnetId,
      tags: unitTags(props.fleet, props.unitName, props.tags),
    });
    const cordon = props.cordonTaint ? [`${props.cordonTaint.key}=${props.cordonTaint.value}:${props.cordonTaint.effect}`] : [];
    // Always written out (even empty) so removing the cordon really clears it on the pool.
    this.pool = new KubernetesClusterNodePool(this, 'pool', { ...config, nodeTaints: [...(spec.taints ?? []), ...cordon] });
  }
}
