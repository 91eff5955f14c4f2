// The AWS part of this repository's reference deployment: one EKS fleet in the middle of a canary
// behind Route 53. stacks/main.ts calls addAwsReferenceFleets(app) next to the AKS fleets.
import { App } from 'cdktf';
import { EksAmiType, EksFleet, Route53WeightedRouter, UnitLifecycle } from '../src';

/** Adds the reference EKS fleets to `app`. */
export function addAwsReferenceFleets(app: App): void {
  // Canary: blue (1.33) serves 80 %, green (1.34) was validated and serves 20 % (it served 10 % in the
  // previous step, which previousUnits declares so the plan report shows the change before → after).
  new EksFleet(app, 'shop-prod-use2', {
    spec: {
      region: 'us-east-2',
      subnetIds: ['subnet-0c1b2c3d4e5f60001', 'subnet-0c1b2c3d4e5f60002', 'subnet-0c1b2c3d4e5f60003'],
      nodeGroups: [
        { name: 'system', instanceTypes: ['m7g.large'], amiType: EksAmiType.AL2023_ARM_64_STANDARD, minSize: 3, maxSize: 5, labels: { role: 'system' } },
        { name: 'apps', instanceTypes: ['m7i.2xlarge'], minSize: 3, maxSize: 20, labels: { workload: 'apps' } },
      ],
    },
    router: new Route53WeightedRouter({ recordName: 'www.shop-us.example.com', ttlSeconds: 30 }),
    vpcId: 'vpc-0c1b2c3d4e5f60000',
    loadBalancerSubnetIds: ['subnet-0c1b2c3d4e5f6a001', 'subnet-0c1b2c3d4e5f6a002', 'subnet-0c1b2c3d4e5f6a003'],
    originDomain: { hostedZoneId: 'Z0C1B2C3D4E5F6A7B8C9D', domainName: 'shop-us.example.com' },
    validationPrincipalArn: 'arn:aws:iam::123456789012:role/platform-deployer',
    allowedAccountIds: ['123456789012'],
    previousUnits: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90, fingerprint: '2ntufi' },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10, fingerprint: 'wzv3zu' },
    ],
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 80, fingerprint: '2ntufi' },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 20, fingerprint: 'wzv3zu' },
    ],
  });
}
