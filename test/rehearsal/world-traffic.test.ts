// Each router's split of 10,000 simulated requests, built through the Simulator like a deploy would.
import * as fs from 'fs';
import { injectFault } from '../../rehearsal/world/faults';
import { WorldOps } from '../../rehearsal/world/ops';
import { answer } from '../../rehearsal/world/origins';
import { openSimulator, SimContext, Simulator } from '../../rehearsal/world/simulator';
import { WorldStore } from '../../rehearsal/world/store';
import { trafficTimeline } from '../../rehearsal/world/timeline';
import { simulateTraffic, TrafficResult } from '../../rehearsal/world/traffic';
import { aWorldPerTest, awsContext, azureContext } from '../support/sim-world';

const U = Symbol.for('rehearsal.unknown');
type A = Record<string, unknown>;
const BLUE = 'blue-1-33-aaaaaa';
const GREEN = 'green-1-34-bbbbbb';

let file: string;
let sim: Simulator;
aWorldPerTest('world-traffic-', (w) => ({ file, sim } = w));

const az = azureContext;
const aws = awsContext('us-east-2');
const traffic = (fleet = 'shop'): TrafficResult => simulateTraffic(new WorldStore(file).read(), fleet, 10000, 9);
const pct = (r: TrafficResult, unit: string) => Math.round((r.shares[unit] ?? 0) * 1000) / 10;

/** Azure: resource group and one public IP (the origin) per unit. */
function azureUnits(): void {
  sim.create(az('shop-shared'), 'azurerm_resource_group', { id: U, name: 'shop-rg', location: 'westeurope' });
  for (const unit of [BLUE, GREEN]) {
    sim.create(az(`shop-unit-${unit}`), 'azurerm_public_ip', { id: U, fqdn: U, name: `shop-${unit}-origin`, resource_group_name: 'shop-rg', location: 'westeurope', allocation_method: 'Static', domain_name_label: `shop-${unit}`, tags: { 'bluegreen-fleet': 'shop', 'bluegreen-unit': unit } });
  }
}

function frontDoor(latencyWindowMs: number, weights: Record<string, number>, enabled: Record<string, boolean> = {}): void {
  azureUnits();
  const profile = sim.create(az('shop-shared'), 'azurerm_cdn_frontdoor_profile', { id: U, name: 'shop-afd', resource_group_name: 'shop-rg', sku_name: 'Standard_AzureFrontDoor', tags: { 'bluegreen-fleet': 'shop' } });
  const endpoint = sim.create(az('shop-shared'), 'azurerm_cdn_frontdoor_endpoint', { id: U, name: 'shop', cdn_frontdoor_profile_id: profile.id, tags: { 'bluegreen-fleet': 'shop' } });
  const t = az('shop-traffic');
  const og = sim.create(t, 'azurerm_cdn_frontdoor_origin_group', { id: U, name: 'shop-units', cdn_frontdoor_profile_id: profile.id, load_balancing: { additional_latency_in_milliseconds: latencyWindowMs, sample_size: 4, successful_samples_required: 3 }, health_probe: { path: '/healthz', protocol: 'Https', interval_in_seconds: 30 } });
  const ids = Object.entries(weights).map(([unit, weight]) =>
    sim.create(t, 'azurerm_cdn_frontdoor_origin', { id: U, name: unit, cdn_frontdoor_origin_group_id: og.id, host_name: `shop-${unit}.westeurope.cloudapp.azure.com`, priority: 1, weight, enabled: enabled[unit] ?? true }).id,
  );
  sim.create(t, 'azurerm_cdn_frontdoor_route', { id: U, name: 'default', cdn_frontdoor_endpoint_id: endpoint.id, cdn_frontdoor_origin_group_id: og.id, cdn_frontdoor_origin_ids: ids, patterns_to_match: ['/*'] });
}

