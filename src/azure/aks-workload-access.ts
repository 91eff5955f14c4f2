import { createHash } from 'crypto';
import { DataAzurermSubnet } from '@cdktf/provider-azurerm/lib/data-azurerm-subnet';
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { Sleep } from '@cdktf/provider-time/lib/sleep';
import { ITerraformDependable, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { fitName, NameRule } from '../core/naming';
import { WorkloadIdentityCheck, WorkloadIdentityCloud } from '../kubernetes/workload-identity-check';

/** One workload's identity: a Kubernetes service account federated with an Azure managed identity. */
export interface AksWorkloadIdentity {
  /** Namespace of the service account. */
  readonly namespace: string;
  /** The service account (annotated `azure.workload.identity/client-id` by the team's manifests). */
  readonly serviceAccount: string;
  /**
   * Resource id of the user-assigned managed identity the workload acts as
   * (`/subscriptions/.../resourceGroups/.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`).
   * Its own role assignments (Key Vault, Storage ...) are the team's and follow it to every unit.
   */
  readonly managedIdentityId: string;
  /** Prove on every candidate and serving unit that the identity obtains a token. @default true */
  readonly verify?: boolean;
  /** A Key Vault secret the check reads, `<vault name>/<secret name>`. @default - token only */
  readonly verifySecret?: string;
}

/** Network reach from a unit's nodes to one shared data store. */
export interface AksDataStoreAccess {
  /** A short name for the data store (part of the rule's name), e.g. `orders-db`. */
  readonly name: string;
  /** Resource id of the network security group in front of the data store. */
  readonly networkSecurityGroupId: string;
  /** Destination port. */
  readonly port: number;
  /** `Tcp` or `Udp`. @default 'Tcp' */
  readonly protocol?: string;
  /** Destination address prefix (the store's subnet or address). @default '*' (whatever the NSG guards) */
  readonly destinationAddressPrefix?: string;
}

/**
 * What every unit of an AKS fleet is granted, declared once: each unit's stack creates it for that
 * unit (federated credentials for the unit's OIDC issuer, AcrPull for its kubelet identity, NSG
 * rules for its node subnet), so the grants are built with the unit, never change while it lives,
 * and go when it is retired. Nothing of it lives in the shared stack.
 */
export interface AksWorkloadAccess {
  /** Workload identities to federate with every unit. @default - none */
  readonly identities?: AksWorkloadIdentity[];
  /** Resource ids of container registries the unit's kubelet identity may pull from (AcrPull). @default - none */
  readonly registryIds?: string[];
  /** Data stores the unit's nodes may reach (needs `spec.nodeSubnetId`). @default - none */
  readonly dataStores?: AksDataStoreAccess[];
}

/** How long a new federated identity credential may be refused by Entra: "a couple of minutes", taken as 120 s. */
export const FEDERATION_PROPAGATION_SECONDS = 120;
/** The audience AKS workload identity tokens are exchanged with. */
export const AZURE_TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
/** Federated identity credentials one managed identity may hold (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations). */
export const MAX_FEDERATED_CREDENTIALS = 20;

const IDENTITY_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/([^/]{1,90})\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]{3,128})$/i;
const NSG_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/([^/]{1,90})\/providers\/Microsoft\.Network\/networkSecurityGroups\/([^/]{1,80})$/i;
const REGISTRY_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]{1,90}\/providers\/Microsoft\.ContainerRegistry\/registries\/[A-Za-z0-9]{5,50}$/i;
const SUBNET_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/([^/]{1,90})\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]{2,64})\/subnets\/([^/]{1,80})$/i;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const STORE = /^[a-z][a-z0-9-]{0,23}$/;
const FIC_NAME: NameRule = { what: 'federated identity credential name', minLength: 3, maxLength: 120, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/, description: '3-120 letters, digits, "-" and "_", starting with a letter or digit', replacement: '-', lowercase: false };
const NSG_RULE_NAME: NameRule = { what: 'network security rule name', minLength: 1, maxLength: 80, pattern: /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/, description: '1-80 letters, digits, "_", "." and "-"', replacement: '-', lowercase: false };

/** The part of the declaration that reaches a unit's stack: what its fingerprint covers. */
export function aksWorkloadAccessIdentity(a: AksWorkloadAccess | undefined): unknown {
  if (!a) return undefined;
  return {
    identities: (a.identities ?? []).map((i) => ({ namespace: i.namespace, serviceAccount: i.serviceAccount, managedIdentityId: i.managedIdentityId })),
    registryIds: a.registryIds ?? [],
    dataStores: (a.dataStores ?? []).map((d) => ({ ...d, protocol: d.protocol ?? 'Tcp', destinationAddressPrefix: d.destinationAddressPrefix ?? '*' })),
  };
}

