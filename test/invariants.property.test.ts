import fc from 'fast-check';
import { AksFleet, FrontDoorRouter, TrafficManagerRouter, UnitDeclaration, UnitLifecycle } from '../src';
import { BlueGreenError } from '../src/core/errors';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { brokenInvariants, synthInMemory } from './support/invariants';
import { testApp } from './support/synth';
import { runs } from './support/depth';

const SLOTS = ['blue', 'green', 'teal', 'amber', 'violet'];
const VERSIONS = ['1.31', '1.32', '1.33', '1.34', '1.35'];

/** A random valid step: 1-5 units, at least one serving, serving weights add up to 100. */
const validStep = fc
  .record({
    count: fc.integer({ min: 1, max: 5 }),
    lifecycles: fc.array(fc.constantFrom(UnitLifecycle.CANDIDATE, UnitLifecycle.SERVING, UnitLifecycle.STANDBY, UnitLifecycle.RETIRED), { minLength: 5, maxLength: 5 }),
    versions: fc.array(fc.constantFrom(...VERSIONS), { minLength: 5, maxLength: 5 }),
    cuts: fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 4, maxLength: 4 }),
    servingIndex: fc.integer({ min: 0, max: 4 }),
    router: fc.constantFrom('afd', 'tm'),
  })
  .map(({ count, lifecycles, versions, cuts, servingIndex, router }) => {
    const ls = lifecycles.slice(0, count);
    ls[servingIndex % count] = UnitLifecycle.SERVING;
    const serving = ls.map((l, i) => (l === UnitLifecycle.SERVING ? i : -1)).filter((i) => i >= 0);
    // Split 100 among the serving units with distinct cut points, every share >= 1.
    const points = [...new Set(cuts.slice(0, serving.length - 1))].sort((a, b) => a - b);
    while (points.length < serving.length - 1) points.push(points.length + 1);
    points.sort((a, b) => a - b);
    const bounds = [0, ...[...new Set(points)].sort((a, b) => a - b), 100];
    const shares = serving.map((_, k) => bounds[k + 1] - bounds[k]);
    const units: UnitDeclaration[] = ls.map((lifecycle, i) => ({
      slot: SLOTS[i], kubernetesVersion: versions[i], lifecycle,
      weight: lifecycle === UnitLifecycle.SERVING ? shares[serving.indexOf(i)] : 0,
    }));
    return { units, router };
  })
  .filter(({ units }) => units.reduce((s, u) => s + (u.weight ?? 0), 0) === 100 && units.every((u) => u.lifecycle !== UnitLifecycle.SERVING || (u.weight ?? 0) >= 1));

describe('property: every valid step synthesizes with every invariant holding', () => {
  test('random valid AKS steps (Front Door and Traffic Manager)', () => {
    fc.assert(
      fc.property(validStep, ({ units, router }) => {
        const app = testApp();
        const fleet = new AksFleet(app, 'prop', {
          subscriptionId: SUBSCRIPTION, spec: aksSpec(), units,
          router: router === 'afd' ? new FrontDoorRouter() : new TrafficManagerRouter(),
        });
        const out = synthInMemory(app);
        expect(brokenInvariants(fleet.plan, out)).toEqual([]);
        // Router entries: one per unit that is not retired, enabled exactly when it has weight.
        const traffic = out.stacks['prop-traffic'];
        const entries = Object.values<any>(traffic.resource[router === 'afd' ? 'azurerm_cdn_frontdoor_origin' : 'azurerm_traffic_manager_external_endpoint']);
        const live = units.filter((u) => u.lifecycle !== UnitLifecycle.RETIRED);
        expect(entries).toHaveLength(live.length);
        expect(entries.filter((e) => e.enabled).length).toBe(live.filter((u) => (u.weight ?? 0) > 0).length);
        for (const e of entries) expect(e.weight).toBeGreaterThanOrEqual(1);
        for (const e of entries) expect(e.weight).toBeLessThanOrEqual(1000);
      }),
      { numRuns: runs(80) },
    );
  });
});

/** A random step broken in exactly one way. */
const invalidStep = fc.tuple(validStep, fc.constantFrom('sum', 'negative', 'fraction', 'duplicate', 'version', 'noserve', 'candidate-weight', 'slot')).map(([{ units }, how]) => {
  const u = units.map((x) => ({ ...x }));
  const s = u.findIndex((x) => x.lifecycle === UnitLifecycle.SERVING);
  switch (how) {
    case 'sum': u[s] = { ...u[s], weight: (u[s].weight ?? 0) + 1 }; break;
    case 'negative': u[s] = { ...u[s], weight: -(u[s].weight ?? 1) }; break;
    case 'fraction': u[s] = { ...u[s], weight: (u[s].weight ?? 1) - 0.5 }; break;
    case 'duplicate': u.push({ ...u[0] }); break;
    case 'version': u[s] = { ...u[s], kubernetesVersion: 'v1.x' }; break;
    case 'noserve': u.forEach((x, i) => { u[i] = { ...x, lifecycle: UnitLifecycle.STANDBY, weight: 0 }; }); break;
    case 'candidate-weight': u.push({ slot: 'zz', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.CANDIDATE, weight: 5 }); break;
    case 'slot': u[s] = { ...u[s], slot: 'Not A Slot' }; break;
  }
  return { units: u, how };
});

describe('property: every invalid step is refused with a message', () => {
  test('random invalid AKS steps', () => {
    fc.assert(
      fc.property(invalidStep, ({ units }) => {
        let err: unknown;
        try {
          new AksFleet(testApp(), 'prop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units });
        } catch (e) { err = e; }
        expect(err).toBeInstanceOf(BlueGreenError);
        const e = err as BlueGreenError;
        expect(e.message).toMatch(/^fleet "prop"/);
        expect(e.message).toContain('is refused: ');
        expect(e.message).toContain('Fix: ');
      }),
      { numRuns: runs(200) },
    );
  });
});

describe('property: the rollout model alone, over thousands of steps', () => {
  test('planUnits + checkWeights accept every valid step and keep weights, names and lifecycles', () => {
    const { planUnits, checkWeights } = jest.requireActual('../src/core/rollout-model');
    fc.assert(
      fc.property(validStep, ({ units }) => {
        const planned = planUnits('prop', units, (u: UnitDeclaration) => `${u.slot}fp`.slice(0, 6));
        checkWeights('prop', planned);
        expect(planned.map((p: any) => p.weight)).toEqual(units.map((u) => u.weight ?? 0));
        expect(new Set(planned.map((p: any) => p.name)).size).toBe(units.length);
        for (const p of planned) expect(p.name).toMatch(/^[a-z][a-z0-9]*-1-\d+-[a-z0-9]+$/);
      }),
      { numRuns: runs(3000) },
    );
  });
});
