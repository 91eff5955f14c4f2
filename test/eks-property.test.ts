import * as fc from 'fast-check';
import { TerraformStack } from 'cdktf';
import { AlbWeightedRouter, EksFleet, GlobalAcceleratorRouter, IAwsRouter, Route53WeightedRouter, UnitDeclaration, UnitLifecycle } from '../src';
import { BlueGreenError } from '../src/core/errors';
import { resourcesOf, testApp } from './support/synth';
import { eksFleet, eksSpec } from './aws/eks-fixtures';
import { runs } from './support/depth';

const SLOTS = ['blue', 'green', 'teal', 'amber', 'violet'];
const VERSIONS = ['1.30', '1.31', '1.32', '1.33', '1.34'];
const NOT_SERVING = [UnitLifecycle.CANDIDATE, UnitLifecycle.STANDBY, UnitLifecycle.RETIRED];
const ROUTERS: Array<() => IAwsRouter> = [
  () => new Route53WeightedRouter({ recordName: 'www.shop.example.com' }),
  () => new AlbWeightedRouter(),
  () => new GlobalAcceleratorRouter(),
];

interface Step { units: UnitDeclaration[]; router: number }

/** A valid step: 1-5 units, at least one serving, the serving weights (each >= 1) add up to 100. */
const validStep: fc.Arbitrary<Step> = fc.integer({ min: 1, max: 5 }).chain((n) => fc.record({
  versions: fc.array(fc.constantFrom(...VERSIONS), { minLength: n, maxLength: n }),
  serving: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
  others: fc.array(fc.constantFrom(...NOT_SERVING), { minLength: n, maxLength: n }),
  forced: fc.integer({ min: 0, max: n - 1 }),
  router: fc.integer({ min: 0, max: ROUTERS.length - 1 }),
}).chain((r) => {
  const serving = r.serving.map((s, i) => s || i === r.forced);
  const count = serving.filter(Boolean).length;
  return fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: count - 1, maxLength: count - 1 }).map((cuts) => {
    const edges = [0, ...cuts.sort((a, b) => a - b), 100];
    const weights = edges.slice(1).map((e, i) => e - edges[i]);
    let k = 0;
    const units = serving.map((s, i): UnitDeclaration => s
      ? { slot: SLOTS[i], kubernetesVersion: r.versions[i], lifecycle: UnitLifecycle.SERVING, weight: weights[k++] }
      : { slot: SLOTS[i], kubernetesVersion: r.versions[i], lifecycle: r.others[i] });
    return { units, router: r.router };
  });
}));

/** Provider-side weights of the traffic stack, whatever the router. */
function routerWeights(traffic: any, order: string[]): number[] {
  const r = traffic.resource;
  // Records are keyed by construct id (sorted in the JSON), so order them as the units are; a unit
  // without weight has no record at all (Route 53 would answer a zero-weight record when every
  // weighted one is unhealthy).
  if (r.aws_route53_record) return order.map((name) => Object.values<any>(r.aws_route53_record).find((x) => x.set_identifier === name)?.weighted_routing_policy.weight ?? 0);
  if (r.aws_lb_listener_rule) return Object.values<any>(r.aws_lb_listener_rule)[0].action[0].forward.target_group.map((g: any) => g.weight);
  return Object.values<any>(r.aws_globalaccelerator_endpoint_group)[0].endpoint_configuration.map((e: any) => e.weight);
}

// The stack's Terraform JSON without a trip through Testing.synth (the property synthesizes a lot).
const stackJson = (s: TerraformStack): any => JSON.parse(JSON.stringify(s.toTerraform()));
const deps = (s: TerraformStack) => s.dependencies.map((d) => d.node.id).sort();
const unitJson = (s: TerraformStack) => JSON.stringify({ ...stackJson(s), '//': undefined });