/**
 * Refuses a declaration that cannot work. `liveUnits` is how many units will hold a federated
 * credential at once (Entra ID allows 20 per managed identity).
 */
export function checkAksWorkloadAccess(fleet: string, a: AksWorkloadAccess, liveUnits: number, nodeSubnetId: string | undefined): void {
  const refuse = (field: string, value: unknown, r: string, fix: string): never => {
    throw new BlueGreenError({ fleet, field: `workloadAccess.${field}`, value: show(value), rule: r, fix });
  };
  const perIdentity = new Map<string, number>();
  (a.identities ?? []).forEach((i, n) => {
    if (typeof i.namespace !== 'string' || !DNS_LABEL.test(i.namespace)) refuse(`identities[${n}].namespace`, i.namespace, 'a namespace is a DNS label', "namespace: 'shop'");
    if (typeof i.serviceAccount !== 'string' || !DNS_NAME.test(i.serviceAccount)) refuse(`identities[${n}].serviceAccount`, i.serviceAccount, 'a service account name is a DNS subdomain', "serviceAccount: 'shop-api'");
    if (typeof i.managedIdentityId !== 'string' || !IDENTITY_ID.test(i.managedIdentityId)) {
      refuse(`identities[${n}].managedIdentityId`, i.managedIdentityId, 'a workload identity is the resource id of a user-assigned managed identity', "managedIdentityId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-api'");
    }
    const key = i.managedIdentityId.toLowerCase();
    perIdentity.set(key, (perIdentity.get(key) ?? 0) + liveUnits);
    if (perIdentity.get(key)! > MAX_FEDERATED_CREDENTIALS) {
      refuse(`identities[${n}].managedIdentityId`, i.managedIdentityId, `every live unit adds one federated credential per declared service account to the identity, and ${perIdentity.get(key)} would exceed the ${MAX_FEDERATED_CREDENTIALS} an identity may hold`, 'retire units, or give these service accounts their own managed identities');
    }
    if (i.verifySecret !== undefined) new WorkloadIdentityCheck({ cloud: WorkloadIdentityCloud.AZURE, namespace: i.namespace, serviceAccount: i.serviceAccount, secret: i.verifySecret });
  });
  (a.registryIds ?? []).forEach((r, n) => {
    if (typeof r !== 'string' || !REGISTRY_ID.test(r)) refuse(`registryIds[${n}]`, r, 'a registry is the resource id of an Azure Container Registry', "'/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shared-rg/providers/Microsoft.ContainerRegistry/registries/shopacr'");
  });
  const names = new Set<string>();
  (a.dataStores ?? []).forEach((d, n) => {
    if (typeof d.name !== 'string' || !STORE.test(d.name) || names.has(d.name)) refuse(`dataStores[${n}].name`, d.name, 'a data store name is unique, 1-24 lowercase letters, digits and "-", starting with a letter', "name: 'orders-db'");
    names.add(d.name);
    if (typeof d.networkSecurityGroupId !== 'string' || !NSG_ID.test(d.networkSecurityGroupId)) refuse(`dataStores[${n}].networkSecurityGroupId`, d.networkSecurityGroupId, 'the data store\'s network security group is given by resource id', "networkSecurityGroupId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/data-rg/providers/Microsoft.Network/networkSecurityGroups/orders-db-nsg'");
    if (!Number.isInteger(d.port) || d.port < 1 || d.port > 65535) refuse(`dataStores[${n}].port`, d.port, 'a port is 1-65535', 'port: 5432');
    if (d.protocol !== undefined && !['Tcp', 'Udp'].includes(d.protocol)) refuse(`dataStores[${n}].protocol`, d.protocol, 'the protocol is Tcp or Udp', "protocol: 'Tcp'");
    if (!nodeSubnetId) refuse(`dataStores[${n}]`, d.name, "a rule for the unit's nodes needs their subnet; the AKS-managed virtual network has no address a data store's NSG can name", "set spec.nodeSubnetId to the nodes' subnet");
  });
}

/**
 * NSG rule priority of one unit's access to one data store: 100-4095, derived from the unit and
 * store names (priorities are unique per NSG: https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules);
 * the fleet refuses two live units that would take the same one.
 */
