import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { fitName, NAME_RULES } from '../core/naming';
import { AksClusterSpec } from './aks-spec';

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
    const identity = new UserAssignedIdentity(this, 'identity', {
      name: `${props.clusterName}-cp`, location: spec.location, resourceGroupName: props.resourceGroupName, tags, lifecycle: PROTECT,
    });
    const dependsOn: RoleAssignment[] = [];
    if (spec.nodeSubnetId) {
      dependsOn.push(new RoleAssignment(this, 'subnet-network-contributor', {
        scope: spec.nodeSubnetId, roleDefinitionName: 'Network Contributor', principalId: identity.principalId, lifecycle: PROTECT,
      }));
    }
    const window = spec.maintenanceWindow ?? {};
    const sys = spec.systemPool;
    this.cluster = new KubernetesCluster(this, 'cluster', {
      name: props.clusterName,
      location: spec.location,
      resourceGroupName: props.resourceGroupName,
      dnsPrefix: fitName(NAME_RULES.aksDnsPrefix, [props.clusterName]),
      kubernetesVersion: props.controlPlaneVersion,
      skuTier: spec.skuTier ?? 'Standard',
      nodeOsUpgradeChannel: 'SecurityPatch',
      maintenanceWindowNodeOs: {
        frequency: 'Weekly', interval: 1,
        dayOfWeek: window.dayOfWeek ?? 'Sunday', startTime: window.startTime ?? '02:00',
        duration: window.durationHours ?? 4, utcOffset: window.utcOffset ?? '+00:00',
      },
      localAccountDisabled: true,
      roleBasedAccessControlEnabled: true,
      azureActiveDirectoryRoleBasedAccessControl: { azureRbacEnabled: true, adminGroupObjectIds: spec.adminGroupObjectIds },
      oidcIssuerEnabled: true,
      workloadIdentityEnabled: true,
      identity: { type: 'UserAssigned', identityIds: [identity.id] },
      apiServerAccessProfile: spec.authorizedIpRanges ? { authorizedIpRanges: spec.authorizedIpRanges } : undefined,
      networkProfile: {
        networkPlugin: 'azure', networkPluginMode: 'overlay', networkDataPlane: 'cilium', networkPolicy: 'cilium',
        loadBalancerSku: 'standard', outboundType: 'loadBalancer',
      },
      defaultNodePool: {
        name: sys.name,
        vmSize: sys.vmSize,
        orchestratorVersion: props.controlPlaneVersion,
        autoScalingEnabled: true,
        minCount: sys.minCount ?? 2,
        maxCount: sys.maxCount ?? 5,
        maxPods: sys.maxPods ?? 110,
        osDiskSizeGb: sys.osDiskSizeGb ?? 128,
        zones: sys.zones ?? ['1', '2', '3'],
        onlyCriticalAddonsEnabled: true,
        vnetSubnetId: spec.nodeSubnetId,
        nodeLabels: sys.labels,
        tags,
      },
      tags,
      dependsOn,
      lifecycle: { ...PROTECT, ignoreChanges: ['default_node_pool[0].node_count'] },
    });
    if (props.validationPrincipalObjectId) {
      new RoleAssignment(this, 'validation-access', {
        scope: this.cluster.id, roleDefinitionName: 'Azure Kubernetes Service RBAC Cluster Admin',
        principalId: props.validationPrincipalObjectId, lifecycle: PROTECT,
      });
    }
  }
}
