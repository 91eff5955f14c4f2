// Node-pool rollouts of the reference deployment: one cluster per cloud whose control plane is
// upgraded in place while its pools are replaced blue-green. Wired into stacks/main.ts.
import { App } from 'cdktf';
import { AksNodePoolFleet, EksNodePoolFleet, SchedulingRouter, UnitDeclaration, UnitLifecycle } from '../src';

/** Adds one node-pool rollout on AKS and one on EKS to `app`, with pinned fingerprints. */
export function addNodePoolReferenceFleets(app: App): void {
  // AKS, candidate step: the control plane moves 1.33 → 1.34 first, then pool green (1.34) is built
  // and validated while pool blue (1.33) keeps serving.
  const aksBefore: UnitDeclaration[] = [
    { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100, fingerprint: 'juxmzo' },
  ];
  new AksNodePoolFleet(app, 'pools-prod-weu', {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    previousControlPlaneVersion: '1.33',
    controlPlaneVersion: '1.34',
    cluster: {
      location: 'westeurope',
      adminGroupObjectIds: ['11111111-1111-1111-1111-111111111111'],
      systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 3, maxCount: 5 },
      maintenanceWindow: { dayOfWeek: 'Sunday', startTime: '02:00', durationHours: 4 },
    },
    pool: { vmSize: 'Standard_D8ds_v5', minCount: 3, maxCount: 20, labels: { workload: 'apps' } },
    previousUnits: aksBefore,
    units: [
      ...aksBefore,
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.CANDIDATE, fingerprint: 'b65tjo' },
    ],
  });

  // EKS, finishing step: node group green (1.33) serves, blue (1.32) was drained and stood by
  // cordoned in the previous step and is now retired: the traffic stack's drain Job checks that no
  // workload pod is left on it (evicting any straggler through the Eviction API), then it is deleted.
  new EksNodePoolFleet(app, 'pools-prod-euw1', {
    region: 'eu-west-1',
    previousControlPlaneVersion: '1.33',
    controlPlaneVersion: '1.33',
    cluster: {
      subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003'],
      adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admin'],
    },
    pool: { instanceTypes: ['m7i.xlarge'], minSize: 3, maxSize: 20, labels: { workload: 'apps' } },
    // Two nodes at a time, 20 minutes before a PodDisruptionBudget that blocks fails the deploy.
    router: new SchedulingRouter({ drain: { timeoutSeconds: 1200, batchSize: 2 } }),
    previousUnits: [
      { slot: 'blue', kubernetesVersion: '1.32', lifecycle: UnitLifecycle.STANDBY, fingerprint: 'qb2npc' },
      { slot: 'green', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100, fingerprint: 'aqjdof' },
    ],
    units: [
      { slot: 'blue', kubernetesVersion: '1.32', lifecycle: UnitLifecycle.RETIRED, fingerprint: 'qb2npc' },
      { slot: 'green', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100, fingerprint: 'aqjdof' },
    ],
  });
}
