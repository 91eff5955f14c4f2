// The world's Kubernetes API (issue 19 item 3): what the library's drain Job emits — its namespace
// (Pod Security level), service account, ClusterRole, Role and bindings, its script and environment —
// runs for real: the script with the real kubectl against the API, RBAC enforced, evictions through
// the PDB. Plus the API's own rules (403, 429, selectors, Pod Security) on hand-made objects.
import * as fs from 'fs';
import * as path from 'path';
import { emptyWorld, WorldObject } from '../../rehearsal/world/model';
import { openSimulator, SimContext } from '../../rehearsal/world/simulator';
import { WorldStore } from '../../rehearsal/world/store';
import { WorldOps } from '../../rehearsal/world/ops';
import { handle } from '../../rehearsal/world/kube/api';
import { podSecurityViolations } from '../../rehearsal/world/kube/pod-security';
import { containerOf } from '../../rehearsal/world/kube/jobs';
import { runPodMain } from '../../rehearsal/world/kube/pod-runner';
import { serviceAccountIdentity } from '../../rehearsal/world/kube/rbac';
import { parseLabelSelector } from '../../rehearsal/world/kube/selectors';
import { createNodes, NodeAttrs, nodesOf } from '../../rehearsal/world/rules/nodes';
import { addWorkload, podsPerPool } from '../../rehearsal/world/workload';
import { aksPoolFleet, drainJobOf, serving, standby } from '../support/node-pool-fixtures';
import { synthAll, testApp } from '../support/synth';
import { tempDir } from '../support/temp';

const BY = { stack: 'shop-traffic', provider: 'kubernetes' };

/** The standby step of an AKS node-pool fleet (blue drained to green), as the library synthesizes it. */
let synthesized: { traffic: any; blue: string; green: string } | undefined;
function standbyStep(): { traffic: any; blue: string; green: string } {
  if (!synthesized) synthesized = synthStandbyStep();
  return synthesized;
}

function synthStandbyStep(): { traffic: any; blue: string; green: string } {
  const app = testApp();
  const s1 = { controlPlaneVersion: '1.34', previousControlPlaneVersion: '1.34', previousUnits: [serving('blue', '1.34'), { ...serving('green', '1.34'), weight: 10 }], units: [standby('blue', '1.34'), serving('green', '1.34')] };
  const fleet = aksPoolFleet(app, s1);
  const out = synthAll(app);
  const pool = (slot: string) => fleet.plan.units.find((u) => u.slot === slot)!.name;
  const traffic = out.stacks['shop-traffic'];
  let resolved = traffic;
  for (let i = 0; i < 3; i++) resolved = resolveRefs(resolved, resolved);
  const ann = drainJobOf(resolved).metadata.annotations;
  // The pools' node label values (AKS pool names), from the Job's own contract (docs/node-pools.md).
  expect([ann['bluegreen.cdktf.io/drain-pools'], ann['bluegreen.cdktf.io/serving-pools']].map((p: string) => p.length > 0)).toEqual([true, true]);
  expect(pool('blue')).not.toBe(pool('green'));
  return { traffic: resolved, blue: ann['bluegreen.cdktf.io/drain-pools'], green: ann['bluegreen.cdktf.io/serving-pools'] };
}

/** Resolves `${<type>.<name>.metadata[0].name}` (and `.namespace`) references between the stack's own resources. */
function resolveRefs(stack: any, v: any): any {
  if (typeof v === 'string') {
    return v.replace(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.metadata\[0\]\.(name|namespace)\}/g, (m, type, name, field) => stack.resource?.[type]?.[name]?.metadata?.[field] ?? m);
  }
  if (Array.isArray(v)) return v.map((x) => resolveRefs(stack, x));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveRefs(stack, x)]));
  return v;
}

/** Terraform's reading of a synthesized string: `$${` is a literal `${`, `%%{` a literal `%{`. */
const literal = (s: string) => s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');

