import { AksFleet, FrontDoorRouter, TrafficManagerRouter, UnitDeclaration, UnitLifecycle } from '../src';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { brokenInvariants, synthInMemory } from './support/invariants';
import { testApp } from './support/synth';

const { CANDIDATE, SERVING, STANDBY, RETIRED } = UnitLifecycle;

/** A whole rollout, blue 1.33 → green 1.34: candidate → serving 10 → 50 → 100 (blue standby) → blue retired. */
const ROLLOUT: Array<[string, UnitDeclaration[]]> = [
  ['blue serves alone', [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: SERVING, weight: 100 }]],
  ['green is a candidate', [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: SERVING, weight: 100 }, { slot: 'green', kubernetesVersion: '1.34', lifecycle: CANDIDATE }]],
  ['green serves 10', [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: SERVING, weight: 90 }, { slot: 'green', kubernetesVersion: '1.34', lifecycle: SERVING, weight: 10 }]],
  ['green serves 50', [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: SERVING, weight: 50 }, { slot: 'green', kubernetesVersion: '1.34', lifecycle: SERVING, weight: 50 }]],
  ['green serves 100, blue stands by', [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: STANDBY }, { slot: 'green', kubernetesVersion: '1.34', lifecycle: SERVING, weight: 100 }]],
  ['blue is retired', [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: RETIRED }, { slot: 'green', kubernetesVersion: '1.34', lifecycle: SERVING, weight: 100 }]],
];

function synthStep(units: UnitDeclaration[], router: 'afd' | 'tm') {
  const app = testApp();
  const fleet = new AksFleet(app, 'walk', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units, router: router === 'afd' ? new FrontDoorRouter() : new TrafficManagerRouter() });
  return { fleet, out: synthInMemory(app) };
}

describe.each(['afd', 'tm'] as const)('a whole rollout behind %s', (router) => {
  const steps = ROLLOUT.map(([title, units]) => ({ title, ...synthStep(units, router) }));
  const name = (slot: string) => steps[1].fleet.plan.units.find((u) => u.slot === slot)!.name;

  test('every step keeps every invariant', () => {
    for (const s of steps) expect({ step: s.title, broken: brokenInvariants(s.fleet.plan, s.out) }).toEqual({ step: s.title, broken: [] });
  });

  test("a unit's stack JSON is byte-identical in every step until it is retired", () => {
    for (const slot of ['blue', 'green']) {
      const stack = `walk-unit-${name(slot)}`;
      const live = steps.filter((s) => s.fleet.plan.units.some((u) => u.slot === slot && u.lifecycle !== RETIRED));
      const first = JSON.stringify(live[0].out.stacks[stack]);
      expect(first.length).toBeGreaterThan(1000);
      for (const s of live) expect(JSON.stringify(s.out.stacks[stack])).toBe(first);
    }
    expect(steps.filter((s) => s.out.stacks[`walk-unit-${name('blue')}`]).length).toBe(steps.length);
  });

  test('the step fingerprint changes at every step, and the checks are renamed with it', () => {
    const fps = steps.map((s) => s.fleet.step);
    expect(new Set(fps).size).toBe(fps.length);
    const s = steps[2];
    const job = s.out.stacks[`walk-validate-${name('green')}`].resource.kubernetes_job_v1;
    expect(Object.values<any>(job)[0].metadata.generate_name).toBe(`cluster-dns-${s.fleet.step}-`);
    expect(Object.values<any>(job)[0].metadata.labels['bluegreen.cdktf.io/step']).toBe(s.fleet.step);
  });

  test('a standby unit keeps an empty validation stack (its checks are removed while its cluster still exists)', () => {
    const standby = steps[4];
    const v = standby.out.stacks[`walk-validate-${name('blue')}`];
    expect(v.resource).toBeUndefined();
    expect(Object.keys(v.provider)).toEqual(expect.arrayContaining(['azurerm', 'kubernetes']));
    expect(standby.out.deps['walk-traffic']).not.toContain(`walk-validate-${name('blue')}`);
  });

  test('the retired unit keeps its providers, has no resources and waits for the traffic stack', () => {
    const last = steps[5];
    const blue = last.out.stacks[`walk-unit-${name('blue')}`];
    expect(blue.resource).toBeUndefined();
    expect(blue.provider.azurerm).toBeDefined();
    expect(last.out.deps[`walk-unit-${name('blue')}`]).toEqual(['walk-shared', 'walk-traffic']);
  });

  test('the drain timer re-arms when a unit loses its traffic or is retired, not when weights move between serving units', () => {
    const trigger = (i: number) => Object.values<any>(steps[i].out.stacks['walk-traffic'].resource.time_sleep)[0].triggers.drained;
    expect(trigger(2)).toBe(trigger(3));
    expect(trigger(4)).not.toBe(trigger(3));
    expect(trigger(5)).not.toBe(trigger(4));
    const sleep = Object.values<any>(steps[5].out.stacks['walk-traffic'].resource.time_sleep)[0];
    expect(sleep.create_duration).toBe(router === 'afd' ? '1320s' : '60s');
    expect(sleep.depends_on.length).toBeGreaterThan(0);
  });
});
