// The subset of the Kubernetes API the library's workloads call, answered from the world (the same
// objects the Terraform side reads and writes: nodes, the sample workload's pods, config maps, RBAC).
// One request in, one response out; pod-runner.ts serves it over HTTPS on loopback.
// API conventions (paths, verbs, Status objects, lists): https://kubernetes.io/docs/reference/using-api/api-concepts/
// Discovery (/api, /apis, /api/v1, /apis/<group>/<version>): https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api
// Verbs of a request (get, list, watch, create, patch, update, delete):
//   https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb
import { WorldObject } from '../model';
import { WorldOps } from '../ops';
import { NodeAttrs, nodesOf } from '../rules/nodes';
import { Attrs, block, str, strMap } from '../values';
import { deletePod, evictPod, findPod, pdbStatus, reconcile, workloadsOf, WorkloadState } from '../workload';
import { authorize, Identity } from './rbac';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors';

export interface ApiRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly contentType?: string;
  /** Who calls (from the bearer token), or undefined: anonymous. */
  readonly identity?: Identity;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  /** A watch: the server keeps the stream open (no events: nothing changes while it waits). */
  readonly watch?: boolean;
  /**
   * The caller can only wait from here on: a PDB refused an eviction (nothing in this world makes
   * it allow one while a Job runs), or a rollout waits for pods that have no node to go to.
   */
  readonly stuck?: { readonly kind: 'drain'; readonly node: string } | { readonly kind: 'rollout'; readonly name: string };
}

/** The pod of a running Job, as the API lists it (pod-runner.ts adds it while the Job runs). */
export interface JobPod {
  readonly name: string;
  readonly namespace: string;
  readonly node: string;
  readonly labels: Record<string, string>;
  readonly serviceAccount: string;
}

export interface ApiContext {
  readonly ops: WorldOps;
  /** Key of the cluster object. */
  readonly cluster: string;
  /** Whose actions these are in the world's log. */
  readonly by: { readonly stack: string; readonly provider: string };
  readonly jobPods: JobPod[];
}

const status = (code: number, reason: string, message: string, details?: Attrs): ApiResponse => ({
  status: code,
  body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details ? { details } : {}) },
});
const notFound = (resource: string, name: string) => status(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource.split('.')[0] });

// ---- discovery ----------------------------------------------------------------------------------
interface Kind {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs: string[];
  readonly shortNames?: string[];
}
const RW = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const KINDS: Kind[] = [
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, verbs: RW, shortNames: ['no'] },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, verbs: RW, shortNames: ['po'] },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: RW, shortNames: ['cm'] },
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, verbs: RW, shortNames: ['ns'] },
  { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, verbs: RW, shortNames: ['sa'] },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, verbs: RW, shortNames: ['deploy'] },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true, verbs: RW, shortNames: ['rs'] },
  { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true, verbs: RW, shortNames: ['ds'] },
  { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true, verbs: RW, shortNames: ['sts'] },
  { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true, verbs: RW },
  { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true, verbs: RW, shortNames: ['pdb'] },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true, verbs: RW },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', kind: 'RoleBinding', namespaced: true, verbs: RW },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false, verbs: RW },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false, verbs: RW },
];
const GROUPS = ['apps', 'batch', 'policy', 'rbac.authorization.k8s.io'];

