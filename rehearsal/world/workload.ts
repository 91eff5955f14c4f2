// The sample workload of node-pool scenarios (issue 13): a Deployment with replicas and a
// PodDisruptionBudget, its pods placed by a scheduler model, evicted by a drain that honours the PDB.
// Stored in world.ext.workloads. Sources:
// - placement: a pod lands only on a Ready, schedulable (not cordoned) node whose NoSchedule /
//   NoExecute taints it tolerates (it tolerates none) and whose labels match its nodeSelector
//   (https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/,
//   https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/);
//   the scheduler spreads (fewest pods first, as NodeResourcesBalancedAllocation tends to);
// - eviction: the Eviction API refuses (429) an eviction that would leave fewer healthy pods than
//   the PDB's minAvailable (https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/,
//   https://kubernetes.io/docs/tasks/run-application/configure-pdb/); the ReplicaSet then creates a
//   replacement, which the scheduler places (Ready at once in this world);
// - a deleted node takes its pods with it; the ReplicaSet recreates them elsewhere;
// - kubectl drain cordons (spec.unschedulable) and evicts, retrying refused evictions until its
//   timeout (https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/).
import { WorldObject } from './model';
import { WorldOps } from './ops';
import { NodeAttrs, nodesOf } from './rules/nodes';

export interface WorkloadSpec {
  /** Key of the cluster object (WorldOps.keyOf). */
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  /** The PodDisruptionBudget's minAvailable (its name is `<name>-pdb`). */
  readonly minAvailable: number;
  readonly nodeSelector: Record<string, string>;
}

export interface Pod {
  name: string;
  node: string | null;
  ready: boolean;
}

interface WorkloadState {
  spec: WorkloadSpec;
  pods: Pod[];
  nextPod: number;
}

type Store = Record<string, WorkloadState>;

function store(ops: WorldOps): Store {
  const ext = ops.world.ext as Record<string, unknown>;
  if (!ext.workloads) ext.workloads = {};
  return ext.workloads as Store;
}

const keyOf = (s: WorkloadSpec) => `${s.cluster}|${s.namespace}/${s.name}`;

export function workloadsOf(ops: WorldOps, cluster?: string): WorkloadState[] {
  return Object.values(store(ops)).filter((w) => cluster === undefined || w.spec.cluster === cluster);
}

/** Creates the Deployment and its PDB; its pods are placed at once. */
export function addWorkload(ops: WorldOps, spec: WorkloadSpec): void {
  const w: WorkloadState = { spec, pods: [], nextPod: 0 };
  store(ops)[keyOf(spec)] = w;
  for (let i = 0; i < spec.replicas; i++) w.pods.push(newPod(w));
  reconcile(ops, spec.cluster, { stack: 'scenario', provider: 'kubernetes' });
}

/** Scales the Deployment (the new pods are placed like any other). */
export function scaleWorkload(ops: WorldOps, cluster: string, replicas: number): void {
  for (const w of workloadsOf(ops, cluster)) {
    while (w.pods.length < replicas) w.pods.push(newPod(w));
    (w.spec as { replicas: number }).replicas = replicas;
  }
  reconcile(ops, cluster, { stack: 'scenario', provider: 'kubernetes' });
}

function newPod(w: WorkloadState): Pod {
  return { name: `${w.spec.name}-${(w.nextPod++).toString(36).padStart(5, '0')}`, node: null, ready: false };
}

function nodeAttrs(n: WorldObject): NodeAttrs {
  return n.attrs as NodeAttrs;
}

/** Nodes a workload pod may be scheduled on now. */
export function schedulableForWorkload(ops: WorldOps, w: WorkloadState): WorldObject[] {
  return nodesOf(ops, w.spec.cluster).filter((n) => {
    const a = nodeAttrs(n);
    if (!a.ready || a.unschedulable) return false;
    if (Object.entries(w.spec.nodeSelector).some(([k, v]) => a.labels[k] !== v)) return false;
    return !a.taints.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  });
}

/**
 * Pods whose node is gone are recreated; pending pods are placed on the schedulable node with the
 * fewest of the workload's pods. Logs each placement (`pod-scheduled`, detail = node and pool).
 */
export function reconcile(ops: WorldOps, cluster: string, by: { stack: string; provider: string }): void {
  for (const w of workloadsOf(ops, cluster)) {
    const nodes = new Map(nodesOf(ops, cluster).map((n) => [n.name, n]));
    for (const p of w.pods) {
      if (p.node !== null && !nodes.has(p.node)) {
        ops.log({ stack: by.stack, provider: by.provider, type: 'pod', action: 'pod-lost', id: `${w.spec.namespace}/${p.name}`, name: p.name, detail: `node ${p.node} deleted` });
        p.node = null;
        p.ready = false;
      }
    }
    placePending(ops, w, by);
  }
}

function placePending(ops: WorldOps, w: WorkloadState, by: { stack: string; provider: string }): void {
  for (const p of w.pods.filter((x) => x.node === null)) {
    const candidates = schedulableForWorkload(ops, w);
    if (!candidates.length) continue;
    const load = (n: WorldObject) => w.pods.filter((x) => x.node === n.name).length;
    candidates.sort((a, b) => load(a) - load(b) || a.name.localeCompare(b.name));
    const node = candidates[0];
    p.node = node.name;
    p.ready = true;
    ops.log({ stack: by.stack, provider: by.provider, type: 'pod', action: 'pod-scheduled', id: `${w.spec.namespace}/${p.name}`, name: p.name, unit: node.unit, detail: `${node.name} (pool ${nodeAttrs(node).pool})` });
  }
}

