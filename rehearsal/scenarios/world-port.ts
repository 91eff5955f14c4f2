// The scenarios' view of the simulated world (rehearsal/world): its action log, its objects, its
// traffic simulation and its faults, behind the small WorldPort interface the scenarios use.
import { clearFaults, injectFault } from '../world/faults';
import { WorldStore } from '../world/store';
import { WorldObject } from '../world/model';
import { WorldOps } from '../world/ops';
import { addPoolNode, NodeAttrs, nodesOf } from '../world/rules/nodes';
import { addWorkload, reconcile, scaleWorkload, workloadsOf } from '../world/workload';
import { FaultSpec, SampleWorkload, TimelineView, WorldAction, WorldPort } from './model';

type Simulate = (world: unknown, fleet: string, requests?: number, seed?: number) => unknown;

/** Requests per traffic measurement (issue 9: 10,000 per fleet and step). */
export const REQUESTS = 10000;

export class FileWorld implements WorldPort {
  private readonly store: WorldStore;

  constructor(public readonly file: string) {
    this.store = new WorldStore(file);
  }

  public actions(): WorldAction[] {
    return this.store.read().log as WorldAction[];
  }

  public shares(fleet: string): Record<string, number> {
    // Loaded on first use: the traffic module belongs to the world and is optional for the rest.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const simulate = (require('../world/traffic') as { simulateTraffic: Simulate }).simulateTraffic;
    return toPercent(simulate(this.store.read(), fleet, REQUESTS, 9));
  }

  public clock(): number {
    return this.store.read().clock;
  }

  public advanceClock(seconds: number): void {
    this.store.update((w) => { if (seconds > 0) w.clock += seconds; });
  }

  public timeline(fleet: string, from: number, to: number, instants: number[]): TimelineView {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { trafficTimeline } = require('../world/timeline') as typeof import('../world/timeline');
    const t = trafficTimeline(this.store.read(), fleet, from, to, { instants });
    return {
      router: t.router, lagSeconds: t.lagSeconds, propagationSeconds: t.timing.propagationSeconds,
      dnsTtlSeconds: t.timing.dnsTtlSeconds, clientKeepSeconds: t.clientKeepSeconds, samples: t.samples,
    };
  }

  public setFaults(faults: FaultSpec[]): void {
    for (const f of faults) injectFault(this.file, { note: f.label, ...f.fault });
  }

  public clearFaults(): void {
    clearFaults(this.file);
  }

  public addWorkload(fleet: string, w: SampleWorkload): void {
    this.store.update((world) => {
      const ops = new WorldOps(world);
      addWorkload(ops, { cluster: clusterKey(ops, fleet), ...w });
    });
  }

  public changeWorkload(fleet: string, change: { replicas?: number; minAvailable?: number }): void {
    this.store.update((world) => {
      const ops = new WorldOps(world);
      const key = clusterKey(ops, fleet);
      for (const w of workloadsOf(ops, key)) if (change.minAvailable !== undefined) (w.spec as { minAvailable: number }).minAvailable = change.minAvailable;
      if (change.replicas !== undefined) scaleWorkload(ops, key, change.replicas);
      reconcile(ops, key, { stack: 'scenario', provider: 'kubernetes' });
    });
  }

  public podsPerUnit(fleet: string): Record<string, number> {
    const ops = new WorldOps(this.store.read());
    const key = clusterKey(ops, fleet);
    const nodes = new Map(nodesOf(ops, key).map((n) => [n.name, n]));
    const out: Record<string, number> = {};
    for (const w of workloadsOf(ops, key)) {
      for (const p of w.pods) {
        const unit = p.node ? nodes.get(p.node)?.unit ?? (nodes.get(p.node)?.attrs as NodeAttrs | undefined)?.pool ?? '' : '';
        out[unit] = (out[unit] ?? 0) + 1;
      }
    }
    return out;
  }

  public podsPerNode(fleet: string): Record<string, number> {
    const ops = new WorldOps(this.store.read());
    const out: Record<string, number> = {};
    for (const w of workloadsOf(ops, clusterKey(ops, fleet))) for (const p of w.pods) if (p.node) out[p.node] = (out[p.node] ?? 0) + 1;
    return out;
  }

  public addPoolNode(fleet: string, unit: string): string {
    return this.store.update((world) => {
      const ops = new WorldOps(world);
      const key = clusterKey(ops, fleet);
      const peer = nodesOf(ops, key).find((n) => n.unit === unit);
      if (!peer) throw new Error(`unit ${unit} of fleet ${fleet} has no node`);
      const node = addPoolNode(ops, key, (peer.attrs as NodeAttrs).pool, { stack: 'scenario', provider: 'kubernetes' });
      reconcile(ops, key, { stack: 'scenario', provider: 'kubernetes' });
      return node.name;
    });
  }

  public nodesOfUnit(fleet: string, unit: string): Array<{ name: string; taints: string[]; unschedulable: boolean }> {
    const ops = new WorldOps(this.store.read());
    return nodesOf(ops, clusterKey(ops, fleet)).filter((n) => n.unit === unit).map((n) => {
      const a = n.attrs as NodeAttrs;
      return { name: a.name, taints: a.taints.map((t) => `${t.key}=${t.value}:${t.effect}`), unschedulable: a.unschedulable === true };
    });
  }

  public remainsOf(fleet: string, unit: string): string[] {
    const w = this.store.read();
    return Object.values(w.objects)
      .filter((o) => o.unit === unit && (o.fleet === undefined || o.fleet === fleet))
      .map((o) => `${o.type} ${o.name}`);
  }
}

/** Shares as percent per unit, whatever shape the simulation returns (fractions or percent; a map or its `shares`). */
export function toPercent(result: unknown): Record<string, number> {
  let r = result as Record<string, unknown>;
  if (r instanceof Map) r = Object.fromEntries(r);
  if (r && typeof r === 'object' && 'shares' in r && typeof r.shares === 'object') r = r.shares as Record<string, unknown>;
  const entries = Object.entries(r ?? {}).filter(([, v]) => typeof v === 'number') as Array<[string, number]>;
  const sum = entries.reduce((a, [, v]) => a + v, 0);
  const scale = sum > 0 && sum <= 1.0001 ? 100 : 1;
  return Object.fromEntries(entries.map(([k, v]) => [k, v * scale]));
}

/** The world key of a node-pool fleet's cluster (AKS or EKS). */
function clusterKey(ops: WorldOps, fleet: string): string {
  const c: WorldObject | undefined = ops.find('azurerm_kubernetes_cluster', (o) => o.fleet === fleet) ?? ops.find('aws_eks_cluster', (o) => o.fleet === fleet);
  if (!c) throw new Error(`fleet ${fleet} has no cluster in the world`);
  return ops.keyOf(c);
}
