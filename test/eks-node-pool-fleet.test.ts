import { EksNodePoolFleetProps, RolloutPlan } from '../src';
import { candidate, drainJobOf, eksPoolFleet, poolOf, retired, serving, standby, withoutPoolTaints } from './support/node-pool-fixtures';
import { resourcesOf, synthAll, testApp } from './support/synth';

function step(props: Partial<EksNodePoolFleetProps>) {
  const app = testApp();
  const fleet = eksPoolFleet(app, { validationPrincipalArn: 'arn:aws:iam::123456789012:role/deployer', ...props });
  const out = synthAll(app);
  const unit = (slot: string) => fleet.plan.units.find((u) => u.slot === slot)!.name;
  return { app, fleet, ...out, unit };
}

const s0 = { controlPlaneVersion: '1.32', units: [serving('blue', '1.32')] };
const s1 = { previousControlPlaneVersion: '1.32', controlPlaneVersion: '1.33', previousUnits: s0.units, units: [serving('blue', '1.32'), candidate('green', '1.33')] };
const s2 = { previousControlPlaneVersion: '1.33', controlPlaneVersion: '1.33', previousUnits: s1.units, units: [standby('blue', '1.32'), serving('green', '1.33')] };
const s3 = { previousControlPlaneVersion: '1.33', controlPlaneVersion: '1.33', previousUnits: s2.units, units: [retired('blue', '1.32'), serving('green', '1.33')] };

