import { AksFleet, FrontDoorRouter, TrafficManagerRouter, UnitLifecycle } from '../src';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { resourcesOf, synthAll, testApp } from './support/synth';

describe('AKS fleet stack topology', () => {
  test('a canary lays out shared, unit, validate and traffic stacks with the dependency edges of DESIGN.md', () => {
    const app = testApp();
    const fleet = new AksFleet(app, 'shop', {
      subscriptionId: SUBSCRIPTION, spec: aksSpec(), router: new FrontDoorRouter(),
      units: [
        { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90 },
        { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10 },
      ],
    });
    const { deps, stacks } = synthAll(app);
    const [blue, green] = fleet.plan.units.map((u) => u.name);
    expect(Object.keys(deps).sort()).toEqual([
      'shop-shared', 'shop-traffic', `shop-unit-${blue}`, `shop-unit-${green}`, `shop-validate-${blue}`, `shop-validate-${green}`,
    ].sort());
    expect(deps['shop-traffic'].sort()).toEqual(['shop-shared', `shop-unit-${blue}`, `shop-unit-${green}`, `shop-validate-${blue}`, `shop-validate-${green}`].sort());
    expect(deps[`shop-validate-${green}`]).toEqual([`shop-unit-${green}`]);
    expect(deps[`shop-unit-${green}`]).toEqual(['shop-shared']);
    for (const [, , body] of resourcesOf(stacks[`shop-unit-${green}`])) expect(body.lifecycle.prevent_destroy).toBe(true);
  });

  test.each([['Front Door', new FrontDoorRouter(), 'azurerm_cdn_frontdoor_profile'], ['Traffic Manager', new TrafficManagerRouter(), 'azurerm_traffic_manager_profile']])(
    'the %s profile references the shared resource group, so Terraform creates the group first', (_name, router, type) => {
      const app = testApp();
      new AksFleet(app, 'shop', {
        subscriptionId: SUBSCRIPTION, spec: aksSpec(), router,
        units: [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }],
      });
      const { stacks } = synthAll(app);
      const profile = Object.values<any>(stacks['shop-shared'].resource[type])[0];
      expect(profile.resource_group_name).toBe('${azurerm_resource_group.resource-group.name}');
    });
});

