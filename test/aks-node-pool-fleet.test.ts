import { AksNodePoolFleetProps, RolloutPlan } from '../src';
import { deployOrder } from '../src/core/plan-report';
import { aksPoolFleet, candidate, retired, serving, standby } from './support/node-pool-fixtures';
import { resourcesOf, synthAll, testApp } from './support/synth';

/** One step of a node-pool rollout: the app synthesized, with the fleet's names. */
function step(props: Partial<AksNodePoolFleetProps>) {
  const app = testApp();
  const fleet = aksPoolFleet(app, props);
  const out = synthAll(app);
  const unit = (slot: string) => fleet.plan.units.find((u) => u.slot === slot)!.name;
  return { app, fleet, ...out, unit, pool: (slot: string) => fleet.poolNames[unit(slot)] };
}

/** A stack's whole synthesized JSON, metadata included. */
function config(json: any): string {
  return JSON.stringify(json);
}

// The rollout of the issue: the control plane moves 1.33 → 1.34 in place; pool blue (1.33) is
// replaced by pool green (1.34): candidate, serve, cordon blue, retire blue.
const s0 = { controlPlaneVersion: '1.33', units: [serving('blue', '1.33')] };
const s1 = { previousControlPlaneVersion: '1.33', controlPlaneVersion: '1.34', previousUnits: s0.units, units: [serving('blue', '1.33'), candidate('green', '1.34')] };
const s2 = { previousControlPlaneVersion: '1.34', controlPlaneVersion: '1.34', previousUnits: s1.units, units: [standby('blue', '1.33'), serving('green', '1.34')] };
const s3 = { previousControlPlaneVersion: '1.34', controlPlaneVersion: '1.34', previousUnits: s2.units, units: [retired('blue', '1.33'), serving('green', '1.34')] };

