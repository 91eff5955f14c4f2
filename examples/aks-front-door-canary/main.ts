// An AKS fleet in the middle of a canary behind Azure Front Door: blue (1.33) serves 90 %, green
// (1.34) was validated as a candidate and now serves 10 %.
import { App } from 'cdktf';
import { AksFleet, FrontDoorRouter, synthesizeRollout, UnitLifecycle } from 'cdktf-bluegreen';

export function build(app: App): void {
  new AksFleet(app, 'shop-canary-weu', {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    spec: {
      location: 'westeurope',
      adminGroupObjectIds: ['11111111-1111-1111-1111-111111111111'],
      systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 3, maxCount: 5 },
      userPools: [{ name: 'apps', vmSize: 'Standard_D8ds_v5', minCount: 3, maxCount: 20, labels: { workload: 'apps' } }],
    },
    router: new FrontDoorRouter({ healthProbePath: '/healthz' }),
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90, fingerprint: 'uih7uj' },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10, fingerprint: 'd4tnfy' },
    ],
  });
}

if (require.main === module) synthesizeRollout(build);
