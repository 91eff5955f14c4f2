import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { AksFleet, RolloutPlan, UnitDeclaration, UnitLifecycle } from '../src';
import { FleetPlan, fleetMermaid, StackRole } from '../src/core/plan-report';
import { eksFleet } from './aws/eks-fixtures';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { aksPoolFleet, eksPoolFleet } from './support/node-pool-fixtures';
import { cli, gitRepo } from './support/git-repo';
import { fullDepth } from './support/depth';
import { testApp } from './support/synth';
import { tempDir } from './support/temp';

// Every diagram the rollout plan draws, RENDERED to SVG by the Mermaid library (scripts/mermaid-check.mjs
// through scripts/mermaid-render.mjs: jsdom, text sizes approximated, no browser), then read back from
// the SVG: each stack a node numbered in deploy order, each dependency an arrow between the drawn boxes,
// the router, every unit with its lifecycle and its traffic before → after on the arrow that reaches it.
// The expectations come from the fleets' declared steps and plans, never from the diagram's source.
const root = path.join(__dirname, '..');
const { CANDIDATE, SERVING, STANDBY, RETIRED } = UnitLifecycle;
const S = (slot: string, weight: number): UnitDeclaration => ({ slot, kubernetesVersion: slot === 'blue' ? '1.33' : '1.34', lifecycle: SERVING, weight });
const C = (slot: string): UnitDeclaration => ({ slot, kubernetesVersion: '1.34', lifecycle: CANDIDATE });
const SB = (slot: string): UnitDeclaration => ({ slot, kubernetesVersion: slot === 'blue' ? '1.33' : '1.34', lifecycle: STANDBY });
const R = (slot: string): UnitDeclaration => ({ slot, kubernetesVersion: '1.33', lifecycle: RETIRED });

/** Each kind of step, as previousUnits → units. */
const STEPS: Array<[string, UnitDeclaration[], UnitDeclaration[]]> = [
  ['start', [S('blue', 100)], [S('blue', 100), C('green')]],
  ['canary', [S('blue', 100), C('green')], [S('blue', 90), S('green', 10)]],
  ['shift', [S('blue', 90), S('green', 10)], [S('blue', 40), S('green', 60)]],
  ['promote', [S('blue', 40), S('green', 60)], [SB('blue'), S('green', 100)]],
  ['rollback', [SB('blue'), S('green', 100)], [S('blue', 100), SB('green')]],
  ['retire', [SB('blue'), S('green', 100)], [R('blue'), S('green', 100)]],
];

/** Each fleet kind, building one fleet for a step. */
const KINDS: Array<[string, (app: App, id: string, previousUnits: UnitDeclaration[], units: UnitDeclaration[]) => void]> = [
  ['aks', (app, id, previousUnits, units) => { new AksFleet(app, id, { subscriptionId: SUBSCRIPTION, spec: aksSpec(), previousUnits, units }); }],
  ['eks', (app, id, previousUnits, units) => { eksFleet(app, id, units, { previousUnits }); }],
  ['akspool', (app, id, previousUnits, units) => { aksPoolFleet(app, { controlPlaneVersion: '1.34', previousControlPlaneVersion: '1.34', previousUnits, units }, id); }],
  ['ekspool', (app, id, previousUnits, units) => { eksPoolFleet(app, { controlPlaneVersion: '1.34', previousControlPlaneVersion: '1.34', previousUnits, units }, id); }],
];

interface Rendered { file: string; index: number; type?: string; svg?: string; error?: string }

/** Renders every Mermaid block of the files in one process. */
function render(files: string[]): Rendered[] {
  try {
    return JSON.parse(execFileSync(process.execPath, [path.join(root, 'scripts/mermaid-check.mjs'), '--json', ...files], { encoding: 'utf8', cwd: root, maxBuffer: 256 * 1024 * 1024 }));
  } catch (e: any) {
    return JSON.parse(String(e.stdout));
  }
}

