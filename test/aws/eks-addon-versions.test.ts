import { EksAddonVersions, UnitDeclaration, UnitLifecycle } from '../../src';
import { EKS_ADDON_MOST_RECENT_AT_BUILD } from '../../src/aws/eks-addons';
import { synthAll, testApp } from '../support/synth';
import { eksFleet, eksSpec } from './eks-fixtures';

// Issue 20 item 6: EKS add-on versions come from EKS (aws_eks_addon_version, most_recent) for every
// minor the frozen table does not cover, chosen once when the unit is built and kept for its life.
const ADDONS = ['coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni'];

function unitStack(units: UnitDeclaration[], slot: string, spec = eksSpec()) {
  const app = testApp();
  const fleet = eksFleet(app, 'shop', units, { spec });
  const u = fleet.plan.units.find((x) => x.slot === slot)!;
  return { unit: u, json: synthAll(app).stacks[`shop-unit-${u.name}`] };
}

describe('EKS add-on versions from the cloud', () => {
  const blue34: UnitDeclaration = { slot: 'blue', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100 };
  const green35: UnitDeclaration = { slot: 'green', kubernetesVersion: '1.35', lifecycle: UnitLifecycle.CANDIDATE };

  test('a 1.35 unit (beyond the frozen table) synthesizes: each add-on reads the most recent build EKS offers for 1.35', () => {
    const { json } = unitStack([blue34, green35], 'green');
    const data = json.data.aws_eks_addon_version;
    expect(Object.values<any>(data).map((d) => [d.addon_name, d.kubernetes_version, d.most_recent]).sort())
      .toEqual(ADDONS.map((a) => [a, '1.35', true]));
    for (const [key, addon] of Object.entries<any>(json.resource.aws_eks_addon)) {
      const name = addon.addon_name;
      const dataKey = Object.keys(data).find((k) => data[k].addon_name === name);
      expect([key, addon.addon_version]).toEqual([key, `\${data.aws_eks_addon_version.${dataKey}.version}`]);
      // Chosen once: a build EKS publishes later never changes the live add-on; and never destroyed in place.
      expect(addon.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ['addon_version'] });
    }
  });

  test("a 1.35 unit's stack is the same in every step (candidate, serving 10, serving 100)", () => {
    const steps: UnitDeclaration[][] = [
      [blue34, green35],
      [{ ...blue34, weight: 90 }, { ...green35, lifecycle: UnitLifecycle.SERVING, weight: 10 }],
      [{ ...blue34, lifecycle: UnitLifecycle.STANDBY, weight: 0 }, { ...green35, lifecycle: UnitLifecycle.SERVING, weight: 100 }],
    ];
    const stacks = steps.map((units) => JSON.stringify(unitStack(units, 'green').json));
    expect(new Set(stacks).size).toBe(1);
  });

  test('units the frozen table covers keep its literal versions, identity and stack (no data source, no ignore_changes)', () => {
    const { unit, json } = unitStack([blue34], 'blue');
    expect(json.data?.aws_eks_addon_version).toBeUndefined();
    const versions = Object.values<any>(json.resource.aws_eks_addon).map((a) => [a.addon_name, a.addon_version, a.lifecycle]).sort();
    expect(versions).toEqual(Object.entries(EksAddonVersions.defaultsFor('1.34')).map(([n, v]) => [n, v, { prevent_destroy: true }]).sort());
    // The fingerprint input is the pinned map it always was.
    expect(EksAddonVersions.identity('1.34')).toEqual(EksAddonVersions.defaultsFor('1.34'));
    expect(unit.fingerprint).toMatch(/^[a-z2-7]{6}$/);
  });

  test('a pinned add-on stays pinned on 1.35 and the rest come from EKS; the pins are part of the identity', () => {
    const pinned = eksSpec({ addonVersions: { coredns: 'v1.12.4-eksbuild.1' } });
    const { unit, json } = unitStack([blue34, green35], 'green', pinned);
    expect(Object.values<any>(json.data.aws_eks_addon_version).map((d) => d.addon_name).sort()).toEqual(['eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
    const coredns = Object.values<any>(json.resource.aws_eks_addon).find((a) => a.addon_name === 'coredns');
    expect([coredns.addon_version, coredns.lifecycle]).toEqual(['v1.12.4-eksbuild.1', { prevent_destroy: true }]);
    expect(unit.fingerprint).not.toBe(unitStack([blue34, green35], 'green').unit.fingerprint);
    expect(EksAddonVersions.identity('1.35', { coredns: 'v1.12.4-eksbuild.1' })).toEqual({
      'coredns': 'v1.12.4-eksbuild.1', 'eks-pod-identity-agent': EKS_ADDON_MOST_RECENT_AT_BUILD, 'kube-proxy': EKS_ADDON_MOST_RECENT_AT_BUILD, 'vpc-cni': EKS_ADDON_MOST_RECENT_AT_BUILD,
    });
  });

  test('a unit pinned with every add-on on a later minor keeps the fingerprint it had before add-ons came from the cloud', () => {
    const all = { 'vpc-cni': 'v1.21.0-eksbuild.1', 'kube-proxy': 'v1.36.0-eksbuild.1', 'coredns': 'v1.13.0-eksbuild.1', 'eks-pod-identity-agent': 'v1.3.9-eksbuild.1' };
    expect(EksAddonVersions.identity('1.36', all)).toEqual(all);
    const { json } = unitStack([{ slot: 'blue', kubernetesVersion: '1.36', lifecycle: UnitLifecycle.SERVING, weight: 100 }], 'blue', eksSpec({ addonVersions: all }));
    expect(json.data?.aws_eks_addon_version).toBeUndefined();
  });
});
