// Behaviours of the simulated world, driven through the Simulator interface the engine calls.
import { clearFaults, FaultSpec, injectFault } from '../../rehearsal/world/faults';
import { forceNewPaths } from '../../rehearsal/world/force-new';
import { SimContext, SimError, Simulator } from '../../rehearsal/world/simulator';
import { WorldStore } from '../../rehearsal/world/store';
import { aWorldPerTest, awsContext, azureContext, failure } from '../support/sim-world';

const U = Symbol.for('rehearsal.unknown');
type A = Record<string, unknown>;

let file: string;
let sim: Simulator;
aWorldPerTest('world-rules-', (w) => ({ file, sim } = w));

const world = () => new WorldStore(file).read();
const az = azureContext;
const aws = awsContext('us-east-2');
const k8s = (stack: string, host: unknown): SimContext => ({ provider: 'kubernetes', providerConfig: { host }, stack });
const fault = (spec: FaultSpec) => injectFault(file, spec);


/** An AKS unit as the library builds it: resource group, cluster (system pool) and an apps pool. */
function aksUnit(unit: string, version = '1.34', pools = 3): { cluster: A; host: string } {
  if (!world().objects['azurerm_resource_group||/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop-rg']) {
    sim.create(az('shop-shared'), 'azurerm_resource_group', { id: U, name: 'shop-rg', location: 'westeurope' });
  }
  const ctx = az(`shop-unit-${unit}`);
  const tags = { 'bluegreen-fleet': 'shop', 'bluegreen-unit': unit };
  const cluster = sim.create(ctx, 'azurerm_kubernetes_cluster', {
    id: U, name: `shop-${unit}`, location: 'westeurope', resource_group_name: 'shop-rg', dns_prefix: `shop-${unit}`, kubernetes_version: version,
    default_node_pool: [{ name: 'system', auto_scaling_enabled: true, min_count: 3, orchestrator_version: version, only_critical_addons_enabled: true, node_count: U }],
    kube_config: U, tags,
  });
  sim.create(ctx, 'azurerm_kubernetes_cluster_node_pool', { id: U, name: 'apps', kubernetes_cluster_id: cluster.id, auto_scaling_enabled: true, min_count: pools, orchestrator_version: version, tags });
  return { cluster, host: (cluster.kube_config as A[])[0].host as string };
}

function checksNamespace(ctx: SimContext): A {
  return sim.create(ctx, 'kubernetes_namespace_v1', { id: U, metadata: [{ name: 'bluegreen-checks', labels: {}, uid: U }] });
}

function smokeJob(ctx: SimContext, name: string, unit: string, extraSpec: A = {}): A {
  return sim.create(ctx, 'kubernetes_job_v1', {
    id: U,
    metadata: [{ name, namespace: 'bluegreen-checks', labels: { 'bluegreen.cdktf.io/unit': unit } }],
    spec: [{ backoff_limit: 1, template: [{ metadata: [{}], spec: [{ container: [{ name: 'check', image: 'busybox' }], restart_policy: 'Never', ...extraSpec }] }] }],
    wait_for_completion: true,
    timeouts: { create: '5m' },
  });
}

