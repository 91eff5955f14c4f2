// azurerm 4.55 resources and data sources the library emits. Every rule cites the page it follows;
// registry pages are https://registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/… .
import { SimError } from '../errors';
import { WorldObject } from '../model';
import { Attrs, block, fill, num, str, strMap } from '../values';
import { createNodes, nodesOf, removeNodes, setPoolVersion } from './nodes';
import { guid, hex, minorNumber, requireResourceGroup, rgId, subscriptionOf, withPatch } from './common';
import { Call, DataRule, ResourceRule } from './rule';

// ${REG} below = https://registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs

function rgOf(attrs: Attrs): string | undefined {
  return str(attrs.resource_group_name);
}

/** `.../resourceGroups/<rg>/providers/<ns>/<kind>/<name>` */
function armId(call: Call, attrs: Attrs, provider: string, name: string): string {
  return `${rgId(subscriptionOf(call), rgOf(attrs) ?? '')}/providers/${provider}/${name}`;
}

/** Finds a parent object by id or fails as ARM does for a missing parent (404 NotFound / ParentResourceNotFound). */
function parent(call: Call, type: string, id: unknown, what: string): WorldObject {
  const obj = typeof id === 'string' ? call.ops.get(type, id) : undefined;
  if (!obj) throw new SimError('ParentResourceNotFound', `Can not perform requested operation on nested resource. Parent resource '${String(id)}' (${what}) not found.`);
  return obj;
}

function notFound(what: string, fields: Record<string, string | undefined>): SimError {
  const parts = Object.entries(fields).map(([k, v]) => `${k}: ${JSON.stringify(v ?? '')}`).join(' / ');
  return new SimError(`${what} (${parts}) was not found`);
}

// ---- resource group ---------------------------------------------------------------------------
// Deleting a resource group deletes every resource in it; the provider refuses by default when it
// still contains resources (features.resource_group.prevent_deletion_if_contains_resources = true).
// ${REG}/resources/resource_group  and  .../guides/features-block
const resourceGroup: ResourceRule = {
  create(call, a) {
    fill(a, 'id', rgId(subscriptionOf(call), str(a.name) ?? ''));
  },
  delete(call, obj) {
    const inside = call.ops.all(undefined, (o) => o.type.startsWith('azurerm_') && o.type !== 'azurerm_resource_group' && str(o.attrs.resource_group_name) === obj.name);
    if (inside.length > 0) {
      throw new SimError(`deleting Resource Group "${obj.name}": the Resource Group still contains Resources`, `${inside.length} resource(s), e.g. ${inside[0].id}; Terraform is configured to check for Resources within the Resource Group when deleting it (features.resource_group.prevent_deletion_if_contains_resources)`);
    }
  },
};

// ---- user assigned identity -------------------------------------------------------------------
// ${REG}/resources/user_assigned_identity (exports client_id, principal_id, tenant_id)
const userAssignedIdentity: ResourceRule = {
  create(call, a) {
    requireResourceGroup(call, rgOf(a));
    const id = armId(call, a, 'Microsoft.ManagedIdentity/userAssignedIdentities', str(a.name) ?? '');
    fill(a, 'id', id);
    fill(a, 'client_id', guid(`${id}#client`));
    fill(a, 'principal_id', guid(`${id}#principal`));
    fill(a, 'tenant_id', guid('tenant'));
  },
};

// ---- public IP --------------------------------------------------------------------------------
// fqdn = domain_name_label + the regionalized DNS zone (`<label>.<location>.cloudapp.azure.com`).
// ${REG}/resources/public_ip ; https://learn.microsoft.com/en-us/azure/virtual-network/ip-services/public-ip-addresses#dns-name-label
// A DNS name label is unique per region.
const publicIp: ResourceRule = {
  create(call, a) {
    requireResourceGroup(call, rgOf(a));
    const id = armId(call, a, 'Microsoft.Network/publicIPAddresses', str(a.name) ?? '');
    fill(a, 'id', id);
    const n = call.ops.nextNumber();
    fill(a, 'ip_address', `20.${(n >> 8) & 255}.${n & 255}.${10 + (n % 200)}`);
    const label = str(a.domain_name_label);
    const location = str(a.location);
    if (label && location) {
      const fqdn = `${label}.${location}.cloudapp.azure.com`;
      const taken = call.ops.find('azurerm_public_ip', (o) => str(o.attrs.fqdn) === fqdn);
      if (taken) throw new SimError('DnsRecordInUse', `DNS record ${fqdn} is already used by another public IP (${taken.id}).`);
      fill(a, 'fqdn', fqdn);
    } else fill(a, 'fqdn', null);
  },
};

