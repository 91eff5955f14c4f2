// An AKS canary gated by service-level metrics: blue (1.33) serves 90 %, green (1.34) 10 %. Before
// the next step moves any traffic, every unit's validation stack judges the traffic it carried:
// the six ready-made SLO gates (API availability, node readiness, evictions, p95 latency and 5xx
// rate against blue, the unit serving the most, and error-budget burn) read Azure Monitor managed
// Prometheus from a Job inside each unit, with AKS workload identity (no token in Terraform).
// A breach fails the deploy; with `"onGateFailure": "rollback"` in the state file's policy, CI opens
// the rollback pull request (examples/ci, docs/slo-gates.md).
import { App } from 'cdktf';
import {
  AksFleet, FrontDoorRouter, HttpProbeCheck, MetricsSource, NodesReadyCheck, SloGates, SmokeJobCheck, synthesizeRollout, UnitLifecycle,
} from 'cdktf-bluegreen';

export function build(app: App): void {
  const source = MetricsSource.azureMonitorWorkspace({
    queryEndpoint: 'https://shop-amw-abcd.westeurope.prometheus.monitor.azure.com',
    clientId: '22222222-2222-2222-2222-222222222222',
    // Every unit federates the gates' service account with this identity (counted against its 20).
    managedIdentityId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop-identities-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-gates',
    // Your build of docs/slo-gates.md's gate image (Python + azure-identity), pinned by digest.
    gateImage: 'registry.example.com/platform/bluegreen-gate@sha256:4f2a6c0e8b1d3f5a7c9e0b2d4f6a8c1e3b5d7f9a0c2e4b6d8f1a3c5e7b9d0f2a',
  });
  new AksFleet(app, 'shop-slo-weu', {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    spec: {
      location: 'westeurope',
      adminGroupObjectIds: ['11111111-1111-1111-1111-111111111111'],
      systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 3, maxCount: 5 },
      userPools: [{ name: 'apps', vmSize: 'Standard_D8ds_v5', minCount: 3, maxCount: 20, labels: { workload: 'apps' } }],
    },
    router: new FrontDoorRouter({ healthProbePath: '/healthz' }),
    checks: [
      new NodesReadyCheck(), SmokeJobCheck.clusterDns(), new HttpProbeCheck(),
      // The defaults of the table in docs/slo-gates.md; a tighter latency budget for this shop.
      ...SloGates.all({ source, window: '15m' }).filter((g) => g.checkName !== 'slo-latency-p95'),
      SloGates.latencyP95({ source, window: '15m', maximumBaselineFactor: 1.1 }),
    ],
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90, fingerprint: 'vadjnt' },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10, fingerprint: 'udlt5x' },
    ],
  });
}

if (require.main === module) synthesizeRollout(build);
