import { buildableNextVersions, FleetKind } from '../../src';
import { parseRolloutState, RolloutStateFile } from '../../src/core/state-file';

// Issue 22 item 6's foundation: the versions a fleet of a kind can build next from a state —
// offered by the region ∩ buildable by the kind ∩ legal under the skew rules ∩ within the policy.
function state(units: Array<[string, string, string, number?]>, policy: Record<string, unknown> = {}, kind?: string): RolloutStateFile {
  return parseRolloutState({
    version: 1, fleet: 'shop', ...(kind ? { kind } : {}), step: 3, policy,
    units: units.map(([slot, kubernetesVersion, lifecycle, weight]) => ({ slot, kubernetesVersion, lifecycle, weight: weight ?? 0, since: 0 })),
  }, 'shop.json');
}

describe('buildableNextVersions', () => {
  const after = state([['blue', '1.33', 'retired'], ['green', '1.34', 'serving', 100]]);

  test('whole clusters: without the offer, the next minor after the newest live unit (a retired unit does not count)', () => {
    expect(buildableNextVersions(after, { kind: FleetKind.EKS_CLUSTER })).toEqual(['1.35']);
    expect(buildableNextVersions(state([['blue', '1.34', 'retired'], ['green', '1.33', 'serving', 100]]), { kind: FleetKind.AKS_CLUSTER })).toEqual(['1.34']);
  });

  test('whole clusters: the offer decides, newer than every live unit; EKS counts minors, AKS patches too', () => {
    const offered = ['1.32.6', '1.33.2', '1.34.1', '1.34.3', '1.35.0', '1.36.1'];
    expect(buildableNextVersions(after, { kind: FleetKind.AKS_CLUSTER, offered })).toEqual(['1.34.1', '1.34.3', '1.35.0', '1.36.1']);
    expect(buildableNextVersions(after, { kind: FleetKind.EKS_CLUSTER, offered })).toEqual(['1.35', '1.36']);
    expect(buildableNextVersions(after, { kind: FleetKind.EKS_CLUSTER, offered: ['1.33', '1.34'] })).toEqual([]);
  });

  test("the policy's minors bound it", () => {
    const capped = state([['green', '1.34', 'serving', 100]], { maximumKubernetesVersion: '1.35' });
    expect(buildableNextVersions(capped, { kind: FleetKind.EKS_CLUSTER, offered: ['1.35', '1.36'] })).toEqual(['1.35']);
    expect(buildableNextVersions(state([['green', '1.35', 'serving', 100]], { maximumKubernetesVersion: '1.35' }), { kind: FleetKind.AKS_CLUSTER })).toEqual([]);
  });

  test('node pools: never newer than the control plane, at most 3 minors older; by default the control plane is where the pools are', () => {
    const pools = state([['blue', '1.31', 'serving', 100]]);
    expect(buildableNextVersions(pools, { kind: FleetKind.EKS_NODE_POOL })).toEqual([]);
    expect(buildableNextVersions(pools, { kind: FleetKind.EKS_NODE_POOL, controlPlaneVersion: '1.34' })).toEqual(['1.32', '1.33', '1.34']);
    expect(buildableNextVersions(pools, { kind: FleetKind.AKS_NODE_POOL, controlPlaneVersion: '1.34', offered: ['1.30.14', '1.32.6', '1.34.1', '1.35.0'] })).toEqual(['1.32.6', '1.34.1']);
    // A control plane given with its patch bounds the pool's patch too (AKS).
    expect(buildableNextVersions(pools, { kind: FleetKind.AKS_NODE_POOL, controlPlaneVersion: '1.34.1', offered: ['1.34.1', '1.34.3'] })).toEqual(['1.34.1']);
    // Skew: a pool more than 3 minors behind the control plane is not buildable.
    expect(buildableNextVersions(state([['blue', '1.29', 'serving', 100]]), { kind: FleetKind.EKS_NODE_POOL, controlPlaneVersion: '1.34' })).toEqual(['1.31', '1.32', '1.33', '1.34']);
  });

  test("the state file's kind is the default; without one, whole clusters", () => {
    const poolsFile = state([['blue', '1.34', 'serving', 100]], {}, 'aks-node-pool');
    expect(buildableNextVersions(poolsFile)).toEqual([]);
    expect(buildableNextVersions(state([['blue', '1.34', 'serving', 100]]))).toEqual(['1.35']);
    expect(() => state([['blue', '1.34', 'serving', 100]], {}, 'gke')).toThrow(/kind = "gke" is refused: what the fleet is made of: "aks-cluster", "eks-cluster", "aks-node-pool", "eks-node-pool"/);
  });
});
