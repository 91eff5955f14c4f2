import { TerraformStack } from 'cdktf';
import { AlbWeightedRouter, GlobalAcceleratorClientAffinity, GlobalAcceleratorRouter, S3BackendFactory, S3StateLocking, UnitLifecycle } from '../../src';
import { stackJson, synthAll, testApp } from '../support/synth';
import { eksFleet, ZONE } from './eks-fixtures';
import { Route53WeightedRouter } from '../../src';

const canary = [
  { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 80 },
  { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 20 },
];

function warningsOf(stack: TerraformStack): string[] {
  return stack.node.findAll().flatMap((c) => c.node.metadata).filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
}

describe('AWS routers', () => {
  test('Route 53: one CNAME per serving unit, set_identifier = unit, the share as weight; a candidate has no record', () => {
    const app = testApp();
    const fleet = eksFleet(app, 'shop', [...canary, { slot: 'teal', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.CANDIDATE }], {
      router: new Route53WeightedRouter({ recordName: 'www.shop.example.com', ttlSeconds: 20 }),
    });
    const records = Object.values<any>(stackJson(fleet.trafficStack).resource.aws_route53_record);
    expect(records.map((r) => [r.set_identifier, r.weighted_routing_policy.weight, r.ttl, r.records[0]])).toEqual(
      fleet.plan.units.filter((u) => u.weight > 0).map((u) => [u.name, u.weight, 20, `${u.name}.shop.example.com`]),
    );
    // Route 53's 60 s propagation to its name servers + 2 × the 20 s TTL.
    expect(fleet.plan.drainSeconds).toBe(100);
  });

  test('Route 53: a record at the zone apex is refused (CNAMEs cannot live there)', () => {
    expect(() => eksFleet(testApp(), 'shop', canary, { router: new Route53WeightedRouter({ recordName: ZONE.domainName }) }))
      .toThrow(/Route53WeightedRouter.recordName = "shop.example.com" is refused: the weighted records are CNAMEs, which the zone apex cannot hold. Fix: recordName: "www.shop.example.com"/);
  });

  test('Route 53: a record outside the origin zone needs its own hostedZoneId', () => {
    expect(() => eksFleet(testApp(), 'shop', canary, { router: new Route53WeightedRouter({ recordName: 'www.other.example.org' }) }))
      .toThrow(/recordName = "www.other.example.org" is refused: without hostedZoneId the records go into the origin domain's zone, so their name ends with ".shop.example.com"/);
    const fleet = eksFleet(testApp(), 'shop', canary, { router: new Route53WeightedRouter({ recordName: 'www.other.example.org', hostedZoneId: 'ZOTHER0123456789' }) });
    expect(Object.values<any>(stackJson(fleet.trafficStack).resource.aws_route53_record)[0].zone_id).toBe('ZOTHER0123456789');
  });

  test('ALB: stickiness is applied and warned about, since it overrides the weights', () => {
    const app = testApp();
    const fleet = eksFleet(app, 'shop', canary, { router: new AlbWeightedRouter({ stickinessDurationSeconds: 300 }) });
    const rule: any = Object.values(stackJson(fleet.trafficStack).resource.aws_lb_listener_rule)[0];
    expect(rule.action[0].forward.stickiness).toEqual({ enabled: true, duration: 300 });
    expect(rule.condition[0].path_pattern.values).toEqual(['/*']);
    expect(warningsOf(fleet.trafficStack).join('\n')).toContain('stickiness (300 s) is on: returning clients stay on their unit whatever the weights say');
    const quiet = eksFleet(testApp(), 'shop', canary, { router: new AlbWeightedRouter() });
    expect(warningsOf(quiet.trafficStack)).toEqual([]);
  });

  test('ALB with a certificate: HTTPS listener with a TLS 1.2+ policy, HTTP redirected', () => {
    const app = testApp();
    eksFleet(app, 'shop', canary, {
      router: new AlbWeightedRouter(),
      origin: { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/01234567-89ab-cdef-0123-456789abcdef' },
    });
    const { stacks } = synthAll(app);
    const listeners = stacks['shop-shared'].resource.aws_lb_listener;
    expect(listeners['alb-listener']).toMatchObject({ port: 443, protocol: 'HTTPS', ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
    expect(listeners['alb-listener-redirect'].default_action[0].redirect).toMatchObject({ protocol: 'HTTPS', port: '443' });
  });

  test('Global Accelerator: SOURCE_IP affinity is warned about; the listener uses the origin port', () => {
    const app = testApp();
    const fleet = eksFleet(app, 'shop', canary, { router: new GlobalAcceleratorRouter({ clientAffinity: GlobalAcceleratorClientAffinity.SOURCE_IP }) });
    const traffic = stackJson(fleet.trafficStack);
    const listener: any = Object.values(traffic.resource.aws_globalaccelerator_listener)[0];
    expect(listener).toMatchObject({ protocol: 'TCP', client_affinity: 'SOURCE_IP', port_range: [{ from_port: 80, to_port: 80 }] });
    expect(warningsOf(fleet.trafficStack).join('\n')).toContain('client affinity SOURCE_IP');
    expect(fleet.plan.units.map((u) => u.routerWeight)).toEqual(['endpoint weight 80', 'endpoint weight 20']);
  });
});

describe('S3 backend factory', () => {
  test('one encrypted, lockfile-locked state object per stack', () => {
    const app = testApp();
    eksFleet(app, 'shop', canary, { backend: new S3BackendFactory({ bucket: 'acme-state', region: 'eu-west-1', keyPrefix: 'fleets/' }) });
    const { stacks } = synthAll(app);
    expect(stacks['shop-traffic'].terraform.backend.s3).toEqual({ bucket: 'acme-state', key: 'fleets/shop-traffic.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true });
    for (const [name, json] of Object.entries(stacks)) expect(json.terraform.backend.s3.key).toBe(`fleets/${name}.tfstate`);
  });

  test('DynamoDB locking names the table and no lockfile', () => {
    const app = testApp();
    eksFleet(app, 'shop', canary, { backend: new S3BackendFactory({ bucket: 'acme-state', region: 'eu-west-1', locking: S3StateLocking.DYNAMODB, dynamodbTable: 'tf-locks' }) });
    const { stacks } = synthAll(app);
    expect(stacks['shop-shared'].terraform.backend.s3).toEqual({ bucket: 'acme-state', key: 'shop-shared.tfstate', region: 'eu-west-1', encrypt: true, dynamodb_table: 'tf-locks' });
  });

  test('a bucket name S3 would refuse is refused at synth', () => {
    expect(() => new S3BackendFactory({ bucket: 'Acme_State', region: 'eu-west-1' })).toThrow(/S3BackendFactory.bucket = "Acme_State" is refused: an S3 bucket name is 3-63 lowercase letters/);
  });
});
