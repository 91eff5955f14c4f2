// Issue 20.4 (and issue 19 item 4's HCP run): HCP Terraform's Azure trust is per workspace and run
// phase. The library creates the federated credentials with the workspaces; the world refuses a run
// whose exact subject no credential names.
import * as fs from 'fs';
import * as path from 'path';
import { TerraformStack } from 'cdktf';
import { AksFleet, FrontDoorRouter, HcpExecution, HcpTerraformBackendFactory, HcpWorkspaces, UnitDeclaration, UnitLifecycle } from '../../src';
import { BlueGreenError } from '../../src/core/errors';
import { hcpRunAzureAccess } from '../../rehearsal/world/hcp-runs';
import { WorldOps } from '../../rehearsal/world/ops';
import { openSimulator } from '../../rehearsal/world/simulator';
import { WorldStore } from '../../rehearsal/world/store';
import { aksSpec, SUBSCRIPTION } from '../support/fixtures';
import { stackJson, testApp } from '../support/synth';
import { tempDir } from '../support/temp';

const U = Symbol.for('rehearsal.unknown');
const IDS = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/hcp-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities';
const serving = (slot: string, weight: number): UnitDeclaration => ({ slot, kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight });

function bootstrap(units: UnitDeclaration[], azure: Record<string, string | undefined>) {
  const app = testApp();
  const backend = new HcpTerraformBackendFactory({ organization: 'acme', workspacePrefix: 'bg-' });
  const fleet = new AksFleet(app, 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), router: new FrontDoorRouter(), backend, units });
  const stack = new TerraformStack(app, 'hcp-workspaces');
  const ws = new HcpWorkspaces(stack, 'workspaces', {
    backend, terraformVersion: '1.11.4', projectId: 'prj-AbCdEf123456789', projectName: 'platform',
    fleets: [{ fleet, execution: { default: HcpExecution.hosted(), validation: HcpExecution.agent('apool-Xy12AbCdEfGh3456') }, azure: { runClientId: '22222222-2222-2222-2222-222222222222', tenantId: '33333333-3333-3333-3333-333333333333', ...azure } }],
  });
  return { ws, json: stackJson(stack) };
}

describe('HCP runs on Azure', () => {
  let dir: string;
  let worlds = 0;
  beforeEach(() => { dir = tempDir('hcp-runs-'); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Applies the bootstrap stack's federated credentials to a fresh world, then asks whether a run of `workspace` gets a token. */
  function runIn(json: any, workspace: string, phase: 'plan' | 'apply', wait = 120) {
    const file = path.join(dir, `world-${++worlds}.json`);
    const sim = openSimulator(file);
    for (const fic of Object.values<any>(json.resource?.azurerm_federated_identity_credential ?? {})) {
      sim.create({ provider: 'azurerm', providerConfig: { subscription_id: SUBSCRIPTION }, stack: 'hcp-workspaces' }, 'azurerm_federated_identity_credential', { ...fic, id: U });
    }
    new WorldStore(file).update((w) => { w.clock += wait; });
    return hcpRunAzureAccess(new WorldOps(new WorldStore(file).read()), { hostname: 'app.terraform.io', organization: 'acme', project: 'platform', workspace, phase });
  }

  test('without the identity\'s resource id nothing trusts the workspace: its runs are refused (the defect of 20.4)', () => {
    const { json } = bootstrap([serving('blue', 100)], {});
    expect(json.resource.azurerm_federated_identity_credential).toBeUndefined();
    expect(runIn(json, 'bg-shop-traffic', 'apply').detail).toBe("AADSTS700213: No matching federated identity record found for presented assertion subject 'organization:acme:project:platform:workspace:bg-shop-traffic:run_phase:apply' (issuer https://app.terraform.io)");
  });

  test('with it, every remote workspace is trusted for its plan and its apply, exactly, and nothing else', () => {
    const { ws, json } = bootstrap([serving('blue', 100)], { runIdentityId: `${IDS}/hcp-shop` });
    const remote = ws.workspaces.filter((w) => w.executionMode !== 'local').map((w) => w.workspace);
    const fics = Object.values<any>(json.resource.azurerm_federated_identity_credential);
    expect(fics).toHaveLength(2 * remote.length);
    expect(fics.map((f) => f.subject).sort()).toEqual(remote.flatMap((w) => ['apply', 'plan'].map((p) => `organization:acme:project:platform:workspace:${w}:run_phase:${p}`)).sort());
    expect(new Set(fics.map((f) => `${f.issuer} ${f.parent_id} ${JSON.stringify(f.audience)}`))).toEqual(new Set([`https://app.terraform.io ${IDS}/hcp-shop ["api://AzureADTokenExchange"]`]));
    for (const w of remote) for (const phase of ['plan', 'apply'] as const) expect([w, phase, runIn(json, w, phase).ok]).toEqual([w, phase, true]);
    expect(runIn(json, remote[0], 'apply', 60).ok).toBe(false); // not yet propagated
    expect(runIn(json, 'bg-other-traffic', 'apply').ok).toBe(false);
  });

  test("the bootstrap stack ends only after Entra can use its credentials: a 120 s time_sleep after all of them, run again when one is added", () => {
    const { json } = bootstrap([serving('blue', 100)], { runIdentityId: `${IDS}/hcp-shop` });
    const fics = Object.keys(json.resource.azurerm_federated_identity_credential);
    const sleeps = Object.values<any>(json.resource.time_sleep);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0].create_duration).toBe('120s');
    expect([...sleeps[0].depends_on].sort()).toEqual(fics.map((k) => `azurerm_federated_identity_credential.${k}`).sort());
    const names = Object.values<any>(json.resource.azurerm_federated_identity_credential).map((f) => f.name);
    expect(sleeps[0].triggers.credentials.split(',').sort()).toEqual([...names].sort());
    const more = bootstrap([serving('blue', 50), serving('green', 50)], { runIdentityId: `${IDS}/hcp-shop` });
    expect(Object.values<any>(more.json.resource.time_sleep)[0].triggers.credentials).not.toBe(sleeps[0].triggers.credentials);
    // Without identity ids no credential is made, and nothing waits.
    expect(bootstrap([serving('blue', 100)], {}).json.resource.time_sleep).toBeUndefined();
  });

  test('more than 20 credentials on one identity are refused at synth, naming the count; a plan identity of its own halves it', () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((s) => serving(s, 20));
    let err: unknown;
    try { bootstrap(five, { runIdentityId: `${IDS}/hcp-shop` }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(BlueGreenError);
    expect((err as Error).message).toMatch(/fleets\[0\]\.azure\.runIdentityId.*12 workspaces need 24 on this identity, more than the 20 Entra allows/s);
    const split = bootstrap(five, { runIdentityId: `${IDS}/hcp-shop`, planClientId: '44444444-4444-4444-4444-444444444444', planIdentityId: `${IDS}/hcp-shop-plan` });
    const perIdentity = Object.values<any>(split.json.resource.azurerm_federated_identity_credential).reduce((m: Record<string, number>, f) => ({ ...m, [f.parent_id]: (m[f.parent_id] ?? 0) + 1 }), {});
    expect(perIdentity).toEqual({ [`${IDS}/hcp-shop`]: 12, [`${IDS}/hcp-shop-plan`]: 12 });
  });
});