describe('EKS node-pool fleet', () => {
  const [e0, e1, e2, e3] = [s0, s1, s2, s3].map(step);
  const blue = e0.unit('blue');
  const green = e1.unit('green');

  test('the cluster, its roles and access entries live in <fleet>-shared; its version moves one minor in place', () => {
    const cluster = (s: typeof e0) => Object.values<any>(s.stacks['shop-shared'].resource.aws_eks_cluster)[0];
    expect(cluster(e0).version).toBe('1.32');
    expect(cluster(e1).version).toBe('1.33');
    expect(cluster(e1).name).toBe('shop');
    expect(cluster(e1).access_config.authentication_mode).toBe('API');
    const entries = Object.values<any>(e1.stacks['shop-shared'].resource.aws_eks_access_entry).map((a) => a.principal_arn);
    expect(entries).toEqual(['arn:aws:iam::123456789012:role/platform-admin', 'arn:aws:iam::123456789012:role/deployer']);
    expect(Object.values<any>(e1.stacks['shop-shared'].resource.aws_iam_role).map((r) => r.name).sort()).toEqual(['shop-cluster', 'shop-nodes']);
    for (const [, , body] of resourcesOf(e1.stacks['shop-shared'])) expect(body.lifecycle.prevent_destroy).toBe(true);
  });

  test('a node group differs across steps only in its taint blocks; IMDSv2 launch template sizes the disk', () => {
    const b = `shop-unit-${blue}`;
    const g = `shop-unit-${green}`;
    expect(JSON.stringify(e1.stacks[b])).toBe(JSON.stringify(e0.stacks[b]));
    expect(JSON.stringify(e3.stacks[g])).toBe(JSON.stringify(e2.stacks[g]));
    expect(withoutPoolTaints(e2.stacks[b])).toBe(withoutPoolTaints(e0.stacks[b]));
    expect(withoutPoolTaints(e2.stacks[g])).toBe(withoutPoolTaints(e1.stacks[g]));
    expect(poolOf(e1.stacks[g]).taint).toEqual([{ key: 'bluegreen.cdktf.io/cordoned', value: green, effect: 'NO_SCHEDULE' }]);
    expect(poolOf(e2.stacks[g]).taint).toEqual([]);
    expect(poolOf(e2.stacks[b]).taint).toEqual([{ key: 'bluegreen.cdktf.io/cordoned', value: blue, effect: 'NO_SCHEDULE' }]);
    const group = poolOf(e1.stacks[g]);
    expect(group.node_group_name).toBe(green);
    expect(group.version).toBe('1.33');
    expect(group.cluster_name).toBe('shop');
    expect(group.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ['scaling_config[0].desired_size'] });
    expect(group.labels).toEqual({ workload: 'apps', 'bluegreen.cdktf.io/unit': green });
    expect(group.disk_size).toBeUndefined();
    const lt = Object.values<any>(e1.stacks[g].resource.aws_launch_template)[0];
    expect(group.launch_template.id).toMatch(/^\$\{aws_launch_template\./);
    expect(lt.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'disabled' });
    expect(lt.block_device_mappings).toEqual([{ device_name: '/dev/xvda', ebs: { volume_size: 50, volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' } }]);
    expect(lt.lifecycle.prevent_destroy).toBe(true);
    // The node role is looked up by name, never passed as an output.
    expect(Object.values<any>(e1.stacks[g].data.aws_iam_role)[0].name).toBe('shop-nodes');
  });

  test('the control plane has EksFleet\'s defaults: private endpoint, KMS-encrypted secrets, add-ons at its version', () => {
    const shared = e1.stacks['shop-shared'].resource;
    const cluster = Object.values<any>(shared.aws_eks_cluster)[0];
    expect(cluster.vpc_config).toMatchObject({ endpoint_public_access: false, endpoint_private_access: true });
    expect(cluster.vpc_config.public_access_cidrs).toBeUndefined();
    expect(cluster.encryption_config.resources).toEqual(['secrets']);
    expect(cluster.encryption_config.provider.key_arn).toMatch(/^\$\{aws_kms_key\./);
    expect(Object.values<any>(shared.aws_kms_key)[0]).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    const addons = (s: typeof e0, stack: string) => Object.fromEntries(Object.values<any>(s.stacks[stack].resource.aws_eks_addon ?? {}).map((a) => [a.addon_name, a.addon_version]));
    // vpc-cni, kube-proxy and the pod identity agent move with the control plane, in the shared stack
    expect(addons(e0, 'shop-shared')).toEqual({ 'vpc-cni': 'v1.19.2-eksbuild.1', 'kube-proxy': 'v1.32.0-eksbuild.2', 'eks-pod-identity-agent': 'v1.3.4-eksbuild.1' });
    expect(addons(e1, 'shop-shared')).toEqual({ 'vpc-cni': 'v1.19.5-eksbuild.1', 'kube-proxy': 'v1.33.0-eksbuild.2', 'eks-pod-identity-agent': 'v1.3.7-eksbuild.2' });
    // coredns needs a serving node group: the traffic stack installs it, at the control plane's version
    expect(addons(e0, 'shop-traffic')).toEqual({ coredns: 'v1.11.4-eksbuild.2' });
    expect(addons(e1, 'shop-traffic')).toEqual({ coredns: 'v1.12.1-eksbuild.2' });
    for (const a of [...Object.values<any>(shared.aws_eks_addon), ...Object.values<any>(e1.stacks['shop-traffic'].resource.aws_eks_addon)]) {
      expect(a).toMatchObject({ cluster_name: expect.stringMatching(/^(shop|\$\{aws_eks_cluster\.[^.]+\.name\})$/), resolve_conflicts_on_create: 'OVERWRITE', resolve_conflicts_on_update: 'OVERWRITE', lifecycle: { prevent_destroy: true } });
    }
  });

  test('a public endpoint needs CIDRs, and 0.0.0.0/0 needs allowPublicAccessFromAnywhere', () => {
    const cluster = (c: any) => () => eksPoolFleet(testApp(), { cluster: { subnetIds: ['subnet-aaa', 'subnet-bbb'], ...c } });
    expect(cluster({ endpointPublicAccess: true })).toThrow(/cluster\.publicAccessCidrs = \[\] is refused: a public API endpoint without CIDRs/);
    expect(cluster({ endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] })).toThrow(/cluster\.publicAccessCidrs\[0\] = "0\.0\.0\.0\/0" is refused.*allowPublicAccessFromAnywhere/s);
    expect(cluster({ publicAccessCidrs: ['203.0.113.0/24'] })).toThrow(/CIDRs only apply to a public endpoint/);
    const app = testApp();
    eksPoolFleet(app, { cluster: { subnetIds: ['subnet-aaa', 'subnet-bbb'], endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] } });
    const vpc = Object.values<any>(synthAll(app).stacks['shop-shared'].resource.aws_eks_cluster)[0].vpc_config;
    expect(vpc).toMatchObject({ endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] });
  });

  // Issue 20 item 6: a control plane after the frozen add-on table (1.35) needs no addonVersions by
  // hand: its add-ons are the most recent builds EKS offers for its minor, through the same part as
  // EksFleet's units (aws_eks_addon_version), and follow the control plane (no ignore_changes).
  // Defect it catches: nodePoolAddon passing kept FOR_LIFE (ignore_changes), or the refusal restored.
  test('a control plane at 1.35 takes its add-ons from EKS for its minor; pinned versions and the frozen table still pin', () => {
    const app = testApp();
    eksPoolFleet(app, { controlPlaneVersion: '1.35', previousControlPlaneVersion: '1.34', units: [serving('blue', '1.34')], cluster: { subnetIds: ['subnet-aaa', 'subnet-bbb'], addonVersions: { 'kube-proxy': 'v1.35.0-eksbuild.2' } } });
    const { stacks } = synthAll(app);
    const addonsOf = (stack: any) => Object.values<any>(stack.resource.aws_eks_addon);
    const looked = (stack: any) => Object.values<any>(stack.data?.aws_eks_addon_version ?? {});
    const shared = stacks['shop-shared'];
    expect(looked(shared).map((d) => [d.addon_name, d.kubernetes_version, d.most_recent]).sort()).toEqual([['eks-pod-identity-agent', '1.35', true], ['vpc-cni', '1.35', true]]);
    for (const a of addonsOf(shared)) {
      if (a.addon_name === 'kube-proxy') expect(a.addon_version).toBe('v1.35.0-eksbuild.2');
      else expect(a.addon_version).toMatch(/^\$\{data\.aws_eks_addon_version\.[\w-]+\.version\}$/);
      expect(a.lifecycle).toEqual({ prevent_destroy: true });
    }
    const traffic = stacks['shop-traffic'];
    expect(looked(traffic).map((d) => [d.addon_name, d.kubernetes_version])).toEqual([['coredns', '1.35']]);
    expect(addonsOf(traffic)[0].addon_version).toMatch(/aws_eks_addon_version/);
    const old = testApp();
    eksPoolFleet(old, { controlPlaneVersion: '1.34', previousControlPlaneVersion: '1.34', units: [serving('blue', '1.34')] });
    const s34 = synthAll(old).stacks;
    expect(looked(s34['shop-shared'])).toEqual([]);
    expect(addonsOf(s34['shop-shared']).map((a) => a.addon_version).sort()).toEqual(['v1.20.1-eksbuild.3', 'v1.3.8-eksbuild.2', 'v1.34.0-eksbuild.2']);
  });

  test('the candidate is born cordoned and checked right after; the standby group is drained by eks.amazonaws.com/nodegroup', () => {
    expect(e1.deps[`shop-validate-${green}`]).toEqual([`shop-unit-${green}`]);
    expect(drainJobOf(e1.stacks['shop-traffic'])).toBeUndefined();
    const ann = drainJobOf(e2.stacks['shop-traffic']).metadata.annotations;
    expect(ann['bluegreen.cdktf.io/pool-selector']).toBe(`eks.amazonaws.com/nodegroup in (${blue})`);
    expect(ann['bluegreen.cdktf.io/serving-pools']).toBe(green);
    expect(e2.deps[`shop-unit-${blue}`]).toContain('shop-traffic');
    // cluster access from the traffic stack: look-ups by name, short-lived token
    const traffic = e2.stacks['shop-traffic'];
    expect(Object.values<any>(traffic.data.aws_eks_cluster)[0].name).toBe('shop');
    expect(traffic.provider.kubernetes[0].token ?? traffic.provider.kubernetes[0].exec).toBeDefined();
  });

  // Issue 20.1: a token from aws_eks_cluster_auth lives 15 minutes and is never renewed during the
  // apply, while the drain Job is waited on for up to timeout + 300 s; it also lands in state.
  test('traffic and validation stacks authenticate with `aws eks get-token` per call, never aws_eks_cluster_auth', () => {
    for (const name of ['shop-traffic', `shop-validate-${green}`]) {
      const stack = e2.stacks[name];
      expect(stack.data.aws_eks_cluster_auth).toBeUndefined();
      const k8s = stack.provider.kubernetes[0];
      expect(k8s.token).toBeUndefined();
      expect(k8s.exec).toEqual([{ api_version: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', 'shop', '--region', 'eu-west-1', '--output', 'json'] }]);
    }
  });

  test('a retired group\'s stack is empty and waits for the traffic stack, which waits for the new group\'s checks', () => {
    expect(resourcesOf(e3.stacks[`shop-unit-${blue}`])).toEqual([]);
    expect(e3.deps[`shop-unit-${blue}`]).toContain('shop-traffic');
    expect(drainJobOf(e3.stacks['shop-traffic']).metadata.annotations['bluegreen.cdktf.io/drain-pools']).toBe(blue);
    expect(e3.deps['shop-traffic']).toContain(`shop-validate-${green}`);
    const v = e3.stacks[`shop-validate-${green}`];
    const job = Object.values<any>(v.resource.kubernetes_job_v1)[0];
    expect(job.spec.template.spec.node_selector).toEqual({ 'eks.amazonaws.com/nodegroup': green });
  });

  test('the plan names EKS and the in-place control plane', () => {
    const md = RolloutPlan.markdown(e1.app);
    expect(md).toContain('EKS node-pool units');
    expect(md).toContain('Control plane 1.32 → 1.33 (in place, one minor)');
    for (const s of [e0, e1, e2, e3]) for (const json of Object.values<any>(s.stacks)) expect(json.output).toBeUndefined();
  });
});