describe('AKS unit, validation and traffic content', () => {
  const app = testApp();
  const fleet = new AksFleet(app, 'shop', {
    subscriptionId: SUBSCRIPTION, spec: aksSpec(), router: new FrontDoorRouter(), validationPrincipalObjectId: '22222222-2222-2222-2222-222222222222',
    tags: { costcenter: 'cc-42' },
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 80 },
      { slot: 'green', kubernetesVersion: '1.34.2', lifecycle: UnitLifecycle.SERVING, weight: 20 },
    ],
  });
  const { stacks } = synthAll(app);
  const green = fleet.plan.units[1].name;
  const unit = stacks[`shop-unit-${green}`];
  const cluster = Object.values<any>(unit.resource.azurerm_kubernetes_cluster)[0];

  test('secure defaults: Entra ID + Azure RBAC, no local accounts, OIDC + workload identity, no automatic upgrades, OS patches in a window', () => {
    expect(cluster.local_account_disabled).toBe(true);
    expect(cluster.azure_active_directory_role_based_access_control.azure_rbac_enabled).toBe(true);
    expect(cluster.oidc_issuer_enabled).toBe(true);
    expect(cluster.workload_identity_enabled).toBe(true);
    expect(cluster.automatic_upgrade_channel).toBeUndefined();
    expect(cluster.node_os_upgrade_channel).toBe('SecurityPatch');
    expect(cluster.maintenance_window_node_os).toMatchObject({ frequency: 'Weekly', day_of_week: 'Sunday', start_time: '02:00', duration: 4 });
    expect(cluster.kubernetes_version).toBe('1.34.2');
    expect(cluster.default_node_pool.orchestrator_version).toBe('1.34.2');
    expect(cluster.default_node_pool.only_critical_addons_enabled).toBe(true);
  });

  test('every unit resource is tagged with fleet and unit (never the step) and protected', () => {
    for (const [type, , body] of resourcesOf(unit)) {
      expect(body.lifecycle.prevent_destroy).toBe(true);
      if (type !== 'azurerm_role_assignment' && type !== 'time_sleep') {
        expect(body.tags).toMatchObject({ 'bluegreen-fleet': 'shop', 'bluegreen-unit': green, costcenter: 'cc-42' });
        expect(body.tags['bluegreen-step']).toBeUndefined();
      }
    }
    expect(Object.values<any>(unit.resource.azurerm_kubernetes_cluster_node_pool)[0]).toMatchObject({ name: 'apps', mode: 'User', orchestrator_version: '1.34.2', node_labels: { workload: 'apps' } });
  });

  test("the unit's origin is a static public IP whose DNS name the Front Door origin points at", () => {
    const ip = Object.values<any>(unit.resource.azurerm_public_ip)[0];
    expect(ip).toMatchObject({ allocation_method: 'Static', sku: 'Standard' });
    const origins = Object.values<any>(stacks['shop-traffic'].resource.azurerm_cdn_frontdoor_origin);
    const host = `${ip.domain_name_label}.westeurope.cloudapp.azure.com`;
    expect(origins.find((o) => o.host_name === host)).toMatchObject({ enabled: true, weight: 200, priority: 1 });
    expect(Object.values<any>(stacks['shop-traffic'].resource.azurerm_cdn_frontdoor_origin_group)[0].load_balancing.additional_latency_in_milliseconds).toBe(1000);
    expect(Object.values<any>(stacks['shop-traffic'].resource.azurerm_cdn_frontdoor_origin_group)[0].session_affinity_enabled).toBe(false);
  });

  test('validation reaches the cluster by data-source lookup and kubelogin, and nothing anywhere is an output', () => {
    const v = stacks[`shop-validate-${green}`];
    expect(Object.values<any>(v.data.azurerm_kubernetes_cluster)[0].name).toBe(cluster.name);
    const k8s = v.provider.kubernetes[0];
    expect(k8s.exec[0]).toMatchObject({ command: 'kubelogin', api_version: 'client.authentication.k8s.io/v1beta1' });
    expect(k8s.token).toBeUndefined();
    expect(k8s.client_key).toBeUndefined();
    for (const [name, json] of Object.entries<any>(stacks)) {
      expect({ name, output: json.output }).toEqual({ name, output: undefined });
      expect(JSON.stringify(json)).not.toMatch(/kube_admin_config|client_key|"token"/);
    }
  });

  test('nodes-ready check: postconditions on count, Ready condition and the exact kubelet patch', () => {
    const nodes = Object.values<any>(stacks[`shop-validate-${green}`].data.kubernetes_nodes)[0];
    const conds = nodes.lifecycle.postcondition.map((p: any) => p.condition);
    expect(conds[0]).toBe('${length(self.nodes) >= 4}');
    expect(conds[1]).toContain('c.type == "Ready" && c.status == "True"');
    expect(conds[2]).toContain('^v1\\\\.34\\\\.2([^0-9].*)?$');
  });

  test('smoke Jobs run hardened and wait for completion; the HTTP probe hits the unit origin, not the front door', () => {
    const v = stacks[`shop-validate-${green}`];
    const job = Object.values<any>(v.resource.kubernetes_job_v1)[0];
    expect(job.wait_for_completion).toBe(true);
    expect(job.spec.template.spec.security_context).toMatchObject({ run_as_non_root: true, seccomp_profile: { type: 'RuntimeDefault' } });
    expect(job.spec.template.spec.container[0].security_context).toMatchObject({ allow_privilege_escalation: false, read_only_root_filesystem: true, capabilities: { drop: ['ALL'] } });
    const probe = Object.values<any>(v.data.http)[0];
    expect(probe.url).toMatch(/^https:\/\/shop-green-1-34-[a-z0-9]+\.westeurope\.cloudapp\.azure\.com\/healthz$/);
    expect(probe.lifecycle.postcondition[0].condition).toBe('${self.status_code == 200}');
  });

  test('the validation principal gets cluster-admin through Azure RBAC on its unit only', () => {
    const grants = Object.values<any>(unit.resource.azurerm_role_assignment).filter((r) => r.principal_id === '22222222-2222-2222-2222-222222222222');
    expect(grants).toHaveLength(1);
    expect(grants[0].role_definition_name).toBe('Azure Kubernetes Service RBAC Cluster Admin');
    expect(grants[0].scope).toMatch(/azurerm_kubernetes_cluster\.unit_cluster_[A-Z0-9]+\.id/);
  });

  test('construct ids (Terraform addresses) of unit resources stay stable', () => {
    expect(Object.keys(unit.resource).sort()).toEqual(['azurerm_kubernetes_cluster', 'azurerm_kubernetes_cluster_node_pool', 'azurerm_public_ip', 'azurerm_role_assignment', 'azurerm_user_assigned_identity', 'time_sleep']);
    expect(Object.keys(unit.resource.time_sleep)).toEqual(['unit_validation-access-propagation_BD548A8E']);
    expect(Object.keys(unit.resource.azurerm_kubernetes_cluster)[0]).toMatch(/^unit_cluster_[A-Z0-9]{8}$/);
    expect(Object.keys(unit.resource.azurerm_kubernetes_cluster_node_pool)[0]).toMatch(/^unit_pool-apps_[A-Z0-9]{8}$/);
  });
});