describe('lookups and existence', () => {
  test('what a resource creates is found by the names the data sources use; absent objects fail like the real data source', () => {
    const { cluster } = aksUnit('green-1-34-abc');
    const found = sim.readData(az('shop-validate-green-1-34-abc'), 'azurerm_kubernetes_cluster', { name: 'shop-green-1-34-abc', resource_group_name: 'shop-rg', kube_config: U });
    expect(found.id).toBe(cluster.id);
    expect((found.kube_config as A[])[0].host).toMatch(/^https:\/\/shop-green-1-34-abc-[0-9a-f]{8}\.hcp\.westeurope\.azmk8s\.io:443$/);
    const e = failure(() => sim.readData(az('t'), 'azurerm_kubernetes_cluster', { name: 'shop-green-9-99-zzz', resource_group_name: 'shop-rg' }));
    expect(e.summary).toMatch(/Managed Cluster .*"shop-green-9-99-zzz".* was not found/);
  });

  test.each([
    ['azurerm_cdn_frontdoor_profile', az('t'), { name: 'afd', resource_group_name: 'rg' }, /Profile .* was not found/],
    ['azurerm_cdn_frontdoor_endpoint', az('t'), { name: 'ep', profile_name: 'afd', resource_group_name: 'rg' }, /Afd Endpoint .* was not found/],
    ['azurerm_traffic_manager_profile', az('t'), { name: 'tm', resource_group_name: 'rg' }, /Traffic Manager Profile .* was not found/],
    ['aws_eks_cluster', aws('t'), { name: 'c' }, /reading EKS Cluster \(c\): couldn't find resource/],
    ['aws_iam_role', aws('t'), { name: 'r' }, /reading IAM Role \(r\): couldn't find resource/],
    ['aws_lb', aws('t'), { name: 'api-green' }, /reading ELBv2 Load Balancers \(api-green\): couldn't find resource/],
    ['aws_lb_target_group', aws('t'), { name: 'tg-green' }, /couldn't find resource/],
    ['aws_lb_listener', aws('t'), { load_balancer_arn: 'arn:x', port: 80 }, /couldn't find resource/],
    ['aws_globalaccelerator_accelerator', aws('t'), { name: 'ga' }, /couldn't find resource/],
  ])('data %s of an absent object fails', (type, ctx, config, message) => {
    expect(failure(() => sim.readData(ctx, type, config)).message).toMatch(message);
    const last = world().log.at(-1);
    expect(last?.action).toBe('error');
  });

  test('ALB candidate lookup fails before the candidate unit created its target group, succeeds after', () => {
    const ctx = aws('api-traffic');
    expect(() => sim.readData(ctx, 'aws_lb_target_group', { name: 'api-green-1-34-abc' })).toThrow(SimError);
    const tg = sim.create(aws('api-unit-green-1-34-abc'), 'aws_lb_target_group', { id: U, arn: U, name: 'api-green-1-34-abc', port: 80, protocol: 'HTTP', target_type: 'ip', vpc_id: 'vpc-1', tags: { 'bluegreen-unit': 'green-1-34-abc' } });
    expect(sim.readData(ctx, 'aws_lb_target_group', { name: 'api-green-1-34-abc' }).arn).toBe(tg.arn);
  });

  test('a target group used by a listener rule cannot be deleted until the rule lets go of it', () => {
    const lb = sim.create(aws('api-shared'), 'aws_lb', { id: U, arn: U, dns_name: U, name: 'api-alb', load_balancer_type: 'application' });
    const listener = sim.create(aws('api-shared'), 'aws_lb_listener', { id: U, arn: U, load_balancer_arn: lb.arn, port: 80, default_action: [{ type: 'fixed-response' }] });
    const tg = sim.create(aws('api-unit-blue-1-33-aaa'), 'aws_lb_target_group', { id: U, arn: U, name: 'api-blue', port: 80, protocol: 'HTTP', vpc_id: 'vpc-1' });
    const rule = sim.create(aws('api-traffic'), 'aws_lb_listener_rule', { id: U, arn: U, listener_arn: listener.arn, priority: 1, action: [{ type: 'forward', forward: { target_group: [{ arn: tg.arn, weight: 1 }] } }] });
    expect(failure(() => sim.delete(aws('api-unit-blue-1-33-aaa'), 'aws_lb_target_group', tg)).summary).toBe('ResourceInUse');
    sim.delete(aws('api-traffic'), 'aws_lb_listener_rule', rule);
    sim.delete(aws('api-unit-blue-1-33-aaa'), 'aws_lb_target_group', tg);
  });

  test("EKS makes the cluster's log group itself unless the configuration's exists first, and makes it again if it is deleted before the cluster", () => {
    const ctx = aws('api-unit-blue-1-33-aaa');
    const logGroups = () => Object.values(world().objects).filter((o) => o.type === 'aws_cloudwatch_log_group').map((o) => `${o.name} ${o.stack}`);
    const role = sim.create(ctx, 'aws_iam_role', { id: U, arn: U, name: 'api-blue-cluster' });
    const cluster = (name: string) => sim.create(ctx, 'aws_eks_cluster', { id: U, arn: U, name, role_arn: role.arn, version: '1.33', enabled_cluster_log_types: ['api', 'audit'], tags: { 'bluegreen-unit': 'blue-1-33-aaa' } });
    // in order (the log group first, deleted after the cluster): nothing is left
    const lg = sim.create(ctx, 'aws_cloudwatch_log_group', { id: U, arn: U, name: '/aws/eks/api-blue/cluster' });
    const c = cluster('api-blue');
    sim.delete(ctx, 'aws_eks_cluster', c);
    sim.delete(ctx, 'aws_cloudwatch_log_group', lg);
    expect(logGroups()).toEqual([]);
    // the cluster first: the configuration's log group comes second and is refused
    const c2 = cluster('api-blue');
    expect(failure(() => sim.create(ctx, 'aws_cloudwatch_log_group', { id: U, arn: U, name: '/aws/eks/api-blue/cluster' })).summary).toBe('ResourceAlreadyExistsException');
    sim.delete(ctx, 'aws_eks_cluster', c2);
    expect(logGroups()).toEqual(['/aws/eks/api-blue/cluster (created by EKS)']);
    // the log group deleted while the cluster still runs: EKS makes it again, and it outlives the cluster
    const lg3 = sim.create(ctx, 'aws_cloudwatch_log_group', { id: U, arn: U, name: '/aws/eks/api-green/cluster' });
    const c3 = cluster('api-green');
    sim.delete(ctx, 'aws_cloudwatch_log_group', lg3);
    sim.delete(ctx, 'aws_eks_cluster', c3);
    expect(logGroups()).toContain('/aws/eks/api-green/cluster (created by EKS)');
  });

  test('a resource group must exist before what lives in it', () => {
    const e = failure(() => sim.create(az('s'), 'azurerm_public_ip', { id: U, name: 'ip', resource_group_name: 'nope-rg', location: 'westeurope', allocation_method: 'Static' }));
    expect(e.summary).toBe('ResourceGroupNotFound');
  });

  test('refresh returns null once the object is gone from the world', () => {
    const { cluster } = aksUnit('blue-1-33-aaa', '1.33');
    expect(sim.read(az('shop-unit-blue-1-33-aaa'), 'azurerm_kubernetes_cluster', { id: cluster.id })).not.toBeNull();
    const pool = Object.values(world().objects).find((o) => o.type === 'azurerm_kubernetes_cluster_node_pool')!.attrs;
    sim.delete(az('shop-unit-blue-1-33-aaa'), 'azurerm_kubernetes_cluster', { id: cluster.id });
    expect(sim.read(az('shop-unit-blue-1-33-aaa'), 'azurerm_kubernetes_cluster', { id: cluster.id })).toBeNull();
    // a pool whose cluster is gone is gone too (refresh null, delete a no-op)
    expect(sim.read(az('shop-unit-blue-1-33-aaa'), 'azurerm_kubernetes_cluster_node_pool', pool)).toBeNull();
    sim.delete(az('shop-unit-blue-1-33-aaa'), 'azurerm_kubernetes_cluster_node_pool', pool);
  });
});

describe('Kubernetes objects', () => {
  test('a second namespace or Job of the same name in one cluster fails with AlreadyExists; another cluster is separate', () => {
    const a = aksUnit('green-1-34-abc');
    const b = aksUnit('blue-1-33-def', '1.33');
    const ca = k8s('shop-validate-green-1-34-abc', a.host);
    checksNamespace(ca);
    expect(failure(() => checksNamespace(ca)).message).toMatch(/namespaces "bluegreen-checks" already exists/);
    checksNamespace(k8s('shop-validate-blue-1-33-def', b.host));
    smokeJob(ca, 'cluster-dns-x1', 'green-1-34-abc');
    expect(failure(() => smokeJob(ca, 'cluster-dns-x1', 'green-1-34-abc')).message).toMatch(/jobs.batch "cluster-dns-x1" already exists/);
  });

  test('an unknown API host fails as an unresolvable name', () => {
    expect(failure(() => checksNamespace(k8s('v', 'https://nowhere.hcp.westeurope.azmk8s.io:443'))).detail).toMatch(/no such host/);
  });

  test('a Job completes on a schedulable node; pinned to a pool that is cordoned and not tolerated, it times out the create', () => {
    const a = aksUnit('green-1-34-abc');
    const ctx = k8s('shop-validate-green-1-34-abc', a.host);
    checksNamespace(ctx);
    smokeJob(ctx, 'ok', 'green-1-34-abc');
    expect(world().log.some((l) => l.action === 'check-pass' && l.name === 'ok')).toBe(true);
    const nodes = sim.readData(ctx, 'kubernetes_nodes', { metadata: [{ labels: { 'kubernetes.azure.com/agentpool': 'apps' } }] }).nodes as A[];
    for (const n of nodes) {
      const name = ((n.metadata as A[])[0].name) as string;
      sim.create(k8s('shop-traffic', a.host), 'kubernetes_node_taint', { id: U, metadata: [{ name }], field_manager: 'x', taint: [{ key: 'bluegreen.cdktf.io/cordoned', value: 'green', effect: 'NoSchedule' }] });
    }
    const clock = world().clock;
    const e = failure(() => smokeJob(ctx, 'pinned', 'green-1-34-abc', { node_selector: { 'kubernetes.azure.com/agentpool': 'apps' } }));
    expect(e.detail).toMatch(/is not in complete state/);
    expect(world().clock - clock).toBe(300);
    smokeJob(ctx, 'tolerating', 'green-1-34-abc', { node_selector: { 'kubernetes.azure.com/agentpool': 'apps' }, toleration: [{ key: 'bluegreen.cdktf.io/cordoned', operator: 'Exists', effect: 'NoSchedule' }] });
  });

  test('deleting a namespace deletes what is in it; deleting a cluster deletes pools, nodes and Kubernetes objects', () => {
    const a = aksUnit('green-1-34-abc');
    const ctx = k8s('shop-validate-green-1-34-abc', a.host);
    const ns = checksNamespace(ctx);
    smokeJob(ctx, 'j1', 'green-1-34-abc');
    sim.delete(ctx, 'kubernetes_namespace_v1', ns);
    expect(Object.values(world().objects).filter((o) => o.type.startsWith('kubernetes_'))).toEqual([]);
    checksNamespace(ctx);
    smokeJob(ctx, 'j2', 'green-1-34-abc');
    sim.delete(az('shop-unit-green-1-34-abc'), 'azurerm_kubernetes_cluster', { id: a.cluster.id });
    const left = Object.values(world().objects).filter((o) => o.unit === 'green-1-34-abc');
    expect(left).toEqual([]);
    const cascaded = world().log.filter((l) => l.action === 'cascade-delete').map((l) => l.type);
    expect(new Set(cascaded)).toEqual(new Set(['node', 'azurerm_kubernetes_cluster_node_pool', 'kubernetes_namespace_v1', 'kubernetes_job_v1']));
  });

  test('nodes report Ready and kubelet = the pool version, found by pool label', () => {
    const a = aksUnit('green-1-34-abc');
    const nodes = sim.readData(k8s('v', a.host), 'kubernetes_nodes', { metadata: [{ labels: { 'kubernetes.azure.com/agentpool': 'apps' } }] }).nodes as A[];
    expect(nodes).toHaveLength(3);
    for (const n of nodes) {
      const status = (n.status as A[])[0];
      expect((status.conditions as A[])[0]).toMatchObject({ type: 'Ready', status: 'True' });
      expect(((status.node_info as A[])[0].kubelet_version as string)).toMatch(/^v1\.34\.\d+$/);
    }
    const all = sim.readData(k8s('v', a.host), 'kubernetes_nodes', {}).nodes as A[];
    expect(all).toHaveLength(6);
  });
});

describe('versions', () => {
  test('node pools are never newer than the control plane; control planes move one minor at a time', () => {
    const a = aksUnit('green-1-33-abc', '1.33');
    const ctx = az('shop-unit-green-1-33-abc');
    expect(failure(() => sim.create(ctx, 'azurerm_kubernetes_cluster_node_pool', { id: U, name: 'new', kubernetes_cluster_id: a.cluster.id, orchestrator_version: '1.34', node_count: 1 })).summary).toBe('NodePoolMcVersionIncompatible');
    const prior = world().objects[Object.keys(world().objects).find((k) => k.startsWith('azurerm_kubernetes_cluster|'))!].attrs;
    expect(failure(() => sim.update(ctx, 'azurerm_kubernetes_cluster', prior, { ...prior, kubernetes_version: '1.35' })).summary).toBe('UpgradeFailed');
    const up = sim.update(ctx, 'azurerm_kubernetes_cluster', prior, { ...prior, kubernetes_version: '1.34' });
    expect(up.current_kubernetes_version).toBe('1.34.3');
  });

  test('upgrading a pool moves its nodes to the new kubelet version', () => {
    const a = aksUnit('green-1-33-abc', '1.33');
    const ctx = az('shop-unit-green-1-33-abc');
    const cp = world().objects[Object.keys(world().objects).find((k) => k.startsWith('azurerm_kubernetes_cluster|'))!].attrs;
    sim.update(ctx, 'azurerm_kubernetes_cluster', cp, { ...cp, kubernetes_version: '1.34' });
    const pool = Object.values(world().objects).find((o) => o.type === 'azurerm_kubernetes_cluster_node_pool')!.attrs;
    sim.update(ctx, 'azurerm_kubernetes_cluster_node_pool', pool, { ...pool, orchestrator_version: '1.34' });
    const nodes = sim.readData(k8s('v', a.host), 'kubernetes_nodes', { metadata: [{ labels: { agentpool: 'apps' } }] }).nodes as A[];
    expect(nodes.map((n) => ((n.status as A[])[0].node_info as A[])[0].kubelet_version)).toEqual(['v1.34.3', 'v1.34.3', 'v1.34.3']);
  });

  test('EKS: a node group is created at the cluster version and is labelled with its name', () => {
    const ctx = aws('eks-unit-green-1-34-abc');
    sim.create(ctx, 'aws_iam_role', { id: U, arn: U, name: 'eks-green-cluster', assume_role_policy: '{}' });
    const role = Object.values(world().objects).find((o) => o.type === 'aws_iam_role')!.attrs;
    sim.create(ctx, 'aws_eks_cluster', { id: U, arn: U, endpoint: U, name: 'eks-green', role_arn: role.arn, version: '1.33', enabled_cluster_log_types: ['api'], tags: { 'bluegreen-unit': 'green-1-34-abc' } });
    expect(failure(() => sim.create(ctx, 'aws_eks_node_group', { id: U, cluster_name: 'eks-green', node_group_name: 'apps', version: '1.34', scaling_config: [{ desired_size: 2, min_size: 2, max_size: 3 }] })).summary).toBe('InvalidParameterException');
    expect(failure(() => sim.create(ctx, 'aws_eks_node_group', { id: U, cluster_name: 'eks-green', node_group_name: 'apps', version: '1.32', scaling_config: [{ desired_size: 2, min_size: 2, max_size: 3 }] })).detail).toMatch(/created at the cluster version/);
    sim.create(ctx, 'aws_eks_node_group', { id: U, cluster_name: 'eks-green', node_group_name: 'apps', version: U, scaling_config: [{ desired_size: 2, min_size: 2, max_size: 3 }], tags: { 'bluegreen-unit': 'green-1-34-abc' } });
    const endpoint = sim.readData(aws('v'), 'aws_eks_cluster', { name: 'eks-green' }).endpoint;
    const nodes = sim.readData(k8s('v', endpoint), 'kubernetes_nodes', { metadata: [{ labels: { 'eks.amazonaws.com/nodegroup': 'apps' } }] }).nodes as A[];
    expect(nodes).toHaveLength(2);
    expect(((nodes[0].status as A[])[0].node_info as A[])[0].kubelet_version).toMatch(/^v1\.33\.\d+-eks-/);
    // a cluster with node groups cannot be deleted; control-plane logging made a log group that outlives the cluster
    expect(failure(() => sim.delete(ctx, 'aws_eks_cluster', { id: 'eks-green' })).summary).toBe('ResourceInUseException');
    const ng = Object.values(world().objects).find((o) => o.type === 'aws_eks_node_group')!.attrs;
    sim.delete(ctx, 'aws_eks_node_group', ng);
    sim.delete(ctx, 'aws_eks_cluster', { id: 'eks-green' });
    expect(Object.values(world().objects).filter((o) => o.type === 'aws_cloudwatch_log_group').map((o) => o.name)).toEqual(['/aws/eks/eks-green/cluster']);
  });
});

describe('EKS upgrade policy', () => {
  function eks(supportType: string | null): { ctx: SimContext; cluster: A } {
    const ctx = aws('eks-unit-blue-1-33-abc');
    sim.create(ctx, 'aws_iam_role', { id: U, arn: U, name: 'r', assume_role_policy: '{}' });
    const arn = Object.values(world().objects).find((o) => o.type === 'aws_iam_role')!.attrs.arn;
    const cluster = sim.create(ctx, 'aws_eks_cluster', { id: U, arn: U, endpoint: U, name: 'eks-blue', role_arn: arn, version: '1.33', upgrade_policy: supportType ? { support_type: supportType } : null, tags: { 'bluegreen-unit': 'blue-1-33-abc' } });
    return { ctx, cluster };
  }

  test('STANDARD: at the end of standard support EKS upgrades the control plane itself; the configuration then plans a downgrade EKS refuses', () => {
    const { ctx, cluster } = eks('STANDARD');
    injectFault(file, { kind: 'standard-support-ended', unit: 'blue' });
    const seen = sim.read(ctx, 'aws_eks_cluster', cluster)!;
    expect(seen.version).toBe('1.34');
    expect(world().log.some((l) => l.action === 'cloud-upgrade')).toBe(true);
    expect(failure(() => sim.update(ctx, 'aws_eks_cluster', seen, { ...seen, version: '1.33' })).detail).toMatch(/Unsupported Kubernetes minor version update from 1.34 to 1.33/);
    expect(sim.read(ctx, 'aws_eks_cluster', seen)!.version).toBe('1.34'); // once only
  });

  test('EXTENDED (and the API default) keeps the version', () => {
    const { ctx, cluster } = eks('EXTENDED');
    injectFault(file, { kind: 'standard-support-ended', unit: 'blue' });
    expect(sim.read(ctx, 'aws_eks_cluster', cluster)!.version).toBe('1.33');
  });
});

describe('time_sleep and the clock', () => {
  test('create advances the clock by create_duration, destroy by destroy_duration; triggers force a new one', () => {
    const ctx: SimContext = { provider: 'time', providerConfig: {}, stack: 'shop-traffic' };
    const s = sim.create(ctx, 'time_sleep', { id: U, create_duration: '1m30s', destroy_duration: '10s', triggers: { drained: 'none' } });
    expect(world().clock).toBe(90);
    expect(s.id).toBe('2026-01-01T00:01:30Z');
    sim.delete(ctx, 'time_sleep', s);
    expect(world().clock).toBe(100);
    expect(forceNewPaths('time_sleep')).toEqual(['triggers']);
    expect(world().log.filter((l) => l.action === 'sleep').map((l) => l.detail?.split(' ')[0])).toEqual(['90s', '10s']);
  });
});

describe('force-new table', () => {
  test('covers the unit attributes the library sets', () => {
    expect(forceNewPaths('azurerm_kubernetes_cluster')).toEqual(expect.arrayContaining(['name', 'location', 'resource_group_name', 'dns_prefix', 'network_profile']));
    expect(forceNewPaths('azurerm_kubernetes_cluster_node_pool')).toEqual(expect.arrayContaining(['name', 'kubernetes_cluster_id', 'os_type']));
    expect(forceNewPaths('azurerm_kubernetes_cluster_node_pool')).not.toContain('orchestrator_version');
    expect(forceNewPaths('aws_eks_cluster')).toEqual(expect.arrayContaining(['name', 'role_arn']));
    expect(forceNewPaths('aws_eks_node_group')).toEqual(expect.arrayContaining(['cluster_name', 'node_group_name', 'subnet_ids']));
    expect(forceNewPaths('aws_eks_node_group')).not.toContain('version');
    expect(forceNewPaths('kubernetes_namespace_v1')).toContain('metadata.name');
  });
});

describe('faults', () => {
  function validationSetup() {
    const a = aksUnit('green-1-34-abc');
    sim.create(az('shop-unit-green-1-34-abc'), 'azurerm_public_ip', { id: U, fqdn: U, name: 'green-origin', resource_group_name: 'shop-rg', location: 'westeurope', allocation_method: 'Static', domain_name_label: 'shop-green-1-34-abc', tags: { 'bluegreen-unit': 'green-1-34-abc' } });
    return { a, ctx: k8s('shop-validate-green-1-34-abc', a.host), url: 'https://shop-green-1-34-abc.westeurope.cloudapp.azure.com/healthz' };
  }
  const nodesOf = (ctx: SimContext) => sim.readData(ctx, 'kubernetes_nodes', { metadata: [{ labels: { agentpool: 'apps' } }] }).nodes as A[];
  const status = (n: A) => (n.status as A[])[0];
  const probe = (url: string, attempts = 3) => sim.readData(az('shop-validate-green-1-34-abc'), 'http', { url, method: 'GET', retry: { attempts, min_delay_ms: 1000, max_delay_ms: 4000 } });

  test('nodes-not-ready and wrong-kubelet-version change what the API reports for that unit only', () => {
    const { ctx } = validationSetup();
    fault({ kind: 'nodes-not-ready', unit: 'green' });
    expect(nodesOf(ctx).map((n) => (status(n).conditions as A[])[0].status)).toEqual(['False', 'False', 'False']);
    clearFaults(file);
    fault({ kind: 'wrong-kubelet-version', unit: 'green-1-34-abc', version: 'v1.33.5' });
    expect(nodesOf(ctx).map((n) => (status(n).node_info as A[])[0].kubelet_version)).toEqual(['v1.33.5', 'v1.33.5', 'v1.33.5']);
    fault({ kind: 'nodes-not-ready', unit: 'blue' });
    expect((status(nodesOf(ctx)[0]).conditions as A[])[0].status).toBe('True');
  });

  test('job-fails fails the apply of a Job that waits for completion', () => {
    const { ctx } = validationSetup();
    checksNamespace(ctx);
    fault({ kind: 'job-fails', unit: 'green' });
    expect(failure(() => smokeJob(ctx, 'dns', 'green-1-34-abc')).summary).toBe('job: bluegreen-checks/dns is in failed state');
    expect(world().log.some((l) => l.action === 'check-fail' && l.unit === 'green-1-34-abc')).toBe(true);
  });

  test('origin-status: the probe retries 5xx, then gives up; 200 once cleared', () => {
    const { url } = validationSetup();
    fault({ kind: 'origin-status', unit: 'green', status: 503 });
    const clock = world().clock;
    expect(failure(() => probe(url)).detail).toMatch(/giving up after 4 attempt\(s\)/);
    expect(world().clock - clock).toBe(1 + 2 + 4); // backoff 1 s, 2 s, 4 s (capped at max_delay)
    clearFaults(file);
    expect(probe(url).status_code).toBe(200);
  });

  test('origin-late answers after N attempts within the retries, and not beyond them', () => {
    const { url } = validationSetup();
    fault({ kind: 'origin-late', unit: 'green', attempts: 2 });
    expect(probe(url).status_code).toBe(200);
    expect(world().log.filter((l) => l.type === 'http' && l.action === 'probe')).toHaveLength(3);
    fault({ kind: 'origin-late', unit: 'green', attempts: 10 });
    expect(failure(() => probe(url)).detail).toMatch(/giving up after 4 attempt\(s\): origin not answering yet/);
  });

  test('origin-late by time: answers once the clock passes creation + seconds', () => {
    const { url } = validationSetup();
    fault({ kind: 'origin-late', unit: 'green', seconds: 5 });
    expect(probe(url, 3).status_code).toBe(200); // attempts at t, t+1, t+3, t+7 → the 4th answers
  });

  test('role-assignment-late: Kubernetes calls get 403 for N calls, then succeed', () => {
    const { ctx } = validationSetup();
    fault({ kind: 'role-assignment-late', unit: 'green', attempts: 2 });
    expect(failure(() => nodesOf(ctx)).summary).toBe('nodes is forbidden');
    expect(failure(() => checksNamespace(ctx)).summary).toBe('namespaces is forbidden');
    expect(checksNamespace(ctx).id).toBe('bluegreen-checks');
  });

  test('by default a role assignment on an AKS cluster lets Kubernetes calls in only 300 s after it was made (what the library waits)', () => {
    const { a, ctx } = validationSetup();
    expect(nodesOf(ctx).length).toBeGreaterThan(0); // no role assignment on the cluster: access is not granted by Azure RBAC
    const unit = az('shop-unit-green-1-34-abc');
    sim.create(unit, 'azurerm_role_assignment', { id: U, name: U, scope: a.cluster.id, role_definition_name: 'Azure Kubernetes Service RBAC Cluster Admin', role_definition_id: U, principal_id: '11111111-1111-1111-1111-111111111111', principal_type: U });
    expect(failure(() => nodesOf(ctx)).detail).toMatch(/cannot list resource "nodes".*Update role assignment/);
    const sleep = (seconds: number) => sim.create({ provider: 'time', providerConfig: {}, stack: 'shop-unit-green-1-34-abc' }, 'time_sleep', { id: U, create_duration: `${seconds}s` });
    sleep(299);
    expect(failure(() => checksNamespace(ctx)).summary).toBe('namespaces is forbidden');
    sleep(1);
    expect(nodesOf(ctx).length).toBeGreaterThan(0);
    expect(checksNamespace(ctx).id).toBe('bluegreen-checks');
  });

  test('quota-exceeded: the unit\'s cluster cannot be created (QuotaExceeded) until the fault clears; another unit\'s can', () => {
    fault({ kind: 'quota-exceeded', unit: 'green' });
    expect(failure(() => aksUnit('green-1-34-aaaaaa')).message).toMatch(/QuotaExceeded: .*exceeding approved Total Regional Cores quota/);
    expect(Object.values(world().objects).filter((o) => o.type === 'azurerm_kubernetes_cluster')).toEqual([]);
    expect(aksUnit('blue-1-33-bbbbbb').cluster.id).toBeDefined();
  });

  test('a security group a load balancer still uses cannot be deleted (DependencyViolation); once the load balancer is gone it can', () => {
    const ctx = aws('shop-unit-blue');
    const sg = sim.create(ctx, 'aws_security_group', { id: U, arn: U, name: 'shop-blue-origin', vpc_id: 'vpc-1' });
    const lb = sim.create(ctx, 'aws_lb', { id: U, arn: U, dns_name: U, zone_id: U, name: 'shop-blue', internal: false, load_balancer_type: 'application', security_groups: [sg.id] });
    expect(failure(() => sim.delete(ctx, 'aws_security_group', sg)).message).toMatch(/^DependencyViolation: resource sg-\w+ has a dependent object \(aws_lb shop-blue\)/);
    sim.delete(ctx, 'aws_lb', lb);
    sim.delete(ctx, 'aws_security_group', sg);
    expect(Object.values(world().objects).filter((o) => o.type === 'aws_security_group')).toEqual([]);
  });

  test('apply-error fails the named resource only', () => {
    validationSetup();
    fault({ kind: 'apply-error', type: 'azurerm_public_ip', name: 'blue-origin', attempts: 1 });
    sim.create(az('s'), 'azurerm_public_ip', { id: U, name: 'other', resource_group_name: 'shop-rg', location: 'westeurope' });
    expect(failure(() => sim.create(az('s'), 'azurerm_public_ip', { id: U, name: 'blue-origin', resource_group_name: 'shop-rg', location: 'westeurope' })).summary).toMatch(/simulated create error/);
    sim.create(az('s'), 'azurerm_public_ip', { id: U, name: 'blue-origin', resource_group_name: 'shop-rg', location: 'westeurope' });
  });
});

describe('versions AKS releases while a rehearsal runs (the autopilot calendar)', () => {
  test('a released patch joins the region catalogue in version order, from its release on', () => {
    const read = () => sim.readData(az('shop-shared'), 'azurerm_kubernetes_service_versions', { location: 'westeurope', version_prefix: '1.34', include_preview: false, versions: U, latest_version: U, default_version: U }) as A;
    expect(read().versions).toEqual(['1.34.1']);
    new WorldStore(file).update((w) => { w.ext.aksVersionsReleased = ['1.34.4', '1.33.5', '1.34.2']; });
    expect(read()).toMatchObject({ versions: ['1.34.1', '1.34.2', '1.34.4'], latest_version: '1.34.4' });
  });
});
