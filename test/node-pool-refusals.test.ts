import { AksOsType, PodDisruptionBudgetsCheck, SchedulingRouter, UnitLifecycle } from '../src';
import { BlueGreenError } from '../src/core/errors';
import { fitsRule, NAME_RULES } from '../src/core/naming';
import { aksPoolFleet, candidate, eksPoolFleet, retired, serving, standby } from './support/node-pool-fixtures';
import { testApp } from './support/synth';

/** Runs `f`, expecting a BlueGreenError, and returns it. */
function refusal(f: () => unknown): BlueGreenError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BlueGreenError);
    return e as BlueGreenError;
  }
  throw new Error('expected a BlueGreenError, got none');
}

describe('node-pool fleets refuse what would break the cluster', () => {
  test('noncompliance: the control plane jumps two minors in one step', () => {
    const e = refusal(() => aksPoolFleet(testApp(), { previousControlPlaneVersion: '1.31', controlPlaneVersion: '1.33', units: [serving('blue', '1.31')] }));
    expect(e.field).toBe('controlPlaneVersion');
    expect(e.message).toContain('fleet "shop"');
    expect(e.message).toContain('one minor at a time');
    expect(e.fix).toBe('controlPlaneVersion: "1.32" in this step, and "1.33" in a later one');
  });

  test('noncompliance: the control plane is downgraded', () => {
    const e = refusal(() => eksPoolFleet(testApp(), { previousControlPlaneVersion: '1.33', controlPlaneVersion: '1.32', units: [serving('blue', '1.32')] }));
    expect(e.rule).toContain('never downgraded');
  });

  test('compliance: the control plane moves one minor while the pools stay', () => {
    const fleet = aksPoolFleet(testApp(), { previousControlPlaneVersion: '1.32', controlPlaneVersion: '1.33', units: [serving('blue', '1.32')] });
    expect(fleet.plan.controlPlane).toEqual({ version: '1.33', previousVersion: '1.32', stack: 'shop-shared' });
  });

  test('noncompliance: a pool newer than the control plane', () => {
    const e = refusal(() => aksPoolFleet(testApp(), { controlPlaneVersion: '1.33', units: [serving('blue', '1.33', 90), { ...serving('green', '1.34'), weight: 10 }] }));
    expect(e.unit).toBe('green');
    expect(e.field).toBe('kubernetesVersion');
    expect(e.value).toBe('"1.34" with controlPlaneVersion "1.33"');
    expect(e.rule).toContain('never newer than its control plane');
    expect(e.fix).toContain('kubernetesVersion: "1.33"');
  });

  test('noncompliance: a pool more than 3 minors behind the control plane', () => {
    const e = refusal(() => eksPoolFleet(testApp(), { controlPlaneVersion: '1.33', minimumKubernetesVersion: '1.28', units: [serving('blue', '1.29')] }));
    expect(e.unit).toBe('blue');
    expect(e.rule).toContain('at most 3 minors older');
    expect(e.rule).toContain('1.30 or newer');
  });

  test('noncompliance: a kubelet older than 1.25 may only be 2 minors behind', () => {
    const e = refusal(() => aksPoolFleet(testApp(), { controlPlaneVersion: '1.27', minimumKubernetesVersion: '1.20', units: [serving('blue', '1.24')] }));
    expect(e.rule).toContain('at most 2 minors older');
  });

  test('noncompliance: upgrading the control plane past a retired pool that still runs during the step', () => {
    const e = refusal(() => aksPoolFleet(testApp(), {
      previousControlPlaneVersion: '1.33', controlPlaneVersion: '1.34', minimumKubernetesVersion: '1.29',
      previousUnits: [standby('blue', '1.30'), serving('green', '1.33')],
      units: [retired('blue', '1.30'), serving('green', '1.33')],
    }));
    expect(e.unit).toBe('blue');
    expect(e.rule).toContain('a retired pool still runs while the control plane upgrades');
    expect(e.fix).toContain('retire this pool in a step before the control plane moves past 1.33');
  });

  test('compliance: a pool exactly 3 minors behind is accepted', () => {
    const fleet = eksPoolFleet(testApp(), { controlPlaneVersion: '1.33', units: [serving('blue', '1.30')] });
    expect(fleet.plan.units[0].kubernetesVersion).toBe('1.30');
  });

  test('noncompliance: an AKS Linux pool name longer than 12 characters, with a slot that fits', () => {
    const e = refusal(() => aksPoolFleet(testApp(), { units: [serving('amberlight', '1.33')] }));
    expect(e.unit).toBe('amberlight');
    expect(e.field).toBe('pool name');
    expect(e.value).toMatch(/^"amberlight133[a-z2-7]{4}"$/);
    expect(e.rule).toContain('AKS Linux node pool name is 1-12 lowercase letters and digits');
    const m = /slot: "([a-z0-9]+)" \(pool name "([a-z0-9]+)"\)/.exec(e.fix);
    expect(m).not.toBeNull();
    expect(fitsRule(NAME_RULES.aksLinuxPool, m![2])).toBe(true);
    // The suggestion really builds: the same spec in the suggested slot synthesizes with that name.
    const fleet = aksPoolFleet(testApp(), { units: [serving(m![1], '1.33')] });
    expect(Object.values(fleet.poolNames)).toEqual([m![2]]);
  });

  test('noncompliance: an AKS Windows pool (the Cilium dataplane runs Linux nodes only)', () => {
    const e = refusal(() => aksPoolFleet(testApp(), { pool: { vmSize: 'Standard_D8ds_v5', osType: AksOsType.WINDOWS }, units: [serving('bl', '1.33')] }));
    expect([e.field, e.value, e.fix]).toEqual(['pool.osType', '"Windows"', 'osType: AksOsType.LINUX (run Windows workloads in a cluster outside this library)']);
  });

  test('compliance: pool names are slot + version + fingerprint within the limits', () => {
    const aks = aksPoolFleet(testApp(), { units: [serving('b', '1.33')] });
    const [aksName] = Object.values(aks.poolNames);
    expect(aksName).toMatch(/^b133[a-z2-7]{4}$/);
    const eks = eksPoolFleet(testApp(), { units: [serving('blue', '1.33')] });
    const [unit] = Object.keys(eks.poolNames);
    expect(eks.poolNames[unit]).toBe(unit);
    expect(fitsRule(NAME_RULES.eksNodeGroup, unit)).toBe(true);
  });

  test('noncompliance: retiring the last pool that can schedule workloads', () => {
    const e = refusal(() => aksPoolFleet(testApp(), {
      previousUnits: [standby('blue', '1.33'), candidate('green', '1.33')],
      units: [retired('blue', '1.33'), candidate('green', '1.33')],
    }));
    expect(e.unit).toBe('blue');
    expect(e.rule).toContain('another pool must be serving');
    expect(e.fix).toContain('make "green" serving with weight 100 in this step and retire "blue" in a later one');
  });

  test('noncompliance: retiring a pool that was serving in the previous step (never cordoned)', () => {
    const e = refusal(() => eksPoolFleet(testApp(), {
      previousUnits: [serving('blue', '1.32', 50), serving('green', '1.33', 50)],
      units: [retired('blue', '1.32'), serving('green', '1.33')],
    }));
    expect(e.unit).toBe('blue');
    expect(e.value).toBe('"retired" (previous step: "serving")');
    expect(e.rule).toContain('only after a step in which it was cordoned');
    expect(e.fix).toContain('UnitLifecycle.STANDBY');
  });

  test('noncompliance: retiring a pool without declaring the previous step', () => {
    const e = refusal(() => aksPoolFleet(testApp(), { units: [retired('blue', '1.32'), serving('green', '1.33')] }));
    expect(e.unit).toBe('blue');
    expect(e.fix).toContain('declare previousUnits');
  });

  test('compliance: retiring a pool that stood by (cordoned) in the previous step', () => {
    const fleet = aksPoolFleet(testApp(), {
      previousUnits: [standby('blue', '1.32'), serving('green', '1.33')],
      units: [retired('blue', '1.32'), serving('green', '1.33')],
    });
    expect(fleet.plan.units.map((u) => u.lifecycle)).toEqual([UnitLifecycle.RETIRED, UnitLifecycle.SERVING]);
  });

  test('noncompliance: a pool new in this step that is not a candidate', () => {
    const e = refusal(() => aksPoolFleet(testApp(), {
      previousUnits: [serving('blue', '1.33')],
      units: [serving('blue', '1.33', 50), serving('green', '1.33', 50)],
    }));
    expect(e.unit).toBe('green');
    expect(e.fix).toBe('lifecycle: UnitLifecycle.CANDIDATE, weight: 0');
  });

  test('noncompliance: a pool that vanishes from the list without being retired', () => {
    const e = refusal(() => aksPoolFleet(testApp(), {
      previousUnits: [standby('blue', '1.32'), serving('green', '1.33')],
      units: [serving('green', '1.33')],
    }));
    expect(e.unit).toBe('blue');
    expect(e.rule).toContain('leaves the list only after a step in which it was retired');
  });

  test('noncompliance: a slot that changes pool between steps', () => {
    const e = refusal(() => aksPoolFleet(testApp(), {
      previousUnits: [serving('blue', '1.32')],
      units: [serving('blue', '1.33')],
    }));
    expect(e.field).toBe('slot');
    expect(e.rule).toContain('a slot holds the same pool');
  });

  test('noncompliance: no pool is schedulable', () => {
    const e = refusal(() => aksPoolFleet(testApp(), { units: [standby('blue', '1.33'), candidate('green', '1.33')] }));
    expect(e.field).toBe('units[*].lifecycle');
    expect(e.rule).toContain('at least one unit serves traffic');
    expect(e.fix).toBe('make "blue" serving with weight 100');
  });

  test('noncompliance: cluster user pools beside the pool units', () => {
    const e = refusal(() => aksPoolFleet(testApp(), {
      cluster: { location: 'westeurope', adminGroupObjectIds: ['x'], systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5' }, userPools: [{ name: 'apps', vmSize: 'Standard_D8ds_v5' }] },
    }));
    expect(e.field).toBe('cluster.userPools');
  });

  test('noncompliance: an EKS node group version with a patch', () => {
    const e = refusal(() => eksPoolFleet(testApp(), { units: [serving('blue', '1.33.2')] }));
    expect(e.fix).toBe('kubernetesVersion: "1.33"');
  });

  test('noncompliance: a cordon taint key that is not a Kubernetes qualified name', () => {
    const e = refusal(() => new SchedulingRouter({ taintKey: 'bad key!' }));
    expect(e.field).toBe('SchedulingRouter.taintKey');
    expect(e.fix).toBe("taintKey: 'bluegreen.cdktf.io/cordoned'");
  });

  test('noncompliance: a PodDisruptionBudgets check without namespaces', () => {
    const e = refusal(() => new PodDisruptionBudgetsCheck({ namespaces: [] }));
    expect(e.field).toBe('PodDisruptionBudgetsCheck.namespaces');
  });
});