/** Workload pods per pool of a cluster (pending pods under ''). */
export function podsPerPool(ops: WorldOps, cluster: string): Record<string, number> {
  const out: Record<string, number> = {};
  const nodes = new Map(nodesOf(ops, cluster).map((n) => [n.name, n]));
  for (const w of workloadsOf(ops, cluster)) {
    for (const p of w.pods) {
      const pool = p.node ? nodeAttrs(nodes.get(p.node)!)?.pool ?? '' : '';
      out[pool] = (out[pool] ?? 0) + 1;
    }
  }
  return out;
}

function setUnschedulable(ops: WorldOps, cluster: string, pools: string[], value: boolean): void {
  for (const n of nodesOf(ops, cluster).filter((x) => pools.includes(nodeAttrs(x).pool))) nodeAttrs(n).unschedulable = value;
}

export interface DrainRequest {
  readonly cluster: string;
  readonly drainPools: string[];
  readonly servingPools: string[];
  readonly enteringPools: string[];
  readonly batchSize: number;
  readonly timeoutSeconds: number;
}

export interface DrainResult {
  readonly status: 'drained' | 'blocked' | 'not-ready';
  readonly detail: string;
  readonly evicted: number;
}

/**
 * The drain Job's effect (rehearsal/world/rules/kubernetes.ts runs it for a Job labelled
 * `bluegreen.cdktf.io/action=drain`): uncordon the serving pools, cordon the drained pools, evict
 * their workload pods batch by batch through the PDB. Each eviction is logged (`evict`) with the
 * healthy count it leaves and the PDB's minAvailable. A refused eviction cannot be unblocked in
 * this world (replacements are placed at once), so it waits the whole timeout, then the
 * schedulable set is put back and the result names the PDB and the pods.
 */
export function drain(ops: WorldOps, req: DrainRequest, by: { stack: string; provider: string }): DrainResult {
  setUnschedulable(ops, req.cluster, req.servingPools, false);
  setUnschedulable(ops, req.cluster, req.drainPools, true);
  reconcile(ops, req.cluster, by);
  const nodes = nodesOf(ops, req.cluster).filter((n) => req.drainPools.includes(nodeAttrs(n).pool)).sort((a, b) => a.name.localeCompare(b.name));
  let evicted = 0;
  for (let i = 0; i < nodes.length; i += req.batchSize) {
    const batch = new Set(nodes.slice(i, i + req.batchSize).map((n) => n.name));
    for (const w of workloadsOf(ops, req.cluster)) {
      for (const p of w.pods.filter((x) => x.node !== null && batch.has(x.node))) {
        const healthy = w.pods.filter((x) => x.ready).length;
        const pdb = `${w.spec.namespace}/${w.spec.name}-pdb`;
        if (healthy - 1 < w.spec.minAvailable) {
          ops.log({ stack: by.stack, provider: by.provider, type: 'pod', action: 'evict-refused', id: `${w.spec.namespace}/${p.name}`, name: p.name, detail: `PodDisruptionBudget ${pdb}: ${healthy} healthy, minAvailable ${w.spec.minAvailable}` });
          ops.advance(req.timeoutSeconds);
          const stuck = workloadsOf(ops, req.cluster).flatMap((x) => x.pods.filter((q) => q.node !== null && nodes.some((n) => n.name === q.node)).map((q) => `${x.spec.namespace}/${q.name}`));
          setUnschedulable(ops, req.cluster, req.drainPools, false);
          setUnschedulable(ops, req.cluster, req.enteringPools, true);
          reconcile(ops, req.cluster, by);
          return {
            status: 'blocked',
            evicted,
            detail: `PodDisruptionBudget(s) ${pdb} allow no eviction; pods still on ${req.drainPools.join(',')} after ${req.timeoutSeconds} s: ${stuck.join(' ')}. Nothing was deleted; pools ${req.drainPools.join(',')} are schedulable again`,
          };
        }
        const from = p.node;
        p.node = null;
        p.ready = false;
        evicted++;
        ops.log({ stack: by.stack, provider: by.provider, type: 'pod', action: 'evict', id: `${w.spec.namespace}/${p.name}`, name: p.name, detail: `from ${from}; healthy ${healthy - 1} ≥ minAvailable ${w.spec.minAvailable} (${pdb})` });
        // The ReplicaSet's replacement (a new pod; the evicted one is gone).
        w.pods.splice(w.pods.indexOf(p), 1, newPod(w));
        placePending(ops, w, by);
      }
    }
  }
  const left = nodes.reduce((n, node) => n + workloadsOf(ops, req.cluster).reduce((m, w) => m + w.pods.filter((p) => p.node === node.name).length, 0), 0);
  const pending = workloadsOf(ops, req.cluster).reduce((m, w) => m + w.pods.filter((p) => p.node === null).length, 0);
  if (pending > 0) {
    setUnschedulable(ops, req.cluster, req.drainPools, false);
    setUnschedulable(ops, req.cluster, req.enteringPools, true);
    reconcile(ops, req.cluster, by);
    return { status: 'not-ready', evicted, detail: `${pending} pod(s) found no schedulable node on ${req.servingPools.join(',')}; pools ${req.drainPools.join(',')} are schedulable again` };
  }
  return { status: 'drained', evicted, detail: `pools ${req.drainPools.join(',')} hold no workload pod (${left} left); ${evicted} evicted` };
}
