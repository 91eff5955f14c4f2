// The rehearsal world's sample workload (issue 13), in memory: placement, PDB-respecting drain,
// restore on a blocked drain, autoscaler nodes of a tainted pool.
import { emptyWorld, WorldObject } from '../../rehearsal/world/model';
import { WorldOps } from '../../rehearsal/world/ops';
import { addPoolNode, createNodes, NodeAttrs, nodesOf, setPoolTaints } from '../../rehearsal/world/rules/nodes';
import { addWorkload, drain, podsPerPool, reconcile, scaleWorkload } from '../../rehearsal/world/workload';

const BY = { stack: 'test', provider: 'kubernetes' };
const CORDON = { key: 'bluegreen.cdktf.io/cordoned', value: 'green', effect: 'NoSchedule' };

function cluster(): { ops: WorldOps; key: string } {
  const ops = new WorldOps(emptyWorld());
  const c: WorldObject = { type: 'aws_eks_cluster', provider: 'aws', id: 'shop', name: 'shop', stack: 'shop-shared', createdAt: 0, attrs: {} };
  ops.put(c);
  const key = ops.keyOf(c);
  for (const pool of ['blue', 'green']) {
    createNodes(ops, {
      cluster: c, pool, count: 3, labels: { workload: 'apps' }, taints: pool === 'green' ? [CORDON] : [],
      version: '1.34.1', unit: pool, stack: `shop-unit-${pool}`, nodeName: (i) => `${pool}-${i}`,
    });
  }
  addWorkload(ops, { cluster: key, namespace: 'shop', name: 'web', replicas: 6, minAvailable: 4, nodeSelector: { workload: 'apps' } });
  return { ops, key };
}

describe('rehearsal world: the sample workload', () => {
  test('pods land only on schedulable pools: none on the cordoned (tainted) green pool', () => {
    const { ops, key } = cluster();
    expect(podsPerPool(ops, key)).toEqual({ blue: 6 });
  });

  test('a drain moves every pod to the serving pool, each eviction leaving at least minAvailable healthy', () => {
    const { ops, key } = cluster();
    setPoolTaints(ops, key, 'green', []);
    const r = drain(ops, { cluster: key, drainPools: ['blue'], servingPools: ['green'], enteringPools: ['green'], batchSize: 2, timeoutSeconds: 900 }, BY);
    expect(r.status).toBe('drained');
    expect(r.evicted).toBe(6);
    expect(podsPerPool(ops, key)).toEqual({ green: 6 });
    const evictions = ops.world.log.filter((a) => a.action === 'evict');
    expect(evictions).toHaveLength(6);
    for (const e of evictions) {
      const m = /healthy (\d+) ≥ minAvailable (\d+)/.exec(String(e.detail))!;
      expect(Number(m[1])).toBeGreaterThanOrEqual(Number(m[2]));
    }
    expect(nodesOf(ops, key, 'blue').every((n) => (n.attrs as NodeAttrs).unschedulable)).toBe(true);
  });

  test('a PDB that cannot be satisfied blocks the drain: the clock runs the timeout, the schedulable set is put back, the result names the PDB and the pods', () => {
    const { ops, key } = cluster();
    setPoolTaints(ops, key, 'green', []);
    for (const w of Object.values<any>((ops.world.ext as any).workloads)) w.spec.minAvailable = 6;
    const before = ops.clock;
    const r = drain(ops, { cluster: key, drainPools: ['blue'], servingPools: ['green'], enteringPools: ['green'], batchSize: 1, timeoutSeconds: 900 }, BY);
    expect(r.status).toBe('blocked');
    expect(r.detail).toMatch(/^PodDisruptionBudget\(s\) shop\/web-pdb allow no eviction; pods still on blue after 900 s: shop\/web-00000 .*shop\/web-00005\. Nothing was deleted/);
    expect(ops.clock - before).toBe(900);
    expect(podsPerPool(ops, key)).toEqual({ blue: 6 });
    expect(nodesOf(ops, key, 'blue').some((n) => (n.attrs as NodeAttrs).unschedulable)).toBe(false);
    expect(nodesOf(ops, key, 'green').every((n) => (n.attrs as NodeAttrs).unschedulable)).toBe(true);
  });

  test('a node the autoscaler adds to a tainted pool registers with the taint and gets no pod, even as the workload grows', () => {
    const { ops, key } = cluster();
    const node = addPoolNode(ops, key, 'green', BY);
    expect((node.attrs as NodeAttrs).taints).toEqual([CORDON]);
    scaleWorkload(ops, key, 12);
    reconcile(ops, key, BY);
    expect(podsPerPool(ops, key)).toEqual({ blue: 12 });
  });
});