describe('Front Door', () => {
  test('latency sensitivity 0 ms: only the fastest origin gets traffic, whatever the weights (today\'s router fails R1 this way)', () => {
    frontDoor(0, { [BLUE]: 900, [GREEN]: 100 });
    const r = traffic();
    const fastest = Object.entries(r.latencyMs).sort((a, b) => a[1] - b[1])[0][0];
    expect(r.latencyMs[BLUE]).not.toBe(r.latencyMs[GREEN]);
    expect(Math.abs(r.latencyMs[BLUE] - r.latencyMs[GREEN])).toBeLessThanOrEqual(10);
    expect(pct(r, fastest)).toBe(100);
  });

  test('latency sensitivity 1000 ms: the weights decide', () => {
    frontDoor(1000, { [BLUE]: 900, [GREEN]: 100 });
    const r = traffic();
    expect(Math.abs(pct(r, BLUE) - 90)).toBeLessThanOrEqual(1);
    expect(Math.abs(pct(r, GREEN) - 10)).toBeLessThanOrEqual(1);
    expect(r.dropped).toBe(0);
  });

  test('a disabled origin gets nothing; an origin failing its probes gets nothing', () => {
    frontDoor(1000, { [BLUE]: 500, [GREEN]: 500 }, { [BLUE]: false });
    expect(pct(traffic(), GREEN)).toBe(100);
    fs.rmSync(file);
    sim = openSimulator(file);
    frontDoor(1000, { [BLUE]: 900, [GREEN]: 100 });
    injectFault(file, { kind: 'origin-status', unit: BLUE, status: 503 });
    expect(pct(traffic(), GREEN)).toBe(100);
  });

  test('an origin whose host name leads nowhere fails its probes', () => {
    frontDoor(1000, { [BLUE]: 900, [GREEN]: 100 });
    const ip = Object.values(new WorldStore(file).read().objects).find((o) => o.type === 'azurerm_public_ip' && o.unit === BLUE)!;
    sim.delete(az(`shop-unit-${BLUE}`), 'azurerm_public_ip', ip.attrs);
    expect(pct(traffic(), GREEN)).toBe(100);
  });

  test('every origin failing its probes: round robin across the enabled origins', () => {
    frontDoor(1000, { [BLUE]: 900, [GREEN]: 100 });
    injectFault(file, { kind: 'origin-status', unit: BLUE, status: 503 });
    injectFault(file, { kind: 'origin-late', unit: GREEN });
    const r = traffic();
    expect(Math.abs(pct(r, BLUE) - 50)).toBeLessThanOrEqual(1);
    expect(r.notes.join(' ')).toMatch(/round robin/);
  });
});

describe('Traffic Manager (weighted)', () => {
  function tm(weights: Record<string, number>, enabled: Record<string, boolean> = {}): void {
    azureUnits();
    const p = sim.create(az('shop-shared'), 'azurerm_traffic_manager_profile', { id: U, fqdn: U, name: 'shop-tm', resource_group_name: 'shop-rg', traffic_routing_method: 'Weighted', dns_config: [{ relative_name: 'shop', ttl: 30 }], monitor_config: [{ protocol: 'HTTPS', port: 443, path: '/healthz' }], tags: { 'bluegreen-fleet': 'shop' } });
    for (const [unit, weight] of Object.entries(weights)) {
      sim.create(az('shop-traffic'), 'azurerm_traffic_manager_external_endpoint', { id: U, name: unit, profile_id: p.id, target: `shop-${unit}.westeurope.cloudapp.azure.com`, weight, enabled: enabled[unit] ?? true, always_serve_enabled: false });
    }
  }

  test('weights 900/100 → 90/10; a disabled endpoint gets nothing; a degraded one is left out', () => {
    tm({ [BLUE]: 900, [GREEN]: 100 });
    const r = traffic();
    expect(Math.abs(pct(r, BLUE) - 90)).toBeLessThanOrEqual(1);
    expect(Math.abs(pct(r, GREEN) - 10)).toBeLessThanOrEqual(1);
    injectFault(file, { kind: 'origin-status', unit: GREEN });
    expect(pct(traffic(), BLUE)).toBe(100);
  });

  test('disabled endpoint', () => {
    tm({ [BLUE]: 1, [GREEN]: 1000 }, { [BLUE]: false });
    expect(pct(traffic(), GREEN)).toBe(100);
  });

  test('a probe counts only 200: an origin answering 301 is degraded and left out', () => {
    tm({ [BLUE]: 900, [GREEN]: 100 });
    injectFault(file, { kind: 'origin-status', unit: GREEN, status: 301 });
    expect(pct(traffic(), GREEN)).toBe(0);
    expect(pct(traffic(), BLUE)).toBe(100);
  });
});

