import { App } from 'cdktf';
import * as fc from 'fast-check';
import { AksNodePoolFleet, EksNodePoolFleet, UnitDeclaration, UnitLifecycle } from '../src';
import { BlueGreenError } from '../src/core/errors';
import { KubernetesVersion } from '../src/core/kubernetes-version';
import { fitsRule, NAME_RULES } from '../src/core/naming';
import { kubeletSkewProblem } from '../src/core/version-skew';
import { aksPoolProps, cordonOf, drainedPools, eksPoolProps, withoutPoolTaints } from './support/node-pool-fixtures';
import { resourcesOf, stackJson, testApp } from './support/synth';
import { runs } from './support/depth';

/** One pool of the model. */
interface Pool { slot: string; minor: number; lifecycle: UnitLifecycle; weight: number; fresh?: boolean }
/** One step of the model: the control plane minor and the pools. */
interface Step { cp: number; pools: Pool[]; moved?: boolean }

const SLOTS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const MIN = 29;
const MAX = 37;

/** What the user may do in one step; each action is skipped when it would not be a valid step. */
type Action = { kind: 'upgrade' } | { kind: 'add'; behind: number } | { kind: 'promote' | 'demote' | 'rollback' | 'retire' | 'remove'; pick: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.constant<Action>({ kind: 'upgrade' }),
  fc.integer({ min: 0, max: 1 }).map<Action>((behind) => ({ kind: 'add', behind })),
  fc.record({ kind: fc.constantFrom('promote', 'demote', 'rollback', 'retire', 'remove') as fc.Arbitrary<'promote'>, pick: fc.nat(7) }),
);

const withinSkew = (cp: number, minor: number) => minor <= cp && cp - minor <= 3;

/** Applies an action to a step when that keeps it valid; returns the next step. A pool changes
 * lifecycle at most once per step (`fresh` marks pools changed or added in this step). */
function apply(s: Step, a: Action): Step {
  const pools = s.pools.map((p) => ({ ...p }));
  const serving = () => pools.filter((p) => p.lifecycle === UnitLifecycle.SERVING);
  const pick = (ls: UnitLifecycle[], n: number) => { const c = pools.filter((p) => ls.includes(p.lifecycle) && !p.fresh); return c.length ? c[n % c.length] : undefined; };
  const move = (p: Pool | undefined, to: UnitLifecycle) => { if (p) { p.lifecycle = to; p.fresh = true; } };
  switch (a.kind) {
    case 'upgrade':
      // One minor per step: at most one upgrade among the step's actions.
      if (!s.moved && s.cp < MAX && pools.every((p) => withinSkew(s.cp + 1, p.minor))) return { cp: s.cp + 1, pools, moved: true };
      return s;
    case 'add': {
      const slot = SLOTS.find((x) => !pools.some((p) => p.slot === x));
      const minor = s.cp - a.behind;
      if (!slot || minor < MIN) return s;
      pools.push({ slot, minor, lifecycle: UnitLifecycle.CANDIDATE, weight: 0, fresh: true });
      break;
    }
    case 'promote': move(pick([UnitLifecycle.CANDIDATE], a.pick), UnitLifecycle.SERVING); break;
    case 'rollback': move(pick([UnitLifecycle.STANDBY], a.pick), UnitLifecycle.SERVING); break;
    case 'demote': if (serving().filter((p) => !p.fresh).length > 1) move(pick([UnitLifecycle.SERVING], a.pick), UnitLifecycle.STANDBY); break;
    case 'retire': {
      const p = pick([UnitLifecycle.STANDBY, UnitLifecycle.CANDIDATE], a.pick);
      if (p && serving().length > 0) move(p, UnitLifecycle.RETIRED);
      break;
    }
    case 'remove': { const p = pick([UnitLifecycle.RETIRED], a.pick); if (p) pools.splice(pools.indexOf(p), 1); break; }
  }
  return { cp: s.cp, pools, moved: s.moved };
}

/** Spreads 100 over the serving pools (the first takes the remainder). */
function weigh(pools: Pool[], seed: number): Pool[] {
  const serving = pools.filter((p) => p.lifecycle === UnitLifecycle.SERVING);
  let left = 100;
  return pools.map((p) => {
    if (p.lifecycle !== UnitLifecycle.SERVING) return { ...p, weight: 0 };
    const i = serving.indexOf(p);
    const w = i === serving.length - 1 ? left : Math.max(1, Math.min(left - (serving.length - 1 - i), 1 + ((seed * (i + 7)) % 60)));
    left -= w;
    return { ...p, weight: w };
  });
}

