// Which attributes force a new resource when they change, per resource type. This is not in the
// generated bindings, so it is a table: each row cites where the provider says so.
// Paths are attribute names; nested attributes are dotted (`access_config.bootstrap_cluster_creator_admin_permissions`),
// list/set indices omitted. The engine puts these in PlanResourceChange's requires_replace when they differ.
//
// azurerm rows: the argument's text "Changing this forces a new … to be created" on the 4.55.0 registry page
//   https://registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/<type without azurerm_>
// kubernetes rows: https://registry.terraform.io/providers/hashicorp/kubernetes/2.38.0/docs/resources/<type> and the
//   provider schema (metadata name/namespace "Cannot be updated", ForceNew; job spec template ForceNew; node_taint
//   metadata.name ForceNew) — kubernetes/schema_metadata.go, schema_job_spec.go, resource_kubernetes_node_taint.go at v2.38.0
// time row: https://registry.terraform.io/providers/hashicorp/time/0.13.1/docs/resources/sleep ("triggers … when
//   changed, will run any creation or destroy delays again")
// aws rows: https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/<type without aws_> marks
//   few arguments; the rows follow the provider schema's ForceNew flags (internal/service/<service>/*.go).

interface Row {
  readonly paths: readonly string[];
  readonly source: string;
}

const AZ = 'https://registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/';
const AWS = 'https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/';
const K8S = 'https://registry.terraform.io/providers/hashicorp/kubernetes/2.38.0/docs/resources/';

