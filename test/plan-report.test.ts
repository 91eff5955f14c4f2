import * as fs from 'fs';
import { AksFleet, RolloutPlan, UnitLifecycle } from '../src';
import { deployOrder, planToMarkdown } from '../src/core/plan-report';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { testApp } from './support/synth';

function finishingApp() {
  const app = testApp();
  const fleet = new AksFleet(app, 'shop', {
    subscriptionId: SUBSCRIPTION, spec: aksSpec(), drainSeconds: 1380,
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.RETIRED },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100 },
      { slot: 'teal', kubernetesVersion: '1.35', lifecycle: UnitLifecycle.CANDIDATE },
    ],
  });
  return { app, fleet };
}

describe('rollout plan report', () => {
  test('the deploy order builds and validates before traffic, and destroys a retired unit last', () => {
    const { fleet } = finishingApp();
    const order = deployOrder(fleet.plan.stacks).map((s) => s.name);
    const [blue, green, teal] = fleet.plan.units.map((u) => u.name);
    const at = (n: string) => order.indexOf(n);
    expect(at('shop-shared')).toBe(0);
    expect(at(`shop-validate-${green}`)).toBeLessThan(at('shop-traffic'));
    expect(at(`shop-unit-${teal}`)).toBeLessThan(at(`shop-validate-${teal}`));
    expect(at(`shop-unit-${blue}`)).toBe(order.length - 1);
  });

  test('Markdown names units, weights, router weights, gating checks and the ordered actions', () => {
    const { app, fleet } = finishingApp();
    const md = RolloutPlan.markdown(app);
    const [blue, green, teal] = fleet.plan.units.map((u) => u.name);
    expect(md).toContain('## Fleet `shop` — AKS cluster units behind Azure Front Door');
    expect(md).toContain(`| \`${green}\` | 1.34 |`);
    // No previousUnits: synth cannot know the step before, and says so.
    expect(md).toMatch(new RegExp(`\\| \`${green}\` .*\\| unknown → serving \\| unknown → 100 \\| unknown → origin weight 1000 \\| nodes-ready, cluster-dns, http-probe \\|`));
    expect(md).toMatch(new RegExp(`\\| \`${teal}\` .*\\| unknown → candidate \\| unknown → 0 \\| unknown → origin disabled \\|`));
    expect(md).toMatch(new RegExp(`\\| \`${blue}\` .*\\| unknown → retired \\| unknown → 0 \\| unknown → removed \\| — \\|`));
    expect(md).toContain('before: unknown (synth sees only this step');
    expect(md).toMatch(new RegExp(`\\d+\\. \`shop-unit-${blue}\` — destroy ${blue}: its stack is empty; runs after the traffic stack and its 1380 s drain timer`));
    expect(md).toContain('(not pinned)');
  });

  test('with a base plan, weights read before → after', () => {
    const base = finishingApp().fleet.plan;
    const app = testApp();
    const next = new AksFleet(app, 'shop', {
      subscriptionId: SUBSCRIPTION, spec: aksSpec(), drainSeconds: 1380,
      units: [
        { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.RETIRED },
        { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 90 },
        { slot: 'teal', kubernetesVersion: '1.35', lifecycle: UnitLifecycle.SERVING, weight: 10 },
      ],
    });
    const md = planToMarkdown([next.plan], [base]);
    expect(md).toMatch(/\| serving \| 100 → 90 \|/);
    expect(md).toMatch(/\| candidate → serving \| 0 → 10 \| origin disabled → origin weight 100 \|/);
  });

  test('write() puts Markdown and JSON into the output folder', () => {
    const { app, fleet } = finishingApp();
    app.synth();
    const files = RolloutPlan.write(app);
    expect(files.markdown.startsWith(app.outdir)).toBe(true);
    const json = JSON.parse(fs.readFileSync(files.json, 'utf8'));
    expect(json.fleets[0].fleet).toBe('shop');
    expect(json.fleets[0].step).toBe(fleet.step);
    expect(json.fleets[0].deployOrder[0]).toBe('shop-shared');
    expect(fs.readFileSync(files.markdown, 'utf8')).toContain('# Rollout plan');
  });
});

describe('synthesizeRollout (the entry point of an app)', () => {
  const { synthesizeRollout } = jest.requireActual('../src');

  test('builds, synthesizes and writes the plan report', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const app = testApp();
    const files = synthesizeRollout((a: any) => new AksFleet(a, 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units: [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }] }), app);
    expect(fs.existsSync(files.markdown)).toBe(true);
    expect(fs.existsSync(`${app.outdir}/manifest.json`)).toBe(true);
    expect(log).toHaveBeenCalledWith(`Rollout plan: ${files.markdown} and ${files.json}`);
    log.mockRestore();
  });

  test('a refusal prints its one-line message (no stack trace) and sets exit status 1', () => {
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const before = process.exitCode;
    const files = synthesizeRollout((a: any) => new AksFleet(a, 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units: [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90 }] }), testApp());
    expect(files).toBeUndefined();
    expect(process.exitCode).toBe(1);
    expect(err).toHaveBeenCalledWith('fleet "shop": units[*].weight = 90 (blue=90) is refused: the weights of a step add up to 100. Fix: give "blue" weight 100.');
    process.exitCode = before;
    err.mockRestore();
  });

  test('any other error is not swallowed', () => {
    expect(() => synthesizeRollout(() => { throw new TypeError('bug'); }, testApp())).toThrow(TypeError);
  });
});