export function dataStoreRulePriority(unitName: string, store: string): number {
  return 100 + (createHash('sha256').update(`${unitName}/${store}`).digest().readUInt32BE(0) % 3996);
}

/** Properties of an {@link AksUnitWorkloadAccess}. */
export interface AksUnitWorkloadAccessProps {
  /** The unit's cluster. */
  readonly cluster: KubernetesCluster;
  /** The unit's cluster name. */
  readonly clusterName: string;
  /** The unit name. */
  readonly unitName: string;
  /** The fleet's declaration. */
  readonly access: AksWorkloadAccess;
  /** The unit's node subnet, when it has one. @default - none */
  readonly nodeSubnetId?: string;
}

const PROTECT = { preventDestroy: true };

/**
 * The grants of one AKS unit, in its own stack: a federated identity credential per declared
 * workload identity (issuer: this cluster's OIDC issuer URL; subject: the service account),
 * AcrPull on each registry for the cluster's kubelet identity, and an inbound rule on each data
 * store's NSG for the unit's node subnet. prevent_destroy like the rest of the unit; retiring the
 * unit removes them with it.
 * @see https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/federated_identity_credential
 * @see https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster
 * @see https://learn.microsoft.com/azure/aks/cluster-container-registry-integration
 * @see https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/network_security_rule
 */
export class AksUnitWorkloadAccess extends Construct {
  /** Everything this construct created (the unit's GitOps waits for it). */
  public readonly grants: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: AksUnitWorkloadAccessProps) {
    super(scope, id);
    const a = props.access;
    for (const i of a.identities ?? []) {
      const [, rg] = IDENTITY_ID.exec(i.managedIdentityId)!;
      const name = fitName(FIC_NAME, [props.clusterName, i.namespace, i.serviceAccount]);
      this.grants.push(new FederatedIdentityCredential(this, `federation-${i.namespace}-${i.serviceAccount}`, {
        name,
        resourceGroupName: rg,
        parentId: i.managedIdentityId,
        issuer: props.cluster.oidcIssuerUrl,
        subject: `system:serviceaccount:${i.namespace}:${i.serviceAccount}`,
        audience: [AZURE_TOKEN_EXCHANGE_AUDIENCE],
        lifecycle: PROTECT,
      }));
    }
    const federations = [...this.grants];
    if (federations.length > 0) {
      // Entra may refuse a token for a few minutes after a federated credential was added ("might lead
      // to failure for a couple of minutes", https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster):
      // the unit's stack ends only after that, so its first checks and gates do not meet AADSTS700213.
      if (!TerraformStack.of(this).node.tryFindChild('time')) new TimeProvider(TerraformStack.of(this), 'time');
      this.grants.push(new Sleep(this, 'federation-propagation', { createDuration: `${FEDERATION_PROPAGATION_SECONDS}s`, dependsOn: federations, lifecycle: PROTECT }));
    }
    (a.registryIds ?? []).forEach((registryId) => {
      const registry = registryId.split('/').pop()!.toLowerCase();
      this.grants.push(new RoleAssignment(this, `acr-pull-${registry}`, {
        scope: registryId,
        roleDefinitionName: 'AcrPull',
        principalId: props.cluster.kubeletIdentity.objectId,
        lifecycle: PROTECT,
      }));
    });
    if ((a.dataStores ?? []).length > 0) {
      const [, rg, vnet, subnet] = SUBNET_ID.exec(props.nodeSubnetId!)!;
      const nodes = new DataAzurermSubnet(this, 'node-subnet', { name: subnet, virtualNetworkName: vnet, resourceGroupName: rg });
      for (const d of a.dataStores ?? []) {
        const [, nsgRg, nsg] = NSG_ID.exec(d.networkSecurityGroupId)!;
        this.grants.push(new NetworkSecurityRule(this, `reach-${d.name}`, {
          name: fitName(NSG_RULE_NAME, [props.clusterName, d.name]),
          resourceGroupName: nsgRg,
          networkSecurityGroupName: nsg,
          priority: dataStoreRulePriority(props.unitName, d.name),
          direction: 'Inbound',
          access: 'Allow',
          protocol: d.protocol ?? 'Tcp',
          sourcePortRange: '*',
          destinationPortRange: String(d.port),
          sourceAddressPrefixes: nodes.addressPrefixes,
          destinationAddressPrefix: d.destinationAddressPrefix ?? '*',
          description: `Nodes of ${props.clusterName} to ${d.name}`,
          lifecycle: PROTECT,
        }));
      }
    }
  }
}
