// kubernetes 2.38 resources and data sources the library emits, against the cluster whose API
// server is the provider's `host`. Registry pages: https://registry.terraform.io/providers/hashicorp/kubernetes/2.38.0/docs/…
import { SimError } from '../errors';
import { activeFaults, bites } from '../faults';
import { WorldObject } from '../model';
import { targets, unitFromStack } from '../units';
import { Attrs, block, fill, str, strMap } from '../values';
import { clusterOfProvider, minorNumber, parseGoDuration, timestamp } from './common';
import { requireKubeCredentials } from '../credentials';
import { handle } from '../kube/api';
import { containerOf, runPod, startPod } from '../kube/jobs';
import { NodeAttrs, nodesOf, uidOf } from './nodes';
import { Call, DataRule, ResourceRule } from './rule';

/**
 * The bad end of "new role assignments can take up to five minutes to propagate and be updated by
 * the authorization server" (https://learn.microsoft.com/en-us/azure/aks/manage-azure-rbac).
 */
export const AKS_RBAC_PROPAGATION_SECONDS = 300;

/**
 * Every Kubernetes API call goes to the provider's cluster. While a unit's role assignment has
 * not propagated, the principal's calls are refused with 403 (Azure RBAC for Kubernetes
 * authorization: https://learn.microsoft.com/en-us/azure/aks/manage-azure-rbac — role assignments
 * "can take up to five minutes to propagate"). On by default (issue 19 item 5): an AKS cluster
 * whose access is granted by role assignments on it answers 403 until the first of them is
 * AKS_RBAC_PROPAGATION_SECONDS old (the first: the world cannot tell which principal calls, so it
 * is never stricter than the document); fault `role-assignment-late` makes them later still.
 */
function apiCall(call: Call, verb: string, resource: string): WorldObject {
  const cluster = clusterOfProvider(call);
  requireKubeCredentials(call, `${verb} ${resource}`);
  const unit = cluster.unit ?? unitFromStack(call.ctx.stack);
  for (const f of activeFaults(call.ops, 'role-assignment-late', unit)) {
    const assignments = call.ops.all('azurerm_role_assignment', (o) => targets(f.unit, o.unit));
    const since = Math.max(cluster.createdAt, ...assignments.map((o) => o.createdAt));
    if (bites(call.ops, f, since)) forbidden(call, cluster, verb, resource, unit, 'role assignment not yet effective');
  }
  if (cluster.type === 'azurerm_kubernetes_cluster') {
    const scope = String(cluster.attrs.id ?? cluster.id).toLowerCase();
    const grants = call.ops.all('azurerm_role_assignment', (o) => String(o.attrs.scope ?? '').toLowerCase() === scope);
    const first = grants.length ? Math.min(...grants.map((o) => o.createdAt)) : undefined;
    if (first !== undefined && call.ops.clock < first + AKS_RBAC_PROPAGATION_SECONDS) {
      forbidden(call, cluster, verb, resource, unit, `role assignment made ${Math.round(call.ops.clock - first)} s ago, not yet propagated (up to ${AKS_RBAC_PROPAGATION_SECONDS} s)`);
    }
  }
  return cluster;
}

function forbidden(call: Call, cluster: WorldObject, verb: string, resource: string, unit: string | undefined, why: string): never {
  call.ops.log({ stack: call.ctx.stack, provider: 'kubernetes', type: call.type, action: 'forbidden', id: '', name: resource, unit, detail: `${verb} ${resource}: ${why}` });
  const azure = cluster.type === 'azurerm_kubernetes_cluster';
  throw new SimError(
    `${resource} is forbidden`,
    `User "${azure ? 'deployer' : 'arn:aws:sts::123456789012:assumed-role/deployer'}" cannot ${verb} resource "${resource}" at the cluster scope${azure ? ': User does not have access to the resource in Azure. Update role assignment to allow access.' : ''}`,
  );
}

function meta(a: Attrs): Attrs {
  return block(a.metadata) ?? {};
}

/** Fills the server-set metadata fields (uid, resource_version, generation). */
function fillMeta(call: Call, a: Attrs, seed: string): void {
  const m = meta(a);
  fill(m, 'uid', uidOf(seed));
  fill(m, 'resource_version', String(call.ops.world.seq + 1));
  fill(m, 'generation', 1);
  fill(m, 'annotations', {});
  fill(m, 'labels', {});
  if (Array.isArray(a.metadata) && a.metadata.length > 0) a.metadata[0] = m;
}