describe('Route 53 weighted records', () => {
  function r53(weights: Record<string, number>, healthChecked = false): void {
    for (const unit of Object.keys(weights)) {
      const ctx = aws(`shop-unit-${unit}`);
      const lb = sim.create(ctx, 'aws_lb', { id: U, arn: U, dns_name: U, zone_id: U, name: `shop-${unit}`.slice(0, 32), internal: false, load_balancer_type: 'application', tags: { 'bluegreen-fleet': 'shop', 'bluegreen-unit': unit } });
      sim.create(ctx, 'aws_route53_record', { id: U, fqdn: U, zone_id: 'Z1', name: `${unit}.shop.example.com`, type: 'A', alias: { name: lb.dns_name, zone_id: lb.zone_id, evaluate_target_health: true } });
    }
    for (const [unit, weight] of Object.entries(weights)) {
      const hc = healthChecked ? sim.create(aws('shop-traffic'), 'aws_route53_health_check', { id: U, fqdn: `${unit}.shop.example.com`, port: 443, type: 'HTTPS', resource_path: '/healthz' }).id : null;
      sim.create(aws('shop-traffic'), 'aws_route53_record', { id: U, fqdn: U, zone_id: 'Z1', name: 'www.shop.example.com', type: 'CNAME', ttl: 30, records: [`${unit}.shop.example.com`], set_identifier: unit, weighted_routing_policy: { weight }, health_check_id: hc });
    }
  }

  test('weights 80/20 → 80/20', () => {
    r53({ [BLUE]: 80, [GREEN]: 20 });
    const r = traffic();
    expect(Math.abs(pct(r, BLUE) - 80)).toBeLessThanOrEqual(1);
    expect(Math.abs(pct(r, GREEN) - 20)).toBeLessThanOrEqual(1);
  });

  test('all weights 0 → equal split', () => {
    r53({ [BLUE]: 0, [GREEN]: 0 });
    const r = traffic();
    expect(Math.abs(pct(r, BLUE) - 50)).toBeLessThanOrEqual(1);
  });

  test('without health checks a failing origin keeps its share; with them it is left out', () => {
    r53({ [BLUE]: 90, [GREEN]: 10 });
    injectFault(file, { kind: 'origin-status', unit: GREEN });
    expect(Math.abs(pct(traffic(), GREEN) - 10)).toBeLessThanOrEqual(1);
  });

  test('health-checked: an unhealthy non-zero record is left out; when every non-zero one is unhealthy the zero-weight record is answered', () => {
    r53({ [BLUE]: 90, [GREEN]: 10 }, true);
    injectFault(file, { kind: 'origin-status', unit: GREEN });
    expect(pct(traffic(), BLUE)).toBe(100);
    fs.rmSync(file);
    sim = openSimulator(file);
    r53({ [BLUE]: 0, [GREEN]: 100 }, true);
    injectFault(file, { kind: 'origin-status', unit: GREEN });
    const r = traffic();
    expect(pct(r, BLUE)).toBe(100);
    expect(r.notes.join(' ')).toMatch(/zero-weight records are answered/);
  });
});