// jsdom ships no types and this project compiles without the DOM library: its nodes are `any` here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { JSDOM } = require('jsdom');
const host = new JSDOM('<!doctype html><body></body>').window.document;

interface DrawnNode { id: string; lines: string[]; x: number; y: number; w: number; h: number }
interface DrawnEdge { from: string; to: string; label: string; dotted: boolean; start: [number, number]; end: [number, number] }

/** What an SVG drawn by Mermaid shows: the cluster title, the nodes with their text lines and boxes, the edges. */
function drawn(svg: string): { title: string; nodes: DrawnNode[]; edges: DrawnEdge[] } {
  // One document for all (a new window per diagram is slow); the theme's CSS is not read here: dropped.
  const doc = host.createElement('div');
  doc.innerHTML = svg.replace(/<style>[\s\S]*?<\/style>/g, '');
  const lines = (el: any): string[] => {
    const clone = el.cloneNode(true);
    clone.querySelectorAll('br').forEach((br: any) => br.replaceWith('\n'));
    return (clone.textContent ?? '').split('\n').map((l: string) => l.trim()).filter(Boolean);
  };
  const nodes = [...doc.querySelectorAll('g.node')].map((g) => {
    const [, tx, ty] = /translate\(([-\d.]+),\s*([-\d.]+)\)/.exec(g.getAttribute('transform') ?? '')!;
    const shape = g.querySelector('rect.label-container');
    return {
      id: /flowchart-(.+)-\d+$/.exec(g.id)![1], lines: lines(g), x: Number(tx), y: Number(ty),
      w: Number(shape?.getAttribute('width') ?? 0), h: Number(shape?.getAttribute('height') ?? 0),
    };
  });
  const labels = new Map([...doc.querySelectorAll('g.edgeLabel g.label[data-id]')].map((l) => [l.getAttribute('data-id')!, lines(l).join(' ')]));
  const edges = [...doc.querySelectorAll('path.flowchart-link')].map((p) => {
    const id = p.getAttribute('data-id')!;
    const [, from, to] = /^L_(.+?)_(.+)_\d+$/.exec(id)!;
    const pts = (p.getAttribute('d') ?? '').match(/-?\d*\.?\d+/g)!.map(Number);
    return { from, to, label: labels.get(id) ?? '', dotted: p.classList.contains('edge-pattern-dotted'), start: [pts[0], pts[1]] as [number, number], end: [pts[pts.length - 2], pts[pts.length - 1]] as [number, number] };
  });
  return { title: lines(doc.querySelector('g.cluster-label')!).join(' '), nodes, edges };
}

/** Whether a point lies on a node's box, give or take the arrowhead's few pixels. */
const touches = (n: DrawnNode, [x, y]: [number, number], margin = 12) => Math.abs(n.x - x) <= n.w / 2 + margin && Math.abs(n.y - y) <= n.h / 2 + margin;
const change = (before: string | number | undefined, after: string | number) => (before === after ? `${after}` : `${before} → ${after}`);

/**
 * Checks one rendered diagram against the fleet's plan: `previous` is the declared step before
 * (undefined: synth does not know it, and the diagram says "unknown").
 */