/** The model only makes valid steps: a guard so a failure below points at the library, not the model. */
function checkModel(prev: Step, s: Step): void {
  expect(s.pools.some((p) => p.lifecycle === UnitLifecycle.SERVING)).toBe(true);
  for (const p of s.pools) p.fresh = false;
  void prev;
}

const declare = (s: Step): UnitDeclaration[] => s.pools.map((p) => ({ slot: p.slot, kubernetesVersion: `1.${p.minor}`, lifecycle: p.lifecycle, weight: p.weight }));

function build(eks: boolean, s: Step, prev: Step | undefined) {
  // No stack traces in construct metadata: capturing one per resource dominates synth time under jest.
  const app = new App({ outdir: testApp().outdir, skipValidation: true, stackTraces: false });
  const common = {
    controlPlaneVersion: `1.${s.cp}`, previousControlPlaneVersion: prev ? `1.${prev.cp}` : undefined,
    units: declare(s), previousUnits: prev ? declare(prev) : undefined, minimumKubernetesVersion: '1.26',
  };
  const fleet = eks ? new EksNodePoolFleet(app, 'prop', eksPoolProps(common)) : new AksNodePoolFleet(app, 'prop', aksPoolProps(common));
  // In memory, and only the stacks the invariants read (unit and traffic stacks): fast enough to run many steps.
  const stacks: Record<string, any> = {};
  const deps: Record<string, string[]> = {};
  for (const st of [fleet.sharedStack, fleet.trafficStack, ...Object.values(fleet.unitStacks), ...Object.values(fleet.validationStacks)]) {
    deps[st.node.id] = st.dependencies.map((d) => d.node.id);
  }
  for (const st of [fleet.trafficStack, ...Object.values(fleet.unitStacks)]) stacks[st.node.id] = stackJson(st);
  return { fleet, stacks, deps };
}

/** Every invariant of DESIGN.md that a node-pool step must keep, checked on the synthesized app. */
function checkInvariants(eks: boolean, s: Step, prev: Step | undefined, built: ReturnType<typeof build>, history: Map<string, string>): void {
  const { fleet, stacks, deps } = built;
  const units = fleet.plan.units;
  // 1. serving weights add up to 100 and something serves
  expect(units.reduce((n, u) => n + u.weight, 0)).toBe(100);
  expect(units.some((u) => u.lifecycle === UnitLifecycle.SERVING)).toBe(true);
  const cp = KubernetesVersion.parse(`1.${s.cp}`);
  if (prev) expect(s.cp - prev.cp).toBeGreaterThanOrEqual(0);
  if (prev) expect(s.cp - prev.cp).toBeLessThanOrEqual(1);
  const drained = drainedPools(stacks['prop-traffic']);
  for (const u of units) {
    const unitStack = `prop-unit-${u.name}`;
    const res = resourcesOf(stacks[unitStack]);
    // 7. names fit
    const pool = fleet.poolNames[u.name];
    expect(fitsRule(eks ? NAME_RULES.eksNodeGroup : NAME_RULES.aksLinuxPool, pool)).toBe(true);
    // 6. skew against the control plane, for every pool that exists during the step
    expect(kubeletSkewProblem(cp, KubernetesVersion.parse(u.kubernetesVersion))).toBeUndefined();
    // 2. only validated pools are schedulable; traffic waits for their checks
    if (u.weight > 0) expect(deps['prop-traffic']).toContain(`prop-validate-${u.name}`);
    // the traffic stack drains exactly the standby and retired pools; every other pool keeps its workload
    expect(drained.includes(pool)).toBe(u.lifecycle === UnitLifecycle.STANDBY || u.lifecycle === UnitLifecycle.RETIRED);
    // a standby pool's cordon taint waits for the drain
    if (u.lifecycle === UnitLifecycle.STANDBY) expect(deps[unitStack]).toContain('prop-traffic');
    if (u.lifecycle === UnitLifecycle.RETIRED) {
      // 5. a retired pool's stack is empty and waits for the traffic stack; it was cordoned before
      expect(res).toEqual([]);
      expect(deps[unitStack]).toContain('prop-traffic');
      const before = prev?.pools.find((p) => p.slot === u.slot);
      expect(before && before.lifecycle !== UnitLifecycle.SERVING).toBe(true);
      history.delete(u.name);
    } else {
      // 3. prevent_destroy on every resource of a pool that is not retired
      expect(res.length).toBeGreaterThan(0);
      for (const [, , body] of res) expect(body.lifecycle.prevent_destroy).toBe(true);
      // the pool carries the cordon taint in its own spec exactly while it is not serving
      expect(cordonOf(stacks[unitStack])).toEqual(u.lifecycle === UnitLifecycle.SERVING ? [] : [u.name]);
      // 4. a pool's JSON never changes while it lives, except its taints (the cordon)
      const json = withoutPoolTaints(stacks[unitStack]);
      if (history.has(u.name)) expect(json).toBe(history.get(u.name));
      else history.set(u.name, json);
      // a candidate is checked right after it is built: its own taint keeps workloads off it, no traffic stack needed
      if (u.lifecycle === UnitLifecycle.CANDIDATE) expect(deps[`prop-validate-${u.name}`]).toEqual([unitStack]);
    }
  }
  // 8. no outputs anywhere
  for (const json of Object.values<any>(stacks)) expect(json.output).toBeUndefined();
}