function resourceList(group: string, version: string): unknown {
  const gv = group ? `${group}/${version}` : version;
  const resources: Attrs[] = [];
  for (const k of KINDS.filter((x) => x.group === group && x.version === version)) {
    resources.push({ name: k.resource, singularName: k.kind.toLowerCase(), namespaced: k.namespaced, kind: k.kind, verbs: k.verbs, ...(k.shortNames ? { shortNames: k.shortNames } : {}) });
    // The eviction subresource lives under pods but is a policy/v1 Eviction.
    if (k.resource === 'pods') resources.push({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
}

/**
 * OpenAPI v3 (https://kubernetes.io/docs/concepts/overview/kubernetes-api/#openapi-v3): the index at
 * /openapi/v3 and one document per group-version. kubectl reads it before `apply` to learn whether
 * the server validates fields itself (the `fieldValidation` query parameter of PATCH); only what
 * that look-up needs is served: each kind's PATCH operation with its group-version-kind.
 */
function openApi(path: string): ApiResponse | undefined {
  const gvs = ['api/v1', ...GROUPS.map((g) => `apis/${g}/v1`)];
  if (path === '/openapi/v3') return { status: 200, body: { paths: Object.fromEntries(gvs.map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=0` }])) } };
  const gv = gvs.find((x) => path === `/openapi/v3/${x}`);
  if (!gv) return undefined;
  const group = gv === 'api/v1' ? '' : gv.split('/')[1];
  const paths: Attrs = {};
  for (const k of KINDS.filter((x) => x.group === group)) {
    const p = `/${gv}${k.namespaced ? '/namespaces/{namespace}' : ''}/${k.resource}/{name}`;
    paths[p] = {
      patch: {
        'x-kubernetes-group-version-kind': { group: k.group, version: k.version, kind: k.kind },
        parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return { status: 200, body: { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1' }, paths, components: { schemas: {} } } };
}

function discovery(ctx: ApiContext, path: string): ApiResponse | undefined {
  const spec = openApi(path);
  if (spec) return spec;
  if (path === '/version') {
    const cluster = ctx.ops.world.objects[ctx.cluster];
    const v = (str(cluster?.attrs.kubernetes_version) ?? str(cluster?.attrs.version) ?? '1.33').replace(/^v/, '');
    const [major, minor] = v.split('.');
    return { status: 200, body: { major, minor, gitVersion: `v${major}.${minor}.0`, platform: 'linux/amd64' } };
  }
  if (path === '/api') return { status: 200, body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] } };
  if (path === '/apis') {
    return {
      status: 200,
      body: { kind: 'APIGroupList', apiVersion: 'v1', groups: GROUPS.map((g) => ({ name: g, versions: [{ groupVersion: `${g}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' } })) },
    };
  }
  if (path === '/api/v1') return { status: 200, body: resourceList('', 'v1') };
  const m = /^\/apis\/([^/]+)\/v1$/.exec(path);
  if (m && GROUPS.includes(m[1])) return { status: 200, body: resourceList(m[1], 'v1') };
  return undefined;
}

// ---- views of the world -------------------------------------------------------------------------
const ts = (clock: number) => new Date(Date.UTC(2026, 0, 1) + clock * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

function nodeJson(ctx: ApiContext, n: WorldObject): Attrs {
  const a = n.attrs as NodeAttrs;
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: a.name, uid: String(a.uid ?? ''), resourceVersion: String(ctx.ops.world.seq), labels: { ...a.labels }, creationTimestamp: ts(n.createdAt) },
    spec: { ...(a.unschedulable ? { unschedulable: true } : {}), taints: [...a.taints.map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect })), ...(a.unschedulable ? [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] : [])] },
    status: {
      conditions: [{ type: 'Ready', status: a.ready ? 'True' : 'False' }],
      nodeInfo: { kubeletVersion: a.kubeletVersion, operatingSystem: 'linux', architecture: 'amd64' },
    },
  };
}

const rsName = (w: WorkloadState) => `${w.spec.name}-5d8f7c9b4`;

interface PodView {
  readonly namespace: string;
  readonly json: Attrs;
  readonly labels: Record<string, string>;
  readonly node: string;
}

function podViews(ctx: ApiContext): PodView[] {
  const out: PodView[] = [];
  for (const w of workloadsOf(ctx.ops, ctx.cluster)) {
    for (const p of w.pods) {
      const labels = { app: w.spec.name, 'pod-template-hash': '5d8f7c9b4' };
      out.push({
        namespace: w.spec.namespace, labels, node: p.node ?? '',
        json: {
          apiVersion: 'v1', kind: 'Pod',
          metadata: { name: p.name, namespace: w.spec.namespace, uid: `pod-${p.name}`, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName(w), uid: `rs-${w.spec.name}`, controller: true, blockOwnerDeletion: true }] },
          spec: { ...(p.node ? { nodeName: p.node } : {}), nodeSelector: { ...w.spec.nodeSelector }, containers: [{ name: w.spec.name, image: 'registry.example/shop/web:1.0.0' }] },
          status: { phase: p.node ? 'Running' : 'Pending', conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False' }] },
        },
      });
    }
  }
  for (const p of ctx.jobPods) {
    out.push({
      namespace: p.namespace, labels: p.labels, node: p.node,
      json: {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: p.name, namespace: p.namespace, uid: `pod-${p.name}`, labels: { ...p.labels }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: p.labels['job-name'] ?? p.name, uid: `job-${p.name}`, controller: true }] },
        spec: { nodeName: p.node, serviceAccountName: p.serviceAccount, containers: [{ name: 'job', image: 'job' }] },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      },
    });
  }
  return out;
}

