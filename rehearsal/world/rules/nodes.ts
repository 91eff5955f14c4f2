// Nodes of simulated clusters: what a node pool / node group makes the cloud create. Each node has
// a pool, labels, taints, a kubelet version and a Ready condition (faults may change the last two
// as seen by the Kubernetes API, see kubernetes.ts).
import { WorldObject } from '../model';
import { WorldOps } from '../ops';
import { hex } from './common';

export interface NodeAttrs {
  name: string;
  pool: string;
  labels: Record<string, string>;
  taints: { key: string; value: string; effect: string }[];
  kubeletVersion: string;
  ready: boolean;
  [k: string]: unknown;
}

export interface PoolNodes {
  readonly cluster: WorldObject;
  readonly pool: string;
  readonly count: number;
  readonly labels: Record<string, string>;
  readonly taints?: { key: string; value: string; effect: string }[];
  /** Full version, `1.34.3`. */
  readonly version: string;
  readonly unit?: string;
  readonly fleet?: string;
  readonly stack: string;
  readonly nodeName: (i: number) => string;
}

export function createNodes(ops: WorldOps, p: PoolNodes): WorldObject[] {
  const key = ops.keyOf(p.cluster);
  const out: WorldObject[] = [];
  for (let i = 0; i < p.count; i++) {
    const name = p.nodeName(i);
    const attrs: NodeAttrs = {
      name,
      pool: p.pool,
      labels: { ...p.labels, 'kubernetes.io/hostname': name },
      taints: [...(p.taints ?? [])],
      kubeletVersion: `v${p.version.replace(/^v/, '')}`,
      ready: true,
      uid: uidOf(`${key}/${name}`),
    };
    const node: WorldObject = { type: 'node', provider: 'kubernetes', id: name, name, stack: p.stack, unit: p.unit, fleet: p.fleet, cluster: key, createdAt: ops.clock, attrs };
    ops.put(node);
    out.push(node);
  }
  return out;
}

export function nodesOf(ops: WorldOps, clusterKey: string, pool?: string): WorldObject[] {
  return ops.all('node', (n) => n.cluster === clusterKey && (pool === undefined || (n.attrs as NodeAttrs).pool === pool));
}

/** Deletes a pool's nodes (the pool was deleted or replaced). */
export function removeNodes(ops: WorldOps, clusterKey: string, pool: string, by: { stack: string; provider: string }): void {
  for (const n of nodesOf(ops, clusterKey, pool)) {
    ops.remove(n, by);
    ops.log({ stack: by.stack, provider: by.provider, type: 'node', action: 'cascade-delete', id: n.id, name: n.name, unit: n.unit, detail: `node pool ${pool} deleted` });
  }
}

/** Rolling upgrade of a pool: every node ends on `version` (nodes are replaced by new ones in the real clouds; names are kept here). */
export function setPoolVersion(ops: WorldOps, clusterKey: string, pool: string, version: string): void {
  for (const n of nodesOf(ops, clusterKey, pool)) {
    (n.attrs as NodeAttrs).kubeletVersion = `v${version.replace(/^v/, '')}`;
  }
}

export function uidOf(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