describe('AKS node-pool fleet', () => {
  const steps = [s0, s1, s2, s3].map(step);
  const [a0, a1, a2, a3] = steps;
  const blue = a0.unit('blue');
  const green = a1.unit('green');

  test('the cluster lives in <fleet>-shared and its control plane moves one minor in place', () => {
    const cluster = (s: typeof a0) => Object.values<any>(s.stacks['shop-shared'].resource.azurerm_kubernetes_cluster)[0];
    expect(cluster(a0).kubernetes_version).toBe('1.33');
    expect(cluster(a1).kubernetes_version).toBe('1.34');
    expect(cluster(a1).default_node_pool.orchestrator_version).toBe('1.34');
    expect(cluster(a1).lifecycle.prevent_destroy).toBe(true);
    expect(a1.stacks['shop-shared'].resource.azurerm_kubernetes_cluster_node_pool).toBeUndefined();
  });

  test('a new pool is built while the old pool keeps its exact JSON', () => {
    const blueStack = `shop-unit-${blue}`;
    expect(config(a1.stacks[blueStack])).toBe(config(a0.stacks[blueStack]));
    expect(config(a2.stacks[blueStack])).toBe(config(a0.stacks[blueStack]));
    const greenStack = `shop-unit-${green}`;
    expect(config(a2.stacks[greenStack])).toBe(config(a1.stacks[greenStack]));
    expect(config(a3.stacks[greenStack])).toBe(config(a1.stacks[greenStack]));
    const pools = resourcesOf(a1.stacks[greenStack]).filter(([t]) => t === 'azurerm_kubernetes_cluster_node_pool');
    expect(pools).toHaveLength(1);
    const [, , pool] = pools[0];
    expect(pool.name).toBe(a1.pool('green'));
    expect(pool.orchestrator_version).toBe('1.34');
    expect(pool.mode).toBe('User');
    expect(pool.node_labels).toEqual({ workload: 'apps', 'bluegreen.cdktf.io/unit': green });
    expect(pool.kubernetes_cluster_id).toBe('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop-rg/providers/Microsoft.ContainerService/managedClusters/shop-aks');
  });

  test('candidate step: control plane first, then the new pool, which is cordoned before it is checked', () => {
    expect(a1.deps[`shop-unit-${green}`]).toEqual(['shop-shared']);
    expect(a1.deps['shop-traffic'].sort()).toEqual(['shop-shared', `shop-unit-${blue}`, `shop-unit-${green}`, `shop-validate-${blue}`].sort());
    expect(a1.deps[`shop-validate-${green}`].sort()).toEqual(['shop-traffic', `shop-unit-${green}`].sort());
    const order = deployOrder(a1.fleet.plan.stacks).map((s) => s.name);
    expect(order[0]).toBe('shop-shared');
    expect(order.indexOf(`shop-unit-${green}`)).toBeLessThan(order.indexOf('shop-traffic'));
    expect(order.indexOf('shop-traffic')).toBeLessThan(order.indexOf(`shop-validate-${green}`));
    const taints = a1.stacks['shop-traffic'].resource.kubernetes_node_taint;
    expect(Object.keys(taints)).toHaveLength(1);
    const [taint] = Object.values<any>(taints);
    expect(taint.taint).toEqual([{ key: 'bluegreen.cdktf.io/cordoned', value: green, effect: 'NoSchedule' }]);
  });

  test('the old pool is cordoned (NoSchedule on its nodes, from the traffic stack) while it stands by, and the serving pool is not', () => {
    const traffic = a2.stacks['shop-traffic'];
    const taints = Object.values<any>(traffic.resource.kubernetes_node_taint);
    expect(taints).toHaveLength(1);
    expect(taints[0].taint[0]).toEqual({ key: 'bluegreen.cdktf.io/cordoned', value: blue, effect: 'NoSchedule' });
    expect(taints[0].for_each).toMatch(/^\$\{toset\(data\.kubernetes_nodes\.[^.]+\.nodes\[\*\]\.metadata\[0\]\.name\)\}$/);
    expect(taints[0].metadata.name).toBe('${each.value}');
    const lookups = Object.values<any>(traffic.data.kubernetes_nodes);
    expect(lookups.map((d) => d.metadata.labels)).toEqual([{ 'kubernetes.azure.com/agentpool': a2.pool('blue') }]);
    // the traffic stack reaches the cluster through look-ups by name, never outputs
    expect(Object.values<any>(traffic.data.azurerm_kubernetes_cluster)[0].name).toBe('shop-aks');
    expect(a2.deps['shop-traffic'].sort()).toEqual(['shop-shared', `shop-unit-${blue}`, `shop-unit-${green}`, `shop-validate-${green}`].sort());
    // the drain timer restarts because a pool left service, after the cordon
    const timer = Object.values<any>(traffic.resource.time_sleep)[0];
    expect(timer.triggers.drained).toBe(`${blue}:standby`);
    expect(timer.depends_on.some((d: string) => d.startsWith('kubernetes_node_taint.'))).toBe(true);
  });

  test('a retired pool stays cordoned, its stack is empty and depends on the traffic stack, which depends on the new pool\'s checks', () => {
    expect(resourcesOf(a3.stacks[`shop-unit-${blue}`])).toEqual([]);
    expect(a3.deps[`shop-unit-${blue}`].sort()).toEqual(['shop-shared', 'shop-traffic']);
    expect(a3.deps['shop-traffic']).toContain(`shop-validate-${green}`);
    expect(a3.stacks[`shop-validate-${blue}`]).toBeUndefined();
    const taints = Object.values<any>(a3.stacks['shop-traffic'].resource.kubernetes_node_taint);
    expect(taints.map((t) => t.taint[0].value)).toEqual([blue]);
    const order = deployOrder(a3.fleet.plan.stacks).map((s) => s.name);
    expect(order[order.length - 1]).toBe(`shop-unit-${blue}`);
  });

  test('every pool that is not retired, and the cluster, has prevent_destroy', () => {
    for (const s of steps) {
      for (const u of s.fleet.plan.units) {
        const res = resourcesOf(s.stacks[`shop-unit-${u.name}`]);
        if (u.lifecycle === 'retired') continue;
        expect(res.length).toBeGreaterThan(0);
        for (const [, , body] of res) expect(body.lifecycle.prevent_destroy).toBe(true);
      }
      for (const [, , body] of resourcesOf(s.stacks['shop-shared'])) expect(body.lifecycle.prevent_destroy).toBe(true);
    }
  });

  test('validation is pinned to the new pool: nodes by its agentpool label on its kubelet, smoke Job with nodeSelector and toleration', () => {
    const v = a1.stacks[`shop-validate-${green}`];
    const nodes = Object.values<any>(v.data.kubernetes_nodes)[0];
    expect(nodes.metadata.labels).toEqual({ 'kubernetes.azure.com/agentpool': a1.pool('green') });
    expect(nodes.lifecycle.postcondition[0].condition).toBe('${length(self.nodes) >= 3}');
    expect(nodes.lifecycle.postcondition[2].condition).toContain('^v1\\\\.34\\\\.');
    const job = Object.values<any>(v.resource.kubernetes_job_v1)[0];
    const pod = job.spec.template.spec;
    expect(pod.node_selector).toEqual({ 'kubernetes.azure.com/agentpool': a1.pool('green') });
    expect(pod.toleration).toEqual([{ key: 'bluegreen.cdktf.io/cordoned', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(job.metadata.name).toBe(`cluster-dns-${a1.fleet.step}`);
  });

  test('no stack has outputs (no credential ever leaves a stack)', () => {
    for (const s of steps) for (const json of Object.values<any>(s.stacks)) expect(json.output).toBeUndefined();
  });

  test('the plan report says the order: control plane first, new pools, then old pools out', () => {
    const md = RolloutPlan.markdown(a1.app);
    expect(md).toContain('## Fleet `shop` — AKS node-pool units behind Kubernetes scheduling (NoSchedule cordon)');
    expect(md).toContain('Control plane 1.33 → 1.34 (in place, one minor) in `shop-shared`');
    expect(md).toMatch(/1\. `shop-shared` — upgrade the control plane in place 1\.33 → 1\.34 \(one minor\), first of all/);
    expect(md).toContain(`| \`${green}\` | 1.34 |`);
    expect(md).toContain('cordoned while validated (NoSchedule)');
    const md3 = RolloutPlan.markdown(a3.app);
    expect(md3).toContain('cordoned until deleted (NoSchedule)');
    expect(md3).toMatch(new RegExp(`\`shop-unit-${blue}\` — delete pool ${a3.pool('blue')}: the cloud drains its nodes`));
    const json = JSON.parse(RolloutPlan.json(a1.app));
    expect(json.fleets[0].controlPlane).toEqual({ version: '1.34', previousVersion: '1.33', stack: 'shop-shared' });
    expect(json.fleets[0].unitKind).toBe('node-pool');
  });

  test('rollback: giving weight back to a standby pool removes its cordon', () => {
    const back = step({ previousControlPlaneVersion: '1.34', controlPlaneVersion: '1.34', previousUnits: s2.units, units: [serving('blue', '1.33', 100), standby('green', '1.34')] });
    const taints = Object.values<any>(back.stacks['shop-traffic'].resource.kubernetes_node_taint);
    expect(taints.map((t) => t.taint[0].value)).toEqual([green]);
    expect(back.deps['shop-traffic']).toContain(`shop-validate-${blue}`);
  });
});
