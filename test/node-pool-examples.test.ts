import * as fs from 'fs';
import * as path from 'path';
import { RolloutPlan } from '../src';
import { build as buildAks } from '../examples/aks-node-pool/main';
import { build as buildEks } from '../examples/eks-node-pool/main';
import { addNodePoolReferenceFleets } from '../stacks/node-pools';
import { resourcesOf, synthAll, testApp, warningsBesideSupport } from './support/synth';

describe('node-pool examples and reference fleets synthesize', () => {
  test.each([
    ['aks-node-pool', buildAks, 'shop-pools', 'azurerm_kubernetes_cluster_node_pool'],
    ['eks-node-pool', buildEks, 'shop-groups', 'aws_eks_node_group'],
  ])('examples/%s is a complete app: its own cdktf.json, build(app), all stacks with their pools', (dir, build, fleet, poolType) => {
    const cdktf = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'examples', dir, 'cdktf.json'), 'utf8'));
    expect(cdktf.app).toBe('node -r tsx/cjs main.ts');
    const app = testApp();
    build(app);
    const { stacks, deps } = synthAll(app);
    expect(Object.keys(stacks)).toContain(`${fleet}-shared`);
    expect(Object.keys(stacks)).toContain(`${fleet}-traffic`);
    const units = Object.keys(stacks).filter((s) => s.startsWith(`${fleet}-unit-`));
    expect(units).toHaveLength(2);
    for (const u of units) {
      expect(deps[u]).toContain(`${fleet}-shared`);
      const pools = resourcesOf(stacks[u]).filter(([t]) => t === poolType);
      expect(pools).toHaveLength(1);
      expect(pools[0][2].lifecycle.prevent_destroy).toBe(true);
    }
    // Every pin in the example matches the spec it declares: no "not pinned" and no refusal.
    const [plan] = RolloutPlan.plansOf(app);
    expect(plan.units.every((u) => u.pinned)).toBe(true);
    expect(warningsBesideSupport(plan)).toEqual([]);
    // Every pool that is not serving carries the cordon taint in its own spec; serving pools do not.
    for (const u of plan.units.filter((x) => x.lifecycle !== 'retired')) {
      const [, , pool] = resourcesOf(stacks[`${fleet}-unit-${u.name}`]).find(([t]) => t === poolType)!;
      const cordoned = poolType === 'aws_eks_node_group'
        ? (pool.taint ?? []).some((t: any) => t.key === 'bluegreen.cdktf.io/cordoned')
        : pool.node_taints.some((t: string) => t.startsWith('bluegreen.cdktf.io/cordoned='));
      expect(cordoned).toBe(u.lifecycle !== 'serving');
    }
  });

  test('the AKS example gates the new pool on PodDisruptionBudgets in its namespaces', () => {
    const app = testApp();
    buildAks(app);
    const { stacks } = synthAll(app);
    const [plan] = RolloutPlan.plansOf(app);
    const green = plan.units.find((u) => u.slot === 'green')!;
    expect(green.checks).toEqual(['nodes-ready', 'cluster-dns', 'pdbs-exist']);
    const pdbs = Object.values<any>(stacks[`shop-pools-validate-${green.name}`].data.kubernetes_resources);
    expect(pdbs).toHaveLength(1);
    expect(pdbs[0]).toMatchObject({ api_version: 'policy/v1', kind: 'PodDisruptionBudget', namespace: 'shop' });
    expect(pdbs[0].lifecycle.postcondition[0].condition).toBe('${length(self.objects) >= 1}');
  });

  test('addNodePoolReferenceFleets adds a pinned AKS and EKS node-pool rollout', () => {
    const app = testApp();
    addNodePoolReferenceFleets(app);
    const { stacks, deps } = synthAll(app);
    const plans = RolloutPlan.plansOf(app);
    expect(plans.map((p) => [p.fleet, p.cloud, p.unitKind])).toEqual([['pools-prod-weu', 'AKS', 'node-pool'], ['pools-prod-euw1', 'EKS', 'node-pool']]);
    for (const p of plans) expect(warningsBesideSupport(p)).toEqual([]);
    const retired = plans[1].units.find((u) => u.lifecycle === 'retired')!;
    expect(resourcesOf(stacks[`pools-prod-euw1-unit-${retired.name}`])).toEqual([]);
    expect(deps[`pools-prod-euw1-unit-${retired.name}`]).toContain('pools-prod-euw1-traffic');
    expect(Object.values<any>(stacks['pools-prod-weu-shared'].resource.azurerm_kubernetes_cluster)[0].kubernetes_version).toBe('1.34');
  });
});

describe('construct ids of node-pool units are a contract (a rename would replace a live pool or cluster)', () => {
  test('Terraform addresses of pools and clusters stay', () => {
    const a = testApp();
    buildAks(a);
    const aks = synthAll(a).stacks;
    for (const [name, json] of Object.entries<any>(aks)) {
      if (name.startsWith('shop-pools-unit-')) expect(Object.keys(json.resource.azurerm_kubernetes_cluster_node_pool)).toEqual(['unit_pool_39462AA7']);
    }
    expect(Object.keys(aks['shop-pools-shared'].resource.azurerm_kubernetes_cluster)).toEqual(['cluster_A4C38409']);
    const e = testApp();
    buildEks(e);
    const eks = synthAll(e).stacks;
    for (const [name, json] of Object.entries<any>(eks)) {
      if (name.startsWith('shop-groups-unit-')) expect(Object.keys(json.resource.aws_eks_node_group)).toEqual(['unit_node-group_F576C84D']);
    }
    expect(Object.keys(eks['shop-groups-shared'].resource.aws_eks_cluster)).toEqual(['control-plane_cluster_47C848BD']);
  });
});