function expectDiagramOf(plan: FleetPlan, svg: string, previous: UnitDeclaration[] | undefined): void {
  const d = drawn(svg);
  const where = `fleet ${plan.fleet}`;
  expect({ where, title: d.title }).toEqual({ where, title: `${plan.fleet}: cdktf deploy, step ${plan.step}` });
  // Every stack is a node "N. name" with its action under it, N its place in the deploy.
  const byStack = new Map<string, { node: DrawnNode; n: number }>();
  for (const node of d.nodes.filter((x) => /^s\d+$/.test(x.id))) {
    const m = /^(\d+)\. (.+)$/.exec(node.lines[0])!;
    expect(node.lines).toHaveLength(2);
    byStack.set(m[2], { node, n: Number(m[1]) });
  }
  expect({ where, stacks: [...byStack.keys()].sort() }).toEqual({ where, stacks: plan.stacks.map((s) => s.name).sort() });
  expect([...byStack.values()].map((s) => s.n).sort((a, b) => a - b)).toEqual(plan.stacks.map((_, i) => i + 1));
  // Every dependency is an arrow from what is deployed first to what waits for it, drawn between the two boxes.
  const solid = d.edges.filter((e) => !e.dotted && !e.label);
  const deps = plan.stacks.flatMap((s) => s.dependsOn.filter((x) => byStack.has(x)).map((x) => [x, s.name] as const));
  expect({ where, arrows: solid.length }).toEqual({ where, arrows: deps.length });
  for (const [dep, stack] of deps) {
    const [a, b] = [byStack.get(dep)!, byStack.get(stack)!];
    expect({ where, dep, stack, deployedFirst: a.n < b.n }).toEqual({ where, dep, stack, deployedFirst: true });
    const edge = solid.find((e) => e.from === a.node.id && e.to === b.node.id);
    expect({ where, dep, stack, drawn: !!edge }).toEqual({ where, dep, stack, drawn: true });
    expect({ where, dep, stack, startsAtDep: touches(a.node, edge!.start), endsAtStack: touches(b.node, edge!.end) }).toEqual({ where, dep, stack, startsAtDep: true, endsAtStack: true });
  }
  // Laid out: no two stack boxes overlap.
  const boxes = [...byStack.values()].map((s) => s.node);
  for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) {
    expect(Math.abs(a.x - b.x) * 2 >= a.w + b.w || Math.abs(a.y - b.y) * 2 >= a.h + b.h).toBe(true);
  }
  // The traffic stack reaches the router (dotted), the router every unit with its share before → after.
  const router = d.nodes.find((n) => n.id === 'router')!;
  expect(router.lines).toEqual([plan.router]);
  const traffic = plan.stacks.find((s) => s.role === StackRole.TRAFFIC)!;
  expect(d.edges.filter((e) => e.dotted).map((e) => [e.from, e.to])).toEqual([[byStack.get(traffic.name)!.node.id, 'router']]);
  const toUnits = d.edges.filter((e) => e.from === 'router');
  expect({ where, unitArrows: toUnits.length }).toEqual({ where, unitArrows: plan.units.length });
  for (const u of plan.units) {
    const before = previous?.find((p) => p.slot === u.slot);
    const node = d.nodes.find((n) => n.lines[0] === u.name);
    const lifecycle = previous ? change(before?.lifecycle ?? 'new', u.lifecycle) : `unknown → ${u.lifecycle}`;
    const weight = previous ? change(before?.weight ?? 0, u.weight) : `unknown → ${u.weight}`;
    expect({ where, unit: u.name, lines: node?.lines }).toEqual({ where, unit: u.name, lines: [u.name, lifecycle] });
    expect({ where, unit: u.name, arrow: toUnits.filter((e) => e.to === node!.id).map((e) => e.label) }).toEqual({ where, unit: u.name, arrow: [`${weight} %`] });
  }
  expect(d.edges).toHaveLength(deps.length + 1 + plan.units.length);
}

