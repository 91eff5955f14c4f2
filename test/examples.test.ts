import * as fs from 'fs';
import * as path from 'path';
import { RolloutPlan } from '../src';
import { brokenInvariants, synthInMemory } from './support/invariants';
import { testApp, warningsBesideSupport } from './support/synth';

const EXAMPLES = path.join(__dirname, '..', 'examples');
const apps = fs.readdirSync(EXAMPLES).filter((d) => fs.existsSync(path.join(EXAMPLES, d, 'main.ts')));

describe('every example synthesizes, with every invariant holding', () => {
  test('there are examples to check', () => {
    expect(apps.length).toBeGreaterThanOrEqual(3);
  });

  test.each(apps)('examples/%s', (dir) => {
    expect(JSON.parse(fs.readFileSync(path.join(EXAMPLES, dir, 'cdktf.json'), 'utf8')).app).toBe('node -r tsx/cjs main.ts');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { build } = require(path.join(EXAMPLES, dir, 'main.ts'));
    const app = testApp();
    build(app);
    const out = synthInMemory(app);
    const plans = RolloutPlan.plansOf(app);
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) {
      expect(brokenInvariants(plan, out)).toEqual([]);
      expect(warningsBesideSupport(plan)).toEqual([]);
    }
  });
});

describe('the reference deployment (stacks/main.ts)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildReference } = require('../stacks/main');
  const app = testApp();
  buildReference(app);
  const out = synthInMemory(app);
  const plans = RolloutPlan.plansOf(app);

  test('has a fleet mid-canary and a fleet finishing, every invariant holding, every fingerprint pinned', () => {
    for (const plan of plans) {
      expect(brokenInvariants(plan, out)).toEqual([]);
      expect(warningsBesideSupport(plan)).toEqual([]);
    }
    const canary = plans.find((p) => p.units.filter((u) => u.lifecycle === 'serving').length >= 2);
    const finishing = plans.find((p) => p.units.some((u) => u.lifecycle === 'retired'));
    expect(canary).toBeDefined();
    expect(finishing).toBeDefined();
  });

  test('every traffic stack waits for the validation of each unit with weight; every retired unit waits for traffic', () => {
    for (const plan of plans) {
      for (const u of plan.units) {
        if (u.weight > 0) expect(out.deps[`${plan.fleet}-traffic`]).toContain(`${plan.fleet}-validate-${u.name}`);
        if (u.lifecycle === 'retired') {
          expect(out.deps[`${plan.fleet}-unit-${u.name}`]).toContain(`${plan.fleet}-traffic`);
          expect(out.stacks[`${plan.fleet}-unit-${u.name}`].resource).toBeUndefined();
        }
        if (out.stacks[`${plan.fleet}-validate-${u.name}`]) expect(out.deps[`${plan.fleet}-validate-${u.name}`]).toContain(`${plan.fleet}-unit-${u.name}`);
      }
    }
  });
});