function pdbJson(w: WorkloadState): Attrs {
  const s = pdbStatus(w);
  return {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
    metadata: { name: s.name, namespace: w.spec.namespace, generation: 1 },
    spec: { minAvailable: s.minAvailable, selector: { matchLabels: { app: w.spec.name } } },
    status: { observedGeneration: 1, currentHealthy: s.healthy, desiredHealthy: s.minAvailable, disruptionsAllowed: s.disruptionsAllowed, expectedPods: w.pods.length },
  };
}

function deploymentJson(w: WorkloadState): Attrs {
  const ready = w.pods.filter((p) => p.ready).length;
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: w.spec.name, namespace: w.spec.namespace, generation: 1, uid: `deploy-${w.spec.name}`, resourceVersion: '1' },
    spec: { replicas: w.spec.replicas, selector: { matchLabels: { app: w.spec.name } } },
    status: {
      observedGeneration: 1, replicas: w.pods.length, updatedReplicas: w.pods.length, readyReplicas: ready, availableReplicas: ready,
      ...(ready < w.pods.length ? { unavailableReplicas: w.pods.length - ready } : {}),
      conditions: [
        { type: 'Available', status: ready >= w.spec.replicas ? 'True' : 'False', reason: ready >= w.spec.replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    },
  };
}

function replicaSetJson(w: WorkloadState): Attrs {
  const ready = w.pods.filter((p) => p.ready).length;
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name: rsName(w), namespace: w.spec.namespace, uid: `rs-${w.spec.name}`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: w.spec.name, uid: `deploy-${w.spec.name}`, controller: true }] },
    spec: { replicas: w.spec.replicas },
    status: { replicas: w.pods.length, readyReplicas: ready, availableReplicas: ready },
  };
}

/** Terraform-managed Kubernetes objects of this cluster, by API resource. */
const TF_TYPES: Record<string, string> = {
  configmaps: 'kubernetes_config_map_v1',
  namespaces: 'kubernetes_namespace_v1',
  serviceaccounts: 'kubernetes_service_account_v1',
  jobs: 'kubernetes_job_v1',
  roles: 'kubernetes_role_v1',
  rolebindings: 'kubernetes_role_binding_v1',
  clusterroles: 'kubernetes_cluster_role_v1',
  clusterrolebindings: 'kubernetes_cluster_role_binding_v1',
};

function meta(a: Attrs): Attrs {
  return block(a.metadata) ?? {};
}

function tfObjectJson(ctx: ApiContext, o: WorldObject): Attrs {
  const m = meta(o.attrs);
  const kind = KINDS.find((k) => TF_TYPES[k.resource] === o.type)!;
  const out: Attrs = {
    apiVersion: kind.group ? `${kind.group}/${kind.version}` : kind.version, kind: kind.kind,
    metadata: { name: str(m.name) ?? o.name, ...(kind.namespaced ? { namespace: str(m.namespace) ?? 'default' } : {}), uid: str(m.uid) ?? '', resourceVersion: str(m.resource_version) ?? String(ctx.ops.world.seq), labels: strMap(m.labels), annotations: strMap(m.annotations), creationTimestamp: ts(o.createdAt) },
  };
  if (o.type === 'kubernetes_config_map_v1') out.data = strMap(o.attrs.data);
  return out;
}

function tfObjects(ctx: ApiContext, resource: string, namespace?: string): WorldObject[] {
  const type = TF_TYPES[resource];
  return ctx.ops.all(type, (o) => o.cluster === ctx.cluster && (namespace === undefined || (str(meta(o.attrs).namespace) ?? 'default') === namespace));
}

