// Blue-green managed node groups in one EKS cluster, candidate step: the control plane moves
// 1.32 → 1.33 in place first (shared stack), then node group green (1.33) is built with the cordon
// taint in its spec (no workload pod lands on it) and validated while blue (1.32) keeps serving.
// Next PRs: green serves and blue is drained and stands by (cordoned), then blue is retired.
// Run: `CHECKPOINT_DISABLE=1 npx cdktf synth`, then read cdktf.out/rollout-plan.md.
import { App } from 'cdktf';
import { EksNodePoolFleet, synthesizeRollout, UnitDeclaration, UnitLifecycle } from 'cdktf-bluegreen';

/** The units of the previous step (your main branch). */
const previousUnits: UnitDeclaration[] = [
  { slot: 'blue', kubernetesVersion: '1.32', lifecycle: UnitLifecycle.SERVING, weight: 100, fingerprint: 'eky5nq' },
];

/** Adds the example's fleet to `app`. */
export function build(app: App): void {
  new EksNodePoolFleet(app, 'shop-groups', {
    region: 'eu-west-1',
    previousControlPlaneVersion: '1.32',
    controlPlaneVersion: '1.33',
    cluster: {
      subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
      adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admin'],
    },
    // The identity that runs `cdktf deploy` (CI role): it reads nodes, taints them and runs the checks.
    validationPrincipalArn: 'arn:aws:iam::123456789012:role/deployer',
    pool: { instanceTypes: ['m7i.xlarge'], minSize: 3, maxSize: 20, labels: { workload: 'apps' } },
    previousUnits,
    units: [
      ...previousUnits,
      { slot: 'green', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.CANDIDATE, fingerprint: 'chbfic' },
    ],
  });
}

if (require.main === module) synthesizeRollout(build);
