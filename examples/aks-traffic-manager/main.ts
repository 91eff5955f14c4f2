// A new AKS unit as a candidate behind Azure Traffic Manager: green (1.34) is built beside blue
// (1.33) with weight 0 (a disabled endpoint) while its validation stack checks it. State lives in
// Azure Storage, one blob per stack.
import { App } from 'cdktf';
import { AksFleet, AzurermBackendFactory, NodesReadyCheck, SmokeJobCheck, synthesizeRollout, TrafficManagerRouter, UnitLifecycle } from 'cdktf-bluegreen';

export function build(app: App): void {
  new AksFleet(app, 'search-prod', {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    spec: {
      location: 'swedencentral',
      adminGroupObjectIds: ['11111111-1111-1111-1111-111111111111'],
      systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5' },
      userPools: [{ name: 'search', vmSize: 'Standard_E8ds_v5', minCount: 3, maxCount: 12, labels: { workload: 'search' } }],
    },
    router: new TrafficManagerRouter({ ttlSeconds: 30, healthProbePath: '/ready' }),
    backend: new AzurermBackendFactory({ resourceGroupName: 'tfstate-rg', storageAccountName: 'tfstateexample', containerName: 'tfstate' }),
    checks: [
      new NodesReadyCheck(),
      new SmokeJobCheck({ name: 'search-smoke', image: 'ghcr.io/example/search-smoke:2.4.1', command: ['/smoke', '--quick'], timeoutMinutes: 10 }),
    ],
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100, fingerprint: 'o4idhi' },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.CANDIDATE },
    ],
  });
}

if (require.main === module) synthesizeRollout(build);
