import { App } from 'cdktf';
import { AksFleet, FleetKind, UnitDeclaration } from '../src';
import { applyStep, StepCommand } from '../src/core/rollout-steps';
import { buildableNextVersions } from '../src/core/version-next';
import { parseRolloutStateText, RolloutStateFile } from '../src/core/state-file';
import { eksFleet } from './aws/eks-fixtures';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { cli, markDeployed, tempDir } from './support/git-repo';
import { aksPoolFleet, eksPoolFleet } from './support/node-pool-fixtures';
import { synthAll, testApp } from './support/synth';
import * as fs from 'fs';
import * as path from 'path';

// Issue 20 item 6: `status` never suggests a version the fleet cannot build. For every fleet kind,
// a whole rollout 1.33 → 1.34 is walked with the CLI; at every step, every command `status`
// suggests is applied and the fleet synthesized with the result, which must be accepted.

/** The node-pool fleets' control plane during the walk: raised to 1.34 before the pools move. */
const CONTROL_PLANE = '1.34';

/** The fleet of `kind` with this step's units, told the previous step's (as a pull request's base gives them). */
function build(kind: FleetKind, app: App, units: UnitDeclaration[], previousUnits: UnitDeclaration[], controlPlane = CONTROL_PLANE): void {
  switch (kind) {
    case FleetKind.AKS_CLUSTER: new AksFleet(app, 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units, previousUnits }); return;
    case FleetKind.EKS_CLUSTER: eksFleet(app, 'shop', units, { previousUnits }); return;
    case FleetKind.AKS_NODE_POOL: aksPoolFleet(app, { controlPlaneVersion: controlPlane, previousControlPlaneVersion: CONTROL_PLANE, units, previousUnits }); return;
    case FleetKind.EKS_NODE_POOL: eksPoolFleet(app, { controlPlaneVersion: controlPlane, previousControlPlaneVersion: CONTROL_PLANE, units, previousUnits }); return;
  }
}

const unitsOf = (s: RolloutStateFile): UnitDeclaration[] => s.units.map((u) => ({ slot: u.slot, kubernetesVersion: u.kubernetesVersion, lifecycle: u.lifecycle, weight: u.weight }));

/** The commands `status` lists under "Legal next steps", as the CLI would run them. */
function suggested(dir: string): StepCommand[] {
  const r = cli(dir, ['status']);
  expect(r.code).toBe(0);
  const lines = r.out.split('\n');
  const from = lines.findIndex((l) => l.startsWith('Legal next steps'));
  return lines.slice(from + 1).map((l) => /^\s+cdktf-bluegreen (\S+)(?: (\d+\.\d+(?:\.\d+)?))?(?: --slot (\S+))?\s{2,}/.exec(l)).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1], ...(m[2] ? { version: m[2] } : {}), ...(m[3] ? { slot: m[3] } : {}) }));
}

const FORWARD = ['promote', 'shift', 'retire', 'forget'];

describe.each(Object.values(FleetKind))('status after a whole rollout suggests only what %s can build', (kind) => {
  test('every suggested command of every step synthesizes; the next minor is offered to whole clusters only', () => {
    const dir = tempDir();
    expect(cli(dir, ['init', 'shop', '1.33', '--kind', kind]).code).toBe(0);
    const file = path.join(dir, 'rollout/shop.json');
    // Canary 10, then the rest in one shift: every kind of step, in as few steps as the rules allow.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"maxWeightStep": 25', '"maxWeightStep": 90'));
    const state = () => parseRolloutStateText(fs.readFileSync(file, 'utf8'), 'shop.json');
    const pools = kind === FleetKind.AKS_NODE_POOL || kind === FleetKind.EKS_NODE_POOL;
    // Node pools cannot outgrow their control plane: the first start follows a control-plane step, by hand.
    const first = suggested(dir).filter((c) => c.name === 'start');
    expect(first).toEqual(pools ? [] : [{ name: 'start', version: '1.34' }]);
    expect(cli(dir, ['start', '1.34']).code).toBe(0);
    const walked: string[] = [];
    for (let i = 0; i < 20 && !(state().units.length === 1 && state().units[0].kubernetesVersion === '1.34'); i++) {
      const now = state();
      const next = suggested(dir);
      for (const c of next) {
        expect({ step: now.step, command: c, refused: (() => { try { build(kind, testApp(), unitsOf(applyStep(now, c)), unitsOf(now)); return undefined; } catch (e) { return (e as Error).message; } })() })
          .toEqual({ step: now.step, command: c, refused: undefined });
      }
      const go = FORWARD.map((n) => next.find((c) => c.name === n && c.slot === undefined)).find((c) => c !== undefined)!;
      expect(cli(dir, [go.name]).code).toBe(0);
      // CI deploys each merged step through `record`; the forget that follows retire waits for it.
      markDeployed(dir);
      walked.push(go.name);
    }
    expect(walked.slice(-2)).toEqual(['retire', 'forget']);
    // After the whole rollout: whole clusters are offered the next minor, and it synthesizes (EKS
    // 1.35 takes its add-on versions from EKS); node pools wait for their control plane.
    const starts = suggested(dir).filter((c) => c.name === 'start');
    expect(starts).toEqual(pools ? [] : [{ name: 'start', version: '1.35' }]);
    for (const c of starts) {
      const app = testApp();
      build(kind, app, unitsOf(applyStep(state(), c)), unitsOf(state()));
      expect(Object.keys(synthAll(app).stacks).some((s) => /^shop-unit-.*1-35/.test(s))).toBe(true);
    }
    if (!pools) return;
    // Node pools: once the control plane moved to 1.35 by hand (its add-ons from EKS, no
    // addonVersions), the next pool version offered is 1.35, and both steps synthesize.
    const moved = testApp();
    build(kind, moved, unitsOf(state()), unitsOf(state()), '1.35');
    expect(Object.keys(synthAll(moved).stacks)).toContain('shop-shared');
    const next = buildableNextVersions(state(), { kind, controlPlaneVersion: '1.35' });
    expect(next).toEqual(['1.35']);
    const app = testApp();
    build(kind, app, unitsOf(applyStep(state(), { name: 'start', version: next[0] })), unitsOf(state()), '1.35');
    expect(Object.keys(synthAll(app).stacks).some((s) => /^shop-unit-.*1-35/.test(s))).toBe(true);
  });
});

test('init --kind refuses a kind it does not know, naming the field, the value and the kinds', () => {
  const dir = tempDir();
  const r = cli(dir, ['init', 'shop', '1.33', '--kind', 'gke-cluster']);
  expect(r.code).not.toBe(0);
  expect(r.err).toMatch(/kind = "gke-cluster" is refused: what the fleet is made of: "aks-cluster", "eks-cluster", "aks-node-pool", "eks-node-pool"\. Fix: "kind": "aks-cluster", or remove it/);
  expect(fs.existsSync(path.join(dir, 'rollout/shop.json'))).toBe(false);
});