describe('EKS rollout invariants (property)', () => {
  test('every valid step synthesizes with the invariants of DESIGN.md holding in the output', () => {
    fc.assert(fc.property(validStep, fc.nat(), ({ units, router }, pick) => {
      const fleet = eksFleet(testApp(), 'prop', units, { router: ROUTERS[router]() });
      const traffic = stackJson(fleet.trafficStack);
      const live = fleet.plan.units.filter((u) => u.lifecycle !== UnitLifecycle.RETIRED);
      // 1. the router's weights are the serving shares: they add up to 100, one entry per live unit.
      const w = routerWeights(traffic, live.map((u) => u.name));
      expect(w).toEqual(live.map((u) => u.weight));
      expect(w.reduce((a, b) => a + b, 0)).toBe(100);
      for (const u of fleet.plan.units) {
        const unitStack = fleet.unitStacks[u.name];
        if (u.lifecycle === UnitLifecycle.RETIRED) {
          // 5. a retired unit's stack is empty and depends on the traffic stack.
          expect(stackJson(unitStack).resource).toBeUndefined();
          expect(deps(unitStack)).toContain('prop-traffic');
          continue;
        }
        // 2. only a unit with a validation stack receives weight, and traffic waits for it.
        if (u.weight > 0) expect(deps(fleet.trafficStack)).toContain(fleet.validationStacks[u.name].node.id);
        // 3. prevent_destroy on every resource of every live unit; 6. node groups run the cluster's minor.
        const json = stackJson(unitStack);
        for (const [, , body] of resourcesOf(json)) expect(body.lifecycle?.prevent_destroy).toBe(true);
        const cluster: any = Object.values(json.resource.aws_eks_cluster)[0];
        for (const ng of Object.values<any>(json.resource.aws_eks_node_group)) expect(ng.version).toBe(cluster.version);
        // 8. no outputs anywhere.
        expect(json.output).toBeUndefined();
      }
      // 4. a live unit's JSON does not depend on the step: it equals the same unit serving alone.
      const chosen = live[pick % live.length];
      const decl = units.find((d) => d.slot === chosen.slot)!;
      const alone = eksFleet(testApp(), 'prop', [{ ...decl, lifecycle: UnitLifecycle.SERVING, weight: 100 }], { router: ROUTERS[router]() });
      expect(unitJson(alone.unitStacks[chosen.name])).toBe(unitJson(fleet.unitStacks[chosen.name]));
      // Each run builds and synthesizes two fleets of up to 16 stacks; 30 runs keep the suite fast.
    }), { numRuns: runs(40) });
  });

  const mutations: Array<[string, (s: Step) => Step | undefined]> = [
    ['weights that do not add up to 100', (s) => ({ ...s, units: s.units.map((u) => u.lifecycle === UnitLifecycle.SERVING ? { ...u, weight: u.weight! + 1 } : u) })],
    ['a serving unit at weight 0', (s) => ({ ...s, units: s.units.map((u) => u.lifecycle === UnitLifecycle.SERVING ? { ...u, weight: 0 } : u) })],
    ['weight on a unit that does not serve', (s) => s.units.some((u) => u.lifecycle !== UnitLifecycle.SERVING)
      ? { ...s, units: s.units.map((u) => u.lifecycle !== UnitLifecycle.SERVING ? { ...u, weight: 5 } : u) } : undefined],
    ['no serving unit', (s) => ({ ...s, units: s.units.map((u) => u.lifecycle === UnitLifecycle.SERVING ? { ...u, lifecycle: UnitLifecycle.STANDBY, weight: 0 } : u) })],
    ['a duplicate slot', (s) => s.units.length > 1 ? { ...s, units: s.units.map((u, i) => i === 1 ? { ...u, slot: s.units[0].slot } : u) } : undefined],
    ['a version that is not one', (s) => ({ ...s, units: s.units.map((u, i) => i === 0 ? { ...u, kubernetesVersion: '1.x' } : u) })],
  ];

  test('every invalid step is refused with a BlueGreenError that names the fleet', () => {
    fc.assert(fc.property(validStep, fc.integer({ min: 0, max: mutations.length - 1 }), (step, m) => {
      const bad = mutations[m][1](step);
      fc.pre(bad !== undefined);
      let error: unknown;
      try {
        eksFleet(testApp(), 'prop', bad!.units, { router: ROUTERS[bad!.router]() });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BlueGreenError);
      expect((error as BlueGreenError).message).toMatch(/^fleet "prop"/);
    }), { numRuns: runs(80) });
  });

  test('invalid EKS specs and router settings are refused whatever the step', () => {
    const badSpecs: Array<[string, Partial<Parameters<typeof eksFleet>[3]>]> = [
      ['arm instance on an x86 AMI', { spec: eksSpec({ nodeGroups: [{ name: 'apps', instanceTypes: ['c7g.large'] }] }) }],
      ['one subnet', { spec: eksSpec({ subnetIds: ['subnet-0a1b2c3d4e5f60001'] }) }],
      ['TTL above 60 s', { router: new Route53WeightedRouter({ recordName: 'www.shop.example.com', ttlSeconds: 61 }) }],
      ['open public endpoint', { spec: eksSpec({ endpointAccess: { publicAccess: true, publicAccessCidrs: ['10.0.0.0/8', '0.0.0.0/0'] } }) }],
    ];
    fc.assert(fc.property(validStep, fc.integer({ min: 0, max: badSpecs.length - 1 }), (step, i) => {
      expect(() => eksFleet(testApp(), 'prop', step.units, badSpecs[i][1] as any)).toThrow(BlueGreenError);
    }), { numRuns: runs(100) });
    void EksFleet;
  });
});
