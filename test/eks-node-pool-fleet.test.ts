import { EksNodePoolFleetProps, RolloutPlan } from '../src';
import { candidate, eksPoolFleet, retired, serving, standby } from './support/node-pool-fixtures';
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

  test('a node group unit keeps its exact JSON while the control plane and the other groups move', () => {
    expect(JSON.stringify(e1.stacks[`shop-unit-${blue}`])).toBe(JSON.stringify(e0.stacks[`shop-unit-${blue}`]));
    expect(JSON.stringify(e2.stacks[`shop-unit-${blue}`])).toBe(JSON.stringify(e0.stacks[`shop-unit-${blue}`]));
    expect(JSON.stringify(e3.stacks[`shop-unit-${green}`])).toBe(JSON.stringify(e1.stacks[`shop-unit-${green}`]));
    const group = Object.values<any>(e1.stacks[`shop-unit-${green}`].resource.aws_eks_node_group)[0];
    expect(group.node_group_name).toBe(green);
    expect(group.version).toBe('1.33');
    expect(group.cluster_name).toBe('shop');
    expect(group.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ['scaling_config[0].desired_size'] });
    expect(group.labels).toEqual({ workload: 'apps', 'bluegreen.cdktf.io/unit': green });
    // The node role is looked up by name, never passed as an output.
    expect(Object.values<any>(e1.stacks[`shop-unit-${green}`].data.aws_iam_role)[0].name).toBe('shop-nodes');
  });

  test('the candidate is cordoned before its checks; the standby group is cordoned by eks.amazonaws.com/nodegroup', () => {
    expect(e1.deps[`shop-validate-${green}`].sort()).toEqual(['shop-traffic', `shop-unit-${green}`].sort());
    const lookups = (s: typeof e0) => Object.values<any>(s.stacks['shop-traffic'].data.kubernetes_nodes).map((d) => d.metadata.labels);
    expect(lookups(e1)).toEqual([{ 'eks.amazonaws.com/nodegroup': green }]);
    expect(lookups(e2)).toEqual([{ 'eks.amazonaws.com/nodegroup': blue }]);
    const taints = Object.values<any>(e2.stacks['shop-traffic'].resource.kubernetes_node_taint);
    expect(taints.map((t) => t.taint[0])).toEqual([{ key: 'bluegreen.cdktf.io/cordoned', value: blue, effect: 'NoSchedule' }]);
    // cluster access from the traffic stack: look-ups by name, short-lived token
    const traffic = e2.stacks['shop-traffic'];
    expect(Object.values<any>(traffic.data.aws_eks_cluster)[0].name).toBe('shop');
    expect(traffic.provider.kubernetes[0].token).toMatch(/^\$\{data\.aws_eks_cluster_auth\./);
  });

  test('a retired group\'s stack is empty and waits for the traffic stack, which waits for the new group\'s checks', () => {
    expect(resourcesOf(e3.stacks[`shop-unit-${blue}`])).toEqual([]);
    expect(e3.deps[`shop-unit-${blue}`]).toContain('shop-traffic');
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