// ---- AKS cluster ------------------------------------------------------------------------------
// ${REG}/resources/kubernetes_cluster: exports fqdn, kube_config (host, cluster_ca_certificate…),
// current_kubernetes_version, node_resource_group, oidc_issuer_url, kubelet_identity.
// Only major.minor given → latest patch; minor versions cannot be skipped on upgrade; node pools
// are never newer than the control plane and at most 2 minors older:
// https://learn.microsoft.com/en-us/azure/aks/supported-kubernetes-versions
// https://learn.microsoft.com/en-us/azure/aks/upgrade-aks-cluster
// Nodes carry the `kubernetes.azure.com/agentpool` label: https://learn.microsoft.com/en-us/azure/aks/use-labels
export const AKS_CLUSTER = 'azurerm_kubernetes_cluster';

function aksNodeName(pool: string, seed: string): (i: number) => string {
  const digits = String(parseInt(hex(seed, 7), 16) % 100000000).padStart(8, '0');
  return (i) => `aks-${pool}-${digits}-vmss${String(i).padStart(6, '0')}`;
}

function poolCount(p: Attrs): number {
  if (p.auto_scaling_enabled === true) return num(p.min_count) ?? num(p.node_count) ?? 1;
  return num(p.node_count) ?? num(p.min_count) ?? 1;
}

function aksPoolLabels(pool: string, p: Attrs, location: string | undefined): Record<string, string> {
  return {
    ...strMap(p.node_labels),
    'kubernetes.azure.com/agentpool': pool,
    agentpool: pool,
    'kubernetes.io/os': (str(p.os_type) ?? 'Linux').toLowerCase(),
    'node.kubernetes.io/instance-type': str(p.vm_size) ?? '',
    ...(location ? { 'topology.kubernetes.io/region': location } : {}),
  };
}

function aksPoolTaints(p: Attrs): { key: string; value: string; effect: string }[] {
  const raw = Array.isArray(p.node_taints) ? p.node_taints : [];
  return raw.filter((t): t is string => typeof t === 'string').map((t) => {
    const m = /^([^=:]+)(?:=([^:]*))?:(.+)$/.exec(t);
    return m ? { key: m[1], value: m[2] ?? '', effect: m[3] } : { key: t, value: '', effect: 'NoSchedule' };
  });
}

function checkPoolVersion(poolVersion: string | undefined, cpVersion: string | undefined, pool: string): void {
  const p = minorNumber(poolVersion);
  const c = minorNumber(cpVersion);
  if (p === undefined || c === undefined) return;
  if (p > c) throw new SimError('NodePoolMcVersionIncompatible', `Node pool ${pool} version ${poolVersion} is newer than the control plane version ${cpVersion}; a node pool version cannot be greater than the control plane version.`);
  if (c - p > 2) throw new SimError('NodePoolMcVersionIncompatible', `Node pool ${pool} version ${poolVersion} must be within two minor versions of the control plane version ${cpVersion}.`);
}