// ---- namespace --------------------------------------------------------------------------------
// Names are unique per kind (and namespace): creating an existing one fails with AlreadyExists.
// https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
// Deleting a namespace deletes everything in it:
// https://kubernetes.io/docs/tasks/administer-cluster/namespaces/#deleting-a-namespace
// Resource: .../resources/namespace_v1 (id = name)
const namespace: ResourceRule = {
  name(a) {
    return str(meta(a).name);
  },
  cluster(call) {
    return call.ops.keyOf(apiCall(call, 'get', 'namespaces'));
  },
  create(call, a) {
    const name = str(meta(a).name) ?? '';
    const key = call.ops.keyOf(clusterOfProvider(call));
    if (call.ops.get('kubernetes_namespace_v1', name, key)) throw new SimError(`namespaces "${name}" already exists`, `Failed to create Namespace! API error: namespaces "${name}" already exists (AlreadyExists)`);
    fillMeta(call, a, `${key}/ns/${name}`);
    fill(a, 'id', name);
  },
  delete(call, obj) {
    for (const o of call.ops.all(undefined, (x) => x.cluster === obj.cluster && x.type.startsWith('kubernetes_') && str(meta(x.attrs).namespace) === obj.name)) {
      call.ops.remove(o, call.ctx);
      call.ops.log({ stack: call.ctx.stack, provider: 'kubernetes', type: o.type, action: 'cascade-delete', id: o.id, name: o.name, unit: o.unit, detail: `namespace ${obj.name} deleted` });
    }
  },
};

// ---- job --------------------------------------------------------------------------------------
// .../resources/job_v1: with wait_for_completion the create waits for the Job to complete; a failed
// Job fails the apply ("job: <ns>/<name> is in failed state"); a Job that cannot finish fails when
// the create timeout runs out. Its pods run only on Ready nodes that match the nodeSelector and
// whose NoSchedule/NoExecute taints they tolerate:
// https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodeselector
// https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
function podSpec(a: Attrs): Attrs {
  return block(block(block(a.spec)?.template)?.spec) ?? {};
}

function tolerates(tolerations: Attrs[], t: { key: string; value: string; effect: string }): boolean {
  return tolerations.some((tol) => {
    const effectOk = !tol.effect || tol.effect === t.effect;
    const op = str(tol.operator) ?? 'Equal';
    if (!tol.key && op === 'Exists') return effectOk;
    if (tol.key !== t.key) return false;
    return effectOk && (op === 'Exists' || (str(tol.value) ?? '') === t.value);
  });
}