describe('random node-pool rollouts keep every invariant', () => {
  test('valid sequences of steps (control plane upgrades, candidates, cordon, retire, rollback) synthesize and keep the invariants', () => {
    const seen = { upgrades: 0, standby: 0, retired: 0 };
    fc.assert(fc.property(
      fc.boolean(), fc.integer({ min: 30, max: 33 }), fc.array(fc.array(action, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 5 }), fc.nat(1000),
      (eks, cp0, plan, seed) => {
        let s: Step = { cp: cp0, pools: [{ slot: 'a', minor: cp0, lifecycle: UnitLifecycle.SERVING, weight: 100 }] };
        let prev: Step | undefined;
        const history = new Map<string, string>();
        checkInvariants(eks, s, prev, build(eks, s, prev), history);
        plan.forEach((actions, i) => {
          let next = s;
          for (const a of actions) next = apply(next, a);
          next = { cp: next.cp, pools: weigh(next.pools, seed + i) };
          checkModel(s, next);
          prev = s;
          s = next;
          if (s.cp > prev.cp) seen.upgrades++;
          seen.standby += s.pools.filter((p) => p.lifecycle === UnitLifecycle.STANDBY).length;
          seen.retired += s.pools.filter((p) => p.lifecycle === UnitLifecycle.RETIRED).length;
          checkInvariants(eks, s, prev, build(eks, s, prev), history);
        });
      },
    ), { numRuns: runs(25), seed: 20261121 });
    // The model really walked through upgrades, cordons and retirements (fixed seed: reproducible).
    expect(seen.upgrades).toBeGreaterThan(0);
    expect(seen.standby).toBeGreaterThan(0);
    expect(seen.retired).toBeGreaterThan(0);
  });

  test('any step the fleet accepts keeps the invariants; every other one is a BlueGreenError', () => {
    // Near-valid steps: versions around the control plane, mostly serving pools, so that both
    // accepted and refused steps are common.
    const stepArb = fc.integer({ min: 30, max: 36 }).chain((cp) => fc.record({
      cp: fc.constant(cp),
      pools: fc.uniqueArray(fc.record({
        slot: fc.constantFrom(...SLOTS),
        minor: fc.constantFrom(cp + 1, cp, cp, cp - 1, cp - 2, cp - 3, cp - 4),
        lifecycle: fc.constantFrom(UnitLifecycle.SERVING, UnitLifecycle.SERVING, UnitLifecycle.CANDIDATE, UnitLifecycle.STANDBY, UnitLifecycle.RETIRED),
        weight: fc.constant(0),
      }), { minLength: 1, maxLength: 4, selector: (p) => p.slot }),
    }));
    let accepted = 0;
    const weighed = stepArb.map((s) => ({ cp: s.cp, pools: weigh(s.pools, s.cp) }));
    fc.assert(fc.property(fc.boolean(), weighed, fc.option(weighed, { nil: undefined, freq: 2 }), (eks, s, prev) => {
      let built: ReturnType<typeof build>;
      try {
        built = build(eks, s, prev);
      } catch (e) {
        expect(e).toBeInstanceOf(BlueGreenError);
        expect((e as BlueGreenError).message).toMatch(/^fleet "prop"/);
        return;
      }
      accepted++;
      checkInvariants(eks, s, prev, built, new Map());
    }), { numRuns: 120, seed: 20261121 });
    // The generator reaches accepted steps too, so the invariants above were really exercised.
    expect(accepted).toBeGreaterThan(5);
  });
});
