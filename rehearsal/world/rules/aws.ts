// aws 6.25 resources and data sources the library emits. Registry pages:
// https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/… ; service behaviour from
// docs.aws.amazon.com (cited per rule).
import { SimError } from '../errors';
import { activeFaults } from '../faults';
import { WorldObject } from '../model';
import { Attrs, block, fill, num, str, strMap } from '../values';
import { awsAccountOf, awsDefaultTags, awsRegionOf, guid, hex, minorNumber, timestamp, withPatch } from './common';
import { createNodes, removeNodes, setPoolTaints, setPoolVersion } from './nodes';
import { reconcile } from '../workload';
import { eksToken } from '../credentials';
import { Call, DataRule, ResourceRule } from './rule';

// ${REG} below = https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs

/** tags_all = provider default_tags overlaid by the resource's tags (${REG}/guides/resource-tagging). */
function fillTags(call: Call, a: Attrs): void {
  if ('tags_all' in a) fill(a, 'tags_all', { ...awsDefaultTags(call), ...strMap(a.tags) });
}

function arn(call: Call, service: string, resource: string, global = false): string {
  return `arn:aws:${service}:${global ? '' : awsRegionOf(call)}:${awsAccountOf(call)}:${resource}`;
}

function need(call: Call, type: string, pred: (o: WorldObject) => boolean, error: () => SimError): WorldObject {
  const o = call.ops.find(type, pred);
  if (!o) throw error();
  return o;
}

function eksCluster(call: Call, name: unknown): WorldObject {
  return need(call, 'aws_eks_cluster', (o) => o.name === name, () => new SimError('ResourceNotFoundException', `No cluster found for name: ${String(name)}.`));
}

// ---- IAM --------------------------------------------------------------------------------------
// ${REG}/resources/iam_role (id = name, arn, unique_id); role names are unique in the account:
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (EntityAlreadyExists)
const iamRole: ResourceRule = {
  create(call, a) {
    const name = str(a.name) ?? `terraform-${hex(String(call.ops.nextNumber()), 20)}`;
    if (call.ops.find('aws_iam_role', (o) => o.name === name)) throw new SimError('EntityAlreadyExists', `Role with name ${name} already exists.`);
    fill(a, 'name', name);
    fill(a, 'id', name);
    fill(a, 'arn', arn(call, 'iam', `role${str(a.path) ?? '/'}${name}`, true));
    fill(a, 'unique_id', `AROA${hex(name, 17).toUpperCase()}`);
    fill(a, 'create_date', timestamp(call.ops.clock));
    fillTags(call, a);
  },
};
// ${REG}/resources/iam_role_policy and .../iam_role_policy_attachment: the role must exist
// (NoSuchEntity): https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
function roleNamed(call: Call, role: unknown): WorldObject {
  return need(call, 'aws_iam_role', (o) => o.name === role, () => new SimError('NoSuchEntity', `The role with name ${String(role)} cannot be found.`));
}
const iamRolePolicy: ResourceRule = {
  create(call, a) {
    roleNamed(call, a.role);
    fill(a, 'id', `${String(a.role)}:${String(a.name)}`);
  },
};
const iamRolePolicyAttachment: ResourceRule = {
  name(a) {
    return `${String(a.role)}/${String(a.policy_arn).split('/').pop()}`;
  },
  create(call, a) {
    roleNamed(call, a.role);
    fill(a, 'id', `${String(a.role)}-${hex(`${String(a.role)}${String(a.policy_arn)}`, 26)}`);
  },
};

// ---- KMS --------------------------------------------------------------------------------------
// ${REG}/resources/kms_key: id = key_id; deleting schedules deletion after deletion_window_in_days:
// https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
const kmsKey: ResourceRule = {
  name(a) {
    return str(a.description) ?? 'kms key';
  },
  create(call, a) {
    const id = guid(`kms#${call.ctx.stack}#${call.ops.nextNumber()}`);
    fill(a, 'key_id', id);
    fill(a, 'id', id);
    fill(a, 'arn', arn(call, 'kms', `key/${id}`));
    fill(a, 'policy', JSON.stringify({ Version: '2012-10-17', Id: 'key-default-1', Statement: [] }));
    fillTags(call, a);
  },
  delete(call, obj) {
    call.ops.log({ stack: call.ctx.stack, provider: 'aws', type: 'aws_kms_key', action: 'schedule-deletion', id: obj.id, name: obj.name, unit: obj.unit, detail: `pending deletion for ${num(obj.attrs.deletion_window_in_days) ?? 30} days` });
  },
};