export const FORCE_NEW: Record<string, Row> = {
  azurerm_resource_group: { paths: ['name', 'location'], source: `${AZ}resource_group` },
  azurerm_user_assigned_identity: { paths: ['name', 'location', 'resource_group_name'], source: `${AZ}user_assigned_identity` },
  azurerm_public_ip: {
    paths: ['name', 'resource_group_name', 'location', 'zones', 'edge_zone', 'ip_tags', 'ip_version', 'public_ip_prefix_id', 'sku', 'sku_tier'],
    source: `${AZ}public_ip`,
  },
  azurerm_kubernetes_cluster: {
    paths: [
      'name', 'location', 'resource_group_name', 'dns_prefix', 'dns_prefix_private_cluster', 'disk_encryption_set_id', 'edge_zone',
      'network_profile', 'node_resource_group', 'private_cluster_enabled', 'private_dns_zone_id', 'role_based_access_control_enabled',
      'default_node_pool.capacity_reservation_group_id', 'default_node_pool.gpu_driver', 'default_node_pool.gpu_instance',
      'default_node_pool.host_group_id', 'default_node_pool.node_public_ip_prefix_id', 'default_node_pool.proximity_placement_group_id',
      'default_node_pool.type', 'kubelet_identity.client_id', 'kubelet_identity.object_id',
      'kubelet_identity.user_assigned_identity_id', 'linux_profile.admin_username', 'linux_profile.ssh_key.key_data', 'windows_profile.admin_username',
    ],
    source: `${AZ}kubernetes_cluster`,
  },
  azurerm_kubernetes_cluster_node_pool: {
    paths: [
      'name', 'kubernetes_cluster_id', 'capacity_reservation_group_id', 'eviction_policy', 'host_group_id', 'gpu_instance', 'gpu_driver',
      'node_public_ip_prefix_id', 'os_sku', 'os_type', 'priority', 'proximity_placement_group_id', 'spot_max_price', 'windows_profile',
    ],
    source: `${AZ}kubernetes_cluster_node_pool`,
  },
  azurerm_role_assignment: {
    paths: ['name', 'scope', 'role_definition_id', 'role_definition_name', 'principal_id', 'principal_type', 'condition', 'condition_version', 'delegated_managed_identity_resource_id', 'description'],
    source: `${AZ}role_assignment`,
  },
  azurerm_cdn_frontdoor_profile: { paths: ['name', 'resource_group_name', 'sku_name'], source: `${AZ}cdn_frontdoor_profile` },
  azurerm_cdn_frontdoor_endpoint: { paths: ['name', 'cdn_frontdoor_profile_id'], source: `${AZ}cdn_frontdoor_endpoint` },
  azurerm_cdn_frontdoor_origin_group: { paths: ['name', 'cdn_frontdoor_profile_id'], source: `${AZ}cdn_frontdoor_origin_group` },
  azurerm_cdn_frontdoor_origin: { paths: ['name', 'cdn_frontdoor_origin_group_id', 'private_link.location'], source: `${AZ}cdn_frontdoor_origin` },
  azurerm_cdn_frontdoor_route: { paths: ['name', 'cdn_frontdoor_endpoint_id'], source: `${AZ}cdn_frontdoor_route` },
  azurerm_traffic_manager_profile: { paths: ['name', 'resource_group_name', 'dns_config.relative_name'], source: `${AZ}traffic_manager_profile` },
  azurerm_traffic_manager_external_endpoint: { paths: ['name', 'profile_id', 'subnet'], source: `${AZ}traffic_manager_external_endpoint` },

  aws_iam_role: { paths: ['name', 'name_prefix', 'path'], source: `${AWS}iam_role (internal/service/iam/role.go)` },
  aws_iam_role_policy: { paths: ['name', 'name_prefix', 'role'], source: `${AWS}iam_role_policy (internal/service/iam/role_policy.go)` },
  aws_iam_role_policy_attachment: { paths: ['role', 'policy_arn'], source: `${AWS}iam_role_policy_attachment (internal/service/iam/role_policy_attachment.go)` },
  aws_kms_key: { paths: ['customer_master_key_spec', 'key_usage', 'multi_region', 'custom_key_store_id', 'xks_key_id'], source: `${AWS}kms_key (internal/service/kms/key.go)` },
  aws_eks_cluster: {
    paths: ['name', 'role_arn', 'bootstrap_self_managed_addons', 'access_config.bootstrap_cluster_creator_admin_permissions', 'kubernetes_network_config', 'outpost_config'],
    source: `${AWS}eks_cluster (internal/service/eks/cluster.go)`,
  },
  aws_eks_node_group: {
    paths: ['cluster_name', 'node_group_name', 'node_group_name_prefix', 'node_role_arn', 'subnet_ids', 'ami_type', 'capacity_type', 'disk_size', 'instance_types', 'launch_template.id', 'launch_template.name', 'remote_access'],
    source: `${AWS}eks_node_group (internal/service/eks/node_group.go)`,
  },
  aws_eks_addon: { paths: ['cluster_name', 'addon_name'], source: `${AWS}eks_addon (internal/service/eks/addon.go)` },
  aws_eks_access_entry: { paths: ['cluster_name', 'principal_arn', 'type'], source: `${AWS}eks_access_entry (internal/service/eks/access_entry.go)` },
  aws_eks_access_policy_association: { paths: ['cluster_name', 'principal_arn', 'policy_arn', 'access_scope'], source: `${AWS}eks_access_policy_association (internal/service/eks/access_policy_association.go)` },
  aws_cloudwatch_log_group: { paths: ['name', 'name_prefix'], source: `${AWS}cloudwatch_log_group (internal/service/logs/group.go)` },
  aws_launch_template: { paths: ['name', 'name_prefix'], source: `${AWS}launch_template (internal/service/ec2/ec2_launch_template.go)` },
  aws_security_group: { paths: ['name', 'name_prefix', 'description', 'vpc_id'], source: `${AWS}security_group (internal/service/ec2/vpc_security_group.go)` },
  aws_lb: { paths: ['name', 'name_prefix', 'internal', 'load_balancer_type'], source: `${AWS}lb (internal/service/elbv2/load_balancer.go)` },
  aws_lb_target_group: { paths: ['name', 'name_prefix', 'port', 'protocol', 'protocol_version', 'target_type', 'vpc_id'], source: `${AWS}lb_target_group (internal/service/elbv2/target_group.go)` },
  aws_lb_listener: { paths: ['load_balancer_arn'], source: `${AWS}lb_listener (internal/service/elbv2/listener.go)` },
  aws_lb_listener_rule: { paths: ['listener_arn'], source: `${AWS}lb_listener_rule (internal/service/elbv2/listener_rule.go)` },
  aws_route53_record: { paths: ['name', 'zone_id'], source: `${AWS}route53_record (internal/service/route53/record.go)` },
  aws_route53_health_check: { paths: ['type', 'reference_name', 'request_interval', 'measure_latency', 'routing_control_arn'], source: `${AWS}route53_health_check (internal/service/route53/health_check.go)` },
  aws_globalaccelerator_accelerator: { paths: [], source: `${AWS}globalaccelerator_accelerator` },
  aws_globalaccelerator_listener: { paths: ['accelerator_arn'], source: `${AWS}globalaccelerator_listener (internal/service/globalaccelerator/listener.go)` },
  aws_globalaccelerator_endpoint_group: { paths: ['listener_arn', 'endpoint_group_region'], source: `${AWS}globalaccelerator_endpoint_group (internal/service/globalaccelerator/endpoint_group.go)` },

  kubernetes_namespace_v1: { paths: ['metadata.name', 'metadata.generate_name'], source: `${K8S}namespace_v1` },
  kubernetes_job_v1: { paths: ['metadata.name', 'metadata.namespace', 'metadata.generate_name', 'spec.template', 'spec.selector', 'spec.completions', 'spec.completion_mode', 'spec.backoff_limit_per_index', 'spec.pod_failure_policy'], source: `${K8S}job_v1` },
  kubernetes_node_taint: { paths: ['metadata.name'], source: `${K8S}node_taint` },

  time_sleep: { paths: ['triggers'], source: 'https://registry.terraform.io/providers/hashicorp/time/0.13.1/docs/resources/sleep' },
};

/** Attribute paths whose change replaces a resource of `type` (empty when nothing does, or the type is unknown). */
export function forceNewPaths(type: string): string[] {
  return [...(FORCE_NEW[type]?.paths ?? [])];
}
