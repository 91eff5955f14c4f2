import * as fs from 'fs';
import * as path from 'path';
import { AksFleet, FrontDoorRouter, RolloutState, TrafficManagerRouter, UnitLifecycle } from '../src';
import { BlueGreenError } from '../src/core/errors';
import { formatRolloutState, parseRolloutState, parseRolloutStateText, RolloutStateError } from '../src/core/state-file';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { testApp } from './support/synth';
import { tempDir } from './support/temp';

const good = () => ({
  version: 1, fleet: 'shop', step: 2, policy: { canaryWeight: 10 },
  units: [
    { slot: 'blue', kubernetesVersion: '1.33', lifecycle: 'serving', weight: 90, since: 0, peakWeight: 100 },
    { slot: 'green', kubernetesVersion: '1.34', lifecycle: 'serving', weight: 10, fingerprint: 'ejqurb', since: 2, peakWeight: 10 },
  ],
});

function refusal(mutate: (d: any) => void): RolloutStateError {
  const d: any = good();
  mutate(d);
  try {
    parseRolloutState(d, 'rollout/shop.json');
  } catch (e) {
    expect(e).toBeInstanceOf(RolloutStateError);
    return e as RolloutStateError;
  }
  throw new Error('expected a refusal');
}

describe('rollout state files', () => {
  test('a valid file parses and formats back to the same value, one line per unit', () => {
    const s = parseRolloutState(good(), 'rollout/shop.json');
    const text = formatRolloutState(s);
    expect(parseRolloutStateText(text, 'x')).toEqual(s);
    expect(text).toContain('    { "slot": "blue", "kubernetesVersion": "1.33", "lifecycle": "serving", "weight": 90, "since": 0, "peakWeight": 100 },\n');
  });

  test('noncompliance: a bad weight names the file, the JSON path, the value, the rule and a value that passes', () => {
    const e = refusal((d) => { d.units[1].weight = 110; d.units[0].weight = -10; });
    expect(e.message).toBe('rollout/shop.json: fleet "shop", unit "blue": units[0].weight = -10 is refused: a weight is a whole number from 0 to 100 (a share of the fleet\'s traffic). Fix: weight: 0.');
    expect(e.path).toBe('units[0].weight');
    expect(e.file).toBe('rollout/shop.json');
  });

  test('noncompliance: a misspelt field is refused with the field it probably meant', () => {
    const e = refusal((d) => { d.units[1].wieght = 10; });
    expect(e.message).toContain('units[1].wieght = 10 is refused');
    expect(e.fix).toBe('rename it to "weight", or remove it');
    expect(refusal((d) => { d.policy.canaryWieght = 5; }).fix).toBe('rename it to "canaryWeight", or remove it');
  });

  test('noncompliance: shape rules (version as a number, since beyond the step, duplicate slot, weights not adding up, candidate with a peak)', () => {
    expect(refusal((d) => { d.units[0].kubernetesVersion = 1.3; }).message).toContain('units[0].kubernetesVersion = 1.3 is refused: a Kubernetes version is a string');
    expect(refusal((d) => { d.units[1].since = 3; }).message).toContain('units[1].since = 3 is refused: since is the step at which the unit entered its lifecycle, a whole number from 0 to the file\'s step (2). Fix: "since": 2.');
    expect(refusal((d) => { d.units[1].slot = 'blue'; }).path).toBe('units[1].slot');
    const w = refusal((d) => { d.units[1].weight = 20; d.units[1].peakWeight = 20; });
    expect(w.path).toBe('units[*].weight');
    expect(w.message).toContain('the weights of a step add up to 100. Fix: give "blue" weight 80.');
    expect(refusal((d) => { d.units[1] = { ...d.units[1], lifecycle: 'candidate', weight: 0, peakWeight: 5 }; d.units[0].weight = 100; }).message).toContain('a candidate has never carried traffic, so its peakWeight is 0');
    expect(refusal((d) => { d.units[1].fingerprint = 'ABC'; }).path).toBe('units[1].fingerprint');
    expect(refusal((d) => { d.policy.maxWeightStep = 0; }).message).toContain('policy.maxWeightStep = 0 is refused');
  });

  test('noncompliance: text that is not JSON is refused with the parser\'s reason', () => {
    expect(() => parseRolloutStateText('{ "fleet": ', 'rollout/shop.json')).toThrow(/^rollout\/shop.json: fleet "\(unknown\)": \(root\) = .* is refused: a rollout state file is JSON/);
  });

  test('RolloutState.load refuses a missing file and a file of another fleet', () => {
    const dir = tempDir('bg-state-');
    const file = path.join(dir, 'shop.json');
    fs.writeFileSync(file, JSON.stringify(good()));
    expect(RolloutState.load(file).units).toEqual([
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90 },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10, fingerprint: 'ejqurb' },
    ]);
    expect(() => RolloutState.load(path.join(dir, 'nope.json'), 'shop')).toThrow(BlueGreenError);
    expect(() => RolloutState.load(path.join(dir, 'nope.json'), 'shop')).toThrow(/rollout state file = ".*nope.json" is refused: the file must exist and be readable \(ENOENT/);
    expect(() => RolloutState.unitsOf(file, 'shop-prod')).toThrow(/fleet "shop-prod": .*fleet = "shop" is refused: a fleet reads its own state file/);
  });

  test('the reference state files declare the same units as the inline lists of stacks/main.ts (same plans)', () => {
    const spec = (location: string) => aksSpec({
      location, systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 3, maxCount: 5 },
      userPools: [{ name: 'apps', vmSize: 'Standard_D8ds_v5', minCount: 3, maxCount: 20, labels: { workload: 'apps' } }],
      maintenanceWindow: { dayOfWeek: 'Sunday', startTime: '02:00', durationHours: 4 },
    });
    const inline = {
      'shop-prod-weu': [
        { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90, fingerprint: 'vmwqq2' },
        { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10, fingerprint: 'sfbgzt' },
      ],
      'shop-prod-neu': [
        { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.RETIRED, fingerprint: 'y4jm4c' },
        { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100, fingerprint: 'vh3erw' },
      ],
    };
    const root = path.join(__dirname, '..');
    for (const [fleet, units] of Object.entries(inline)) {
      const location = fleet.endsWith('weu') ? 'westeurope' : 'northeurope';
      const router = () => (fleet.endsWith('weu') ? new FrontDoorRouter() : new TrafficManagerRouter({ ttlSeconds: 30 }));
      const base = { subscriptionId: SUBSCRIPTION, spec: spec(location), drainSeconds: fleet.endsWith('neu') ? 120 : undefined };
      const a = new AksFleet(testApp(), fleet, { ...base, router: router(), units });
      const b = new AksFleet(testApp(), fleet, { ...base, router: router(), units: RolloutState.unitsOf(path.join(root, 'stacks/rollout', `${fleet}.json`), fleet) });
      expect(b.plan.units).toEqual(a.plan.units);
      expect(b.step).toBe(a.step);
    }
  });
});
