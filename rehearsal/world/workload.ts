// The sample workload of node-pool scenarios (issue 13): a Deployment with replicas and a
// PodDisruptionBudget, its pods placed by a scheduler model, evicted through the Eviction API (kube/api.ts).
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
// - a plain DELETE of a pod consults no PDB (https://kubernetes.io/docs/concepts/workloads/pods/disruptions/);
// - a deleted node takes its pods with it; the ReplicaSet recreates them elsewhere.
// Nothing here drains: the library's drain Job runs its own script with the real kubectl against the
// world's Kubernetes API (kube/), which cordons nodes and calls evictPod / deletePod.
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

export interface WorkloadState {
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

/** The PDB of a workload as the API reports it (name `<name>-pdb`, selector `app=<name>`). */
export function pdbStatus(w: WorkloadState): { name: string; healthy: number; minAvailable: number; disruptionsAllowed: number } {
  const healthy = w.pods.filter((x) => x.ready).length;
  return { name: `${w.spec.name}-pdb`, healthy, minAvailable: w.spec.minAvailable, disruptionsAllowed: Math.max(0, healthy - w.spec.minAvailable) };
}

export type WorkloadPod = { workload: WorkloadState; pod: Pod };

export function findPod(ops: WorldOps, cluster: string, namespace: string, name: string): WorkloadPod | undefined {
  for (const w of workloadsOf(ops, cluster)) {
    if (w.spec.namespace !== namespace) continue;
    const pod = w.pods.find((p) => p.name === name);
    if (pod) return { workload: w, pod };
  }
  return undefined;
}

/**
 * The Eviction API on one workload pod: refused (the caller answers 429) when evicting a healthy
 * pod would leave fewer healthy pods than the PDB's minAvailable; otherwise the pod is deleted at
 * once (no grace period in this world), its ReplicaSet creates a replacement and the scheduler
 * places it. Logs `evict` (detail: healthy count left ≥ minAvailable) or `evict-refused`.
 */
export function evictPod(ops: WorldOps, cluster: string, found: WorkloadPod, by: { stack: string; provider: string }): { allowed: boolean; detail: string } {
  const { workload: w, pod: p } = found;
  const pdb = pdbStatus(w);
  const pdbName = `${w.spec.namespace}/${pdb.name}`;
  if (p.ready && pdb.healthy - 1 < pdb.minAvailable) {
    const detail = `PodDisruptionBudget ${pdbName}: ${pdb.healthy} healthy, minAvailable ${pdb.minAvailable}`;
    ops.log({ stack: by.stack, provider: by.provider, type: 'pod', action: 'evict-refused', id: `${w.spec.namespace}/${p.name}`, name: p.name, detail });
    return { allowed: false, detail: `The disruption budget ${pdb.name} needs ${pdb.minAvailable} healthy pods and has ${pdb.healthy} currently` };
  }
  const left = p.ready ? pdb.healthy - 1 : pdb.healthy;
  ops.log({ stack: by.stack, provider: by.provider, type: 'pod', action: 'evict', id: `${w.spec.namespace}/${p.name}`, name: p.name, detail: `from ${p.node ?? 'no node'}; healthy ${left} ≥ minAvailable ${pdb.minAvailable} (${pdbName})` });
  replacePod(ops, cluster, w, p, by);
  return { allowed: true, detail: '' };
}

/** A plain DELETE of a workload pod: no PDB is consulted (the Eviction API is what honours PDBs). */
export function deletePod(ops: WorldOps, cluster: string, found: WorkloadPod, by: { stack: string; provider: string }): void {
  const { workload: w, pod: p } = found;
  const pdb = pdbStatus(w);
  ops.log({ stack: by.stack, provider: by.provider, type: 'pod', action: 'pod-deleted', id: `${w.spec.namespace}/${p.name}`, name: p.name, detail: `from ${p.node ?? 'no node'}; DELETE bypasses PodDisruptionBudget ${w.spec.namespace}/${pdb.name}: healthy ${p.ready ? pdb.healthy - 1 : pdb.healthy}, minAvailable ${pdb.minAvailable}` });
  replacePod(ops, cluster, w, p, by);
}

function replacePod(ops: WorldOps, _cluster: string, w: WorkloadState, p: Pod, by: { stack: string; provider: string }): void {
  // The ReplicaSet's replacement (a new pod; the removed one is gone).
  w.pods.splice(w.pods.indexOf(p), 1, newPod(w));
  placePending(ops, w, by);
}
