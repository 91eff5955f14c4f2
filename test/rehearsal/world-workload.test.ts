// The rehearsal world's sample workload (issue 13), in memory: placement and autoscaler nodes of a
// tainted pool. The drain is the library's own Job, run for real: world-kube.test.ts.
import { emptyWorld, WorldObject } from '../../rehearsal/world/model';
import { WorldOps } from '../../rehearsal/world/ops';
import { addPoolNode, createNodes, NodeAttrs } from '../../rehearsal/world/rules/nodes';
import { addWorkload, podsPerPool, reconcile, scaleWorkload } from '../../rehearsal/world/workload';

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

  test('a node the autoscaler adds to a tainted pool registers with the taint and gets no pod, even as the workload grows', () => {
    const { ops, key } = cluster();
    const node = addPoolNode(ops, key, 'green', BY);
    expect((node.attrs as NodeAttrs).taints).toEqual([CORDON]);
    scaleWorkload(ops, key, 12);
    reconcile(ops, key, BY);
    expect(podsPerPool(ops, key)).toEqual({ blue: 12 });
  });
});
