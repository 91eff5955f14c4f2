import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { waitForRolePropagation } from './private/role-propagation';
import { Construct } from 'constructs';
import { fitName, NAME_RULES } from '../core/naming';
import { AksClusterSpec } from './aks-spec';
import { controlPlaneIdentity, secureAksClusterConfig } from './private/secure-aks-cluster';

/** Properties of an {@link AksNodePoolCluster}. */
export interface AksNodePoolClusterProps {
  /** Fleet name. */
  readonly fleet: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /** Control plane version of this step (the system pool follows it). */
  readonly controlPlaneVersion: string;
  /** The resource group. */
  readonly resourceGroupName: string;
  /** What the cluster is built from; its user pools are the fleet's units, so `userPools` is empty. */
  readonly spec: AksClusterSpec;
  /** Object id granted "Azure Kubernetes Service RBAC Cluster Admin" for the validation and traffic stacks. @default - none */
  readonly validationPrincipalObjectId?: string;
  /** Tags of the cluster's resources. */
  readonly tags: { [key: string]: string };
}

const PROTECT = { preventDestroy: true };

/**
 * The long-lived AKS cluster of a node-pool fleet, in the fleet's shared stack: its control plane
 * is upgraded in place (one minor per step) by changing `kubernetes_version`, which azurerm applies
 * as an upgrade of the managed cluster. The system pool (critical add-ons only) follows the control
 * plane with AKS's own rolling upgrade; the user pools are the fleet's immutable units.
 *
 * Same secure defaults as whole-cluster units: Entra ID with Azure RBAC, local accounts disabled,
 * no automatic Kubernetes upgrades, node OS security patches in the maintenance window.
 */
export class AksNodePoolCluster extends Construct {
  /** The cluster. */
  public readonly cluster: KubernetesCluster;

  /** The resource id of a cluster, known before it exists (pools reference it without a look-up). */
  public static clusterId(subscriptionId: string, resourceGroupName: string, clusterName: string): string {
    return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.ContainerService/managedClusters/${clusterName}`;
  }

  constructor(scope: Construct, id: string, props: AksNodePoolClusterProps) {
    super(scope, id);
    const { spec, tags } = props;
    const { identity, grants } = controlPlaneIdentity(this, props.clusterName, props.resourceGroupName, spec, tags);
    // The system pool follows the control plane (AKS upgrades it in place); user pools are the units.
    this.cluster = new KubernetesCluster(this, 'cluster', secureAksClusterConfig({
      name: props.clusterName,
      dnsPrefix: fitName(NAME_RULES.aksDnsPrefix, [props.clusterName]),
      resourceGroupName: props.resourceGroupName,
      kubernetesVersion: props.controlPlaneVersion,
      systemPoolVersion: props.controlPlaneVersion,
      spec,
      identityId: identity.id,
      tags,
      dependsOn: grants,
    }));
    if (props.validationPrincipalObjectId) {
      const grant = new RoleAssignment(this, 'validation-access', {
        scope: this.cluster.id, roleDefinitionName: 'Azure Kubernetes Service RBAC Cluster Admin',
        principalId: props.validationPrincipalObjectId, lifecycle: PROTECT,
      });
      waitForRolePropagation(this, 'validation-access-propagation', grant);
    }
  }
}
