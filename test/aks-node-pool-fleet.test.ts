import { AksNodePoolFleetProps, HttpProbeCheck, RolloutPlan, SchedulingRouter } from '../src';
import { deployOrder } from '../src/core/plan-report';
import { DRAIN_SCRIPT } from '../src/kubernetes/node-pool-drain-script';
import { aksPoolFleet, candidate, drainedPools, drainJobOf, poolOf, retired, serving, standby, withoutPoolTaints } from './support/node-pool-fixtures';
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
    // the identity and the cluster name their resource group by reference, so Terraform creates it first
    // (the rehearsal's first deploy failed with ResourceGroupNotFound when they named it by string)
    const shared = a1.stacks['shop-shared'].resource;
    expect(cluster(a1).resource_group_name).toMatch(/^\$\{azurerm_resource_group\.[^.]+\.name\}$/);
    expect(Object.values<any>(shared.azurerm_user_assigned_identity)[0].resource_group_name).toMatch(/^\$\{azurerm_resource_group\./);
  });

  test('a pool\'s stack differs across steps only in node_taints, which hold the cordon exactly while it is not serving', () => {
    const blueStack = `shop-unit-${blue}`;
    const greenStack = `shop-unit-${green}`;
    // serving → serving: byte-identical
    expect(config(a1.stacks[blueStack])).toBe(config(a0.stacks[blueStack]));
    expect(config(a3.stacks[greenStack])).toBe(config(a2.stacks[greenStack]));
    // serving → standby and candidate → serving: only node_taints moves
    expect(withoutPoolTaints(a2.stacks[blueStack])).toBe(withoutPoolTaints(a0.stacks[blueStack]));
    expect(withoutPoolTaints(a2.stacks[greenStack])).toBe(withoutPoolTaints(a1.stacks[greenStack]));
    expect(config(a2.stacks[blueStack])).not.toBe(config(a0.stacks[blueStack]));
    expect(poolOf(a0.stacks[blueStack]).node_taints).toEqual([]);
    expect(poolOf(a2.stacks[blueStack]).node_taints).toEqual([`bluegreen.cdktf.io/cordoned=${blue}:NoSchedule`]);
    expect(poolOf(a1.stacks[greenStack]).node_taints).toEqual([`bluegreen.cdktf.io/cordoned=${green}:NoSchedule`]);
    expect(poolOf(a2.stacks[greenStack]).node_taints).toEqual([]);
    const pools = resourcesOf(a1.stacks[greenStack]).filter(([t]) => t === 'azurerm_kubernetes_cluster_node_pool');
    expect(pools).toHaveLength(1);
    const [, , pool] = pools[0];
    expect(pool.name).toBe(a1.pool('green'));
    expect(pool.orchestrator_version).toBe('1.34');
    expect(pool.mode).toBe('User');
    expect(pool.node_labels).toEqual({ workload: 'apps', 'bluegreen.cdktf.io/unit': green });
    expect(pool.kubernetes_cluster_id).toBe('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop-rg/providers/Microsoft.ContainerService/managedClusters/shop-aks');
  });

  test('the spec\'s own taints stay; the cordon is appended to them', () => {
    const s = step({ ...s1, pool: { vmSize: 'Standard_D8ds_v5', minCount: 3, maxCount: 10, labels: { workload: 'apps' }, taints: ['dedicated=apps:NoSchedule'] } });
    const g = s.unit('green');
    expect(poolOf(s.stacks[`shop-unit-${g}`]).node_taints).toEqual(['dedicated=apps:NoSchedule', `bluegreen.cdktf.io/cordoned=${g}:NoSchedule`]);
    expect(poolOf(s.stacks[`shop-unit-${s.unit('blue')}`]).node_taints).toEqual(['dedicated=apps:NoSchedule']);
  });

  test('candidate step: control plane first, then the new pool, born cordoned, then its checks; nothing is drained', () => {
    expect(a1.deps[`shop-unit-${green}`]).toEqual(['shop-shared']);
    expect(a1.deps[`shop-validate-${green}`]).toEqual([`shop-unit-${green}`]);
    // the traffic stack waits for every live pool's stack (issue 10 item 2), and green's checks do not wait for it
    expect(a1.deps['shop-traffic'].sort()).toEqual(['shop-shared', `shop-unit-${blue}`, `shop-unit-${green}`, `shop-validate-${blue}`].sort());
    const order = deployOrder(a1.fleet.plan.stacks).map((s) => s.name);
    expect(order[0]).toBe('shop-shared');
    expect(order.indexOf(`shop-unit-${green}`)).toBeLessThan(order.indexOf(`shop-validate-${green}`));
    expect(drainJobOf(a1.stacks['shop-traffic'])).toBeUndefined();
    expect(a1.stacks['shop-traffic'].resource.kubernetes_node_taint).toBeUndefined();
  });

  test('standby step: green loses its cordon, is checked, then the traffic stack drains blue, and only then blue gets its cordon', () => {
    const traffic = a2.stacks['shop-traffic'];
    // not on blue's unit stack: that one waits for the traffic stack (its cordon follows the drain)
    expect(a2.deps['shop-traffic'].sort()).toEqual(['shop-shared', `shop-unit-${green}`, `shop-validate-${green}`].sort());
    expect(a2.deps[`shop-unit-${blue}`].sort()).toEqual(['shop-shared', 'shop-traffic']);
    const order = deployOrder(a2.fleet.plan.stacks).map((s) => s.name);
    expect(order.indexOf(`shop-unit-${green}`)).toBeLessThan(order.indexOf(`shop-validate-${green}`));
    expect(order.indexOf(`shop-validate-${green}`)).toBeLessThan(order.indexOf('shop-traffic'));
    expect(order.indexOf('shop-traffic')).toBeLessThan(order.indexOf(`shop-unit-${blue}`));
    const job = drainJobOf(traffic);
    // The Job's name ends with the attempt: it goes up when the last run of this step did not finish,
    // so re-deploying runs the drain again; a finished drain keeps its name (nothing to do).
    const previous = Object.entries<any>(traffic.data.kubernetes_config_map_v1).find(([k]) => k.includes('drain-previous-result'))!;
    const last = (key: string, fallback: string) => `lookup(data.kubernetes_config_map_v1.${previous[0]}.data, "${key}", "${fallback}")`;
    const attempt = `\${try(${last('step', '')} == "${a2.fleet.step}" ? (${last('status', '')} == "drained" ? tonumber(${last('attempt', '1')}) : tonumber(${last('attempt', '1')}) + 1) : 1, 1)}`;
    // Named by the API server from that prefix (20.5): a Job left by an interrupted deploy never blocks the retry.
    expect(job.metadata.generate_name).toBe(`drain-${a2.fleet.step}-${attempt}-`);
    expect(previous[1].depends_on[0]).toMatch(/^kubernetes_config_map_v1\./);
    const resultMap = Object.values<any>(traffic.resource.kubernetes_config_map_v1)[0];
    expect(resultMap.lifecycle.ignore_changes).toEqual(['data']);
    expect(job.depends_on.some((d: string) => d.startsWith('kubernetes_cluster_role_binding_v1.'))).toBe(true);
    expect(job.metadata.namespace).toBe('shop-drain');
    expect(job.metadata.labels).toMatchObject({ 'bluegreen.cdktf.io/action': 'drain', 'bluegreen.cdktf.io/fleet': 'shop', 'bluegreen.cdktf.io/step': a2.fleet.step });
    expect(job.metadata.annotations).toEqual({
      'bluegreen.cdktf.io/drain-pools': a2.pool('blue'),
      'bluegreen.cdktf.io/serving-pools': a2.pool('green'),
      'bluegreen.cdktf.io/entering-pools': a2.pool('green'),
      'bluegreen.cdktf.io/node-label-key': 'kubernetes.azure.com/agentpool',
      'bluegreen.cdktf.io/pool-selector': `kubernetes.azure.com/agentpool in (${a2.pool('blue')})`,
      'bluegreen.cdktf.io/pod-selector': 'app.kubernetes.io/managed-by!=cdktf-bluegreen',
      'bluegreen.cdktf.io/batch-size': '1',
      'bluegreen.cdktf.io/timeout-seconds': '900',
      'bluegreen.cdktf.io/result-configmap': 'shop-drain/drain-result',
      'bluegreen.cdktf.io/attempt': attempt,
    });
    expect(job.wait_for_completion).toBe(true);
    expect(job.timeouts).toEqual({ create: '1200s', update: '1200s' });
    const pod = job.spec.template.spec;
    expect(pod.service_account_name).toMatch(/^\$\{kubernetes_service_account_v1\.[^.]+\.metadata\[0\]\.name\}$/);
    expect(pod.container[0].image).toBe('alpine/k8s:1.33.4');
    expect(pod.container[0].command.slice(0, 2)).toEqual(['sh', '-c']);
    // the script's own ${...} and %{ are escaped, so Terraform passes it to sh as written
    // (the rehearsal's Terraform refused the unescaped script: "Invalid expression")
    expect(pod.container[0].command[2]).toContain('$${stuck% }');
    expect(pod.container[0].command[2]).not.toMatch(/(^|[^$])\$\{/);
    expect(DRAIN_SCRIPT).toContain('${stuck% }');
    expect(pod.container[0].security_context).toEqual({ allow_privilege_escalation: false, read_only_root_filesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.security_context.run_as_non_root).toBe(true);
    // the deploy fails unless the Job reported this step's drain as done, with the Job's own account of what blocked
    const result = Object.entries<any>(traffic.data.kubernetes_config_map_v1).find(([k]) => !k.includes('drain-previous-result'))![1];
    expect(result.metadata).toEqual({ name: 'drain-result', namespace: 'shop-drain' });
    expect(result.depends_on[0]).toMatch(/^kubernetes_job_v1\./);
    expect(result.lifecycle.postcondition[0].condition).toBe(`\${try(self.data["step"], "") == "${a2.fleet.step}" && try(self.data["status"], "") == "drained"}`);
    expect(result.lifecycle.postcondition[0].error_message).toContain('${try(self.data["detail"], "the drain Job wrote no result")}');
    // the drain timer runs after the drain
    const timer = Object.values<any>(traffic.resource.time_sleep)[0];
    expect(timer.triggers.drained).toBe(`${blue}:standby`);
    expect(timer.depends_on.some((d: string) => d.startsWith('kubernetes_job_v1.'))).toBe(true);
    // no per-node taints any more
    expect(traffic.resource.kubernetes_node_taint).toBeUndefined();
    // the traffic stack reaches the cluster through look-ups by name, never outputs
    expect(Object.values<any>(traffic.data.azurerm_kubernetes_cluster)[0].name).toBe('shop-aks');
  });

  test('the drain runs with least privilege: its own ServiceAccount, a ClusterRole of exactly the verbs kubectl drain needs, a Role for its result', () => {
    const r = a2.stacks['shop-traffic'].resource;
    const role = Object.values<any>(r.kubernetes_cluster_role_v1)[0];
    expect(role.metadata.name).toBe('bluegreen-drain-shop');
    expect(role.rule).toEqual([
      { api_groups: [''], resources: ['nodes'], verbs: ['get', 'list', 'patch'] },
      { api_groups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { api_groups: [''], resources: ['pods/eviction'], verbs: ['create'] },
      { api_groups: ['apps'], resources: ['daemonsets', 'replicasets'], verbs: ['get'] },
      { api_groups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get', 'list', 'watch'] },
      { api_groups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['list'] },
    ]);
    // never delete, never a wildcard, never secrets
    const all = [...role.rule, ...Object.values<any>(r.kubernetes_role_v1)[0].rule];
    for (const rule of all) {
      expect(rule.verbs).not.toContain('*');
      expect(rule.verbs).not.toContain('delete');
      expect(rule.resources).not.toContain('secrets');
    }
    // The Role and its binding live in the drain namespace and refer to it, so Terraform creates them
    // after it (a Role in a namespace that does not exist yet is refused: namespaces "…" not found).
    const nsRef = `\${kubernetes_namespace_v1.${Object.keys(r.kubernetes_namespace_v1)[0]}.metadata[0].name}`;
    expect(Object.values<any>(r.kubernetes_role_v1)[0]).toMatchObject({ metadata: { name: 'drain-result', namespace: nsRef }, rule: [{ api_groups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'patch'] }] });
    expect(Object.values<any>(r.kubernetes_role_binding_v1)[0].metadata).toMatchObject({ name: 'drain-result', namespace: nsRef });
    expect(Object.values<any>(r.kubernetes_namespace_v1)[0].metadata.name).toBe('shop-drain');
    const binding = Object.values<any>(r.kubernetes_cluster_role_binding_v1)[0];
    expect(binding.subject).toEqual([{ kind: 'ServiceAccount', name: expect.stringContaining('kubernetes_service_account_v1.'), namespace: 'shop-drain' }]);
    expect(Object.values<any>(r.kubernetes_namespace_v1)[0].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    // the RBAC objects are the same in every step, so they do not come and go
    for (const s of [a0, a1, a3]) expect(s.stacks['shop-traffic'].resource.kubernetes_cluster_role_v1).toEqual(r.kubernetes_cluster_role_v1);
  });

  test('a retired pool is drained again (no workload pod left) and only then deleted: its stack is empty and depends on the traffic stack', () => {
    expect(resourcesOf(a3.stacks[`shop-unit-${blue}`])).toEqual([]);
    expect(a3.deps[`shop-unit-${blue}`].sort()).toEqual(['shop-shared', 'shop-traffic']);
    expect(a3.deps['shop-traffic']).toContain(`shop-validate-${green}`);
    expect(a3.stacks[`shop-validate-${blue}`]).toBeUndefined();
    expect(drainedPools(a3.stacks['shop-traffic'])).toEqual([a3.pool('blue')]);
    expect(drainJobOf(a3.stacks['shop-traffic']).metadata.annotations['bluegreen.cdktf.io/entering-pools']).toBe('');
    const order = deployOrder(a3.fleet.plan.stacks).map((s) => s.name);
    expect(order[order.length - 1]).toBe(`shop-unit-${blue}`);
  });

  test('checks of different pools never share an object: one namespace per pool, and a standby pool\'s removal touches only its own', () => {
    const nsOf = (json: any) => Object.values<any>(json.resource.kubernetes_namespace_v1)[0].metadata.name;
    const vb = a1.stacks[`shop-validate-${blue}`];
    const vg = a1.stacks[`shop-validate-${green}`];
    expect(nsOf(vb)).toBe(`shop-checks-${blue}`);
    expect(nsOf(vg)).toBe(`shop-checks-${green}`);
    // every Job lives in its stack's own namespace (a reference to it), so (namespace, name) never repeats
    const jobsOf = (json: any) => Object.values<any>(json.resource.kubernetes_job_v1).map((j) => {
      expect(j.metadata.namespace).toBe('${kubernetes_namespace_v1.checks-namespace.metadata[0].name}');
      return `${nsOf(json)}/${j.metadata.generate_name}`;
    });
    const objects = [...jobsOf(vb), ...jobsOf(vg)];
    expect(new Set(objects).size).toBe(objects.length);
    expect(jobsOf(vg)).toEqual([`shop-checks-${green}/cluster-dns-${a1.fleet.step}-`]);
    // blue stands by in step 2: its validation stack is emptied, green's keeps its own namespace
    expect(resourcesOf(a2.stacks[`shop-validate-${blue}`])).toEqual([]);
    expect(nsOf(a2.stacks[`shop-validate-${green}`])).toBe(`shop-checks-${green}`);
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
    // the cordon taint, and the cordon a drain leaves, so a rolled-back pool is checked before it is uncordoned
    expect(pod.toleration).toEqual([{ key: 'bluegreen.cdktf.io/cordoned', operator: 'Exists', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(job.metadata.generate_name).toBe(`cluster-dns-${a1.fleet.step}-`);
  });

  test('no stack has outputs (no credential ever leaves a stack)', () => {
    for (const s of steps) for (const json of Object.values<any>(s.stacks)) expect(json.output).toBeUndefined();
  });

  test('the plan report says each phase: build born cordoned, checks, serve, drain, stand by, retire', () => {
    const md = RolloutPlan.markdown(a1.app);
    expect(md).toContain('## Fleet `shop` — AKS node-pool units behind Kubernetes scheduling (NoSchedule cordon)');
    expect(md).toContain('Control plane 1.33 → 1.34 (in place, one minor) in `shop-shared`');
    expect(md).toMatch(/1\. `shop-shared` — upgrade the control plane in place 1\.33 → 1\.34 \(one minor\), first of all/);
    expect(md).toContain(`| \`${green}\` | 1.34 |`);
    expect(md).toContain('cordoned while validated (pool taint, NoSchedule)');
    expect(md).toContain(`build pool ${a1.pool('green')} (AKS 1.34`);
    expect(md).toContain('with the cordon taint in its own spec');
    const md2 = RolloutPlan.markdown(a2.app);
    expect(md2).toContain(`drain ${a2.pool('blue')} (standby): cordon, evict the workload through the Eviction API (PodDisruptionBudgets hold) 1 node(s) at a time, wait until it runs Ready on ${a2.pool('green')}`);
    expect(md2).toContain('a drain still blocked after 900 s fails the deploy naming the PodDisruptionBudgets and pods');
    expect(md2).toContain(`keep pool ${a2.pool('blue')} (prevent_destroy); after the traffic stack drained it, put the cordon taint in its spec`);
    const md3 = RolloutPlan.markdown(a3.app);
    expect(md3).toContain('drained, then deleted');
    expect(md3).toMatch(new RegExp(`\`shop-unit-${blue}\` — delete pool ${a3.pool('blue')}, after the traffic stack's drain left no workload pod on it`));
    const json = JSON.parse(RolloutPlan.json(a1.app));
    expect(json.fleets[0].controlPlane).toEqual({ version: '1.34', previousVersion: '1.33', stack: 'shop-shared' });
    expect(json.fleets[0].unitKind).toBe('node-pool');
  });

  test('rollback from standby in one deploy: blue loses its cordon and is checked, then green is drained, then green gets its cordon', () => {
    const back = step({ previousControlPlaneVersion: '1.34', controlPlaneVersion: '1.34', previousUnits: s2.units, units: [serving('blue', '1.33', 100), standby('green', '1.34')] });
    expect(poolOf(back.stacks[`shop-unit-${blue}`]).node_taints).toEqual([]);
    expect(poolOf(back.stacks[`shop-unit-${green}`]).node_taints).toEqual([`bluegreen.cdktf.io/cordoned=${green}:NoSchedule`]);
    expect(back.deps['shop-traffic']).toContain(`shop-validate-${blue}`);
    expect(back.deps[`shop-unit-${green}`]).toContain('shop-traffic');
    const ann = drainJobOf(back.stacks['shop-traffic']).metadata.annotations;
    expect(ann['bluegreen.cdktf.io/drain-pools']).toBe(back.pool('green'));
    expect(ann['bluegreen.cdktf.io/serving-pools']).toBe(back.pool('blue'));
    expect(ann['bluegreen.cdktf.io/entering-pools']).toBe(back.pool('blue'));
    const order = deployOrder(back.fleet.plan.stacks).map((s) => s.name);
    expect(order.indexOf(`shop-validate-${blue}`)).toBeLessThan(order.indexOf('shop-traffic'));
    expect(order.indexOf('shop-traffic')).toBeLessThan(order.indexOf(`shop-unit-${green}`));
  });

  test('without previousUnits no serving pool counts as entering: a failed drain never cordons a pool that may have served all along', () => {
    const s = step({ controlPlaneVersion: '1.34', units: [standby('blue', '1.33'), serving('green', '1.34')] });
    expect(drainJobOf(s.stacks['shop-traffic']).metadata.annotations['bluegreen.cdktf.io/entering-pools']).toBe('');
  });

  test('drain options reach the Job; bad ones are refused at synth', () => {
    const s = step({ ...s2, router: new SchedulingRouter({ drain: { timeoutSeconds: 300, batchSize: 3, image: 'registry.example.com/tools/kubectl:1.34.1' } }) });
    const job = drainJobOf(s.stacks['shop-traffic']);
    expect(job.metadata.annotations['bluegreen.cdktf.io/batch-size']).toBe('3');
    expect(job.metadata.annotations['bluegreen.cdktf.io/timeout-seconds']).toBe('300');
    expect(job.spec.template.spec.container[0].image).toBe('registry.example.com/tools/kubectl:1.34.1');
    const env = Object.fromEntries(job.spec.template.spec.container[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ BATCH_SIZE: '3', TIMEOUT_SECONDS: '300', DRAIN_POOLS: s.pool('blue'), SERVING_POOLS: s.pool('green'), NODE_LABEL_KEY: 'kubernetes.azure.com/agentpool' });
    expect(() => new SchedulingRouter({ drain: { timeoutSeconds: 10 } })).toThrow(/SchedulingRouter\.drain\.timeoutSeconds.*10.*from 60 to 21600.*timeoutSeconds: 900/s);
    expect(() => new SchedulingRouter({ drain: { batchSize: 0 } })).toThrow(/drain\.batchSize.*batchSize: 1/s);
    expect(() => new SchedulingRouter({ drain: { image: 'kubectl:latest' } })).toThrow(/drain\.image.*pinned by tag or digest/s);
  });

  test('HttpProbeCheck is refused in a node-pool fleet: a pool has no origin of its own', () => {
    expect(() => aksPoolFleet(testApp(), { checks: [new HttpProbeCheck()] })).toThrow(/fleet "shop": checks = "http-probe" is refused: .*a node pool has none.*Fix: new SmokeJobCheck/s);
  });
});