describe('ALB weighted forward', () => {
  /** The unit's cluster with nodes: its pods are what the TargetGroupBinding registers as targets. */
  function runNodes(unit: string): void {
    const ctx = aws(`api-unit-${unit}`);
    const tags = { 'bluegreen-fleet': 'api', 'bluegreen-unit': unit };
    const role = sim.create(ctx, 'aws_iam_role', { id: U, arn: U, name: `api-${unit}-cluster` });
    sim.create(ctx, 'aws_eks_cluster', { id: U, arn: U, name: `api-${unit}`, role_arn: role.arn, version: '1.33', tags });
    sim.create(ctx, 'aws_eks_node_group', { id: U, cluster_name: `api-${unit}`, node_group_name: 'system', version: U, scaling_config: [{ desired_size: 2, min_size: 2, max_size: 3 }], tags });
  }

  function albFleet(weights: Record<string, number>): void {
    const shared = aws('api-shared');
    const lb = sim.create(shared, 'aws_lb', { id: U, arn: U, dns_name: U, zone_id: U, name: 'api-alb', internal: false, load_balancer_type: 'application' });
    const listener = sim.create(shared, 'aws_lb_listener', { id: U, arn: U, load_balancer_arn: lb.arn, port: 80, protocol: 'HTTP', default_action: [{ type: 'fixed-response' }] });
    const tgs: Record<string, A> = {};
    for (const unit of Object.keys(weights)) {
      tgs[unit] = sim.create(aws(`api-unit-${unit}`), 'aws_lb_target_group', { id: U, arn: U, name: `api-${unit}`, port: 80, protocol: 'HTTP', target_type: 'ip', vpc_id: 'vpc-1', tags: { 'bluegreen-fleet': 'api', 'bluegreen-unit': unit } });
    }
    sim.create(aws('api-traffic'), 'aws_lb_listener_rule', { id: U, arn: U, listener_arn: listener.arn, priority: 50000, condition: [{ host_header: { values: ['api.example.com'] } }], action: [{ type: 'forward', forward: { target_group: Object.entries(weights).map(([unit, weight]) => ({ arn: tgs[unit].arn, weight })), stickiness: { enabled: false, duration: 1 } } }], tags: { 'bluegreen-fleet': 'api' } });
  }

  test('a target group with no registered targets answers 503: the requests its weight gives it fail, and so does a probe', () => {
    albFleet({ [BLUE]: 90, [GREEN]: 10 });
    runNodes(BLUE);
    const r = traffic('api');
    expect(Math.abs(pct(r, BLUE) - 90)).toBeLessThanOrEqual(1);
    expect(pct(r, GREEN)).toBe(0);
    expect(Math.abs(r.dropped / r.requests * 100 - 10)).toBeLessThanOrEqual(1);
    expect(r.notes.join(' ')).toMatch(new RegExp(`target group of ${GREEN} has no registered targets`));
    expect(answer(new WorldOps(new WorldStore(file).read()), GREEN, 0, false)).toEqual({ status: 503, why: expect.stringMatching(/no registered targets/) });
    runNodes(GREEN);
    expect(answer(new WorldOps(new WorldStore(file).read()), GREEN, 0, false).status).toBe(200);
    expect(Math.abs(pct(traffic('api'), GREEN) - 10)).toBeLessThanOrEqual(1);
  });

  test('target group weights 90/10 decide; health does not move traffic between groups', () => {
    const shared = aws('api-shared');
    const lb = sim.create(shared, 'aws_lb', { id: U, arn: U, dns_name: U, zone_id: U, name: 'api-alb', internal: false, load_balancer_type: 'application' });
    const listener = sim.create(shared, 'aws_lb_listener', { id: U, arn: U, load_balancer_arn: lb.arn, port: 80, protocol: 'HTTP', default_action: [{ type: 'fixed-response' }] });
    const tgs: Record<string, A> = {};
    for (const unit of [BLUE, GREEN]) {
      tgs[unit] = sim.create(aws(`api-unit-${unit}`), 'aws_lb_target_group', { id: U, arn: U, name: `api-${unit}`, port: 80, protocol: 'HTTP', target_type: 'ip', vpc_id: 'vpc-1', tags: { 'bluegreen-fleet': 'api', 'bluegreen-unit': unit } });
    }
    sim.create(aws('api-traffic'), 'aws_lb_listener_rule', { id: U, arn: U, listener_arn: listener.arn, priority: 50000, condition: [{ host_header: { values: ['api.example.com'] } }], action: [{ type: 'forward', forward: { target_group: [{ arn: tgs[BLUE].arn, weight: 90 }, { arn: tgs[GREEN].arn, weight: 10 }], stickiness: { enabled: false, duration: 1 } } }], tags: { 'bluegreen-fleet': 'api' } });
    runNodes(BLUE);
    runNodes(GREEN);
    const r = traffic('api');
    expect(r.router).toBe('alb');
    expect(Math.abs(pct(r, BLUE) - 90)).toBeLessThanOrEqual(1);
    expect(Math.abs(pct(r, GREEN) - 10)).toBeLessThanOrEqual(1);
    injectFault(file, { kind: 'origin-status', unit: GREEN });
    expect(Math.abs(pct(traffic('api'), GREEN) - 10)).toBeLessThanOrEqual(1);
  });
});

