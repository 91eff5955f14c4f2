import { AksFleet, RolloutPlan, UnitLifecycle } from '../../src';
import { addAwsReferenceFleets } from '../../stacks/aws';
import { aksSpec, SUBSCRIPTION } from '../support/fixtures';
import { synthAll, testApp, warningsBesideSupport } from '../support/synth';

describe('AWS reference fleets', () => {
  test('the EKS reference fleet is mid-canary (80/20 behind Route 53) with fingerprints that still match its spec', () => {
    const app = testApp();
    addAwsReferenceFleets(app);
    const { stacks } = synthAll(app);
    const [plan] = RolloutPlan.plansOf(app);
    expect(plan.cloud).toBe('EKS');
    expect(warningsBesideSupport(plan)).toEqual([]);
    expect(plan.units.map((u) => [u.slot, u.kubernetesVersion, u.weight, u.pinned])).toEqual([['blue', '1.33', 80, true], ['green', '1.34', 20, true]]);
    expect(Object.keys(stacks)).toHaveLength(6);
  });

  test('its stack names do not collide with the AKS reference fleets', () => {
    const app = testApp();
    addAwsReferenceFleets(app);
    new AksFleet(app, 'shop-prod-weu', {
      subscriptionId: SUBSCRIPTION, spec: aksSpec(),
      units: [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }],
    });
    expect(RolloutPlan.plansOf(app).map((p) => p.fleet)).toEqual(['shop-prod-use2', 'shop-prod-weu']);
  });
});