describe('every diagram of the rollout plan renders to SVG with Mermaid', () => {
  const dir = tempDir('bluegreen-render-');
  const cases: Array<{ file: string; plans: FleetPlan[]; previous: Map<string, UnitDeclaration[] | undefined> }> = [];

  // The reference deployment (what `npx cdktf synth` writes).
  const { buildReference } = require('../stacks/main');
  const ref = testApp();
  buildReference(ref);
  const refPlans = RolloutPlan.plansOf(ref);
  fs.writeFileSync(path.join(dir, 'reference.md'), RolloutPlan.markdown(ref));
  cases.push({ file: path.join(dir, 'reference.md'), plans: refPlans, previous: new Map(refPlans.map((p) => [p.fleet, p.previous?.map((u) => ({ slot: u.slot, lifecycle: u.lifecycle as UnitLifecycle, weight: u.weight, kubernetesVersion: '' }))])) });

  // Each fleet kind through kinds of step. At full depth (.ci/run) all 24 pairs; in npm test's minute
  // every kind of step once, the fleet kinds taking turns (the report is one engine's for all four, and
  // the reference deployment above draws every fleet kind too).
  const stepsOf = (i: number) => STEPS.filter((_, j) => fullDepth() || j % KINDS.length === i);
  for (const [i, [kind, build]] of KINDS.entries()) {
    const app = testApp();
    const steps = stepsOf(i);
    for (const [step, before, after] of steps) build(app, `${kind}-${step}`, before, after);
    const file = path.join(dir, `${kind}.md`);
    fs.writeFileSync(file, RolloutPlan.markdown(app));
    cases.push({ file, plans: RolloutPlan.plansOf(app), previous: new Map(steps.map(([step, before]) => [`${kind}-${step}`, before])) });
  }

  // A label with quotes and markup, which must come out as text.
  const hostile = 'a "quoted" <b>router</b> #1 & <script>x</script>';
  fs.writeFileSync(path.join(dir, 'hostile.md'), '```mermaid\n' + fleetMermaid({
    fleet: 'x', router: hostile, step: '1', beforeKnown: true,
    units: [{ slot: 'blue', name: 'blue-1-33-abcdef', kubernetesVersion: '1.33', lifecycleBefore: 'standby', lifecycleAfter: 'retired', weightBefore: 0, weightAfter: 0 }],
    stacks: [{ name: 'x-traffic', role: StackRole.TRAFFIC, dependsOn: [], action: 'set weights' }],
  }) + '\n```\n');

  // `plan --base main` on a state file, for each command of a whole rollout (the README's table).
  const repo = gitRepo();
  const pr: Array<[string, string]> = [];
  const planOf = (step: string, ...argv: string[]) => {
    expect(cli(repo.dir, argv).code).toBe(0);
    const out = cli(repo.dir, ['plan', '--base', 'main']);
    expect(out.code).toBe(0);
    const file = path.join(dir, `pr-${step}.md`);
    fs.writeFileSync(file, out.out);
    pr.push([step, file]);
  };
  cli(repo.dir, ['init', 'shop', '1.33', '--fingerprint', 'nljqy2']);
  repo.commit('blue');
  planOf('start', 'start', '1.34', '--fingerprint', 'ejqurb');
  repo.commit('start');
  planOf('canary', 'promote');
  repo.commit('canary');
  planOf('shift', 'shift');
  repo.commit('shift');
  for (const _ of [1, 2]) { cli(repo.dir, ['shift']); repo.commit('shift'); }
  planOf('promote', 'promote');
  repo.commit('promote');
  planOf('rollback', 'rollback');
  repo.git('checkout', '-q', '--', '.');
  planOf('retire', 'retire');

  // And a diagram that is not Mermaid, which must fail (so a pass means something).
  const broken = path.join(dir, 'broken.md');
  fs.writeFileSync(broken, '```mermaid\nflowchart LR\n  a["x "y" z"] --> b\n```\n');

  const all = render([...cases.map((c) => c.file), ...pr.map(([, f]) => f), path.join(root, 'docs/rollout-plan.md'), path.join(dir, 'hostile.md'), broken]);
  const rendered = all.filter((r) => r.file !== broken);

  test('all of them render: the reference deployment, and every kind of step (each fleet kind drawing some; all 24 pairs at full depth)', () => {
    expect(rendered.filter((r) => r.error)).toEqual([]);
    expect(rendered.map((r) => r.type)).toEqual(Array(5 + KINDS.flatMap((_, i) => stepsOf(i)).length + pr.length + 2).fill('flowchart-v2'));
  });

  test.each([
    ['start', [['blue-1-33-nljqy2', 'serving', '100 %'], ['green-1-34-ejqurb', 'new → candidate', '0 %']]],
    ['canary', [['blue-1-33-nljqy2', 'serving', '100 → 90 %'], ['green-1-34-ejqurb', 'candidate → serving', '0 → 10 %']]],
    ['shift', [['blue-1-33-nljqy2', 'serving', '90 → 65 %'], ['green-1-34-ejqurb', 'serving', '10 → 35 %']]],
    ['promote', [['blue-1-33-nljqy2', 'serving → standby', '15 → 0 %'], ['green-1-34-ejqurb', 'serving', '85 → 100 %']]],
    ['rollback', [['blue-1-33-nljqy2', 'standby → serving', '0 → 100 %'], ['green-1-34-ejqurb', 'serving → standby', '100 → 0 %']]],
    ['retire', [['blue-1-33-nljqy2', 'standby → retired', '0 %'], ['green-1-34-ejqurb', 'serving', '100 %']]],
  ])('plan --base main after `%s`: each unit drawn with its lifecycle and share', (step, units) => {
    const file = pr.find(([s]) => s === step)![1];
    const d = drawn(rendered.find((r) => r.file === file)!.svg!);
    for (const [name, lifecycle, share] of units) {
      const node = d.nodes.find((n) => n.lines[0] === name);
      expect([name, node?.lines[1]]).toEqual([name, lifecycle]);
      expect([name, d.edges.filter((e) => e.from === 'router' && e.to === node!.id).map((e) => e.label)]).toEqual([name, [share]]);
    }
    expect(d.nodes.filter((n) => /^s\d+$/.test(n.id)).length).toBeGreaterThan(0);
  });

  test('rendering is deterministic: docs/rollout-plan.md\'s copy of the EKS fleet\'s diagram draws the same SVG as synth\'s', () => {
    const index = refPlans.findIndex((p) => p.fleet === 'shop-prod-use2');
    const fromSynth = rendered.filter((r) => r.file.endsWith('reference.md'))[index].svg!;
    const fromDocs = rendered.find((r) => r.file.endsWith('docs/rollout-plan.md'))!.svg!;
    const anonymous = (svg: string) => svg.replace(/mermaid-\d+/g, 'mermaid-N');
    expect(fromSynth.length).toBeGreaterThan(10000);
    expect(anonymous(fromDocs) === anonymous(fromSynth)).toBe(true);
  });

  test('a diagram that is not Mermaid fails the check (so a pass means something)', () => {
    const r = all.filter((x) => x.file === broken);
    expect(r).toHaveLength(1);
    expect(r[0].error).toMatch(/Parse error on line 2/);
  });

  test.each(cases.map((c) => [path.basename(c.file), c] as const))('%s: every stack, arrow, unit and share is in the SVG', (_, c) => {
    const svgs = rendered.filter((r) => r.file === c.file);
    expect(svgs).toHaveLength(c.plans.length);
    c.plans.forEach((plan, i) => expectDiagramOf(plan, svgs[i].svg!, c.previous.get(plan.fleet)));
  });

  test('a retired unit still has its arrow from the router, at 0 %', () => {
    const svgs = rendered.filter((r) => r.file.endsWith('eks.md'));
    const retire = drawn(svgs[stepsOf(1).findIndex(([s]) => s === 'retire')].svg!);
    const blue = retire.nodes.find((n) => n.lines[1] === 'standby → retired')!;
    expect(retire.edges.filter((e) => e.from === 'router' && e.to === blue.id).map((e) => e.label)).toEqual(['0 %']);
  });

  test('quotes and markup in a label are drawn as text, not as markup', () => {
    const svg = rendered.find((r) => r.file.endsWith('hostile.md'))!.svg!;
    const d = drawn(svg);
    expect(d.nodes.find((n) => n.id === 'router')!.lines).toEqual([hostile]);
    expect(svg).not.toMatch(/<script|<b>/);
  });
});
