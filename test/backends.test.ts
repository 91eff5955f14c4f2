import { AksFleet, AzurermBackendFactory, HcpTerraformBackendFactory, LocalBackendFactory, UnitLifecycle } from '../src';
import { BlueGreenError } from '../src/core/errors';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { synthInMemory } from './support/invariants';
import { testApp } from './support/synth';

const units = [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }];

function backends(backend: any): Record<string, any> {
  const app = testApp();
  new AksFleet(app, 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units, backend });
  const out = synthInMemory(app);
  return Object.fromEntries(Object.entries(out.stacks).map(([name, json]) => [name, json.terraform.backend]));
}

describe('one backend factory serves every stack of a fleet', () => {
  test('local by default: one state file per stack', () => {
    const b = backends(undefined);
    for (const [name, backend] of Object.entries(b)) expect(backend.local.path).toMatch(new RegExp(`terraform\\.${name}\\.tfstate$`));
  });

  test('local in a chosen folder', () => {
    const b = backends(new LocalBackendFactory({ directory: '/state' }));
    expect(b['shop-traffic'].local.path).toBe('/state/terraform.shop-traffic.tfstate');
  });

  test('HCP Terraform: one named workspace per stack through the remote backend (no cloud block, so synth never calls terraform)', () => {
    const b = backends(new HcpTerraformBackendFactory({ organization: 'acme', workspacePrefix: 'bg-' }));
    expect(Object.keys(b).length).toBe(4);
    for (const [name, backend] of Object.entries(b)) {
      expect(backend.remote).toEqual({ hostname: 'app.terraform.io', organization: 'acme', workspaces: { name: `bg-${name}` } });
      expect(backend.cloud).toBeUndefined();
    }
  });

  test('azurerm: one blob per stack, Entra ID auth, no access key', () => {
    const b = backends(new AzurermBackendFactory({ resourceGroupName: 'tf', storageAccountName: 'tfstate1', containerName: 'state', keyPrefix: 'fleets/' }));
    expect(b['shop-shared'].azurerm).toEqual({ resource_group_name: 'tf', storage_account_name: 'tfstate1', container_name: 'state', key: 'fleets/shop-shared.tfstate', use_azuread_auth: true });
    for (const backend of Object.values(b)) expect(backend.azurerm.access_key).toBeUndefined();
  });

  test('bad organization and over-long workspace names are refused', () => {
    expect(() => new HcpTerraformBackendFactory({ organization: 'my org' })).toThrow(BlueGreenError);
    expect(() => backends(new HcpTerraformBackendFactory({ organization: 'acme', workspacePrefix: 'x'.repeat(80) }))).toThrow(/workspace names are letters, digits, "-" and "_", at most the 90 characters HCP recommends/);
  });
});