describe('Global Accelerator endpoint weights', () => {
  function ga(weights: Record<string, number>): void {
    const shared = aws('edge-shared');
    const acc = sim.create(shared, 'aws_globalaccelerator_accelerator', { id: U, arn: U, dns_name: U, name: 'edge', enabled: true });
    const listener = sim.create(aws('edge-traffic'), 'aws_globalaccelerator_listener', { id: U, arn: U, accelerator_arn: acc.arn, protocol: 'TCP', port_range: [{ from_port: 443, to_port: 443 }] });
    const endpoints = Object.entries(weights).map(([unit, weight]) => {
      const lb = sim.create(aws(`edge-unit-${unit}`), 'aws_lb', { id: U, arn: U, dns_name: U, zone_id: U, name: `edge-${unit}`.slice(0, 32), internal: true, load_balancer_type: 'application', tags: { 'bluegreen-fleet': 'edge', 'bluegreen-unit': unit } });
      return { endpoint_id: lb.arn, weight };
    });
    sim.create(aws('edge-traffic'), 'aws_globalaccelerator_endpoint_group', { id: U, arn: U, listener_arn: listener.arn, endpoint_configuration: endpoints, traffic_dial_percentage: 100 });
  }

  test('weights 230/25 → 90.2/9.8; an unhealthy endpoint is left out; weight 0 gets nothing', () => {
    ga({ [BLUE]: 230, [GREEN]: 25 });
    const r = traffic('edge');
    expect(Math.abs(pct(r, BLUE) - 90.2)).toBeLessThanOrEqual(0.5);
    injectFault(file, { kind: 'origin-status', unit: BLUE });
    expect(pct(traffic('edge'), GREEN)).toBe(100);
  });

  test('weight 0', () => {
    ga({ [BLUE]: 0, [GREEN]: 255 });
    expect(pct(traffic('edge'), BLUE)).toBe(0);
  });

  test('no healthy endpoint with weight > 0: fails open to any endpoint of the group, weight 0 included', () => {
    ga({ [BLUE]: 0, [GREEN]: 255 });
    injectFault(file, { kind: 'origin-status', unit: GREEN });
    const r = traffic('edge');
    expect(pct(r, BLUE)).toBeGreaterThan(40);
    expect(pct(r, GREEN)).toBeGreaterThan(40);
    expect(r.notes.join(' ')).toMatch(/fails open/);
  });
});