/** A world with the cluster, blue and green pools, the sample workload on blue, and every Kubernetes object the traffic stack creates. */
function worldFor(traffic: any, pools: { blue: string; green: string }, minAvailable: number, greenFull = false): { ops: WorldOps; key: string; job: any } {
  const ops = new WorldOps(emptyWorld());
  const c: WorldObject = { type: 'azurerm_kubernetes_cluster', provider: 'azurerm', id: 'shop', name: 'shop', stack: 'shop-shared', createdAt: 0, attrs: { kubernetes_version: '1.34' } };
  ops.put(c);
  const key = ops.keyOf(c);
  const job = drainJobOf(traffic);
  const labelKey = job.metadata.annotations['bluegreen.cdktf.io/node-label-key'];
  for (const [slot, pool] of Object.entries(pools)) {
    createNodes(ops, { cluster: c, pool, count: 3, labels: { [labelKey]: pool, workload: 'apps' }, taints: [], version: '1.34.1', unit: slot, stack: `shop-unit-${slot}`, nodeName: (i) => `${pool}-${i}` });
  }
  for (const n of nodesOf(ops, key, pools.green)) (n.attrs as NodeAttrs).unschedulable = true;
  addWorkload(ops, { cluster: key, namespace: 'shop', name: 'web', replicas: 6, minAvailable, nodeSelector: { workload: 'apps' } });
  for (const n of nodesOf(ops, key, pools.green)) (n.attrs as NodeAttrs).unschedulable = false;
  // no room on green: a taint the workload does not tolerate (e.g. a pool someone tainted by hand)
  if (greenFull) for (const n of nodesOf(ops, key, pools.green)) (n.attrs as NodeAttrs).taints = [{ key: 'dedicated', value: 'other', effect: 'NoSchedule' }];
  for (const [type, byName] of Object.entries<any>(traffic.resource)) {
    if (!type.startsWith('kubernetes_') || type === 'kubernetes_job_v1') continue;
    for (const r of Object.values<any>(byName)) {
      const ns = r.metadata.namespace;
      const id = ns ? `${ns}/${r.metadata.name}` : r.metadata.name;
      ops.put({ type, provider: 'kubernetes', id, name: r.metadata.name, stack: 'shop-traffic', cluster: key, createdAt: 0, attrs: { ...r, id } });
    }
  }
  return { ops, key, job };
}

async function runDrainJob(minAvailable: number, greenFull = false) {
  const step = standbyStep();
  const { ops, key, job } = worldFor(step.traffic, { blue: step.blue, green: step.green }, minAvailable, greenFull);
  const spec = job.spec.template.spec;
  const { command, env } = containerOf({ ...spec, container: spec.container.map((c: any) => ({ ...c, command: c.command.map(literal) })) });
  env.ATTEMPT = '1'; // a Terraform expression over the previous result; the first attempt
  const startedMs = Date.now();
  const r = await runPodMain({
    world: ops.world, cluster: key, by: BY, limitSeconds: 60,
    pod: { name: 'drain-1-x', namespace: job.metadata.namespace, node: `${step.green}-0`, labels: job.spec.template.metadata.labels, serviceAccount: spec.service_account_name, command, env, mountToken: spec.automount_service_account_token },
  });
  if (process.env.KUBE_TEST_DEBUG) console.log(r.output);
  const result = ops.get('kubernetes_config_map_v1', job.metadata.annotations['bluegreen.cdktf.io/result-configmap'], key)!.attrs.data as Record<string, string>;
  // Real seconds the pod ran, rounded up, plus one for `date +%s` rounding at both ends: the most
  // the script's deadline can have shrunk before it handed kubectl the time left (`--timeout=$(left)s`).
  const realSeconds = Math.ceil((Date.now() - startedMs) / 1000) + 1;
  return { ...step, ops, key, job, r, result, spec, realSeconds };
}