export function schedulableNodes(call: Call, clusterKey: string, spec: Attrs): WorldObject[] {
  const selector = strMap(spec.node_selector);
  const tolerations = (Array.isArray(spec.toleration) ? spec.toleration : []) as Attrs[];
  return nodesOf(call.ops, clusterKey).filter((n) => {
    const na = n.attrs as NodeAttrs;
    // A cordoned node (spec.unschedulable) takes only pods that tolerate node.kubernetes.io/unschedulable:
    // https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-nodes-by-condition
    if (!nodeReady(call, n)) return false;
    if (na.unschedulable && !tolerates(tolerations, { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' })) return false;
    if (Object.entries(selector).some(([k, v]) => na.labels[k] !== v)) return false;
    return na.taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute').every((t) => tolerates(tolerations, t));
  });
}

function runJob(call: Call, a: Attrs, clusterKey: string, unit: string | undefined): void {
  const m = meta(a);
  const ns = str(m.namespace) ?? 'default';
  const name = str(m.name) ?? '';
  const wait = a.wait_for_completion === true;
  const timeout = parseGoDuration(str(block(a.timeouts)?.create) ?? '1m');
  const log = (action: string, detail: string) => call.ops.log({ stack: call.ctx.stack, provider: 'kubernetes', type: 'kubernetes_job_v1', action, id: `${ns}/${name}`, name, unit, detail });
  const fault = activeFaults(call.ops, 'job-fails', unit)[0];
  const isDrain = strMap(m.labels)['bluegreen.cdktf.io/action'] === 'drain';
  if (schedulableNodes(call, clusterKey, podSpec(a)).length === 0) {
    log('check-fail', 'no schedulable node (selector, taints, readiness): pod Pending');
    if (wait) {
      call.ops.advance(timeout);
      throw new SimError(`waiting for job ${ns}/${name}`, `timeout while waiting for state to become 'success' (last state: 'pending', timeout: ${timeout}s): job: ${ns}/${name} is not in complete state`);
    }
    return;
  }
  if (fault) {
    log('check-fail', 'Job failed (fault job-fails)');
    if (wait) throw new SimError(`job: ${ns}/${name} is in failed state`);
    return;
  }
  // The in-cluster HTTP probe (HttpProbeCheck, source IN_CLUSTER) runs its real loop: sh + wget
  // against the unit's origin as the world serves it (kube/pod-cloud.ts).
  if (strMap(m.labels)['bluegreen.cdktf.io/check'] === 'http-probe') {
    runJobPod(call, a, clusterKey, unit, wait, timeout, 'probe');
    return;
  }
  if (isDrain) {
    runJobPod(call, a, clusterKey, unit, wait, timeout, 'drain');
    // A drain that takes its time (fault `drain-slow`): the provider keeps polling the Job until it
    // completes (wait_for_completion), with the credential it was configured with (credentials.ts).
    const fleet = strMap(m.labels)['bluegreen.cdktf.io/fleet'];
    const slow = call.ops.faults((f) => f.kind === 'drain-slow' && f.unit === fleet)[0];
    if (slow?.seconds && wait) {
      call.ops.advance(slow.seconds);
      log('job-run', `drain Job ran ${slow.seconds} s (fault drain-slow)`);
      requireKubeCredentials(call, `get jobs ${ns}/${name}`);
    }
    return;
  }
  log('check-pass', 'Job complete');
}

// ---- the drain Job, run for real (issue 19) ---------------------------------------------------
// The Job controller creates one pod (backoffLimit 0 in the library's Jobs); it is admitted
// (kube/jobs.ts startPod: Pod Security, service account), placed on a schedulable node, and its
// container's command runs against the world's Kubernetes API (kube/pod-runner.ts). The Job is
// complete when the command exits 0 and failed otherwise (https://kubernetes.io/docs/concepts/workloads/controllers/job/:
// a pod that fails with backoffLimit 0 fails the Job). A pod that is never created leaves the Job
// without pods until activeDeadlineSeconds fails it (reason DeadlineExceeded).
/** Real seconds a Job's pod may run before it is killed (the Job then fails as past its deadline). */
const POD_REAL_SECONDS = 120;

function runJobPod(call: Call, a: Attrs, clusterKey: string, unit: string | undefined, wait: boolean, timeout: number, kind: 'drain' | 'probe'): void {
  const m = meta(a);
  const ns = str(m.namespace) ?? 'default';
  const name = str(m.name) ?? '';
  const spec = podSpec(a);
  const log = (action: string, detail: string) => call.ops.log({ stack: call.ctx.stack, provider: 'kubernetes', type: 'kubernetes_job_v1', action, id: `${ns}/${name}`, name, unit, detail });
  const deadline = Number(block(a.spec)?.active_deadline_seconds ?? 0) || timeout;
  const node = schedulableNodes(call, clusterKey, spec).sort((x, y) => x.name.localeCompare(y.name))[0];
  const labels = { ...strMap(meta(block(block(a.spec)?.template) ?? {}).labels), 'batch.kubernetes.io/job-name': name, 'job-name': name };
  const pod = { name: `${name}-${uidOf(`${clusterKey}/${ns}/${name}/${call.ops.world.seq}`).slice(0, 5)}`, namespace: ns, node: node.name, labels, serviceAccount: str(spec.service_account_name) ?? 'default', spec };
  const start = startPod(call, clusterKey, pod);
  if (start.refused) {
    log('check-fail', `pod refused: ${start.refused}`);
    if (wait) {
      call.ops.advance(Math.min(deadline, timeout));
      throw new SimError(`job: ${ns}/${name} is in failed state`, `the Job created no pod (${start.refused}) and failed after activeDeadlineSeconds ${deadline} (DeadlineExceeded)`);
    }
    return;
  }
  // The host names the command calls over https get the world's certificate (kube/pod-cloud.ts).
  const { command } = containerOf(spec);
  const httpsHosts = [...new Set(command.flatMap((c) => [...c.matchAll(/https:\/\/([a-z0-9.-]+)/gi)].map((x) => x[1].toLowerCase())))];
  const r = runPod(call, clusterKey, pod, POD_REAL_SECONDS, kind === 'probe' ? { cloud: { job: `${ns}/${name}`, httpsHosts, unit, sleepAdvancesClock: true } } : {});
  const tail = r.output.trim().split('\n').slice(-3).join(' | ').slice(0, 400);
  if (kind === 'drain') logDrainResult(call, a, clusterKey, ns);
  if (r.exitCode !== 0 || r.deadlineExceeded) {
    log('check-fail', `pod ${pod.name} on ${node.name} exited ${r.exitCode}${r.deadlineExceeded ? ' (killed: real-time bound)' : ''}: ${tail}`);
    if (wait) throw new SimError(`job: ${ns}/${name} is in failed state`, `pod ${pod.name} exited ${r.exitCode}: ${tail}`);
    return;
  }
  log('job-run', `pod ${pod.name} on ${node.name} exited 0: ${tail}`);
}

/** The outcome the drain script wrote to its result ConfigMap, in the world's log (`drain` / `drain-blocked`). */
function logDrainResult(call: Call, a: Attrs, clusterKey: string, ns: string): void {
  const ann = strMap(meta(a).annotations);
  const [cmNs, cmName] = (ann['bluegreen.cdktf.io/result-configmap'] ?? `${ns}/drain-result`).split('/');
  const data = strMap(call.ops.get('kubernetes_config_map_v1', `${cmNs}/${cmName}`, clusterKey)?.attrs.data);
  const status = data.status ?? 'none';
  call.ops.log({ stack: call.ctx.stack, provider: 'kubernetes', type: 'kubernetes_job_v1', action: status === 'drained' ? 'drain' : 'drain-blocked', id: `${ns}/${str(meta(a).name) ?? ''}`, name: ann['bluegreen.cdktf.io/drain-pools'] ?? '', detail: `${status}: ${data.detail ?? 'no result written'}` });
}

// ---- config map -------------------------------------------------------------------------------
// .../resources/config_map_v1 (id `<namespace>/<name>`); the data source reads it
// (.../data-sources/config_map_v1); a missing one reads as empty data.
const configMap: ResourceRule = {
  name(a) {
    return str(meta(a).name);
  },
  cluster(call) {
    return call.ops.keyOf(apiCall(call, 'create', 'configmaps'));
  },
  create(call, a) {
    const m = meta(a);
    const ns = str(m.namespace) ?? 'default';
    const name = str(m.name) ?? '';
    const key = call.ops.keyOf(clusterOfProvider(call));
    if (!namespaceExists(call, ns, key)) throw new SimError(`Failed to create ConfigMap! API error: namespaces "${ns}" not found`);
    if (call.ops.get('kubernetes_config_map_v1', `${ns}/${name}`, key)) throw new SimError(`configmaps "${name}" already exists`, 'AlreadyExists');
    fillMeta(call, a, `${key}/cm/${ns}/${name}`);
    fill(a, 'id', `${ns}/${name}`);
  },
  read(_call, obj) {
    return { ...obj.attrs };
  },
};

const configMapData: DataRule = {
  name(c) {
    return `${String(meta(c).namespace ?? 'default')}/${String(meta(c).name ?? '')}`;
  },
  read(call, c) {
    const cluster = apiCall(call, 'get', 'configmaps');
    const id = `${str(meta(c).namespace) ?? 'default'}/${str(meta(c).name) ?? ''}`;
    const cm = call.ops.get('kubernetes_config_map_v1', id, call.ops.keyOf(cluster));
    return { id, data: cm ? { ...strMap(cm.attrs.data) } : {} };
  },
};

/**
 * `metadata.generate_name` without a name: the API server names the object the prefix plus 5 random
 * characters from "bcdfghjklmnpqrstvwxz2456789", using at most 58 characters of the prefix
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#generated-names; apiserver
 * storage/names SimpleNameGenerator). Deterministic here, from the world's id counter.
 */
export function generateName(call: Call, a: Attrs): void {
  const m = meta(a);
  const prefix = str(m.generate_name);
  if (str(m.name) || !prefix) return;
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let n = call.ops.nextNumber() * 7919 + 104729;
  let suffix = '';
  for (let i = 0; i < 5; i++) { suffix += alphabet[n % alphabet.length]; n = Math.floor(n / alphabet.length) + 31 * (i + 1); }
  m.name = `${prefix.slice(0, 58)}${suffix}`;
  if (Array.isArray(a.metadata) && a.metadata.length > 0) a.metadata[0] = m;
}

const job: ResourceRule = {
  name(a) {
    return str(meta(a).name);
  },
  cluster(call) {
    return call.ops.keyOf(apiCall(call, 'create', 'jobs'));
  },
  create(call, a) {
    const m = meta(a);
    const ns = str(m.namespace) ?? 'default';
    generateName(call, a);
    const name = str(m.name) ?? '';
    const cluster = clusterOfProvider(call);
    const key = call.ops.keyOf(cluster);
    if (!namespaceExists(call, ns, key)) throw new SimError(`Failed to create Job! API error: namespaces "${ns}" not found`);
    if (call.ops.get('kubernetes_job_v1', `${ns}/${name}`, key)) throw new SimError(`Failed to create Job! API error: jobs.batch "${name}" already exists`, 'AlreadyExists');
    fillMeta(call, a, `${key}/job/${ns}/${name}`);
    fill(a, 'id', `${ns}/${name}`);
    const unit = str(strMap(m.labels)['bluegreen.cdktf.io/unit']) ?? cluster.unit ?? unitFromStack(call.ctx.stack);
    runJob(call, a, key, unit);
  },
};

// ---- node taint -------------------------------------------------------------------------------
// .../resources/node_taint: patches taints onto an existing node (id `<node>,<key>=<value>:<effect>`);
// a node that does not exist is an error; removing the resource removes its taints.
function taintsOf(a: Attrs): { key: string; value: string; effect: string }[] {
  return (Array.isArray(a.taint) ? a.taint : []).map((t: Attrs) => ({ key: str(t.key) ?? '', value: str(t.value) ?? '', effect: str(t.effect) ?? '' }));
}

function taintNode(call: Call, a: Attrs, add: boolean): WorldObject {
  const nodeName = str(meta(a).name) ?? '';
  const key = call.ops.keyOf(clusterOfProvider(call));
  const node = call.ops.get('node', nodeName, key);
  if (!node) throw new SimError(`nodes "${nodeName}" not found`);
  const na = node.attrs as NodeAttrs;
  for (const t of taintsOf(a)) {
    na.taints = na.taints.filter((x) => !(x.key === t.key && x.effect === t.effect));
    if (add) na.taints.push(t);
  }
  return node;
}

const nodeTaint: ResourceRule = {
  name(a) {
    return str(meta(a).name);
  },
  cluster(call) {
    return call.ops.keyOf(apiCall(call, 'patch', 'nodes'));
  },
  unit(call, a, cluster) {
    return call.ops.get('node', str(meta(a).name) ?? '', cluster)?.unit;
  },
  create(call, a) {
    const node = taintNode(call, a, true);
    fill(a, 'id', [node.name, ...taintsOf(a).map((t) => `${t.key}=${t.value}:${t.effect}`)].join(','));
  },
  update(call, prior, a) {
    taintNode(call, prior.attrs, false);
    taintNode(call, a, true);
  },
  delete(call, obj) {
    const key = obj.cluster as string;
    const node = call.ops.get('node', str(meta(obj.attrs).name) ?? '', key);
    if (node) taintNode(call, obj.attrs, false);
  },
  read(call, obj) {
    const node = call.ops.get('node', str(meta(obj.attrs).name) ?? '', obj.cluster);
    return node ? { ...obj.attrs } : null; // the node is gone: the taint is gone with it
  },
};

// ---- nodes (data) -----------------------------------------------------------------------------
// .../data-sources/nodes: lists the cluster's nodes, optionally by label; an empty match is not an
// error. Faults change what the API reports: Ready=False (`nodes-not-ready`) or another kubelet
// version (`wrong-kubelet-version`, default one minor below what the node runs).
function nodeReady(call: Call, n: WorldObject): boolean {
  return (n.attrs as NodeAttrs).ready && activeFaults(call.ops, 'nodes-not-ready', n.unit).length === 0;
}

function reportedKubelet(call: Call, n: WorldObject): string {
  const actual = (n.attrs as NodeAttrs).kubeletVersion;
  const f = activeFaults(call.ops, 'wrong-kubelet-version', n.unit)[0];
  if (!f) return actual;
  if (f.version) return f.version.startsWith('v') ? f.version : `v${f.version}`;
  const minor = minorNumber(actual) ?? 1;
  return actual.replace(/^v(\d+)\.(\d+)/, (_m, major: string) => `v${major}.${minor - 1}`);
}

function nodeView(call: Call, n: WorldObject): Attrs {
  const na = n.attrs as NodeAttrs;
  const ready = nodeReady(call, n);
  return {
    metadata: [{ name: na.name, labels: { ...na.labels }, annotations: {}, uid: String(na.uid ?? ''), resource_version: '1', generation: 0 }],
    spec: [{ pod_cidr: '', pod_cidrs: [], provider_id: `sim://${na.name}`, unschedulable: na.unschedulable === true, taints: na.taints.map((t) => ({ ...t })) }],
    status: [{
      addresses: [{ type: 'Hostname', address: na.name }],
      allocatable: { cpu: '3860m', memory: '27Gi', pods: '110' },
      capacity: { cpu: '4', memory: '32Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'KubeletNotReady', message: ready ? 'kubelet is posting ready status' : 'container runtime network not ready', last_heartbeat_time: timestamp(call.ops.clock), last_transition_time: timestamp(n.createdAt) }],
      node_info: [{ kubelet_version: reportedKubelet(call, n), kube_proxy_version: reportedKubelet(call, n), architecture: 'amd64', operating_system: 'linux', os_image: 'simulated', kernel_version: '6.1.0', container_runtime_version: 'containerd://1.7.0', machine_id: '', system_uuid: '', boot_id: '' }],
    }],
  };
}

const nodesData: DataRule = {
  name(c) {
    const labels = strMap(meta(c).labels);
    return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') || 'all nodes';
  },
  read(call, c) {
    const cluster = apiCall(call, 'list', 'nodes');
    const selector = strMap(meta(c).labels);
    const nodes = nodesOf(call.ops, call.ops.keyOf(cluster)).filter((n) => Object.entries(selector).every(([k, v]) => (n.attrs as NodeAttrs).labels[k] === v));
    nodes.sort((x, y) => x.name.localeCompare(y.name));
    const views = nodes.map((n) => nodeView(call, n));
    const ready = views.filter((v) => ((v.status as Attrs[])[0].conditions as Attrs[])[0].status === 'True').length;
    const versions = [...new Set(views.map((v) => String(((v.status as Attrs[])[0].node_info as Attrs[])[0].kubelet_version)))];
    call.ops.log({ stack: call.ctx.stack, provider: 'kubernetes', type: 'kubernetes_nodes', action: 'probe', id: cluster.name, name: Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(','), unit: nodes[0]?.unit ?? cluster.unit ?? unitFromStack(call.ctx.stack), detail: `${nodes.length} nodes, ${ready} Ready, kubelet ${versions.join('/') || '-'}` });
    return { id: cluster.name, nodes: views };
  },
};

// .../data-sources/resources: lists the objects of `api_version` + `kind` (optionally in `namespace`,
// by `label_selector` / `field_selector`) as the API returns them; `objects` holds each one whole.
// Answered by the world's Kubernetes API (kube/api.ts) with the provider's own (admin) credentials.
const resourcesData: DataRule = {
  name(c) {
    return `${String(c.kind)} in ${String(c.namespace ?? 'all namespaces')}`;
  },
  read(call, c) {
    const kind = String(c.kind ?? '');
    const apiVersion = String(c.api_version ?? 'v1');
    const cluster = apiCall(call, 'list', kind.toLowerCase());
    const key = call.ops.keyOf(cluster);
    const resource = `${kind.toLowerCase()}${kind.endsWith('s') ? 'es' : 's'}`;
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = str(c.namespace);
    const q = new URLSearchParams();
    if (str(c.label_selector)) q.set('labelSelector', str(c.label_selector)!);
    if (str(c.field_selector)) q.set('fieldSelector', str(c.field_selector)!);
    const url = `${base}${ns ? `/namespaces/${ns}` : ''}/${resource}${q.toString() ? `?${q}` : ''}`;
    const r = handle({ ops: call.ops, cluster: key, by: { stack: call.ctx.stack, provider: 'kubernetes' }, jobPods: [] }, { method: 'GET', url, body: '', identity: { user: 'cluster-admin', admin: true } });
    if (r.status === 404) throw new SimError(`no matches for kind "${kind}" in version "${apiVersion}"`);
    if (r.status !== 200) throw new SimError(`listing ${kind}: ${String((r.body as Attrs).message ?? r.status)}`);
    const limit = Number(c.limit ?? 0);
    const items = ((r.body as Attrs).items as Attrs[]).map((o) => ({ apiVersion, kind, ...o }));
    return { objects: limit > 0 ? items.slice(0, limit) : items };
  },
};

// ---- namespaces a cluster has without Terraform ------------------------------------------------
// Every cluster starts with default, kube-node-lease, kube-public and kube-system
// (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces);
// a cluster extension creates its release namespace (AKS: the microsoft.flux extension installs Flux in
// flux-system, https://learn.microsoft.com/azure/azure-arc/kubernetes/extensions-release#flux-gitops).
const INITIAL_NAMESPACES = new Set(['default', 'kube-node-lease', 'kube-public', 'kube-system']);

function namespaceExists(call: Call, ns: string, clusterKey: string): boolean {
  if (INITIAL_NAMESPACES.has(ns) || call.ops.get('kubernetes_namespace_v1', ns, clusterKey)) return true;
  return !!call.ops.find('azurerm_kubernetes_cluster_extension', (o) => o.cluster === clusterKey && o.attrs.release_namespace === ns);
}

// ---- service accounts and RBAC -----------------------------------------------------------------
// .../resources/service_account_v1, role_v1, role_binding_v1, cluster_role_v1, cluster_role_binding_v1:
// objects of the provider's cluster (namespaced ones need their namespace); names are unique per
// kind and namespace (AlreadyExists). Their rules and bindings are what the world's API authorizes by
// (kube/rbac.ts).
function clusterObject(type: string, plural: string, namespaced: boolean): ResourceRule {
  return {
    name(a) {
      return str(meta(a).name);
    },
    cluster(call) {
      return call.ops.keyOf(apiCall(call, 'create', plural));
    },
    create(call, a) {
      const m = meta(a);
      const name = str(m.name) ?? '';
      const ns = str(m.namespace) ?? 'default';
      const key = call.ops.keyOf(clusterOfProvider(call));
      const id = namespaced ? `${ns}/${name}` : name;
      if (namespaced && !namespaceExists(call, ns, key)) throw new SimError(`namespaces "${ns}" not found`);
      if (call.ops.get(type, id, key)) throw new SimError(`${plural} "${name}" already exists`, 'AlreadyExists');
      fillMeta(call, a, `${key}/${plural}/${id}`);
      fill(a, 'id', id);
    },
  };
}

export const kubernetesResources: Record<string, ResourceRule> = {
  kubernetes_namespace_v1: namespace,
  kubernetes_config_map_v1: configMap,
  kubernetes_job_v1: job,
  kubernetes_node_taint: nodeTaint,
  kubernetes_service_account_v1: clusterObject('kubernetes_service_account_v1', 'serviceaccounts', true),
  kubernetes_role_v1: clusterObject('kubernetes_role_v1', 'roles', true),
  kubernetes_role_binding_v1: clusterObject('kubernetes_role_binding_v1', 'rolebindings', true),
  kubernetes_cluster_role_v1: clusterObject('kubernetes_cluster_role_v1', 'clusterroles', false),
  kubernetes_cluster_role_binding_v1: clusterObject('kubernetes_cluster_role_binding_v1', 'clusterrolebindings', false),
};

export const kubernetesData: Record<string, DataRule> = {
  kubernetes_nodes: nodesData,
  kubernetes_config_map_v1: configMapData,
  kubernetes_resources: resourcesData,
};
