import { AlbWeightedRouter, EksAmiType, GlobalAcceleratorRouter, Route53WeightedRouter, RouterTarget, S3BackendFactory, S3StateLocking, UnitLifecycle } from '../../src';
import { BlueGreenError } from '../../src/core/errors';
import { testApp } from '../support/synth';
import { eksFleet, eksSpec } from './eks-fixtures';

/** The BlueGreenError `fn` throws (fails the test when it throws nothing or something else). */
function refusal(fn: () => unknown): BlueGreenError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BlueGreenError);
    return e as BlueGreenError;
  }
  throw new Error('expected a BlueGreenError, but nothing was thrown');
}

const serving = [{ slot: 'blue', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100 }];
const target = (slot: string, weight: number): RouterTarget => ({ unitName: `${slot}-1-34-abcdef`, slot, lifecycle: weight > 0 ? 'serving' : 'standby', weight, originHost: `${slot}.shop.example.com` });

describe('EKS refusals name the fleet, unit, field, bad value, rule and fix', () => {
  test('noncompliance 1: a Route 53 record weight above 255', () => {
    const e = refusal(() => new Route53WeightedRouter({ recordName: 'www.shop.example.com' }).checkTargets('shop', [target('blue', 300)]));
    expect(e.message).toBe('fleet "shop", unit "blue": weight = 300 is refused: a Route 53 weighted record weight is a whole number from 0 to 255. Fix: weight: 255.');
  });

  test('noncompliance 2: all-zero Route 53 weights (Route 53 would split evenly)', () => {
    const e = refusal(() => new Route53WeightedRouter({ recordName: 'www.shop.example.com' }).checkTargets('shop', [target('blue', 0), target('green', 0)]));
    expect(e.field).toBe('units[*].weight');
    expect(e.message).toContain('"blue=0, green=0"');
    expect(e.message).toContain('all-zero weights are refused: Route 53 answers with every record evenly');
    expect(e.fix).toContain('weight > 0');
  });

  test('noncompliance 3: more than 5 target groups behind an ALB forward action', () => {
    const units = ['a', 'b', 'c', 'd', 'e', 'f'].map((s, i) => ({ slot: `u${s}`, kubernetesVersion: '1.34', lifecycle: i === 0 ? UnitLifecycle.SERVING : UnitLifecycle.STANDBY, weight: i === 0 ? 100 : 0 }));
    const e = refusal(() => eksFleet(testApp(), 'shop', units, { router: new AlbWeightedRouter() }));
    expect(e.message).toContain('fleet "shop": units = 6 units that are not retired (ua, ub, uc, ud, ue, uf)');
    expect(e.message).toContain('an ALB forward action takes at most 5 target groups');
    expect(e.fix).toContain('retire units until at most 5 remain');
  });

  test('noncompliance 4: a node group name over the 63-character EKS limit', () => {
    const name = 'n'.repeat(64);
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { spec: eksSpec({ nodeGroups: [{ name, instanceTypes: ['m7i.large'] }] }) }));
    expect(e.field).toBe('spec.nodeGroups[0].name');
    expect(e.message).toContain('EKS managed node group name is 1-63 letters');
    expect(e.message).toContain(`Fix: name: "${'n'.repeat(63)}"`);
  });

  test('noncompliance 5: a target group name prefix that makes names longer than 32 characters', () => {
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { origin: { namePrefix: 'a-very-long-origin-prefix' } }));
    expect(e.field).toBe('origin.namePrefix');
    expect(e.rule).toMatch(/^the unit's target group and load balancer are named "a-very-long-origin-prefix-blue-1-34-\w{6}" \(42 characters\)/);
    expect(e.rule).toContain('at most 32 letters, digits and "-"');
    expect(e.fix).toContain('at most 15 characters');
  });

  test('noncompliance 6: a Graviton instance type with an x86 AMI', () => {
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { spec: eksSpec({ nodeGroups: [{ name: 'arm', instanceTypes: ['m7g.large'] }] }) }));
    expect(e.message).toContain('spec.nodeGroups[0].instanceTypes[0] = "m7g.large" is refused: m7g.large is an arm64 instance type, but amiType AL2023_x86_64_STANDARD is built for x86_64');
    expect(e.fix).toContain('amiType: EksAmiType.AL2023_ARM_64_STANDARD');
  });

  test('noncompliance 7: an x86 instance type with a Bottlerocket ARM AMI', () => {
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { spec: eksSpec({ nodeGroups: [{ name: 'x86', instanceTypes: ['c7i.large'], amiType: EksAmiType.BOTTLEROCKET_ARM_64 }] }) }));
    expect(e.message).toContain('c7i.large is an x86_64 instance type, but amiType BOTTLEROCKET_ARM_64 is built for arm64');
    expect(e.fix).toContain('AL2023_X86_64_STANDARD');
  });

  test('noncompliance 8: missing subnets', () => {
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { spec: eksSpec({ subnetIds: [] }) }));
    expect(e.message).toContain('fleet "shop": spec.subnetIds = [] is refused: an EKS unit needs the private subnets of its control plane and nodes');
    expect(e.fix).toContain("subnetIds: ['subnet-");
  });

  test('noncompliance 9: a public API endpoint open to 0.0.0.0/0', () => {
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { spec: eksSpec({ endpointAccess: { publicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] } }) }));
    expect(e.field).toBe('spec.endpointAccess.publicAccessCidrs[0]');
    expect(e.message).toContain('refused unless allowPublicAccessFromAnywhere is set');
    // ... and accepted when it is explicitly allowed.
    const fleet = eksFleet(testApp(), 'shop', serving, { spec: eksSpec({ endpointAccess: { publicAccess: true, publicAccessCidrs: ['0.0.0.0/0'], allowPublicAccessFromAnywhere: true } }) });
    expect(fleet.plan.units).toHaveLength(1);
  });

  test('noncompliance 10: a public API endpoint without CIDRs (EKS would open it to everyone)', () => {
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { spec: eksSpec({ endpointAccess: { publicAccess: true } }) }));
    expect(e.message).toContain('a public API endpoint without CIDRs is open to the whole internet');
  });

  test('noncompliance 11: a Route 53 TTL above 60 s', () => {
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { router: new Route53WeightedRouter({ recordName: 'www.shop.example.com', ttlSeconds: 300 }) }));
    expect(e.message).toBe('fleet "shop": Route53WeightedRouter.ttlSeconds = 300 is refused: the TTL of weighted records is 1 to 60 s while traffic shifts (clients cache the old answer for a whole TTL). Fix: ttlSeconds: 30.');
  });

  test('noncompliance 12: an add-on the library does not manage, in addonVersions', () => {
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { spec: eksSpec({ addonVersions: { 'aws-ebs-csi-driver': 'v1.40.0-eksbuild.1' } }) }));
    expect(e.field).toBe('spec.addonVersions.aws-ebs-csi-driver');
    expect(e.rule).toContain('a unit installs the add-ons vpc-cni, kube-proxy, eks-pod-identity-agent, coredns');
  });

  test('noncompliance 13: more than 100 Route 53 weighted records', () => {
    const targets = Array.from({ length: 101 }, (_, i) => target(`u${i}`, i === 0 ? 100 : 0));
    const e = refusal(() => new Route53WeightedRouter({ recordName: 'www.shop.example.com' }).checkTargets('shop', targets));
    expect(e.message).toContain('Route 53 takes at most 100 weighted records');
  });

  test('noncompliance 14: all-zero Global Accelerator endpoint weights (it fails open)', () => {
    const e = refusal(() => new GlobalAcceleratorRouter().checkTargets('shop', [target('blue', 0)]));
    expect(e.rule).toContain('Global Accelerator fails open');
  });

  test('noncompliance 15: a validation principal that is an assumed-role session, not a role', () => {
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { validationPrincipalArn: 'arn:aws:sts::123456789012:assumed-role/deployer/session' }));
    expect(e.field).toBe('validationPrincipalArn');
    expect(e.fix).toContain("arn:aws:iam::123456789012:role/platform-deployer");
  });

  test('noncompliance 16: an IMDS hop limit of 3', () => {
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { spec: eksSpec({ imdsHopLimit: 3 }) }));
    expect(e.message).toContain('spec.imdsHopLimit = 3 is refused: the IMDSv2 hop limit is 1');
  });

  test('noncompliance 17: a drain timer shorter than the Route 53 propagation + twice its TTL', () => {
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { router: new Route53WeightedRouter({ recordName: 'www.shop.example.com', ttlSeconds: 60 }), drainSeconds: 90 }));
    expect(e.message).toContain('at least the Route 53 propagation of 60 s + 2 × its TTL of 60 s');
    expect(e.fix).toBe('drainSeconds: 180');
  });

  test('noncompliance 18: a spec change under a pinned unit', () => {
    const app = testApp();
    const fp = eksFleet(app, 'shop', serving).plan.units[0].fingerprint;
    const e = refusal(() => eksFleet(testApp(), 'shop', [{ ...serving[0], fingerprint: fp }], { spec: eksSpec({ imdsHopLimit: 2 }) }));
    expect(e.field).toBe('fingerprint');
    expect(e.rule).toContain('a unit is immutable');
  });

  test('noncompliance 19: a node group in a subnet the cluster does not use', () => {
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { spec: eksSpec({ nodeGroups: [{ name: 'apps', instanceTypes: ['m7i.large'], subnetIds: ['subnet-0fffffffffffff999'] }] }) }));
    expect(e.message).toContain("a node group's subnets are among the cluster's subnetIds");
  });

  test('noncompliance 20: S3 state locking with DynamoDB but no table', () => {
    const e = refusal(() => new S3BackendFactory({ bucket: 'acme-state', region: 'eu-west-1', locking: S3StateLocking.DYNAMODB }));
    expect(e.message).toContain('S3BackendFactory.dynamodbTable = (not set) is refused: DynamoDB locking needs the lock table');
  });

  test('noncompliance 21: a unit spec in another region than the fleet', () => {
    const e = refusal(() => eksFleet(testApp(), 'shop', serving, { unitSpecs: { blue: eksSpec({ region: 'us-east-1' }) } }));
    expect(e.message).toBe('fleet "shop", unit "blue": spec.region = "us-east-1" is refused: all units of a fleet live in the fleet\'s region. Fix: region: "eu-west-1".');
  });
});
