// An EKS fleet in the middle of a canary behind Route 53 weighted records:
// blue (1.33) serves 90 %, green (1.34) was validated and serves 10 %.
// Next step: raise green's weight in a pull request (50, then 100), then put blue on standby and retire it.
import { App } from 'cdktf';
import { EksAmiType, EksFleet, Route53WeightedRouter, S3BackendFactory, synthesizeRollout, UnitLifecycle } from 'cdktf-bluegreen';

export function build(app: App): void {
  new EksFleet(app, 'shop-prod-euw1', {
    spec: {
      region: 'eu-west-1',
      subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003'],
      nodeGroups: [
        { name: 'system', instanceTypes: ['m7g.large'], amiType: EksAmiType.AL2023_ARM_64_STANDARD, minSize: 2, maxSize: 3, labels: { role: 'system' } },
        { name: 'apps', instanceTypes: ['m7i.xlarge', 'm6i.xlarge'], minSize: 3, maxSize: 20, labels: { workload: 'apps' } },
      ],
      // The API is private; CI reaches it from inside the VPC.
    },
    router: new Route53WeightedRouter({ recordName: 'www.shop.example.com', ttlSeconds: 30 }),
    vpcId: 'vpc-0a1b2c3d4e5f60000',
    loadBalancerSubnetIds: ['subnet-0a1b2c3d4e5f6a001', 'subnet-0a1b2c3d4e5f6a002', 'subnet-0a1b2c3d4e5f6a003'],
    originDomain: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', domainName: 'shop.example.com' },
    origin: { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/01234567-89ab-cdef-0123-456789abcdef', targetPort: 8080 },
    validationPrincipalArn: 'arn:aws:iam::123456789012:role/platform-deployer',
    allowedAccountIds: ['123456789012'],
    backend: new S3BackendFactory({ bucket: 'acme-terraform-state', region: 'eu-west-1', keyPrefix: 'shop-prod-euw1/' }),
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90, fingerprint: '2hzkwq' },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10, fingerprint: '6wngbz' },
    ],
  });
}


if (require.main === module) synthesizeRollout(build);
