// Blue-green node pools in one AKS cluster. This is the step after green (1.34) was built and
// validated as a candidate: green loses its cordon taint and serves; the traffic stack drains blue
// (1.33) through the Eviction API and waits until the workload runs Ready on green; then blue gets
// its cordon taint and stands by for rollback. Next PR: previousUnits = these units, and blue becomes
// UnitLifecycle.RETIRED (deleted once the drain Job found no workload pod left on it). Run: `CHECKPOINT_DISABLE=1 npx cdktf synth`, then read cdktf.out/rollout-plan.md.
import { App } from 'cdktf';
import { AksNodePoolFleet, NodesReadyCheck, PodDisruptionBudgetsCheck, SmokeJobCheck, synthesizeRollout, UnitDeclaration, UnitLifecycle } from 'cdktf-bluegreen';

/** The units of the previous step (your main branch): green was a candidate. */
const previousUnits: UnitDeclaration[] = [
  { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100, fingerprint: 'zju45z' },
  { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.CANDIDATE, fingerprint: 'cijcka' },
];

/** Adds the example's fleet to `app`. */
export function build(app: App): void {
  new AksNodePoolFleet(app, 'shop-pools', {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    // The control plane was upgraded 1.33 → 1.34 in the candidate step; it stays there.
    previousControlPlaneVersion: '1.34',
    controlPlaneVersion: '1.34',
    cluster: {
      location: 'westeurope',
      adminGroupObjectIds: ['11111111-1111-1111-1111-111111111111'],
      systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 3, maxCount: 5 },
    },
    // Workloads select `workload: apps`; every pool carries it, only serving pools are schedulable.
    pool: { vmSize: 'Standard_D8ds_v5', minCount: 3, maxCount: 20, labels: { workload: 'apps' } },
    checks: [new NodesReadyCheck(), SmokeJobCheck.clusterDns(), new PodDisruptionBudgetsCheck({ namespaces: ['shop'] })],
    previousUnits,
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.STANDBY, fingerprint: 'zju45z' },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100, fingerprint: 'cijcka' },
    ],
  });
}

if (require.main === module) synthesizeRollout(build);