// ---- the request --------------------------------------------------------------------------------
interface Target {
  readonly kind: Kind;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

function parsePath(path: string): Target | undefined {
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/v1)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(path);
  if (!m) return undefined;
  const [, group = '', ns, resource, name, sub] = m;
  // /api/v1/namespaces/<name> is the namespace itself.
  if (!group && ns && resource && !name && !KINDS.some((k) => k.group === '' && k.resource === resource && k.namespaced)) return undefined;
  if (!group && !resource && ns) return { kind: KINDS.find((k) => k.resource === 'namespaces')!, name: ns };
  const kind = KINDS.find((k) => k.group === group && k.resource === resource);
  if (!kind) return undefined;
  return { kind, namespace: kind.namespaced ? ns : undefined, name, subresource: sub };
}

function verbOf(method: string, t: Target, watch: boolean): string {
  switch (method) {
    case 'GET': return watch ? 'watch' : t.name ? 'get' : 'list';
    case 'POST': return 'create';
    case 'PATCH': return 'patch';
    case 'PUT': return 'update';
    case 'DELETE': return t.name ? 'delete' : 'deletecollection';
    default: return method.toLowerCase();
  }
}

function listOf(kind: Kind, items: Attrs[], seq: number): ApiResponse {
  return { status: 200, body: { kind: `${kind.kind}List`, apiVersion: kind.group ? `${kind.group}/v1` : 'v1', metadata: { resourceVersion: String(seq) }, items } };
}

/** Merge patch (RFC 7386) — also what a strategic merge patch does to the maps patched here. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Attrs = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Attrs) } : {};
  for (const [k, v] of Object.entries(patch as Attrs)) {
    if (k.startsWith('$')) continue; // strategic-merge directives
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * Annotations the client keeps for itself. The kubernetes provider leaves annotations of a
 * `kubernetes.io` domain out of its state (hashicorp/terraform-provider-kubernetes, internal keys of
 * metadata), so Terraform never sees them; the world does not keep them.
 */
const CLIENT_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

