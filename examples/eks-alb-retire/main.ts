// An EKS fleet finishing its upgrade behind one Application Load Balancer: green (1.34) serves
// everything, blue (1.33) is retired. One `cdktf deploy '*'` moves the forward action's weights,
// waits the drain timer, then destroys blue's (now empty) stack. A later pull request removes blue.
import { App } from 'cdktf';
import { AlbWeightedRouter, EksClusterSpec, EksFleet, synthesizeRollout, UnitLifecycle } from 'cdktf-bluegreen';

const spec: EksClusterSpec = {
  region: 'us-east-1',
  subnetIds: ['subnet-0b1b2c3d4e5f60001', 'subnet-0b1b2c3d4e5f60002'],
  nodeGroups: [{ name: 'apps', instanceTypes: ['c7i.xlarge'], minSize: 3, maxSize: 12, labels: { workload: 'apps' } }],
  endpointAccess: { publicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
};

export function build(app: App): void {
  new EksFleet(app, 'api-prod-use1', {
    spec,
    router: new AlbWeightedRouter({ hostName: 'api.example.com', connectionDrainSeconds: 30 }),
    drainSeconds: 120,
    vpcId: 'vpc-0b1b2c3d4e5f60000',
    loadBalancerSubnetIds: ['subnet-0b1b2c3d4e5f6a001', 'subnet-0b1b2c3d4e5f6a002'],
    originDomain: { hostedZoneId: 'Z0987654321ABCDEFGHIJ', domainName: 'api.example.com' },
    validationPrincipalArn: 'arn:aws:iam::123456789012:role/platform-deployer',
    units: [
      // Retired: its pinned fingerprint is its identity; its stack synthesizes empty.
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.RETIRED, fingerprint: 'enemux' },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100, fingerprint: 'lbypl4' },
    ],
  });
}


if (require.main === module) synthesizeRollout(build);
