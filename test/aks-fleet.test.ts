import { AksFleet, FrontDoorRouter, UnitLifecycle } from '../src';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { resourcesOf, synthAll, testApp } from './support/synth';

describe('AKS fleet stack topology', () => {
  test('a canary lays out shared, unit, validate and traffic stacks with the dependency edges of DESIGN.md', () => {
    const app = testApp();
    const fleet = new AksFleet(app, 'shop', {
      subscriptionId: SUBSCRIPTION, spec: aksSpec(), router: new FrontDoorRouter(),
      units: [
        { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90 },
        { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10 },
      ],
    });
    const { deps, stacks } = synthAll(app);
    const [blue, green] = fleet.plan.units.map((u) => u.name);
    expect(Object.keys(deps).sort()).toEqual([
      'shop-shared', 'shop-traffic', `shop-unit-${blue}`, `shop-unit-${green}`, `shop-validate-${blue}`, `shop-validate-${green}`,
    ].sort());
    expect(deps['shop-traffic'].sort()).toEqual(['shop-shared', `shop-validate-${blue}`, `shop-validate-${green}`].sort());
    expect(deps[`shop-validate-${green}`]).toEqual([`shop-unit-${green}`]);
    expect(deps[`shop-unit-${green}`]).toEqual(['shop-shared']);
    for (const [, , body] of resourcesOf(stacks[`shop-unit-${green}`])) expect(body.lifecycle.prevent_destroy).toBe(true);
  });
});
