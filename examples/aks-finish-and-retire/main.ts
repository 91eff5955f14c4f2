// Finishing an AKS upgrade: green (1.34) serves everything and blue (1.33) is retired. Blue's stack
// synthesizes empty and waits for the traffic stack, whose drain timer runs before blue is destroyed.
import { App } from 'cdktf';
import { AksFleet, FrontDoorRouter, HcpTerraformBackendFactory, synthesizeRollout, UnitLifecycle } from 'cdktf-bluegreen';

export function build(app: App): void {
  new AksFleet(app, 'payments-prod', {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    spec: {
      location: 'westeurope',
      adminGroupObjectIds: ['11111111-1111-1111-1111-111111111111'],
      systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5' },
      userPools: [{ name: 'apps', vmSize: 'Standard_D8ds_v5', labels: { workload: 'apps' } }],
    },
    router: new FrontDoorRouter(),
    // One HCP Terraform workspace per stack: payments-prod-shared, payments-prod-traffic, ...
    backend: new HcpTerraformBackendFactory({ organization: 'example-org', workspacePrefix: 'bg-' }),
    // At least Front Door's 20-minute propagation + 2 × its 60 s connection TTL (1320 s).
    drainSeconds: 1500,
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.RETIRED, fingerprint: 'tpfyso' },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100, fingerprint: 'ej7j6a' },
    ],
  });
}

if (require.main === module) synthesizeRollout(build);
