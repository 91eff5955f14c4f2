import { KubernetesClusterConfig } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { KubernetesClusterNodePoolConfig } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { AksClusterSpec, AksNodePoolOptions, AksOsType } from '../aks-spec';

const PROTECT = { preventDestroy: true };

/** The control-plane identity of an AKS cluster, with Network Contributor on the node subnet when there is one. */
export function controlPlaneIdentity(scope: Construct, clusterName: string, resourceGroupName: string, spec: AksClusterSpec, tags: { [key: string]: string }): { identity: UserAssignedIdentity; grants: RoleAssignment[] } {
  const identity = new UserAssignedIdentity(scope, 'identity', {
    name: `${clusterName}-cp`, location: spec.location, resourceGroupName, tags, lifecycle: PROTECT,
  });
  const grants: RoleAssignment[] = [];
  if (spec.nodeSubnetId) {
    grants.push(new RoleAssignment(scope, 'subnet-network-contributor', {
      scope: spec.nodeSubnetId, roleDefinitionName: 'Network Contributor', principalId: identity.principalId, lifecycle: PROTECT,
    }));
  }
  return { identity, grants };
}

/** What differs between the AKS clusters the library builds. */
export interface SecureAksClusterOptions {
  readonly name: string;
  readonly dnsPrefix: string;
  readonly resourceGroupName: string;
  readonly kubernetesVersion: string;
  /** Version of the system pool's nodes. */
  readonly systemPoolVersion: string;
  readonly spec: AksClusterSpec;
  readonly identityId: string;
  readonly tags: { [key: string]: string };
  readonly dependsOn: ITerraformDependable[];
}

/**
 * The configuration of every AKS cluster the library builds (whole-cluster units and node-pool
 * fleets' clusters alike): Entra ID with Azure RBAC and local accounts disabled, OIDC issuer and
 * workload identity, no automatic Kubernetes upgrades, node OS security patches in the maintenance
 * window, Azure CNI overlay with Cilium, a system pool for critical add-ons only, prevent_destroy.
 */
export function secureAksClusterConfig(o: SecureAksClusterOptions): KubernetesClusterConfig {
  const { spec, tags } = o;
  const window = spec.maintenanceWindow ?? {};
  const sys = spec.systemPool;
  return {
    name: o.name,
    location: spec.location,
    resourceGroupName: o.resourceGroupName,
    dnsPrefix: o.dnsPrefix,
    kubernetesVersion: o.kubernetesVersion,
    skuTier: spec.skuTier ?? 'Standard',
    // No automatic_upgrade_channel: Kubernetes versions change only through the library.
    nodeOsUpgradeChannel: 'SecurityPatch',
    maintenanceWindowNodeOs: {
      frequency: 'Weekly',
      interval: 1,
      dayOfWeek: window.dayOfWeek ?? 'Sunday',
      startTime: window.startTime ?? '02:00',
      duration: window.durationHours ?? 4,
      utcOffset: window.utcOffset ?? '+00:00',
    },
    localAccountDisabled: true,
    roleBasedAccessControlEnabled: true,
    azureActiveDirectoryRoleBasedAccessControl: { azureRbacEnabled: true, adminGroupObjectIds: spec.adminGroupObjectIds },
    oidcIssuerEnabled: true,
    workloadIdentityEnabled: true,
    identity: { type: 'UserAssigned', identityIds: [o.identityId] },
    apiServerAccessProfile: spec.authorizedIpRanges ? { authorizedIpRanges: spec.authorizedIpRanges } : undefined,
    networkProfile: {
      networkPlugin: 'azure',
      networkPluginMode: 'overlay',
      networkDataPlane: 'cilium',
      networkPolicy: 'cilium',
      loadBalancerSku: 'standard',
      outboundType: 'loadBalancer',
    },
    defaultNodePool: {
      name: sys.name,
      vmSize: sys.vmSize,
      orchestratorVersion: o.systemPoolVersion,
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
    dependsOn: o.dependsOn,
    // The cluster autoscaler owns node counts.
    lifecycle: { ...PROTECT, ignoreChanges: ['default_node_pool[0].node_count'] },
  };
}

/** What differs between the user pools the library builds. */
export interface UserPoolOptions {
  readonly name: string;
  readonly kubernetesClusterId: string;
  readonly kubernetesVersion: string;
  readonly labels?: { [key: string]: string };
  readonly subnetId?: string;
  readonly tags: { [key: string]: string };
}

/**
 * The configuration of every AKS user pool the library builds (a whole-cluster unit's pools and
 * node-pool units alike): autoscaled, zonal, prevent_destroy; the autoscaler owns node counts.
 */
export function userPoolConfig(pool: AksNodePoolOptions, o: UserPoolOptions): KubernetesClusterNodePoolConfig {
  return {
    name: o.name,
    kubernetesClusterId: o.kubernetesClusterId,
    mode: 'User',
    vmSize: pool.vmSize,
    osType: pool.osType ?? AksOsType.LINUX,
    orchestratorVersion: o.kubernetesVersion,
    autoScalingEnabled: true,
    minCount: pool.minCount ?? 2,
    maxCount: pool.maxCount ?? 5,
    maxPods: pool.maxPods ?? 110,
    osDiskSizeGb: pool.osDiskSizeGb ?? 128,
    zones: pool.zones ?? ['1', '2', '3'],
    nodeLabels: o.labels,
    nodeTaints: pool.taints,
    vnetSubnetId: o.subnetId,
    tags: o.tags,
    lifecycle: { ...PROTECT, ignoreChanges: ['node_count'] },
  };
}
