import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { fitName, NAME_RULES } from '../core/naming';
import { unitTags } from '../core/tags';
import { AksClusterSpec, AksNodePoolSpec } from './aks-spec';
import { controlPlaneIdentity, secureAksClusterConfig, userPoolConfig } from './private/secure-aks-cluster';
import { waitForRolePropagation } from './private/role-propagation';

/** Properties of an {@link AksClusterUnit}. */
export interface AksClusterUnitProps {
  /** Fleet name. */
  readonly fleet: string;
  /** Unit name, `<slot>-<major>-<minor>-<fingerprint>`. */
  readonly unitName: string;
  /** Kubernetes version of the control plane and every pool, e.g. `1.31` or `1.31.2`. */
  readonly kubernetesVersion: string;
  /** The resource group (created by the fleet's shared stack). */
  readonly resourceGroupName: string;
  /** What the unit is built from. */
  readonly spec: AksClusterSpec;
  /**
   * Object id of the principal that runs the validation stacks; it is granted
   * "Azure Kubernetes Service RBAC Cluster Admin" on this cluster only.
   * @default - no grant (give the deploying identity access another way)
   */
  readonly validationPrincipalObjectId?: string;
  /** Extra tags. @default - fleet and unit tags only */
  readonly tags?: { [key: string]: string };
}

/** Names the resources of an AKS unit will have; deterministic, so other stacks look them up by name. */
export class AksUnitNames {
  /** The AKS cluster name. */
  public static clusterName(fleet: string, unitName: string): string {
    return fitName(NAME_RULES.aksCluster, [fleet, unitName]);
  }
  /** The DNS label of the unit's origin IP (`<label>.<region>.cloudapp.azure.com`). */
  public static originLabel(fleet: string, unitName: string): string {
    return fitName(NAME_RULES.publicIpDomainLabel, [fleet, unitName]);
  }
  /** The fully qualified host name of the unit's origin. */
  public static originHost(fleet: string, unitName: string, location: string): string {
    return `${AksUnitNames.originLabel(fleet, unitName)}.${location}.cloudapp.azure.com`;
  }
}

const PROTECT = { preventDestroy: true };

/**
 * One immutable AKS cluster: a user-assigned control-plane identity, a static public IP that is
 * the unit's origin behind the front door (the ingress controller's LoadBalancer service binds to
 * it), the cluster with its system pool, and its user pools.
 *
 * Secure defaults: Entra ID auth with Azure RBAC and local accounts disabled, OIDC issuer and
 * workload identity on, no automatic Kubernetes upgrades (a new version is a new unit), node OS
 * security patches inside the maintenance window. Every resource has `prevent_destroy`: the only
 * way it goes is retirement, which removes it from the configuration.
 */
export class AksClusterUnit extends Construct {
  /** The cluster. */
  public readonly cluster: KubernetesCluster;
  /** The cluster name. */
  public readonly clusterName: string;
  /** The origin host name the front door sends this unit's traffic to. */
  public readonly originHost: string;
  /** The static public IP of the origin. */
  public readonly originIp: PublicIp;

  constructor(scope: Construct, id: string, props: AksClusterUnitProps) {
    super(scope, id);
    const { fleet, unitName, spec } = props;
    const tags = unitTags(fleet, unitName, props.tags);
    this.clusterName = AksUnitNames.clusterName(fleet, unitName);
    this.originHost = AksUnitNames.originHost(fleet, unitName, spec.location);

    const { identity, grants } = controlPlaneIdentity(this, this.clusterName, props.resourceGroupName, spec, tags);

    this.originIp = new PublicIp(this, 'origin-ip', {
      name: `${this.clusterName}-origin`,
      location: spec.location,
      resourceGroupName: props.resourceGroupName,
      allocationMethod: 'Static',
      sku: 'Standard',
      zones: ['1', '2', '3'],
      domainNameLabel: AksUnitNames.originLabel(fleet, unitName),
      tags,
      lifecycle: PROTECT,
    });

    // The cluster's LoadBalancer service binds the origin IP, which lives outside the node resource group.
    const ipGrant = new RoleAssignment(this, 'origin-ip-network-contributor', {
      scope: this.originIp.id,
      roleDefinitionName: 'Network Contributor',
      principalId: identity.principalId,
      lifecycle: PROTECT,
    });
    this.cluster = new KubernetesCluster(this, 'cluster', secureAksClusterConfig({
      name: this.clusterName,
      dnsPrefix: fitName(NAME_RULES.aksDnsPrefix, [fleet, unitName]),
      resourceGroupName: props.resourceGroupName,
      kubernetesVersion: props.kubernetesVersion,
      systemPoolVersion: spec.systemPool.kubernetesVersion ?? props.kubernetesVersion,
      spec,
      identityId: identity.id,
      tags,
      dependsOn: [ipGrant, ...grants],
    }));

    for (const pool of spec.userPools ?? []) {
      this.addUserPool(pool, props.kubernetesVersion, spec.nodeSubnetId, tags);
    }

    if (props.validationPrincipalObjectId) {
      const grant = new RoleAssignment(this, 'validation-access', {
        scope: this.cluster.id,
        roleDefinitionName: 'Azure Kubernetes Service RBAC Cluster Admin',
        principalId: props.validationPrincipalObjectId,
        lifecycle: PROTECT,
      });
      waitForRolePropagation(this, 'validation-access-propagation', grant);
    }
  }

  private addUserPool(pool: AksNodePoolSpec, version: string, subnet: string | undefined, tags: { [key: string]: string }): KubernetesClusterNodePool {
    return new KubernetesClusterNodePool(this, `pool-${pool.name}`, userPoolConfig(pool, {
      name: pool.name, kubernetesClusterId: this.cluster.id, kubernetesVersion: pool.kubernetesVersion ?? version,
      labels: pool.labels, subnetId: subnet, tags,
    }));
  }
}
