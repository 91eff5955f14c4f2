import * as fs from 'fs';
import * as path from 'path';
import { AksFleet, RolloutPlan, UnitLifecycle } from '../src';
import { fleetMermaid, planToMarkdown, StackRole } from '../src/core/plan-report';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { cli, gitRepo } from './support/git-repo';
import { testApp } from './support/synth';

const root = path.join(__dirname, '..');

/** The rollout plan of the reference deployment (what `npx cdktf synth` writes), by fleet. */
function referencePlan(): { md: string; fleets: { [fleet: string]: string } } {
  const { buildReference } = require('../stacks/main');
  const app = testApp();
  buildReference(app);
  const md = RolloutPlan.markdown(app);
  const fleets: { [fleet: string]: string } = {};
  for (const part of md.split(/^## Fleet /m).slice(1)) fleets[part.slice(1, part.indexOf('`', 1))] = part;
  return { md, fleets };
}

describe('the rollout plan as a change', () => {
  const ref = referencePlan();

  test('EKS behind Route 53: before → after from previousUnits, in the words of Route 53 and its checks', () => {
    const eks = ref.fleets['shop-prod-use2'];
    expect(eks).toMatch(/^`shop-prod-use2` — EKS cluster units behind Route 53/);
    expect(eks).toContain("before: from the fleet's previousUnits");
    expect(eks).toContain('| `blue-1-33-2ntufi` | 1.33 | `2ntufi` | serving | 90 → 80 | record weight 90 → record weight 80 | nodes-ready, cluster-dns, http-probe |');
    expect(eks).toContain('| `green-1-34-wzv3zu` | 1.34 | `wzv3zu` | serving | 10 → 20 | record weight 10 → record weight 20 |');
    expect(eks).toContain('- **kept**: `green-1-34-wzv3zu` (weight 10 → 20, after its checks pass)');
    expect(eks).toContain('set weights at Route 53: blue 90 → 80, green 10 → 20; the 120 s drain timer does not run again (no unit lost traffic or was retired)');
    expect(eks).not.toMatch(/resource group|front door|smoke job/i);
    // Each check with its target and threshold, and the window it has.
    expect(eks).toContain('each waits up to 600 s for its condition, polling every 10 s, then fails the deploy');
    expect(eks).toContain("- `http-probe` — http GET /healthz on the unit's origin answers 200");
    expect(eks).toContain('- `cluster-dns` — cluster DNS answers from a pod');
  });

  test('node pools: drained, then destroyed after the drain, with the control plane; checks named as they are', () => {
    const eks = ref.fleets['pools-prod-euw1'];
    const aks = ref.fleets['pools-prod-weu'];
    expect(eks).toMatch(/\| standby → retired \| 0 \| drained, then cordoned \(pool taint, NoSchedule\) → drained, then deleted \|/);
    expect(eks).toMatch(/- \*\*destroyed\*\*: `blue-1-32-qb2npc`, after the traffic stack and its \d+ s drain timer ran out/);
    expect(eks).toMatch(/`pools-prod-euw1-traffic` — schedulable: .*; then the 60 s drain timer runs \(blue retired\)/);
    expect(aks).toMatch(/`pools-prod-weu-traffic` — schedulable: .*; no pool to drain; the 60 s drain timer does not run again \(no unit lost traffic or was retired\)/);
    expect(eks).toMatch(/s\d\["\d\. pools-prod-euw1-traffic<br\/>cordon, drain"\]/);
    expect(aks).toContain('Control plane');
    for (const part of [eks, aks]) expect(part).not.toMatch(/resource group, |front door|smoke job/i);
  });

  test('AKS whole clusters from a state file: synth cannot know the step before, and says "unknown"', () => {
    const weu = ref.fleets['shop-prod-weu'];
    expect(weu).toMatch(/^`shop-prod-weu` — AKS cluster units behind Azure Front Door/);
    expect(weu).toContain('before: unknown (synth sees only this step');
    expect(weu).toMatch(/\| unknown → serving \| unknown → 90 \| unknown → origin weight 900 \|/);
  });

  test('an AKS fleet with previousUnits: a candidate built, a unit drained to stand by, the drain timer named', () => {
    const app = testApp();
    const fleet = new AksFleet(app, 'shop', {
      subscriptionId: SUBSCRIPTION, spec: aksSpec(), drainSeconds: 1500,
      previousUnits: [
        { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 10 },
        { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 90 },
      ],
      units: [
        { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.STANDBY },
        { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100 },
        { slot: 'teal', kubernetesVersion: '1.35', lifecycle: UnitLifecycle.CANDIDATE },
      ],
    });
    const [blue, green, teal] = fleet.plan.units.map((u) => u.name);
    const md = RolloutPlan.markdown(app);
    expect(md).toContain(`| \`${blue}\` | 1.33 | (not pinned) | serving → standby | 10 → 0 | origin weight 100 → origin disabled |`);
    expect(md).toContain(`| \`${teal}\` | 1.35 | (not pinned) | (new) → candidate | — → 0 | — → origin disabled |`);
    expect(md).toContain(`- **drained**: \`${blue}\` — the traffic stack moves its traffic away, then its 1500 s drain timer runs; it is kept for rollback`);
    expect(md).toContain(`- **built**: \`${teal}\` (1.35), after the fleet's shared stack`);
    expect(md).toContain(`- **kept**: \`${green}\` (weight 90 → 100, after its checks pass)`);
    expect(md).toContain('set weights at Azure Front Door: blue 10 → 0, green 90 → 100, teal 0; then the 1500 s drain timer runs (blue stands by)');
  });

  test('docs/rollout-plan.md shows the reference EKS fleet\'s diagram as synth draws it today', () => {
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(ref.fleets['shop-prod-use2'])![1];
    expect(fs.readFileSync(path.join(root, 'docs/rollout-plan.md'), 'utf8')).toContain(diagram);
  });

  test('the step hash is explained once, however many fleets', () => {
    expect(Object.keys(ref.fleets)).toHaveLength(5);
    expect(ref.md.match(/The step hash is a fingerprint/g)).toHaveLength(1);
  });

  test('a label cannot end a Mermaid node early: quotes and angle brackets become entity codes', () => {
    const diagram = fleetMermaid({
      fleet: 'x', router: 'a "quoted" <b>router</b> #1', step: '1', beforeKnown: false,
      units: [{ slot: 'blue', name: 'blue-1-33-abcdef', kubernetesVersion: '1.33', lifecycleAfter: 'serving', weightAfter: 100 }],
      stacks: [{ name: 'x-traffic', role: StackRole.TRAFFIC, dependsOn: [], action: 'set' }],
    });
    expect(diagram).toContain('router{{"a #quot;quoted#quot; #lt;b#gt;router#lt;/b#gt; #35;1"}}');
    expect(diagram).toContain('router -->|"unknown → 100 %"| u1');
  });

  test('synth and plan --base render through one function: the same sections in the same order', () => {
    const synth = planToMarkdown(RolloutPlan.plansOf((() => {
      const app = testApp();
      new AksFleet(app, 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units: [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }] });
      return app;
    })()));
    const repo = gitRepo();
    cli(repo.dir, ['init', 'shop', '1.33']);
    repo.commit('blue');
    cli(repo.dir, ['start', '1.34']);
    const pr = cli(repo.dir, ['plan', '--base', 'main']).out;
    const tags: Array<[RegExp, string]> = [[/^Step `/, 'step'], [/^- \*\*/, 'change'], [/^\| unit \|/, 'units'], [/^What `cdktf deploy/, 'deploy'], [/^```mermaid$/, 'diagram']];
    const sections = (md: string) => md.split('\n').map((l) => tags.find(([re]) => re.test(l))?.[1]).filter((t, i, all) => t && t !== all[i - 1]);
    expect(sections(pr)).toEqual(['step', 'change', 'units', 'deploy', 'diagram']);
    expect(sections(synth)).toEqual(sections(pr));
  });
});