describe('node pools', () => {
  test('a cordoned pool gets no new pods; the schedulable pools share by node count', () => {
    sim.create(az('pools-shared'), 'azurerm_resource_group', { id: U, name: 'pools-rg', location: 'westeurope' });
    const c = sim.create(az('pools-shared'), 'azurerm_kubernetes_cluster', { id: U, name: 'pools-aks', location: 'westeurope', resource_group_name: 'pools-rg', dns_prefix: 'pools', kubernetes_version: '1.34', kube_config: U, default_node_pool: [{ name: 'system', node_count: 2 }], tags: { 'bluegreen-fleet': 'pools' } });
    for (const [unit, pool] of [[BLUE, 'blue133'], [GREEN, 'green134']]) {
      sim.create(az(`pools-unit-${unit}`), 'azurerm_kubernetes_cluster_node_pool', { id: U, name: pool, kubernetes_cluster_id: c.id, node_count: 3, orchestrator_version: pool === 'blue133' ? '1.33' : '1.34', tags: { 'bluegreen-fleet': 'pools', 'bluegreen-unit': unit } });
    }
    expect(Math.abs(pct(traffic('pools'), BLUE) - 50)).toBeLessThanOrEqual(1);
    const host = (c.kube_config as A[])[0].host;
    const k: SimContext = { provider: 'kubernetes', providerConfig: { host }, stack: 'pools-traffic' };
    const nodes = sim.readData(k, 'kubernetes_nodes', { metadata: [{ labels: { agentpool: 'blue133' } }] }).nodes as A[];
    for (const n of nodes) sim.create(k, 'kubernetes_node_taint', { id: U, metadata: [{ name: (n.metadata as A[])[0].name }], taint: [{ key: 'bluegreen.cdktf.io/cordoned', value: BLUE, effect: 'NoSchedule' }] });
    const r = traffic('pools');
    expect(r.router).toBe('scheduling');
    expect(pct(r, GREEN)).toBe(100);
    expect(pct(r, BLUE)).toBe(0);
  });
});

describe('traffic over time (timeline)', () => {
  /** Route 53 records, TTL 30 s: blue 100 / green 0 at t=0; green 100 / blue 0 at t=100 (a drain-timer-like sleep moves the clock). */
  function r53Switch(): void {
    const t = aws('shop-traffic');
    const rec = (unit: string, weight: number) => ({ id: U, fqdn: U, zone_id: 'Z1', name: 'www.shop.example.com', type: 'CNAME', ttl: 30, records: [`${unit}.shop.example.com`], set_identifier: unit, weighted_routing_policy: { weight } });
    const blue = sim.create(t, 'aws_route53_record', rec(BLUE, 100));
    const green = sim.create(t, 'aws_route53_record', rec(GREEN, 0));
    sim.create(aws('clock'), 'time_sleep', { id: U, create_duration: '100s' });
    sim.update(t, 'aws_route53_record', blue, rec(BLUE, 0));
    sim.update(t, 'aws_route53_record', green, rec(GREEN, 100));
  }
  const share = (counts: Record<string, number>, unit: string, n: number) => (counts[unit] ?? 0) / n;

  test('Route 53: a change reaches clients only after 60 s of propagation, then over TTL + connection time (30 + 30 s)', () => {
    r53Switch();
    const tl = trafficTimeline(new WorldStore(file).read(), 'shop', 0, 110, { instants: [159, 161, 200, 219, 221] });
    expect(tl.lagSeconds).toBe(60 + 30 + 30);
    const at = (t: number) => tl.samples.find((s) => s.t === t)!;
    // Before the change is published nothing moved; just after, the first clients moved; after
    // TTL + connection time every client did; in between, both units answer.
    expect(share(at(159).counts, BLUE, at(159).requests)).toBe(1);
    expect(share(at(161).counts, GREEN, at(161).requests)).toBeGreaterThan(0);
    expect(share(at(200).counts, BLUE, at(200).requests)).toBeGreaterThan(0);
    expect(share(at(219).counts, BLUE, at(219).requests)).toBeGreaterThan(0);
    expect(share(at(221).counts, GREEN, at(221).requests)).toBe(1);
  });

  test('a longer client connection time keeps the old unit longer', () => {
    r53Switch();
    const tl = trafficTimeline(new WorldStore(file).read(), 'shop', 0, 200, { instants: [221, 281], clientKeepSeconds: 90 });
    const at = (t: number) => tl.samples.find((s) => s.t === t)!;
    expect(share(at(221).counts, BLUE, at(221).requests)).toBeGreaterThan(0);
    expect(share(at(281).counts, GREEN, at(281).requests)).toBe(1);
  });
});