const kubernetesCluster: ResourceRule = {
  create(call, a) {
    requireResourceGroup(call, rgOf(a));
    const name = str(a.name) ?? '';
    const id = armId(call, a, 'Microsoft.ContainerService/managedClusters', name);
    const location = str(a.location) ?? 'westeurope';
    const version = withPatch(str(a.kubernetes_version) ?? '1.34');
    const pool = block(a.default_node_pool) ?? {};
    checkPoolVersion(str(pool.orchestrator_version) ?? version, version, str(pool.name) ?? 'default');
    const fqdn = `${str(a.dns_prefix) ?? name}-${hex(id, 8)}.hcp.${location}.azmk8s.io`;
    fill(a, 'id', id);
    fill(a, 'fqdn', fqdn);
    fill(a, 'current_kubernetes_version', version);
    if (typeof a.kubernetes_version !== 'string') fill(a, 'kubernetes_version', version);
    fill(a, 'node_resource_group', `MC_${rgOf(a)}_${name}_${location}`);
    fill(a, 'node_resource_group_id', rgId(subscriptionOf(call), `MC_${rgOf(a)}_${name}_${location}`));
    fill(a, 'oidc_issuer_url', `https://${location}.oic.prod-aks.azure.com/${guid('tenant')}/${guid(id)}/`);
    const kubeConfig = [{ host: `https://${fqdn}:443`, cluster_ca_certificate: Buffer.from(`simulated CA of ${name}`).toString('base64'), client_certificate: '', client_key: '', username: `clusterUser_${rgOf(a)}_${name}`, password: '' }];
    fill(a, 'kube_config', kubeConfig);
    fill(a, 'kube_config_raw', `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://${fqdn}:443\n  name: ${name}\n`);
    // With Entra ID integration and local accounts disabled there are no admin credentials.
    fill(a, 'kube_admin_config', []);
    fill(a, 'kube_admin_config_raw', '');
    fill(a, 'kubelet_identity', [{ client_id: guid(`${id}#kubelet-client`), object_id: guid(`${id}#kubelet-object`), user_assigned_identity_id: `${rgId(subscriptionOf(call), `MC_${rgOf(a)}_${name}_${location}`)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-agentpool` }]);
    if (Array.isArray(a.default_node_pool) || (a.default_node_pool && typeof a.default_node_pool === 'object')) {
      // default_node_pool's computed fields (node_count under autoscaling, orchestrator_version)
      const p = block(a.default_node_pool);
      if (p) {
        fill(p, 'orchestrator_version', version);
        fill(p, 'node_count', poolCount(p));
      }
    }
  },
  created(call, obj) {
    const p = block(obj.attrs.default_node_pool) ?? {};
    const pool = str(p.name) ?? 'default';
    createNodes(call.ops, {
      cluster: obj,
      pool,
      count: poolCount(p),
      labels: aksPoolLabels(pool, p, str(obj.attrs.location)),
      taints: p.only_critical_addons_enabled === true ? [{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' }] : [],
      version: withPatch(str(p.orchestrator_version) ?? str(obj.attrs.kubernetes_version) ?? '1.34'),
      unit: obj.unit,
      fleet: obj.fleet,
      stack: obj.stack,
      nodeName: aksNodeName(pool, obj.id),
    });
  },
  update(call, prior, a) {
    const before = minorNumber(str(prior.attrs.kubernetes_version));
    const after = minorNumber(str(a.kubernetes_version));
    if (before !== undefined && after !== undefined) {
      if (after < before) throw new SimError('NotAllowedVersionDowngrade', `Downgrading the cluster from ${String(prior.attrs.kubernetes_version)} to ${String(a.kubernetes_version)} is not allowed.`);
      if (after - before > 1) throw new SimError('UpgradeFailed', `Upgrading from ${String(prior.attrs.kubernetes_version)} to ${String(a.kubernetes_version)} skips a minor version; minor versions cannot be skipped.`);
    }
    const version = withPatch(str(a.kubernetes_version) ?? '1.34');
    const p = block(a.default_node_pool) ?? {};
    checkPoolVersion(str(p.orchestrator_version) ?? version, version, str(p.name) ?? 'default');
    for (const other of call.ops.all('azurerm_kubernetes_cluster_node_pool', (o) => o.cluster === call.ops.keyOf(prior))) {
      checkPoolVersion(str(other.attrs.orchestrator_version), version, other.name);
    }
    a.current_kubernetes_version = version;
    fill(a, 'kube_config', prior.attrs.kube_config);
  },
  updated(call, prior, obj) {
    const before = block(prior.attrs.default_node_pool) ?? {};
    const after = block(obj.attrs.default_node_pool) ?? {};
    if (before.orchestrator_version !== after.orchestrator_version && typeof after.orchestrator_version === 'string') {
      setPoolVersion(call.ops, call.ops.keyOf(obj), str(after.name) ?? 'default', withPatch(after.orchestrator_version));
    }
  },
};

// ---- AKS node pool ----------------------------------------------------------------------------
// ${REG}/resources/kubernetes_cluster_node_pool: lives in the cluster `kubernetes_cluster_id`;
// name unique in the cluster; orchestrator_version rules as for the cluster (links above).
const nodePool: ResourceRule = {
  cluster(call, a) {
    const c = call.ops.get(AKS_CLUSTER, str(a.kubernetes_cluster_id) ?? '');
    if (!c) throw new SimError('ParentResourceNotFound', `Managed Cluster "${String(a.kubernetes_cluster_id)}" was not found`);
    return call.ops.keyOf(c);
  },
  create(call, a) {
    const cluster = call.ops.get(AKS_CLUSTER, str(a.kubernetes_cluster_id) ?? '') as WorldObject;
    const name = str(a.name) ?? '';
    const defaultPool = str(block(cluster.attrs.default_node_pool)?.name);
    if (name === defaultPool || nodesOf(call.ops, call.ops.keyOf(cluster), name).length > 0) {
      throw new SimError('AgentPoolNameConflict', `An agent pool named "${name}" already exists in managed cluster ${cluster.name}.`);
    }
    const cp = str(cluster.attrs.current_kubernetes_version) ?? str(cluster.attrs.kubernetes_version);
    checkPoolVersion(str(a.orchestrator_version) ?? cp, cp, name);
    fill(a, 'id', `${cluster.id}/agentPools/${name}`);
    fill(a, 'orchestrator_version', withPatch(cp ?? '1.34'));
    fill(a, 'node_count', poolCount(a));
  },
  created(call, obj) {
    const cluster = call.ops.world.objects[obj.cluster as string];
    createNodes(call.ops, {
      cluster,
      pool: obj.name,
      count: poolCount(obj.attrs),
      labels: aksPoolLabels(obj.name, obj.attrs, str(cluster.attrs.location)),
      taints: aksPoolTaints(obj.attrs),
      version: withPatch(str(obj.attrs.orchestrator_version) ?? '1.34'),
      unit: obj.unit,
      fleet: obj.fleet,
      stack: obj.stack,
      nodeName: aksNodeName(obj.name, obj.id),
    });
  },
  update(call, prior, a) {
    const cluster = call.ops.world.objects[prior.cluster as string];
    const cp = str(cluster?.attrs.current_kubernetes_version);
    checkPoolVersion(str(a.orchestrator_version), cp, prior.name);
  },
  updated(call, prior, obj) {
    if (prior.attrs.orchestrator_version !== obj.attrs.orchestrator_version && typeof obj.attrs.orchestrator_version === 'string') {
      setPoolVersion(call.ops, obj.cluster as string, obj.name, withPatch(obj.attrs.orchestrator_version));
    }
  },
  delete(call, obj) {
    removeNodes(call.ops, obj.cluster as string, obj.name, call.ctx);
  },
};

// ---- role assignment --------------------------------------------------------------------------
// ${REG}/resources/role_assignment. Propagation can take up to ~10 minutes; until then requests of
// the principal get 403 (fault `role-assignment-late`, applied in kubernetes.ts):
// https://learn.microsoft.com/en-us/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected
// A second assignment of the same role to the same principal at the same scope fails with RoleAssignmentExists:
// https://learn.microsoft.com/en-us/azure/role-based-access-control/troubleshooting#symptom---role-assignment-already-exists
const roleAssignment: ResourceRule = {
  name(a) {
    return str(a.role_definition_name) ?? str(a.role_definition_id) ?? 'role-assignment';
  },
  create(call, a) {
    const scope = str(a.scope) ?? '';
    const dup = call.ops.find('azurerm_role_assignment', (o) => o.attrs.scope === a.scope && o.attrs.principal_id === a.principal_id && (o.attrs.role_definition_name === a.role_definition_name || (a.role_definition_id !== null && o.attrs.role_definition_id === a.role_definition_id)));
    if (dup) throw new SimError('RoleAssignmentExists', `The role assignment already exists. (${dup.id})`);
    const name = str(a.name) ?? guid(`${scope}#${String(a.principal_id)}#${String(a.role_definition_name ?? a.role_definition_id)}`);
    fill(a, 'name', name);
    fill(a, 'id', `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`);
    fill(a, 'role_definition_id', `/subscriptions/${subscriptionOf(call)}/providers/Microsoft.Authorization/roleDefinitions/${guid(String(a.role_definition_name))}`);
    fill(a, 'principal_type', 'ServicePrincipal');
  },
};

// ---- Front Door (Standard/Premium) ------------------------------------------------------------
// ${REG}/resources/cdn_frontdoor_profile (resource_guid = X-Azure-FDID),
// ${REG}/resources/cdn_frontdoor_endpoint (host_name `{endpointName}-{hash}.z01.azurefd.net`),
// ${REG}/resources/cdn_frontdoor_origin_group, .../cdn_frontdoor_origin, .../cdn_frontdoor_route.
// Endpoint host names: https://learn.microsoft.com/en-us/azure/frontdoor/endpoint
const fdProfile: ResourceRule = {
  create(call, a) {
    requireResourceGroup(call, rgOf(a));
    const id = armId(call, a, 'Microsoft.Cdn/profiles', str(a.name) ?? '');
    fill(a, 'id', id);
    fill(a, 'resource_guid', guid(`${id}#fdid`));
  },
};
const fdEndpoint: ResourceRule = {
  create(call, a) {
    const profile = parent(call, 'azurerm_cdn_frontdoor_profile', a.cdn_frontdoor_profile_id, 'Front Door profile');
    fill(a, 'id', `${profile.id}/afdEndpoints/${String(a.name)}`);
    fill(a, 'host_name', `${String(a.name)}-${hex(`${profile.id}/${String(a.name)}`, 16)}.z01.azurefd.net`);
  },
};
const fdOriginGroup: ResourceRule = {
  create(call, a) {
    const profile = parent(call, 'azurerm_cdn_frontdoor_profile', a.cdn_frontdoor_profile_id, 'Front Door profile');
    fill(a, 'id', `${profile.id}/originGroups/${String(a.name)}`);
  },
};
const fdOrigin: ResourceRule = {
  unit(_call, a) {
    return str(a.name);
  },
  create(call, a) {
    const group = parent(call, 'azurerm_cdn_frontdoor_origin_group', a.cdn_frontdoor_origin_group_id, 'Front Door origin group');
    fill(a, 'id', `${group.id}/origins/${String(a.name)}`);
  },
};
const fdRoute: ResourceRule = {
  create(call, a) {
    const endpoint = parent(call, 'azurerm_cdn_frontdoor_endpoint', a.cdn_frontdoor_endpoint_id, 'Front Door endpoint');
    parent(call, 'azurerm_cdn_frontdoor_origin_group', a.cdn_frontdoor_origin_group_id, 'Front Door origin group');
    for (const o of Array.isArray(a.cdn_frontdoor_origin_ids) ? a.cdn_frontdoor_origin_ids : []) parent(call, 'azurerm_cdn_frontdoor_origin', o, 'Front Door origin');
    fill(a, 'id', `${endpoint.id}/routes/${String(a.name)}`);
  },
};

// ---- Traffic Manager --------------------------------------------------------------------------
// ${REG}/resources/traffic_manager_profile (fqdn = `<relative_name>.trafficmanager.net`),
// ${REG}/resources/traffic_manager_external_endpoint. Relative DNS names are globally unique:
// https://learn.microsoft.com/en-us/azure/traffic-manager/traffic-manager-manage-profiles
const tmProfile: ResourceRule = {
  create(call, a) {
    requireResourceGroup(call, rgOf(a));
    fill(a, 'id', armId(call, a, 'Microsoft.Network/trafficManagerProfiles', str(a.name) ?? ''));
    const rel = str(block(a.dns_config)?.relative_name) ?? str(a.name) ?? '';
    const fqdn = `${rel}.trafficmanager.net`;
    if (call.ops.find('azurerm_traffic_manager_profile', (o) => o.attrs.fqdn === fqdn)) throw new SimError('Conflict', `The domain name '${fqdn}' is already in use.`);
    fill(a, 'fqdn', fqdn);
  },
};
const tmExternalEndpoint: ResourceRule = {
  unit(_call, a) {
    return str(a.name);
  },
  create(call, a) {
    const profile = parent(call, 'azurerm_traffic_manager_profile', a.profile_id, 'Traffic Manager profile');
    fill(a, 'id', `${profile.id}/ExternalEndpoints/${String(a.name)}`);
  },
};

export const azurermResources: Record<string, ResourceRule> = {
  azurerm_resource_group: resourceGroup,
  azurerm_user_assigned_identity: userAssignedIdentity,
  azurerm_public_ip: publicIp,
  azurerm_kubernetes_cluster: kubernetesCluster,
  azurerm_kubernetes_cluster_node_pool: nodePool,
  azurerm_role_assignment: roleAssignment,
  azurerm_cdn_frontdoor_profile: fdProfile,
  azurerm_cdn_frontdoor_endpoint: fdEndpoint,
  azurerm_cdn_frontdoor_origin_group: fdOriginGroup,
  azurerm_cdn_frontdoor_origin: fdOrigin,
  azurerm_cdn_frontdoor_route: fdRoute,
  azurerm_traffic_manager_profile: tmProfile,
  azurerm_traffic_manager_external_endpoint: tmExternalEndpoint,
};

// ---- data sources -----------------------------------------------------------------------------
// Each "gets information about an existing" object and fails with "<id> was not found" when it is
// absent: ${REG}/data-sources/kubernetes_cluster, .../cdn_frontdoor_profile, .../cdn_frontdoor_endpoint,
// .../traffic_manager_profile.
function byNameInRg(type: string, what: string, nameField: string): DataRule {
  return {
    read(call, c) {
      const name = str(c.name);
      const rg = str(c.resource_group_name);
      const obj = call.ops.find(type, (o) => o.name === name && str(o.attrs.resource_group_name) === rg);
      if (!obj) throw notFound(what, { Subscription: subscriptionOf(call), 'Resource Group Name': rg, [nameField]: name });
      return { ...obj.attrs };
    },
  };
}

const fdEndpointData: DataRule = {
  read(call, c) {
    const profile = call.ops.find('azurerm_cdn_frontdoor_profile', (o) => o.name === c.profile_name && o.attrs.resource_group_name === c.resource_group_name);
    const ep = profile && call.ops.find('azurerm_cdn_frontdoor_endpoint', (o) => o.name === c.name && o.attrs.cdn_frontdoor_profile_id === profile.id);
    if (!ep) throw notFound('Afd Endpoint', { Subscription: subscriptionOf(call), 'Resource Group Name': str(c.resource_group_name), 'Profile Name': str(c.profile_name), 'Afd Endpoint Name': str(c.name) });
    return { ...ep.attrs, profile_name: c.profile_name, resource_group_name: c.resource_group_name };
  },
};

export const azurermData: Record<string, DataRule> = {
  azurerm_kubernetes_cluster: byNameInRg(AKS_CLUSTER, 'Managed Cluster', 'Managed Cluster Name'),
  azurerm_cdn_frontdoor_profile: byNameInRg('azurerm_cdn_frontdoor_profile', 'Profile', 'Profile Name'),
  azurerm_cdn_frontdoor_endpoint: fdEndpointData,
  azurerm_traffic_manager_profile: byNameInRg('azurerm_traffic_manager_profile', 'Traffic Manager Profile', 'Traffic Manager Profile Name'),
};