/**
 * The documented time rule (pod-runner.ts): a kubectl that can only wait is ended at once and the
 * world's clock advances by exactly the --timeout it was given. Returns that --timeout.
 */
function waitEndedAtItsTimeout(ops: WorldOps, command: RegExp): number {
  const ended = ops.world.log.filter((a) => a.action === 'wait-ended');
  expect(ended).toHaveLength(1);
  const detail = String(ended[0].detail);
  expect(detail).toMatch(command);
  const given = Number(/--timeout=(\d+)s/.exec(detail)![1]);
  expect(detail).toMatch(new RegExp(`clock \\+${given} s$`));
  expect(ops.clock).toBe(given);
  return given;
}

describe('rehearsal world: the library drain Job runs for real against the world Kubernetes API', () => {
  test('the emitted pod is admitted by the namespace Pod Security level it sets itself (restricted)', () => {
    const step = standbyStep();
    const ns = Object.values<any>(step.traffic.resource.kubernetes_namespace_v1)[0];
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(podSecurityViolations('restricted', drainJobOf(step.traffic).spec.template.spec)).toEqual([]);
  });

  test('with the PDB allowing 2 disruptions: real kubectl drains blue through the Eviction API, every pod on green, the result ConfigMap says drained', async () => {
    const { ops, key, r, result, blue, green } = await runDrainJob(4);
    expect(r.exitCode).toBe(0);
    expect(result).toMatchObject({ status: 'drained', attempt: '1' });
    expect(podsPerPool(ops, key)).toEqual({ [green]: 6 });
    const evictions = ops.world.log.filter((a) => a.action === 'evict');
    expect(evictions).toHaveLength(6);
    for (const e of evictions) expect(String(e.detail)).toMatch(/healthy [45] ≥ minAvailable 4/);
    expect(ops.world.log.filter((a) => a.action === 'pod-deleted')).toEqual([]);
    expect(nodesOf(ops, key, blue).every((n) => (n.attrs as NodeAttrs).unschedulable)).toBe(true);
  }, 60000);

  test('with a PDB that allows none: the eviction is refused (429), the wait ends at its timeout in simulated time, blue is schedulable again and the result names the PDB and the pods', async () => {
    const { ops, key, r, result, blue, green, job, realSeconds } = await runDrainJob(6);
    const timeout = Number(job.metadata.annotations['bluegreen.cdktf.io/timeout-seconds']);
    expect(r.exitCode).toBe(0);
    expect(result.status).toBe('blocked');
    expect(result.detail).toMatch(/^PodDisruptionBudget\(s\) shop\/web-pdb allow no eviction; pods still on .*: shop\/web-0000[0-5]( shop\/web-0000[0-5])*\. Nothing was deleted/);
    expect(ops.world.log.some((a) => a.action === 'evict-refused')).toBe(true);
    expect(ops.world.log.filter((a) => a.action === 'evict' || a.action === 'pod-deleted')).toEqual([]);
    // kubectl drain got the time left of the script's TIMEOUT_SECONDS deadline (real seconds the
    // script spent before it are not simulated): at most the timeout, short of it by no more than
    // the real seconds the pod ran. The clock then advanced by exactly that --timeout.
    const given = waitEndedAtItsTimeout(ops, /ended "kubectl drain .*--timeout=\d+s/);
    expect(given).toBeLessThanOrEqual(timeout);
    expect(given).toBeGreaterThanOrEqual(timeout - realSeconds);
    expect(podsPerPool(ops, key)).toEqual({ [blue]: 6 });
    expect(nodesOf(ops, key, blue).some((n) => (n.attrs as NodeAttrs).unschedulable)).toBe(false);
    // green served before this step (canary), so it is not an entering pool: it stays schedulable
    expect(job.metadata.annotations['bluegreen.cdktf.io/entering-pools']).toBe('');
    expect(nodesOf(ops, key, green).some((n) => (n.attrs as NodeAttrs).unschedulable)).toBe(false);
  }, 60000);

  test('with no room on the serving pool: evictions pass the PDB, the replacements stay Pending, `kubectl rollout status` ends at its timeout in simulated time, the result is not-ready and blue is schedulable again', async () => {
    const { ops, key, r, result, blue, job, realSeconds } = await runDrainJob(0, true);
    const timeout = Number(job.metadata.annotations['bluegreen.cdktf.io/timeout-seconds']);
    expect(r.exitCode).toBe(0);
    expect(result.status).toBe('not-ready');
    expect(result.detail).toMatch(/^shop\/deployment\/web did not run Ready on the serving pools .* pools .* are schedulable again$/);
    expect(ops.world.log.some((a) => a.action === 'wait-ended' && /deployment web has pods with no node/.test(String(a.detail)))).toBe(true);
    // `rollout status` got the time left of the same deadline; the clock advanced by exactly that
    const given = waitEndedAtItsTimeout(ops, /ended "kubectl .*rollout status .*--timeout=\d+s/);
    expect(given).toBeLessThanOrEqual(timeout);
    expect(given).toBeGreaterThanOrEqual(timeout - realSeconds);
    // the pending replacements land on blue again once it is uncordoned
    expect(podsPerPool(ops, key)).toEqual({ [blue]: 6 });
  }, 60000);
});

describe('rehearsal world: the Kubernetes API rules', () => {
  function world() {
    const ops = new WorldOps(emptyWorld());
    const c: WorldObject = { type: 'aws_eks_cluster', provider: 'aws', id: 'shop', name: 'shop', stack: 's', createdAt: 0, attrs: { version: '1.34' } };
    ops.put(c);
    const key = ops.keyOf(c);
    createNodes(ops, { cluster: c, pool: 'blue', count: 2, labels: { pool: 'blue' }, version: '1.34.1', stack: 's', nodeName: (i) => `blue-${i}` });
    addWorkload(ops, { cluster: key, namespace: 'shop', name: 'web', replicas: 2, minAvailable: 1, nodeSelector: {} });
    const put = (type: string, id: string, attrs: any) => ops.put({ type, provider: 'kubernetes', id, name: id, stack: 's', cluster: key, createdAt: 0, attrs });
    put('kubernetes_cluster_role_v1', 'evictor', { metadata: [{ name: 'evictor' }], rule: [{ api_groups: [''], resources: ['pods/eviction'], verbs: ['create'] }, { api_groups: [''], resources: ['nodes'], verbs: ['list'], resource_names: [] }] });
    put('kubernetes_cluster_role_binding_v1', 'evictor', { metadata: [{ name: 'evictor' }], role_ref: [{ api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'evictor' }], subject: [{ kind: 'ServiceAccount', name: 'drain', namespace: 'ops' }] });
    const ctx = { ops, cluster: key, by: BY, jobPods: [] };
    const call = (method: string, url: string, sa = 'drain', body = '') => handle(ctx, { method, url, body, identity: serviceAccountIdentity('ops', sa) });
    return { ops, key, call };
  }

  test('RBAC: only what a bound role grants; a DELETE of a pod is not an eviction and needs its own verb', () => {
    const { call } = world();
    expect(call('GET', '/api/v1/nodes').status).toBe(200);
    expect(call('GET', '/api/v1/nodes', 'other').status).toBe(403);
    const del = call('DELETE', '/api/v1/namespaces/shop/pods/web-00000');
    expect(del.status).toBe(403);
    expect((del.body as any).message).toBe('pods "web-00000" is forbidden: User "system:serviceaccount:ops:drain" cannot delete resource "pods" in API group "" in the namespace "shop"');
    expect(call('GET', '/api/v1/namespaces/shop/pods').status).toBe(403);
    expect(handle({ ops: world().ops, cluster: 'x', by: BY, jobPods: [] }, { method: 'GET', url: '/api/v1/nodes', body: '' }).status).toBe(401);
  });

  test('Eviction API: 201 while the PDB allows a disruption (the pod is replaced), then 429 with the DisruptionBudget cause', () => {
    const { ops, key, call } = world();
    const first = call('POST', '/api/v1/namespaces/shop/pods/web-00000/eviction', 'drain', JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction' }));
    expect(first.status).toBe(201);
    expect(podsPerPool(ops, key)).toEqual({ blue: 2 });
    // 2 healthy, minAvailable 1: one eviction allowed at a time; the replacement is Ready at once in this world,
    // so set the budget to 2 to see the refusal.
    (Object.values<any>((ops.world.ext as any).workloads)[0]).spec.minAvailable = 2;
    const refused = call('POST', '/api/v1/namespaces/shop/pods/web-00001/eviction');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ reason: 'TooManyRequests', details: { causes: [{ reason: 'DisruptionBudget' }] } });
    expect(refused.stuck).toEqual({ kind: 'drain', node: expect.stringMatching(/^blue-/) });
    expect(call('POST', '/api/v1/namespaces/shop/pods/nope/eviction').status).toBe(404);
  });

  test('label selectors as the API reads them', () => {
    expect(parseLabelSelector('pool in (blue,green)')({ pool: 'green' })).toBe(true);
    expect(parseLabelSelector('pool in (blue)')({ pool: 'green' })).toBe(false);
    expect(parseLabelSelector('app.kubernetes.io/managed-by!=cdktf-bluegreen')({})).toBe(true);
    expect(parseLabelSelector('app.kubernetes.io/managed-by!=cdktf-bluegreen')({ 'app.kubernetes.io/managed-by': 'cdktf-bluegreen' })).toBe(false);
    expect(parseLabelSelector('a=1,!b')({ a: '1' })).toBe(true);
    expect(() => parseLabelSelector('a in b')).toThrow(/unable to parse/);
  });

  test('Pod Security restricted: each missing control is named; baseline refuses privileged; privileged checks nothing', () => {
    const spec = { container: [{ name: 'drain', security_context: [{ capabilities: [{ drop: ['NET_RAW'] }] }] }], security_context: [{ run_as_user: '0' }] };
    const v = podSecurityViolations('restricted', spec);
    expect(v.map((x) => x.split(' (')[0])).toEqual(['allowPrivilegeEscalation != false', 'unrestricted capabilities', 'runAsNonRoot != true', 'seccompProfile']);
    expect(podSecurityViolations('baseline', { container: [{ name: 'x', security_context: [{ privileged: true }] }] })).toEqual(['privileged (container "x" must not set securityContext.privileged=true)']);
    expect(podSecurityViolations('privileged', { container: [{ name: 'x', security_context: [{ privileged: true }] }] })).toEqual([]);
  });
});

describe('rehearsal world: the kubernetes provider side of the API', () => {
  const U = Symbol.for('rehearsal.unknown');
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir('world-kube-');
    file = path.join(dir, 'world.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function cluster() {
    const sim = openSimulator(file);
    const az: SimContext = { provider: 'azurerm', providerConfig: { subscription_id: '00000000-0000-0000-0000-000000000000' }, stack: 'shop-unit-blue' };
    sim.create({ ...az, stack: 'shop-shared' }, 'azurerm_resource_group', { id: U, name: 'shop-rg', location: 'westeurope' });
    const c = sim.create(az, 'azurerm_kubernetes_cluster', {
      id: U, name: 'shop-blue', location: 'westeurope', resource_group_name: 'shop-rg', dns_prefix: 'shop-blue', kubernetes_version: '1.34',
      default_node_pool: [{ name: 'system', auto_scaling_enabled: true, min_count: 2, orchestrator_version: '1.34', node_count: U }], kube_config: U, tags: { 'bluegreen-fleet': 'shop', 'bluegreen-unit': 'blue' },
    });
    const k8s: SimContext = { provider: 'kubernetes', providerConfig: { host: (c.kube_config as any)[0].host }, stack: 'shop-traffic' };
    return { sim, k8s };
  }

  test('kubernetes_resources lists what the world holds (PDBs of the sample workload, config maps), by namespace and label selector', () => {
    const { sim, k8s } = cluster();
    new WorldStore(file).update((w) => {
      const ops = new WorldOps(w);
      const key = ops.keyOf(ops.all('azurerm_kubernetes_cluster')[0]);
      addWorkload(ops, { cluster: key, namespace: 'shop', name: 'web', replicas: 2, minAvailable: 1, nodeSelector: {} });
    });
    const pdbs = sim.readData(k8s, 'kubernetes_resources', { api_version: 'policy/v1', kind: 'PodDisruptionBudget', namespace: 'shop' }).objects as any[];
    expect(pdbs.map((o) => [o.kind, o.metadata.namespace, o.metadata.name, o.status.disruptionsAllowed])).toEqual([['PodDisruptionBudget', 'shop', 'web-pdb', 1]]);
    expect(sim.readData(k8s, 'kubernetes_resources', { api_version: 'policy/v1', kind: 'PodDisruptionBudget', namespace: 'other' }).objects).toEqual([]);
    sim.create(k8s, 'kubernetes_namespace_v1', { id: U, metadata: [{ name: 'ops', labels: {} }] });
    sim.create(k8s, 'kubernetes_config_map_v1', { id: U, metadata: [{ name: 'a', namespace: 'ops', labels: { team: 'x' } }], data: { k: 'v' } });
    sim.create(k8s, 'kubernetes_config_map_v1', { id: U, metadata: [{ name: 'b', namespace: 'ops', labels: { team: 'y' } }], data: {} });
    const cms = sim.readData(k8s, 'kubernetes_resources', { api_version: 'v1', kind: 'ConfigMap', namespace: 'ops', label_selector: 'team=x' }).objects as any[];
    expect(cms.map((o) => [o.metadata.name, o.data])).toEqual([['a', { k: 'v' }]]);
    expect(() => sim.readData(k8s, 'kubernetes_resources', { api_version: 'v1', kind: 'Widget' })).toThrow(/no matches for kind "Widget"/);
  });

  test('a drain Job whose pod breaks its namespace Pod Security level gets no pod: the Job fails at its deadline, nothing ran', () => {
    const { sim, k8s } = cluster();
    sim.create(k8s, 'kubernetes_namespace_v1', { id: U, metadata: [{ name: 'ops', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } }] });
    sim.create(k8s, 'kubernetes_service_account_v1', { id: U, metadata: [{ name: 'drain', namespace: 'ops' }] });
    const e = (() => {
      try {
        sim.create(k8s, 'kubernetes_job_v1', {
          id: U, wait_for_completion: true, timeouts: [{ create: '20m' }],
          metadata: [{ name: 'drain-1-1', namespace: 'ops', labels: { 'bluegreen.cdktf.io/action': 'drain' }, annotations: {} }],
          spec: [{ active_deadline_seconds: 1140, template: [{ spec: [{ service_account_name: 'drain', toleration: [{ operator: 'Exists' }], container: [{ name: 'drain', command: ['sh', '-c', 'exit 0'], security_context: [{ allow_privilege_escalation: false, capabilities: [{ drop: ['ALL'] }] }] }] }] }] }],
        });
      } catch (x) {
        return x as Error;
      }
      throw new Error('expected the Job to fail');
    })();
    expect(e.message).toMatch(/job: ops\/drain-1-1 is in failed state/);
    expect(e.message).toMatch(/violates PodSecurity "restricted:latest": runAsNonRoot != true .*seccompProfile/);
    const w = new WorldStore(file).read();
    expect(w.clock).toBeGreaterThanOrEqual(1140);
    expect(w.log.some((a) => a.action === 'job-run')).toBe(false);
  });
});