// ---- EKS --------------------------------------------------------------------------------------
// ${REG}/resources/eks_cluster: exports arn, endpoint, certificate_authority[0].data, identity,
// platform_version, status. Control planes move one minor version at a time, never down:
// https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html
// A cluster with managed node groups cannot be deleted (ResourceInUseException); its add-ons and
// access entries go with it: https://docs.aws.amazon.com/eks/latest/APIReference/API_DeleteCluster.html
// Control-plane logging writes to /aws/eks/<cluster>/cluster, a log group EKS creates when it does
// not exist and never deletes: https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
export const LOG_GROUP = 'aws_cloudwatch_log_group';
/** EKS makes the cluster's log group when control-plane logging is on and the group does not exist. */
function ensureEksLogGroup(call: Call, obj: WorldObject, detail: string): void {
  const types = Array.isArray(obj.attrs.enabled_cluster_log_types) ? obj.attrs.enabled_cluster_log_types : [];
  const logGroup = `/aws/eks/${obj.name}/cluster`;
  if (types.length === 0 || call.ops.find(LOG_GROUP, (o) => o.name === logGroup)) return;
  call.ops.put({ type: LOG_GROUP, provider: 'aws', id: logGroup, name: logGroup, stack: '(created by EKS)', unit: obj.unit, fleet: obj.fleet, createdAt: call.ops.clock, attrs: { name: logGroup, retention_in_days: 0, created_by: 'eks' } });
  call.ops.log({ stack: call.ctx.stack, provider: 'aws', type: LOG_GROUP, action: 'cloud-create', id: logGroup, name: logGroup, unit: obj.unit, detail });
}
const eksClusterRule: ResourceRule = {
  create(call, a) {
    const name = str(a.name) ?? '';
    if (call.ops.find('aws_eks_cluster', (o) => o.name === name)) throw new SimError('ResourceInUseException', `Cluster already exists with name: ${name}`);
    const roleArn = str(a.role_arn);
    if (roleArn && !call.ops.find('aws_iam_role', (o) => o.attrs.arn === roleArn)) throw new SimError('InvalidParameterException', `Role with arn: ${roleArn}, does not exist`);
    const version = str(a.version) ?? '1.34';
    const region = awsRegionOf(call);
    const h = hex(`${awsAccountOf(call)}/${region}/${name}`, 32).toUpperCase();
    fill(a, 'id', name);
    fill(a, 'arn', arn(call, 'eks', `cluster/${name}`));
    fill(a, 'version', version);
    fill(a, 'endpoint', `https://${h}.gr7.${region}.eks.amazonaws.com`);
    fill(a, 'certificate_authority', [{ data: Buffer.from(`simulated CA of ${name}`).toString('base64') }]);
    fill(a, 'identity', [{ oidc: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${h}` }] }]);
    fill(a, 'platform_version', 'eks.1');
    fill(a, 'status', 'ACTIVE');
    fill(a, 'cluster_id', null);
    fill(a, 'created_at', timestamp(call.ops.clock));
    fillTags(call, a);
  },
  created(call, obj) {
    ensureEksLogGroup(call, obj, 'created by EKS control-plane logging, never expires');
  },
  // With upgrade policy STANDARD, EKS upgrades the control plane by itself at the end of standard
  // support; EXTENDED (the API default) keeps the version at extra cost. Fault `standard-support-ended`
  // stands for that date passing; the next refresh sees the new version (node groups stay):
  // https://docs.aws.amazon.com/eks/latest/userguide/view-upgrade-policy.html
  // https://docs.aws.amazon.com/eks/latest/APIReference/API_UpgradePolicyRequest.html
  read(call, obj) {
    const policy = str(block(obj.attrs.upgrade_policy)?.support_type) ?? 'EXTENDED';
    for (const f of activeFaults(call.ops, 'standard-support-ended', obj.unit)) {
      if (policy !== 'STANDARD') continue;
      const minor = minorNumber(str(obj.attrs.version));
      if (minor === undefined) continue;
      const from = String(obj.attrs.version);
      obj.attrs.version = from.replace(/^(\d+)\.(\d+)/, (_m, major: string) => `${major}.${minor + 1}`);
      obj.attrs.platform_version = 'eks.1';
      f.remaining = 0;
      call.ops.log({ stack: call.ctx.stack, provider: 'aws', type: 'aws_eks_cluster', action: 'cloud-upgrade', id: obj.id, name: obj.name, unit: obj.unit, detail: `end of standard support: EKS upgraded the control plane ${from} → ${String(obj.attrs.version)} (upgrade policy STANDARD)` });
    }
    return { ...obj.attrs };
  },
  delete(call, obj) {
    const groups = call.ops.all('aws_eks_node_group', (o) => o.cluster === call.ops.keyOf(obj));
    if (groups.length) throw new SimError('ResourceInUseException', `Cluster has nodegroups attached: ${groups.map((g) => g.name).join(', ')}`);
    // A control plane ships its logs until it is gone (deleting it takes minutes), so a log group
    // deleted before the cluster is made again by EKS and outlives it (control-plane-logs.html
    // above: EKS creates the group when it does not exist and never deletes it). Bad end: the
    // cluster logs between the group's delete and its own (its API server logs every request).
    ensureEksLogGroup(call, obj, 'created again by EKS control-plane logging while the cluster was still running (its log group was deleted first), never expires');
  },
  update(_call, prior, a) {
    const before = minorNumber(str(prior.attrs.version));
    const after = minorNumber(str(a.version));
    if (before !== undefined && after !== undefined) {
      if (after < before) throw new SimError('InvalidParameterException', `Unsupported Kubernetes minor version update from ${String(prior.attrs.version)} to ${String(a.version)}`);
      if (after - before > 1) throw new SimError('InvalidParameterException', `Unsupported Kubernetes minor version update from ${String(prior.attrs.version)} to ${String(a.version)}: update one minor version at a time`);
    }
  },
};

// ${REG}/resources/eks_node_group: id `<cluster>:<node group>`; version defaults to the cluster's.
// Nodes are labelled eks.amazonaws.com/nodegroup and never newer than the control plane:
// https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html
// https://docs.aws.amazon.com/eks/latest/userguide/update-managed-node-group.html
function ngCount(a: Attrs): number {
  return num(block(a.scaling_config)?.desired_size) ?? 1;
}
const EFFECT: Record<string, string> = { NO_SCHEDULE: 'NoSchedule', NO_EXECUTE: 'NoExecute', PREFER_NO_SCHEDULE: 'PreferNoSchedule' };
function ngTaints(a: Attrs): { key: string; value: string; effect: string }[] {
  return (Array.isArray(a.taint) ? a.taint : []).map((t: Attrs) => ({ key: str(t.key) ?? '', value: str(t.value) ?? '', effect: EFFECT[str(t.effect) ?? ''] ?? 'NoSchedule' }));
}
function ngVersionCheck(ng: string, version: string | undefined, cp: string | undefined): void {
  const n = minorNumber(version);
  const c = minorNumber(cp);
  if (n !== undefined && c !== undefined && n > c) throw new SimError('InvalidParameterException', `Node group ${ng} version ${version} cannot be newer than the cluster version ${cp}`);
}
// A new managed node group runs the cluster's current version unless it uses a custom AMI from its
// launch template: https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html
function ngCreateVersionCheck(call: Call, ng: string, a: Attrs, cp: string | undefined): void {
  const n = minorNumber(str(a.version));
  const c = minorNumber(cp);
  if (n === undefined || c === undefined || n === c) return;
  const lt = block(a.launch_template);
  const template = lt && call.ops.find('aws_launch_template', (o) => o.id === lt.id || o.name === lt.name);
  if (template && str(template.attrs.image_id)) return;
  throw new SimError('InvalidParameterException', `Node group ${ng} version ${String(a.version)} must be the cluster's Kubernetes version ${cp} (a node group is created at the cluster version unless its launch template names a custom AMI)`);
}
const eksNodeGroup: ResourceRule = {
  name(a) {
    return str(a.node_group_name);
  },
  cluster(call, a) {
    return call.ops.keyOf(eksCluster(call, a.cluster_name));
  },
  create(call, a) {
    const cluster = eksCluster(call, a.cluster_name);
    const ng = str(a.node_group_name) ?? `tf-${hex(String(call.ops.nextNumber()), 10)}`;
    if (call.ops.find('aws_eks_node_group', (o) => o.cluster === call.ops.keyOf(cluster) && o.name === ng)) throw new SimError('ResourceInUseException', `NodeGroup already exists with name ${ng} and cluster name ${cluster.name}`);
    ngVersionCheck(ng, str(a.version), str(cluster.attrs.version));
    ngCreateVersionCheck(call, ng, a, str(cluster.attrs.version));
    fill(a, 'node_group_name', ng);
    fill(a, 'id', `${cluster.name}:${ng}`);
    fill(a, 'arn', arn(call, 'eks', `nodegroup/${cluster.name}/${ng}/${guid(ng)}`));
    fill(a, 'version', str(cluster.attrs.version));
    fill(a, 'release_version', `${withPatch(str(a.version) ?? String(cluster.attrs.version))}-20251101`);
    fill(a, 'status', 'ACTIVE');
    fill(a, 'resources', [{ autoscaling_groups: [{ name: `eks-${ng}-${guid(ng)}` }], remote_access_security_group_id: '' }]);
    fillTags(call, a);
  },
  created(call, obj) {
    const cluster = call.ops.world.objects[obj.cluster as string];
    const taints = ngTaints(obj.attrs);
    const region = awsRegionOf(call);
    createNodes(call.ops, {
      cluster,
      pool: obj.name,
      count: ngCount(obj.attrs),
      labels: { ...strMap(obj.attrs.labels), 'eks.amazonaws.com/nodegroup': obj.name, 'eks.amazonaws.com/capacityType': str(obj.attrs.capacity_type) ?? 'ON_DEMAND', 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/region': region },
      taints,
      version: `${withPatch(str(obj.attrs.version) ?? '1.34')}-eks-${hex(obj.name, 7)}`,
      unit: obj.unit,
      fleet: obj.fleet,
      stack: obj.stack,
      nodeName: (i) => `ip-10-${parseInt(hex(obj.id, 2), 16) % 250}-${(parseInt(hex(obj.id + i, 2), 16) % 250) + 1}-${i + 10}.${region}.compute.internal`,
    });
    reconcile(call.ops, obj.cluster as string, call.ctx);
  },
  update(call, prior, a) {
    const cluster = call.ops.world.objects[prior.cluster as string];
    ngVersionCheck(prior.name, str(a.version), str(cluster?.attrs.version));
    // tags_all is computed from the tags and the provider's default tags, as at create: unchanged unless they are.
    if ('tags_all' in a) a.tags_all = { ...awsDefaultTags(call), ...strMap(a.tags) };
  },
  updated(call, prior, obj) {
    if (prior.attrs.version !== obj.attrs.version && typeof obj.attrs.version === 'string') {
      setPoolVersion(call.ops, obj.cluster as string, obj.name, `${withPatch(obj.attrs.version)}-eks-${hex(obj.name, 7)}`);
    }
    // taint blocks update in place through UpdateNodegroupConfig, which sets the nodes' taints:
    // https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateNodegroupConfig.html
    if (JSON.stringify(prior.attrs.taint ?? []) !== JSON.stringify(obj.attrs.taint ?? [])) {
      setPoolTaints(call.ops, obj.cluster as string, obj.name, ngTaints(obj.attrs));
      reconcile(call.ops, obj.cluster as string, call.ctx);
    }
  },
  delete(call, obj) {
    removeNodes(call.ops, obj.cluster as string, obj.name, call.ctx);
    reconcile(call.ops, obj.cluster as string, call.ctx);
  },
};

// ${REG}/resources/eks_addon (id `<cluster>:<addon>`): https://docs.aws.amazon.com/eks/latest/userguide/eks-add-ons.html
const eksAddon: ResourceRule = {
  name(a) {
    return str(a.addon_name);
  },
  cluster(call, a) {
    return call.ops.keyOf(eksCluster(call, a.cluster_name));
  },
  create(call, a) {
    const cluster = eksCluster(call, a.cluster_name);
    const addon = str(a.addon_name) ?? '';
    if (call.ops.find('aws_eks_addon', (o) => o.cluster === call.ops.keyOf(cluster) && o.name === addon)) throw new SimError('ResourceInUseException', `Addon already exists: ${addon}`);
    fill(a, 'id', `${cluster.name}:${addon}`);
    fill(a, 'arn', arn(call, 'eks', `addon/${cluster.name}/${addon}/${guid(addon)}`));
    fill(a, 'addon_version', `v${withPatch(String(cluster.attrs.version))}-eksbuild.1`);
    fill(a, 'created_at', timestamp(call.ops.clock));
    fill(a, 'modified_at', timestamp(call.ops.clock));
    fillTags(call, a);
  },
};

// ${REG}/resources/eks_access_entry and .../eks_access_policy_association:
// https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
const eksAccessEntry: ResourceRule = {
  name(a) {
    return str(a.principal_arn);
  },
  cluster(call, a) {
    return call.ops.keyOf(eksCluster(call, a.cluster_name));
  },
  create(call, a) {
    const cluster = eksCluster(call, a.cluster_name);
    if (call.ops.find('aws_eks_access_entry', (o) => o.cluster === call.ops.keyOf(cluster) && o.attrs.principal_arn === a.principal_arn)) throw new SimError('ResourceInUseException', 'The specified access entry resource is already in use on this cluster.');
    fill(a, 'id', `${cluster.name}:${String(a.principal_arn)}`);
    fill(a, 'access_entry_arn', arn(call, 'eks', `access-entry/${cluster.name}/role/${guid(String(a.principal_arn))}`));
    fill(a, 'kubernetes_groups', []);
    fill(a, 'user_name', str(a.principal_arn));
    fill(a, 'type', 'STANDARD');
    fill(a, 'created_at', timestamp(call.ops.clock));
    fill(a, 'modified_at', timestamp(call.ops.clock));
    fillTags(call, a);
  },
};
const eksAccessPolicy: ResourceRule = {
  name(a) {
    return `${String(a.principal_arn)} ${String(a.policy_arn).split('/').pop()}`;
  },
  cluster(call, a) {
    return call.ops.keyOf(eksCluster(call, a.cluster_name));
  },
  create(call, a) {
    const cluster = eksCluster(call, a.cluster_name);
    if (!call.ops.find('aws_eks_access_entry', (o) => o.cluster === call.ops.keyOf(cluster) && o.attrs.principal_arn === a.principal_arn)) throw new SimError('ResourceNotFoundException', `The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.`);
    fill(a, 'id', `${cluster.name}#${String(a.principal_arn)}#${String(a.policy_arn)}`);
    fill(a, 'associated_at', timestamp(call.ops.clock));
    fill(a, 'modified_at', timestamp(call.ops.clock));
  },
};

// ---- CloudWatch Logs (if the library owns the EKS log group) ----------------------------------
// ${REG}/resources/cloudwatch_log_group; an existing name fails with ResourceAlreadyExistsException:
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
const logGroup: ResourceRule = {
  create(call, a) {
    const name = str(a.name) ?? '';
    if (call.ops.find(LOG_GROUP, (o) => o.name === name)) throw new SimError('ResourceAlreadyExistsException', 'The specified log group already exists');
    fill(a, 'id', name);
    fill(a, 'arn', arn(call, 'logs', `log-group:${name}`));
    fillTags(call, a);
  },
};

// ---- EC2 --------------------------------------------------------------------------------------
// ${REG}/resources/launch_template: every update makes a new version (latest_version):
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-launch-template-versions.html
const launchTemplate: ResourceRule = {
  create(call, a) {
    const name = str(a.name) ?? '';
    if (call.ops.find('aws_launch_template', (o) => o.name === name)) throw new SimError('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
    const id = `lt-${hex(`${call.ctx.stack}/${name}`, 17)}`;
    fill(a, 'id', id);
    fill(a, 'arn', arn(call, 'ec2', `launch-template/${id}`));
    fill(a, 'latest_version', 1);
    fill(a, 'default_version', 1);
    fillTags(call, a);
  },
  update(_call, prior, a) {
    a.latest_version = (num(prior.attrs.latest_version) ?? 1) + 1;
  },
};
// ${REG}/resources/security_group: group names are unique per VPC (InvalidGroup.Duplicate):
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
const securityGroup: ResourceRule = {
  create(call, a) {
    const name = str(a.name) ?? `terraform-${hex(String(call.ops.nextNumber()), 20)}`;
    if (call.ops.find('aws_security_group', (o) => o.name === name && o.attrs.vpc_id === a.vpc_id)) throw new SimError('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${String(a.vpc_id)}'`);
    const id = `sg-${hex(`${call.ctx.stack}/${name}`, 17)}`;
    fill(a, 'name', name);
    fill(a, 'id', id);
    fill(a, 'arn', arn(call, 'ec2', `security-group/${id}`));
    fill(a, 'owner_id', awsAccountOf(call));
    fillTags(call, a);
  },
  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html — a group
  // still associated with an instance or network interface (a load balancer's), or referenced by
  // another group's rule, cannot be deleted: DependencyViolation.
  delete(call, obj) {
    // (The group's own rules, whose `security_group_id` is the group, go with it.)
    const user = call.ops.all(undefined, (o) => o !== obj && o.attrs.security_group_id !== obj.id && mentions(o.attrs, obj.id));
    if (user.length) throw new SimError('DependencyViolation', `resource ${obj.id} has a dependent object (${user[0].type} ${user[0].name})`);
  },
};

/** Whether a value anywhere in `v` is exactly `id`. */
function mentions(v: unknown, id: string): boolean {
  if (v === id) return true;
  if (Array.isArray(v)) return v.some((x) => mentions(x, id));
  if (v && typeof v === 'object') return Object.values(v as Record<string, unknown>).some((x) => mentions(x, id));
  return false;
}

// ---- ELBv2 ------------------------------------------------------------------------------------
// ${REG}/resources/lb, .../lb_listener, .../lb_listener_rule, .../lb_target_group.
// Names unique per region (DuplicateLoadBalancerName / DuplicateTargetGroupName), one listener per
// port (DuplicateListener), rule priorities unique per listener (PriorityInUse), forward weights
// 0–999 and at most 5 target groups:
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#rule-action-types
// Canonical hosted zone ids of ALBs: https://docs.aws.amazon.com/general/latest/gr/elb.html
const ALB_ZONE: Record<string, string> = { 'us-east-1': 'Z35SXDOTRQ7X7K', 'us-east-2': 'Z3AADJGX6KTTL2', 'us-west-2': 'Z1H1FL5HABSF5', 'eu-west-1': 'Z32O12XQLNTSW2', 'eu-central-1': 'Z215JYRZR1TBD5' };
const lb: ResourceRule = {
  create(call, a) {
    const name = str(a.name) ?? `tf-lb-${hex(String(call.ops.nextNumber()), 20)}`;
    if (call.ops.find('aws_lb', (o) => o.name === name)) throw new SimError('DuplicateLoadBalancerName', `A load balancer with the same name '${name}' exists, but with different settings`);
    const h = hex(`${call.ctx.stack}/${name}`, 16);
    const region = awsRegionOf(call);
    const kind = str(a.load_balancer_type) === 'network' ? 'net' : 'app';
    const id = arn(call, 'elasticloadbalancing', `loadbalancer/${kind}/${name}/${h}`);
    fill(a, 'name', name);
    fill(a, 'id', id);
    fill(a, 'arn', id);
    fill(a, 'arn_suffix', `${kind}/${name}/${h}`);
    fill(a, 'dns_name', `${a.internal === true ? 'internal-' : ''}${name}-${parseInt(h.slice(0, 8), 16) % 1000000000}.${region}.elb.amazonaws.com`);
    fill(a, 'zone_id', ALB_ZONE[region] ?? 'Z0SIMULATEDALBZONE');
    fill(a, 'vpc_id', 'vpc-simulated');
    fillTags(call, a);
  },
};
// A target group still used by a listener or rule action cannot be deleted (ResourceInUse):
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html
const lbTargetGroup: ResourceRule = {
  delete(call, obj) {
    const users = [...call.ops.all('aws_lb_listener', (o) => usesTargetGroup(o.attrs.default_action, obj.attrs.arn)), ...call.ops.all('aws_lb_listener_rule', (o) => usesTargetGroup(o.attrs.action, obj.attrs.arn))];
    if (users.length) throw new SimError('ResourceInUse', `Target group '${String(obj.attrs.arn)}' is currently in use by a listener or a rule (${users.map((u) => `${u.type} ${u.name} in ${u.stack}`).join(', ')})`);
  },
  create(call, a) {
    const name = str(a.name) ?? `tf-${hex(String(call.ops.nextNumber()), 24)}`;
    if (call.ops.find('aws_lb_target_group', (o) => o.name === name)) throw new SimError('DuplicateTargetGroupName', `A target group with the same name '${name}' exists, but with different settings`);
    const h = hex(`${call.ctx.stack}/${name}`, 16);
    const id = arn(call, 'elasticloadbalancing', `targetgroup/${name}/${h}`);
    fill(a, 'name', name);
    fill(a, 'id', id);
    fill(a, 'arn', id);
    fill(a, 'arn_suffix', `targetgroup/${name}/${h}`);
    fill(a, 'load_balancer_arns', []);
    fillTags(call, a);
  },
};
function lbByArn(call: Call, lbArn: unknown): WorldObject {
  return need(call, 'aws_lb', (o) => o.attrs.arn === lbArn, () => new SimError('LoadBalancerNotFound', `One or more load balancers not found (${String(lbArn)})`));
}
function forwardTargets(action: Attrs): { arn: string; weight: number }[] {
  const fwd = block(action.forward);
  if (fwd) return (Array.isArray(fwd.target_group) ? fwd.target_group : []).map((t: Attrs) => ({ arn: String(t.arn), weight: num(t.weight) ?? 1 }));
  return str(action.target_group_arn) ? [{ arn: String(action.target_group_arn), weight: 1 }] : [];
}
function usesTargetGroup(actions: unknown, tgArn: unknown): boolean {
  return ((Array.isArray(actions) ? actions : []) as Attrs[]).some((a) => forwardTargets(a).some((t) => t.arn === tgArn));
}
function checkActions(call: Call, actions: unknown): void {
  for (const action of (Array.isArray(actions) ? actions : []) as Attrs[]) {
    const targets = forwardTargets(action);
    if (targets.length > 5) throw new SimError('ValidationError', `A forward action can have at most 5 target groups (${targets.length})`);
    for (const t of targets) {
      if (t.weight < 0 || t.weight > 999) throw new SimError('ValidationError', `Target group weight ${t.weight} must be between 0 and 999`);
      if (!call.ops.find('aws_lb_target_group', (o) => o.attrs.arn === t.arn)) throw new SimError('TargetGroupNotFound', `Target groups '${t.arn}' not found`);
    }
  }
}
const lbListener: ResourceRule = {
  name(a) {
    return `port ${String(a.port)}`;
  },
  create(call, a) {
    const parentLb = lbByArn(call, a.load_balancer_arn);
    if (call.ops.find('aws_lb_listener', (o) => o.attrs.load_balancer_arn === a.load_balancer_arn && o.attrs.port === a.port)) throw new SimError('DuplicateListener', 'A listener already exists on this port for this load balancer');
    checkActions(call, a.default_action);
    const id = String(parentLb.attrs.arn).replace(':loadbalancer/', ':listener/') + `/${hex(`${call.ctx.stack}/${String(a.port)}`, 16)}`;
    fill(a, 'id', id);
    fill(a, 'arn', id);
    fillTags(call, a);
  },
  update(call, _prior, a) {
    checkActions(call, a.default_action);
  },
};
const lbListenerRule: ResourceRule = {
  name(a) {
    return `priority ${String(a.priority)}`;
  },
  unit(call, a) {
    // a unit's own host-header rule points at its target group
    const targets = (Array.isArray(a.action) ? a.action : []).flatMap((x: Attrs) => forwardTargets(x));
    return targets.length === 1 ? call.ops.find('aws_lb_target_group', (o) => o.attrs.arn === targets[0].arn)?.unit : undefined;
  },
  create(call, a) {
    const listener = need(call, 'aws_lb_listener', (o) => o.attrs.arn === a.listener_arn, () => new SimError('ListenerNotFound', `One or more listeners not found (${String(a.listener_arn)})`));
    if (call.ops.find('aws_lb_listener_rule', (o) => o.attrs.listener_arn === a.listener_arn && o.attrs.priority === a.priority)) throw new SimError('PriorityInUse', `Priority '${String(a.priority)}' is currently in use`);
    checkActions(call, a.action);
    const id = String(listener.attrs.arn).replace(':listener/', ':listener-rule/') + `/${hex(`${call.ctx.stack}/${String(a.priority)}/${call.ops.nextNumber()}`, 16)}`;
    fill(a, 'id', id);
    fill(a, 'arn', id);
    fillTags(call, a);
  },
  update(call, prior, a) {
    if (a.priority !== prior.attrs.priority && call.ops.find('aws_lb_listener_rule', (o) => o !== prior && o.attrs.listener_arn === a.listener_arn && o.attrs.priority === a.priority)) throw new SimError('PriorityInUse', `Priority '${String(a.priority)}' is currently in use`);
    checkActions(call, a.action);
  },
};

// ---- Route 53 ---------------------------------------------------------------------------------
// ${REG}/resources/route53_record (fqdn; weights 0–255; set_identifier unique per name+type):
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-weighted.html
// Creating a record set that exists fails: https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
const route53Record: ResourceRule = {
  name(a) {
    const sid = str(a.set_identifier);
    return `${String(a.name)} ${String(a.type)}${sid ? ` ${sid}` : ''}`;
  },
  unit(_call, a) {
    return str(a.set_identifier);
  },
  create(call, a) {
    const sid = str(a.set_identifier);
    const w = block(a.weighted_routing_policy);
    if (w && ((num(w.weight) ?? -1) < 0 || (num(w.weight) ?? 0) > 255)) throw new SimError('InvalidInput', `Weight ${String(w.weight)} must be between 0 and 255`);
    const same = call.ops.find('aws_route53_record', (o) => o.attrs.zone_id === a.zone_id && o.attrs.name === a.name && o.attrs.type === a.type && str(o.attrs.set_identifier) === sid);
    if (same && a.allow_overwrite !== true) throw new SimError('InvalidChangeBatch', `[Tried to create resource record set [name='${String(a.name)}.', type='${String(a.type)}'${sid ? `, set-identifier='${sid}'` : ''}] but it already exists]`);
    fill(a, 'id', [a.zone_id, a.name, a.type, ...(sid ? [sid] : [])].join('_'));
    fill(a, 'fqdn', str(a.name));
  },
};

// ${REG}/resources/route53_health_check: probes fqdn:port/resource_path; the record that names it
// is healthy while the check passes (traffic.ts): https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
const route53HealthCheck: ResourceRule = {
  name(a) {
    return `${String(a.type)} ${String(a.fqdn ?? a.ip_address ?? '')}${String(a.resource_path ?? '')}`;
  },
  create(call, a) {
    const id = guid(`hc#${call.ctx.stack}#${call.ops.nextNumber()}`);
    fill(a, 'id', id);
    fill(a, 'arn', `arn:aws:route53:::healthcheck/${id}`);
    fillTags(call, a);
  },
};

// ---- Global Accelerator -----------------------------------------------------------------------
// ${REG}/resources/globalaccelerator_accelerator (dns_name, hosted_zone_id Z2BJ6XQ5FK7U4H, ip_sets),
// .../globalaccelerator_listener, .../globalaccelerator_endpoint_group (endpoint weights 0–255):
// https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints-endpoint-weights.html
const gaAccelerator: ResourceRule = {
  create(call, a) {
    const id = arn(call, 'globalaccelerator', `accelerator/${guid(`${call.ctx.stack}/${String(a.name)}`)}`, true);
    fill(a, 'id', id);
    fill(a, 'arn', id);
    fill(a, 'dns_name', `a${hex(id, 16)}.awsglobalaccelerator.com`);
    fill(a, 'dual_stack_dns_name', '');
    fill(a, 'hosted_zone_id', 'Z2BJ6XQ5FK7U4H');
    fill(a, 'ip_sets', [{ ip_family: 'IPv4', ip_addresses: ['75.2.0.10', '99.83.0.10'] }]);
    fillTags(call, a);
  },
};
const gaListener: ResourceRule = {
  name(a) {
    return `listener ${String(a.protocol)}`;
  },
  create(call, a) {
    const acc = need(call, 'aws_globalaccelerator_accelerator', (o) => o.attrs.arn === a.accelerator_arn, () => new SimError('AcceleratorNotFoundException', `Accelerator ${String(a.accelerator_arn)} not found`));
    const id = `${acc.id}/listener/${hex(`${call.ctx.stack}/${call.ops.nextNumber()}`, 8)}`;
    fill(a, 'id', id);
    fill(a, 'arn', id);
  },
};
const gaEndpointGroup: ResourceRule = {
  name(a) {
    return `endpoint group ${String(a.endpoint_group_region ?? '')}`;
  },
  create(call, a) {
    const listener = need(call, 'aws_globalaccelerator_listener', (o) => o.attrs.arn === a.listener_arn, () => new SimError('ListenerNotFoundException', `Listener ${String(a.listener_arn)} not found`));
    checkEndpoints(call, a);
    const id = `${listener.id}/endpoint-group/${hex(`${call.ctx.stack}/${call.ops.nextNumber()}`, 12)}`;
    fill(a, 'id', id);
    fill(a, 'arn', id);
    fill(a, 'endpoint_group_region', awsRegionOf(call));
  },
  update(call, _prior, a) {
    checkEndpoints(call, a);
  },
};
function checkEndpoints(call: Call, a: Attrs): void {
  for (const e of (Array.isArray(a.endpoint_configuration) ? a.endpoint_configuration : []) as Attrs[]) {
    const w = num(e.weight) ?? 128;
    if (w < 0 || w > 255) throw new SimError('InvalidArgumentException', `Endpoint weight ${w} must be between 0 and 255`);
    if (!call.ops.find('aws_lb', (o) => o.attrs.arn === e.endpoint_id)) throw new SimError('InvalidArgumentException', `Endpoint ${String(e.endpoint_id)} does not exist`);
  }
}

export const awsResources: Record<string, ResourceRule> = {
  aws_iam_role: iamRole,
  aws_iam_role_policy: iamRolePolicy,
  aws_iam_role_policy_attachment: iamRolePolicyAttachment,
  aws_kms_key: kmsKey,
  aws_eks_cluster: eksClusterRule,
  aws_eks_node_group: eksNodeGroup,
  aws_eks_addon: eksAddon,
  aws_eks_access_entry: eksAccessEntry,
  aws_eks_access_policy_association: eksAccessPolicy,
  aws_cloudwatch_log_group: logGroup,
  aws_launch_template: launchTemplate,
  aws_security_group: securityGroup,
  aws_lb: lb,
  aws_lb_target_group: lbTargetGroup,
  aws_lb_listener: lbListener,
  aws_lb_listener_rule: lbListenerRule,
  aws_route53_record: route53Record,
  aws_route53_health_check: route53HealthCheck,
  aws_globalaccelerator_accelerator: gaAccelerator,
  aws_globalaccelerator_listener: gaListener,
  aws_globalaccelerator_endpoint_group: gaEndpointGroup,
};

// ---- data sources -----------------------------------------------------------------------------
// Each reads an existing object and fails when it is absent ("couldn't find resource"):
// ${REG}/data-sources/eks_cluster, .../iam_role, .../lb, .../lb_listener, .../lb_target_group,
// .../globalaccelerator_accelerator. eks_cluster_auth only signs a token locally (no lookup):
// ${REG}/data-sources/eks_cluster_auth
function lookup(type: string, what: string, pred: (o: WorldObject, c: Attrs) => boolean): DataRule {
  return {
    read(call, c) {
      const o = call.ops.find(type, (x) => pred(x, c));
      if (!o) throw new SimError(`reading ${what} (${String(c.name ?? c.arn ?? c.load_balancer_arn ?? '')}): couldn't find resource`);
      return { ...o.attrs };
    },
  };
}
const eksClusterAuth: DataRule = {
  read(call, c) {
    // Signed now, valid 15 minutes (credentials.ts).
    return { id: str(c.name), name: str(c.name), token: eksToken(String(c.name), awsRegionOf(call), call.ops.clock) };
  },
};

export const awsData: Record<string, DataRule> = {
  aws_eks_cluster: lookup('aws_eks_cluster', 'EKS Cluster', (o, c) => o.name === c.name),
  aws_eks_cluster_auth: eksClusterAuth,
  aws_iam_role: lookup('aws_iam_role', 'IAM Role', (o, c) => o.name === c.name),
  aws_lb: lookup('aws_lb', 'ELBv2 Load Balancers', (o, c) => (c.arn ? o.attrs.arn === c.arn : o.name === c.name)),
  aws_lb_listener: lookup('aws_lb_listener', 'ELBv2 Listener', (o, c) => (c.arn ? o.attrs.arn === c.arn : o.attrs.load_balancer_arn === c.load_balancer_arn && o.attrs.port === c.port)),
  aws_lb_target_group: lookup('aws_lb_target_group', 'ELBv2 Target Groups', (o, c) => (c.arn ? o.attrs.arn === c.arn : o.name === c.name)),
  aws_globalaccelerator_accelerator: lookup('aws_globalaccelerator_accelerator', 'Global Accelerator Accelerator', (o, c) => (c.arn ? o.attrs.arn === c.arn : o.name === c.name)),
};