export function handle(ctx: ApiContext, req: ApiRequest): ApiResponse {
  const u = new URL(req.url, 'https://127.0.0.1');
  const path = u.pathname.replace(/\/+$/, '') || '/';
  const d = discovery(ctx, path);
  if (d) return req.identity ? d : status(401, 'Unauthorized', 'Unauthorized');
  if (!req.identity) return status(401, 'Unauthorized', 'Unauthorized');
  const t = parsePath(path);
  if (!t) return status(404, 'NotFound', 'the server could not find the requested resource');
  const watch = u.searchParams.get('watch') === 'true' || u.searchParams.get('watch') === '1';
  const verb = verbOf(req.method, t, watch);
  const resource = t.subresource ? `${t.kind.resource}/${t.subresource}` : t.kind.resource;
  const denied = authorize(ctx.ops, ctx.cluster, req.identity, { verb, group: t.kind.group, resource, namespace: t.namespace, name: t.name });
  if (denied) {
    const scope = t.namespace ? `in the namespace "${t.namespace}"` : 'at the cluster scope';
    const gr = t.kind.group ? `${resource}" in API group "${t.kind.group}` : `${resource}" in API group "`;
    return status(403, 'Forbidden', `${t.kind.resource}${t.kind.group ? `.${t.kind.group}` : ''} ${t.name ? `"${t.name}" ` : ''}is forbidden: User "${req.identity.user}" cannot ${verb} resource "${gr}" ${scope}`);
  }
  let body: Attrs = {};
  if (req.body) {
    try {
      body = JSON.parse(req.body) as Attrs;
    } catch {
      return status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json (sent: ${req.contentType ?? 'none'})`);
    }
  }
  try {
    return route(ctx, req.method, t, u.searchParams, body, watch);
  } catch (e) {
    if (e instanceof SelectorError) return status(400, 'BadRequest', e.message);
    throw e;
  }
}

function route(ctx: ApiContext, method: string, t: Target, q: URLSearchParams, body: Attrs, watch: boolean): ApiResponse {
  const labelSel = parseLabelSelector(q.get('labelSelector'));
  const fieldSel = parseFieldSelector(q.get('fieldSelector'));
  const seq = ctx.ops.world.seq;
  const byName = (json: Attrs) => ({ 'metadata.name': String((json.metadata as Attrs).name), 'metadata.namespace': String((json.metadata as Attrs).namespace ?? '') });
  const collection = (items: Attrs[], extraFields?: (j: Attrs) => Record<string, string>): ApiResponse => {
    const picked = items.filter((j) => labelSel(strMap((j.metadata as Attrs).labels)) && fieldSel({ ...byName(j), ...(extraFields?.(j) ?? {}) }));
    if (watch) return { status: 200, body: null, watch: true };
    return listOf(t.kind, picked, seq);
  };
  const one = (items: Attrs[]): ApiResponse => {
    const found = items.find((j) => (j.metadata as Attrs).name === t.name);
    return found ? { status: 200, body: found } : notFound(t.kind.group ? `${t.kind.resource}.${t.kind.group}` : t.kind.resource, t.name ?? '');
  };
  const inNs = <T extends { namespace?: string }>(xs: T[]) => xs.filter((x) => !t.namespace || x.namespace === t.namespace);
  const workloads = inNs(workloadsOf(ctx.ops, ctx.cluster).map((w) => ({ w, namespace: w.spec.namespace }))).map((x) => x.w);

  switch (t.kind.resource) {
    case 'nodes': {
      const nodes = nodesOf(ctx.ops, ctx.cluster).sort((a, b) => a.name.localeCompare(b.name));
      if (method === 'GET') return t.name ? one(nodes.map((n) => nodeJson(ctx, n))) : collection(nodes.map((n) => nodeJson(ctx, n)), (j) => ({ 'spec.unschedulable': String(((j.spec as Attrs).unschedulable ?? false) === true) }));
      if (method === 'PATCH' && t.name) {
        const node = nodes.find((n) => n.name === t.name);
        if (!node) return notFound('nodes', t.name);
        const spec = body.spec as Attrs | undefined;
        if (spec && 'unschedulable' in spec) {
          const a = node.attrs as NodeAttrs;
          const to = spec.unschedulable === true;
          if (Boolean(a.unschedulable) !== to) {
            a.unschedulable = to;
            ctx.ops.log({ stack: ctx.by.stack, provider: ctx.by.provider, type: 'node', action: to ? 'cordon' : 'uncordon', id: node.name, name: node.name, unit: node.unit, detail: `pool ${a.pool}` });
            reconcile(ctx.ops, ctx.cluster, ctx.by);
          }
        }
        return { status: 200, body: nodeJson(ctx, node) };
      }
      break;
    }
    case 'pods': {
      const pods = inNs(podViews(ctx));
      if (t.subresource === 'eviction' && method === 'POST' && t.name && t.namespace) {
        const found = findPod(ctx.ops, ctx.cluster, t.namespace, t.name);
        if (!found) return notFound('pods', t.name);
        const r = evictPod(ctx.ops, ctx.cluster, found, ctx.by);
        // https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/#how-api-initiated-eviction-works:
        // 429 Too Many Requests while the PDB allows no disruption.
        if (!r.allowed) {
          const res = status(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", { causes: [{ reason: 'DisruptionBudget', message: r.detail }] });
          return { ...res, stuck: { kind: 'drain', node: found.pod.node ?? '' } };
        }
        return { status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
      }
      if (t.subresource) break;
      if (method === 'GET') return t.name ? one(pods.map((p) => p.json)) : collection(pods.map((p) => p.json), (j) => ({ 'spec.nodeName': String((j.spec as Attrs).nodeName ?? ''), 'status.phase': String((j.status as Attrs).phase) }));
      if (method === 'DELETE' && t.name && t.namespace) {
        const found = findPod(ctx.ops, ctx.cluster, t.namespace, t.name);
        if (!found) return notFound('pods', t.name);
        deletePod(ctx.ops, ctx.cluster, found, ctx.by);
        return { status: 200, body: pods.find((p) => (p.json.metadata as Attrs).name === t.name)?.json ?? {} };
      }
      break;
    }
    case 'poddisruptionbudgets':
      if (method === 'GET') return t.name ? one(workloads.map(pdbJson)) : collection(workloads.map(pdbJson));
      break;
    case 'deployments':
      if (method === 'GET') {
        const list = workloads.map(deploymentJson);
        if (watch) {
          const named = list.filter((j) => fieldSel(byName(j)));
          const waiting = named.find((j) => ((j.status as Attrs).availableReplicas as number) < ((j.spec as Attrs).replicas as number));
          return { status: 200, body: null, watch: true, ...(waiting ? { stuck: { kind: 'rollout' as const, name: String((waiting.metadata as Attrs).name) } } : {}) };
        }
        return t.name ? one(list) : collection(list);
      }
      break;
    case 'replicasets':
      if (method === 'GET') return t.name ? one(workloads.map(replicaSetJson)) : collection(workloads.map(replicaSetJson));
      break;
    case 'daemonsets':
    case 'statefulsets':
      if (method === 'GET') return t.name ? one([]) : collection([]);
      break;
    case 'configmaps':
      return configMaps(ctx, method, t, body, collection, one);
    default:
      if (TF_TYPES[t.kind.resource] && method === 'GET') {
        const items = tfObjects(ctx, t.kind.resource, t.namespace).map((o) => tfObjectJson(ctx, o));
        if (t.kind.resource === 'namespaces') for (const n of ['default', 'kube-system']) if (!items.some((i) => (i.metadata as Attrs).name === n)) items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } });
        return t.name ? one(items) : collection(items);
      }
  }
  return status(405, 'MethodNotAllowed', `${method} is not supported on ${t.kind.resource} in this simulated API`);
}

function configMaps(ctx: ApiContext, method: string, t: Target, body: Attrs, collection: (items: Attrs[]) => ApiResponse, one: (items: Attrs[]) => ApiResponse): ApiResponse {
  const objs = tfObjects(ctx, 'configmaps', t.namespace);
  if (method === 'GET') {
    const items = objs.map((o) => tfObjectJson(ctx, o));
    return t.name ? one(items) : collection(items);
  }
  const ns = t.namespace ?? 'default';
  if (method === 'POST') {
    const name = str((body.metadata as Attrs | undefined)?.name) ?? '';
    if (objs.some((o) => o.name === name)) return status(409, 'AlreadyExists', `configmaps "${name}" already exists`, { name, kind: 'configmaps' });
    if (ns !== 'default' && !ctx.ops.get('kubernetes_namespace_v1', ns, ctx.cluster)) return notFound('namespaces', ns);
    const labels = strMap((body.metadata as Attrs | undefined)?.labels);
    const annotations = Object.fromEntries(Object.entries(strMap((body.metadata as Attrs | undefined)?.annotations)).filter(([k]) => !CLIENT_ANNOTATIONS.includes(k)));
    const obj: WorldObject = { type: 'kubernetes_config_map_v1', provider: 'kubernetes', id: `${ns}/${name}`, name, stack: ctx.by.stack, cluster: ctx.cluster, createdAt: ctx.ops.clock, attrs: { id: `${ns}/${name}`, metadata: [{ name, namespace: ns, labels, annotations }], data: strMap(body.data) } };
    ctx.ops.put(obj);
    ctx.ops.log({ stack: ctx.by.stack, provider: ctx.by.provider, type: 'kubernetes_config_map_v1', action: 'api-create', id: obj.id, name });
    return { status: 201, body: tfObjectJson(ctx, obj) };
  }
  if ((method === 'PATCH' || method === 'PUT') && t.name) {
    const obj = objs.find((o) => o.name === t.name);
    if (!obj) return notFound('configmaps', t.name);
    const current = tfObjectJson(ctx, obj);
    const next = (method === 'PUT' ? body : mergePatch(current, body)) as Attrs;
    const m = meta(obj.attrs);
    const annotations = Object.fromEntries(Object.entries(strMap((next.metadata as Attrs | undefined)?.annotations)).filter(([k]) => !CLIENT_ANNOTATIONS.includes(k)));
    const labels = strMap((next.metadata as Attrs | undefined)?.labels);
    const same = (a: Record<string, string>, b: unknown) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(strMap(b)).sort());
    obj.attrs.metadata = [{ ...m, labels: same(labels, m.labels) ? m.labels : labels, annotations: same(annotations, m.annotations) ? m.annotations : annotations }];
    obj.attrs.data = strMap(next.data);
    ctx.ops.log({ stack: ctx.by.stack, provider: ctx.by.provider, type: 'kubernetes_config_map_v1', action: 'api-patch', id: obj.id, name: obj.name, detail: Object.keys(strMap(next.data)).join(',') });
    return { status: 200, body: tfObjectJson(ctx, obj) };
  }
  return status(405, 'MethodNotAllowed', `${method} is not supported on configmaps in this simulated API`);
}
