import { AksFleet, AlbWeightedRouter, EksAmiType, FrontDoorRouter, GlobalAcceleratorRouter, RolloutPlan, UnitDeclaration, UnitLifecycle } from '../src';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { resourcesOf, stackJson, synthAll, testApp } from './support/synth';
import { DEPLOYER, eksFleet, eksSpec } from './aws/eks-fixtures';

const canary: UnitDeclaration[] = [
  { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90 },
  { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10 },
];

/** The dependency graph with unit names replaced by `<role>:<slot>`, so two clouds compare. */
function shape(deps: Record<string, string[]>, fleet: string, units: Array<{ name: string; slot: string }>): Record<string, string[]> {
  const rename = (s: string) => {
    let out = s.replace(`${fleet}-`, '');
    for (const u of units) out = out.replace(u.name, u.slot);
    return out;
  };
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(deps)) if (k.startsWith(`${fleet}-`)) out[rename(k)] = v.map(rename).sort();
  return out;
}

describe('EKS fleet stack topology', () => {
  test('a canary lays out the same stacks and dependency edges as an AKS fleet', () => {
    const app = testApp();
    const eks = eksFleet(app, 'shop', canary);
    const aks = new AksFleet(app, 'shopaks', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), router: new FrontDoorRouter(), units: canary });
    const { deps } = synthAll(app);
    const eksShape = shape(deps, 'shop', eks.plan.units);
    expect(eksShape).toEqual(shape(deps, 'shopaks', aks.plan.units));
    expect(eksShape).toEqual({
      'shared': [],
      'unit-blue': ['shared'],
      'unit-green': ['shared'],
      'validate-blue': ['unit-blue'],
      'validate-green': ['unit-green'],
      'traffic': ['shared', 'unit-blue', 'unit-green', 'validate-blue', 'validate-green'],
    });
    expect(eks.plan.cloud).toBe('EKS');
    expect(eks.plan.router).toBe('Route 53');
    expect(eks.plan.units.map((u) => u.routerWeight)).toEqual(['record weight 90', 'record weight 10']);
  });

  test('every resource of a live unit has prevent_destroy, including the cluster and its node groups', () => {
    const app = testApp();
    const fleet = eksFleet(app, 'shop', [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.STANDBY },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100 },
      { slot: 'teal', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.CANDIDATE },
    ], { spec: eksSpec({ nodeGroups: [
      { name: 'system', instanceTypes: ['m7g.large'], amiType: EksAmiType.AL2023_ARM_64_STANDARD, minSize: 2, maxSize: 3 },
      { name: 'apps', instanceTypes: ['m7i.xlarge'], minSize: 3, maxSize: 10 },
    ] }) });
    const { stacks } = synthAll(app);
    for (const u of fleet.plan.units) {
      const res = resourcesOf(stacks[`shop-unit-${u.name}`]);
      expect(res.filter(([t]) => t === 'aws_eks_cluster')).toHaveLength(1);
      expect(res.filter(([t]) => t === 'aws_eks_node_group').map(([, , b]) => b.node_group_name).sort()).toEqual(['apps', 'system']);
      for (const [type, name, body] of res) {
        expect({ type, name, preventDestroy: body.lifecycle?.prevent_destroy }).toEqual({ type, name, preventDestroy: true });
      }
    }
  });

  test("a retired unit's stack is empty and waits for the traffic stack (and its drain timer)", () => {
    const app = testApp();
    const fleet = eksFleet(app, 'shop', [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.RETIRED },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100 },
    ], { drainSeconds: 120 });
    const { stacks, deps } = synthAll(app);
    const [blue, green] = fleet.plan.units.map((u) => u.name);
    expect(stacks[`shop-unit-${blue}`].resource).toBeUndefined();
    expect(stacks[`shop-unit-${blue}`].data).toBeUndefined();
    expect(deps[`shop-unit-${blue}`].sort()).toEqual(['shop-shared', 'shop-traffic']);
    expect(deps[`shop-validate-${blue}`]).toBeUndefined();
    expect(Object.keys(stacks['shop-traffic'].resource.aws_route53_record)).toHaveLength(1);
    const timer = stacks['shop-traffic'].resource.time_sleep['drain-timer'];
    expect(timer.create_duration).toBe('120s');
    expect(timer.triggers.drained).toBe(`${blue}:retired`);
    expect(deps['shop-traffic']).toContain(`shop-validate-${green}`);
  });

  test("a unit's stack JSON is identical across a whole rollout, until it is retired", () => {
    const steps: Array<[UnitLifecycle, number, UnitLifecycle, number]> = [
      [UnitLifecycle.SERVING, 100, UnitLifecycle.CANDIDATE, 0],
      [UnitLifecycle.SERVING, 90, UnitLifecycle.SERVING, 10],
      [UnitLifecycle.SERVING, 50, UnitLifecycle.SERVING, 50],
      [UnitLifecycle.STANDBY, 0, UnitLifecycle.SERVING, 100],
      [UnitLifecycle.RETIRED, 0, UnitLifecycle.SERVING, 100],
    ];
    const seen: Record<string, string[]> = { blue: [], green: [] };
    const strip = (json: any) => JSON.stringify({ ...json, '//': undefined });
    const traffic: string[] = [];
    for (const [bl, bw, gl, gw] of steps) {
      const app = testApp();
      const fleet = eksFleet(app, 'shop', [
        { slot: 'blue', kubernetesVersion: '1.33', lifecycle: bl, weight: bw },
        { slot: 'green', kubernetesVersion: '1.34', lifecycle: gl, weight: gw },
      ]);
      const { stacks } = synthAll(app);
      const [blue, green] = fleet.plan.units;
      if (blue.lifecycle !== UnitLifecycle.RETIRED) seen.blue.push(strip(stacks[`shop-unit-${blue.name}`]));
      seen.green.push(strip(stacks[`shop-unit-${green.name}`]));
      traffic.push(JSON.stringify(stacks['shop-traffic'].resource));
    }
    expect(seen.blue).toHaveLength(4);
    expect(new Set(seen.blue).size).toBe(1);
    expect(seen.green).toHaveLength(5);
    expect(new Set(seen.green).size).toBe(1);
    // ... while the traffic stack does change with every step.
    expect(new Set(traffic).size).toBe(5);
    expect(seen.green[0]).not.toContain('bluegreen-step');
  });

  test("a unit's Terraform addresses (construct ids) stay what they are: renaming one would replace a live resource", () => {
    const fleet = eksFleet(testApp(), 'shop', [{ slot: 'blue', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100 }]);
    const json = stackJson(fleet.unitStacks[fleet.plan.units[0].name]);
    expect(resourcesOf(json).map(([t, n]) => `${t}.${n}`).sort()).toEqual(["aws_cloudwatch_log_group.unit_control-plane-logs_C90DEC0D","aws_eks_access_entry.unit_validation-access-entry_1D916FC7","aws_eks_access_policy_association.unit_validation-access-policy_AD874008","aws_eks_addon.unit_addon-coredns_420BEAC3","aws_eks_addon.unit_addon-eks-pod-identity-agent_319B0CDD","aws_eks_addon.unit_addon-kube-proxy_4300EFD9","aws_eks_addon.unit_addon-vpc-cni_90A599A6","aws_eks_cluster.unit_cluster_6D58320E","aws_eks_node_group.unit_node-group-apps_E4FD6A18","aws_iam_role.unit_cluster-role_15E6FE0F","aws_iam_role.unit_node-role_4AB7EC49","aws_iam_role_policy.unit_cluster-role-secrets-key_E8A31423","aws_iam_role_policy_attachment.unit_cluster-role-AmazonEKSClusterPolicy_03CFA8F6","aws_iam_role_policy_attachment.unit_node-role-AmazonEC2ContainerRegistryReadOnly_33405FB4","aws_iam_role_policy_attachment.unit_node-role-AmazonEKSWorkerNodePolicy_5FE652CD","aws_iam_role_policy_attachment.unit_node-role-AmazonEKS_CNI_Policy_C78B0C82","aws_kms_key.unit_secrets-key_FE238B52","aws_launch_template.unit_launch-template-apps_B6796A51","aws_lb.unit_origin_load-balancer_1363D52E","aws_lb_listener.unit_origin_listener_4AADF86A","aws_lb_target_group.unit_origin_target-group_C98E93EF","aws_route53_record.unit_origin_record_90F82AC3","aws_security_group.unit_origin_security-group_FE2B0BA1"]);
  });

  test('units are secure by default: KMS secrets with rotation, control-plane logs, private endpoint, IMDSv2, explicit support type', () => {
    const app = testApp();
    const fleet = eksFleet(app, 'shop', [{ slot: 'blue', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100 }]);
    const { stacks } = synthAll(app);
    const unit = stacks[`shop-unit-${fleet.plan.units[0].name}`].resource;
    const cluster: any = Object.values(unit.aws_eks_cluster)[0];
    expect(cluster.encryption_config.resources).toEqual(['secrets']);
    expect(cluster.encryption_config.provider.key_arn).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    expect((Object.values(unit.aws_kms_key)[0] as any).enable_key_rotation).toBe(true);
    expect(cluster.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator']);
    expect(cluster.vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
    expect(cluster.vpc_config.public_access_cidrs).toBeUndefined();
    expect(cluster.access_config).toEqual({ authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false });
    expect(cluster.upgrade_policy).toEqual({ support_type: 'EXTENDED' });
    expect(cluster.version).toBe('1.34');
    const lt: any = Object.values(unit.aws_launch_template)[0];
    expect(lt.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1 });
    const ng: any = Object.values(unit.aws_eks_node_group)[0];
    expect(ng.launch_template.id).toMatch(/aws_launch_template/);
    expect(ng.version).toBe('1.34');
    expect(Object.values<any>(unit.aws_eks_addon).map((a) => a.addon_name).sort()).toEqual(['coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
    expect(Object.values<any>(unit.aws_iam_role_policy_attachment).map((a) => a.policy_arn).sort()).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly', 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy',
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy', 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
    ]);
    const assoc: any = Object.values(unit.aws_eks_access_policy_association)[0];
    expect(assoc.policy_arn).toBe('arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy');
    expect(assoc.access_scope).toEqual({ type: 'cluster' });
    expect((Object.values(unit.aws_eks_access_entry)[0] as any).principal_arn).toBe(DEPLOYER);
    for (const [, , body] of resourcesOf(stacks[`shop-unit-${fleet.plan.units[0].name}`])) {
      if (body.tags) expect(body.tags).toMatchObject({ 'bluegreen-fleet': 'shop', 'bluegreen-unit': fleet.plan.units[0].name });
      if (body.tags) expect(Object.keys(body.tags)).not.toContain('bluegreen-step');
    }
  });

  test('validation stacks reach the cluster through data sources; no stack has a Terraform output', () => {
    const app = testApp();
    const fleet = eksFleet(app, 'shop', canary);
    const { stacks } = synthAll(app);
    const v = stacks[`shop-validate-${fleet.plan.units[1].name}`];
    expect(v.data.aws_eks_cluster.cluster.name).toBe(`shop-${fleet.plan.units[1].name}`);
    expect(v.data.aws_eks_cluster_auth).toBeUndefined();
    expect(v.provider.kubernetes[0]).toEqual({
      host: '${data.aws_eks_cluster.cluster.endpoint}',
      cluster_ca_certificate: '${base64decode(data.aws_eks_cluster.cluster.certificate_authority[0].data)}',
      exec: [{ api_version: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', `shop-${fleet.plan.units[1].name}`, '--region', 'eu-west-1', '--output', 'json'] }],
    });
    expect(v.data.http).toBeDefined();
    expect(JSON.stringify(v.data.http)).toContain(`http://${fleet.plan.units[1].name}.shop.example.com/healthz`);
    for (const [, json] of Object.entries(stacks)) expect(json.output).toBeUndefined();
  });

  test('behind an ALB: the shared stack holds the ALB, units hang their target group off its listener, the traffic rule weights them', () => {
    const app = testApp();
    const fleet = eksFleet(app, 'shop', canary, { router: new AlbWeightedRouter({ hostName: 'www.shop.example.com' }) });
    const { stacks } = synthAll(app);
    const shared = stacks['shop-shared'].resource;
    expect(shared.aws_lb.alb).toMatchObject({ name: 'shop-alb', internal: false, load_balancer_type: 'application', drop_invalid_header_fields: true });
    expect(shared.aws_lb_listener['alb-listener'].default_action[0].type).toBe('fixed-response');
    const green = fleet.plan.units[1].name;
    const unit = stacks[`shop-unit-${green}`];
    expect(Object.values<any>(unit.resource.aws_lb_target_group)[0]).toMatchObject({ name: `shop-${green}`, target_type: 'ip', vpc_id: 'vpc-0a1b2c3d4e5f60000' });
    expect(unit.resource.aws_lb).toBeUndefined();
    expect(Object.values<any>(unit.resource.aws_lb_listener_rule)[0].condition[0].host_header.values).toEqual([`${green}.shop.example.com`]);
    expect(Object.values<any>(unit.data.aws_lb)[0].name).toBe('shop-alb');
    const rule = stacks['shop-traffic'].resource.aws_lb_listener_rule['router_weighted-rule_6BC5B8D4'] ?? Object.values<any>(stacks['shop-traffic'].resource.aws_lb_listener_rule)[0];
    expect(rule.priority).toBe(50000);
    expect(rule.condition[0].host_header.values).toEqual(['www.shop.example.com']);
    expect(rule.action[0].forward.target_group.map((g: any) => g.weight)).toEqual([90, 10]);
    expect(rule.action[0].forward.stickiness).toEqual({ enabled: false, duration: 1 });
    expect(Object.values<any>(stacks['shop-traffic'].data.aws_lb_target_group).map((g) => g.name)).toEqual(fleet.plan.units.map((u) => `shop-${u.name}`));
    expect(fleet.plan.units.map((u) => u.routerWeight)).toEqual(['target group weight 90', 'target group weight 10']);
  });

  test('behind Global Accelerator: the accelerator is long-lived, the endpoint group weights each unit\'s own ALB', () => {
    const app = testApp();
    const fleet = eksFleet(app, 'shop', canary, { router: new GlobalAcceleratorRouter() });
    const { stacks } = synthAll(app);
    const shared = stacks['shop-shared'];
    expect(shared.provider.aws).toContainEqual({ alias: 'global_accelerator', region: 'us-west-2' });
    expect(Object.values<any>(shared.resource.aws_globalaccelerator_accelerator)[0]).toMatchObject({ name: 'shop-ga', lifecycle: { prevent_destroy: true } });
    const unit = stacks[`shop-unit-${fleet.plan.units[0].name}`].resource;
    expect(Object.values<any>(unit.aws_lb)[0]).toMatchObject({ name: `shop-${fleet.plan.units[0].name}`, internal: true });
    expect(Object.values<any>(unit.aws_route53_record)[0].alias.evaluate_target_health).toBe(true);
    const group: any = Object.values(stacks['shop-traffic'].resource.aws_globalaccelerator_endpoint_group)[0];
    expect(group.endpoint_group_region).toBe('eu-west-1');
    expect(group.traffic_dial_percentage).toBe(100);
    expect(group.endpoint_configuration.map((e: any) => e.weight)).toEqual([90, 10]);
    expect(group.provider).toBe('aws.global_accelerator');
  });

  test('the rollout plan report shows the EKS fleet, its router weights and its deploy order', () => {
    const app = testApp();
    eksFleet(app, 'shop', canary);
    const md = RolloutPlan.markdown(app);
    expect(md).toContain('## Fleet `shop` — EKS cluster units behind Route 53');
    expect(md).toContain('record weight 90');
    const json = JSON.parse(RolloutPlan.json(app));
    expect(json.fleets[0].deployOrder[0]).toBe('shop-shared');
    expect(json.fleets[0].deployOrder.slice(-1)[0]).toBe('shop-traffic');
  });
});
