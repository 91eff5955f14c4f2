import { App } from 'cdktf';
import { EksClusterSpec, EksFleet, EksFleetProps, IAwsRouter, Route53WeightedRouter, UnitDeclaration } from '../../src';

export const VPC = 'vpc-0a1b2c3d4e5f60000';
export const PRIVATE_SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'];
export const PUBLIC_SUBNETS = ['subnet-0a1b2c3d4e5f6a001', 'subnet-0a1b2c3d4e5f6a002'];
export const ZONE = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', domainName: 'shop.example.com' };
export const DEPLOYER = 'arn:aws:iam::123456789012:role/platform-deployer';

/** A small valid EKS spec. */
export function eksSpec(overrides: Partial<EksClusterSpec> = {}): EksClusterSpec {
  return {
    region: 'eu-west-1',
    subnetIds: PRIVATE_SUBNETS,
    nodeGroups: [{ name: 'apps', instanceTypes: ['m7i.large'], minSize: 2, maxSize: 6, labels: { workload: 'apps' } }],
    ...overrides,
  };
}

/** Valid fleet props around `units`. */
export function eksFleetProps(units: UnitDeclaration[], overrides: Partial<EksFleetProps> = {}): EksFleetProps {
  return {
    spec: eksSpec(),
    router: new Route53WeightedRouter({ recordName: 'www.shop.example.com' }) as IAwsRouter,
    vpcId: VPC,
    loadBalancerSubnetIds: PUBLIC_SUBNETS,
    originDomain: ZONE,
    validationPrincipalArn: DEPLOYER,
    units,
    ...overrides,
  };
}

/** Builds an EKS fleet named `fleet` in `app`. */
export function eksFleet(app: App, fleet: string, units: UnitDeclaration[], overrides: Partial<EksFleetProps> = {}): EksFleet {
  return new EksFleet(app, fleet, eksFleetProps(units, overrides));
}
