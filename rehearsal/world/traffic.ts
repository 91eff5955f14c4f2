// A simulated client: `requests` requests through a fleet's front door, routed as the router's
// documentation says, read from the router resources in the world. Returns each unit's share.
// Deterministic for a seed. Draws are jittered-stratified (request i draws uniformly inside
// [i/N, (i+1)/N)), so every request is a fair weighted draw while the shares of N requests measure
// the routing rule rather than sampling noise.
import { WorldOps } from './ops';
import { World, WorldObject } from './model';
import { answer, healthy, noRegisteredTargets, resolveHost } from './origins';
import { NodeAttrs } from './rules/nodes';
import { WorldStore } from './store';
import { block, num, shortHash, str } from './values';

export interface TrafficResult {
  readonly fleet: string;
  /** frontdoor | trafficmanager | route53 | alb | globalaccelerator | scheduling | none */
  readonly router: string;
  readonly requests: number;
  /** Fraction of all requests per unit (0–1); units that got nothing are listed with 0. */
  readonly shares: Record<string, number>;
  readonly counts: Record<string, number>;
  /** Requests no unit answered (no route, all weights 0 where that means no traffic …). */
  readonly dropped: number;
  /** Simulated latency per unit (ms), for routers that use it. */
  readonly latencyMs: Record<string, number>;
  readonly notes: string[];
}

/** A candidate destination with its routing properties. */
interface Dest {
  readonly unit: string;
  readonly weight: number;
  readonly enabled: boolean;
  readonly healthy: boolean;
  readonly priority: number;
  readonly latencyMs: number;
}

/**
 * Simulated network latency of a unit's origin: distinct values a few ms apart (20 ms + 3 ms per
 * rank, rank by a hash of the unit name), the same from every edge.
 */
export function originLatencies(units: string[]): Record<string, number> {
  const ranked = [...new Set(units)].sort((a, b) => shortHash(a).localeCompare(shortHash(b)) || a.localeCompare(b));
  return Object.fromEntries(ranked.map((u, i) => [u, 20 + 3 * i]));
}

/**
 * When a router's changes reach clients (issue 19 item 1). `propagationSeconds`: a configuration
 * change is applied by the router only this long after the API accepted it (the bad end of what its
 * documentation says). `dnsTtlSeconds`: resolvers cache an answer this long (DNS routers).
 * `pinsConnections`: a client's connection stays on the unit it reached until the client closes it
 * (DNS routers: clients connect to the unit directly; Global Accelerator: existing connections are
 * not moved); proxies that route each request (Front Door, ALB) do not pin.
 */
export interface RouterTiming {
  readonly propagationSeconds: number;
  readonly dnsTtlSeconds: number;
  readonly pinsConnections: boolean;
  /** Where the figures come from. */
  readonly source: string;
}

/**
 * How long a simulated client keeps a connection (and so the unit it reached) before it opens a new
 * one: 30 s by default (`REHEARSAL_CLIENT_KEEP_SECONDS` changes it). Not a cloud's figure but the
 * clients': the library's drain rule (at least 2 × the router's TTL) holds for clients that keep a
 * connection no longer than one TTL, which 30 s is for every router's default.
 */
export const CLIENT_KEEP_SECONDS = 30;

/** A fleet's router as the world has it at one instant: how it picks a unit for a request. */
export interface Route {
  readonly router: string;
  readonly pick: (u: number) => string | undefined;
  readonly units: string[];
  readonly latency: Record<string, number>;
  readonly timing: RouterTiming;
}

const INSTANT: RouterTiming = { propagationSeconds: 0, dnsTtlSeconds: 0, pinsConnections: false, source: '' };

/** The fleet's router in `world` (see each router's section below for the rules and their documents). */
export function routeOf(world: World, fleet: string, notes: string[] = [], kind?: string): Route {
  const ops = new WorldOps(world);
  const mine = (o: WorldObject): boolean => o.fleet === fleet;
  const originGroup = ops.find('azurerm_cdn_frontdoor_origin_group', mine);
  const tmEndpoints = ops.all('azurerm_traffic_manager_external_endpoint', mine);
  const records = ops.all('aws_route53_record', (o) => mine(o) && !!block(o.attrs.weighted_routing_policy));
  const albRule = ops.find('aws_lb_listener_rule', (o) => mine(o) && weightedForward(o) !== undefined);
  const endpointGroup = ops.find('aws_globalaccelerator_endpoint_group', mine);

  if (originGroup && (!kind || kind === 'frontdoor')) return { router: 'frontdoor', timing: FRONT_DOOR_TIMING, ...frontDoor(ops, originGroup, notes) };
  if (tmEndpoints.length && (!kind || kind === 'trafficmanager')) return { router: 'trafficmanager', latency: {}, ...trafficManager(ops, tmEndpoints, notes) };
  if (records.length && (!kind || kind === 'route53')) return { router: 'route53', latency: {}, ...route53(ops, records, notes) };
  if (albRule && (!kind || kind === 'alb')) return { router: 'alb', latency: {}, timing: ALB_TIMING, ...alb(ops, albRule, notes) };
  if (endpointGroup && (!kind || kind === 'globalaccelerator')) return { router: 'globalaccelerator', latency: {}, timing: GLOBAL_ACCELERATOR_TIMING, ...globalAccelerator(ops, endpointGroup, notes) };
  if (ops.find('node', mine) && (!kind || kind === 'scheduling')) return { router: 'scheduling', latency: {}, timing: INSTANT, ...scheduling(ops, fleet, notes) };
  notes.push(`no router resources of fleet ${fleet} in the world`);
  return { router: kind ?? 'none', pick: () => undefined, units: [], latency: {}, timing: INSTANT };
}

export function simulateTraffic(worldOrFile: World | string, fleet: string, requests = 10000, seed = 1): TrafficResult {
  const world = typeof worldOrFile === 'string' ? new WorldStore(worldOrFile).read() : worldOrFile;
  const notes: string[] = [];
  const { router, pick, units, latency } = routeOf(world, fleet, notes);

  const counts: Record<string, number> = Object.fromEntries(units.map((u) => [u, 0]));
  let dropped = 0;
  const rand = mulberry32(seed);
  for (let i = 0; i < requests; i++) {
    const u = (i + rand()) / requests;
    const dest = pick(u);
    if (dest === undefined) dropped++;
    else counts[dest] = (counts[dest] ?? 0) + 1;
  }
  const shares = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, requests > 0 ? v / requests : 0]));
  return { fleet, router, requests, shares, counts, dropped, latencyMs: latency, notes };
}

// ---- selection helpers ------------------------------------------------------------------------

/** Weighted choice by the uniform draw u; all weights 0 → undefined. */
function weighted(dests: Dest[], u: number): string | undefined {
  const total = dests.reduce((a, d) => a + d.weight, 0);
  if (total <= 0) return undefined;
  let x = u * total;
  for (const d of dests) {
    if (x < d.weight) return d.unit;
    x -= d.weight;
  }
  return dests[dests.length - 1].unit;
}

function equal(dests: Dest[], u: number): string | undefined {
  if (!dests.length) return undefined;
  return dests[Math.min(dests.length - 1, Math.floor(u * dests.length))].unit;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where a host leads; `resolves` false when nothing in the world answers to that name (probes then fail). */
function unitOfHost(ops: WorldOps, host: string | undefined): { unit?: string; createdAt: number; resolves: boolean } {
  const o = host ? resolveHost(ops, host) : undefined;
  return { unit: o?.unit, createdAt: o?.createdAt ?? 0, resolves: o !== undefined };
}

// ---- Azure Front Door -------------------------------------------------------------------------
// https://learn.microsoft.com/en-us/azure/frontdoor/routing-methods — an origin group's requests go
// to enabled, healthy origins of the highest priority (lowest value); among them to those whose
// latency is within the fastest one's + `additional_latency_in_milliseconds` (latency sensitivity);
// among those by weight. https://learn.microsoft.com/en-us/azure/frontdoor/health-probes — when every
// origin fails its probes, Front Door routes across all enabled origins (round robin).
// A route links the endpoint to the origin group; without one nothing is served.
// https://learn.microsoft.com/en-us/azure/frontdoor/front-door-faq ("What is the estimated time for
// deploying an Azure Front Door?") — a create, update or delete of the configuration (origins,
// routes) may take up to 20 minutes to propagate: simulated at that bad end. Front Door routes each
// request at the edge, so a client's connection does not pin an origin.
const FRONT_DOOR_TIMING: RouterTiming = { propagationSeconds: 1200, dnsTtlSeconds: 0, pinsConnections: false, source: 'https://learn.microsoft.com/en-us/azure/frontdoor/front-door-faq' };

function frontDoor(ops: WorldOps, og: WorldObject, notes: string[]): { pick: (u: number) => string | undefined; units: string[]; latency: Record<string, number> } {
  const origins = ops.all('azurerm_cdn_frontdoor_origin', (o) => o.attrs.cdn_frontdoor_origin_group_id === og.id);
  const route = ops.find('azurerm_cdn_frontdoor_route', (r) => r.attrs.cdn_frontdoor_origin_group_id === og.id && r.attrs.enabled !== false);
  const units = origins.map((o) => o.unit ?? o.name);
  const latency = originLatencies(units);
  if (!route) {
    notes.push(`origin group ${og.name} has no enabled route: nothing is served`);
    return { pick: () => undefined, units, latency };
  }
  const lb = block(og.attrs.load_balancing) ?? {};
  const window = num(lb.additional_latency_in_milliseconds) ?? 50;
  const dests: Dest[] = origins.map((o) => {
    const unit = o.unit ?? o.name;
    const h = unitOfHost(ops, str(o.attrs.host_name));
    return { unit, weight: num(o.attrs.weight) ?? 500, enabled: o.attrs.enabled !== false, healthy: h.resolves && healthy(ops.world, h.unit ?? unit, h.createdAt), priority: num(o.attrs.priority) ?? 1, latencyMs: latency[unit] };
  });
  const enabled = dests.filter((d) => d.enabled);
  let pool = enabled.filter((d) => d.healthy);
  if (!pool.length && enabled.length) {
    notes.push('every enabled origin failed its health probes: round robin across all enabled origins');
    return { pick: (u) => equal(enabled, u), units, latency };
  }
  const top = Math.min(...pool.map((d) => d.priority));
  pool = pool.filter((d) => d.priority === top);
  const fastest = Math.min(...pool.map((d) => d.latencyMs));
  const inWindow = pool.filter((d) => d.latencyMs <= fastest + window);
  notes.push(`latency sensitivity ${window} ms: ${inWindow.map((d) => `${d.unit} (${d.latencyMs} ms)`).join(', ')} within ${fastest} + ${window} ms`);
  return { pick: (u) => weighted(inWindow, u), units, latency };
}

// ---- Azure Traffic Manager --------------------------------------------------------------------
// https://learn.microsoft.com/en-us/azure/traffic-manager/traffic-manager-routing-methods#weighted —
// each DNS query gets an endpoint chosen at random in proportion to the weights of the available
// endpoints; disabled endpoints are not returned:
// https://learn.microsoft.com/en-us/azure/traffic-manager/traffic-manager-manage-endpoints
// https://learn.microsoft.com/en-us/azure/traffic-manager/traffic-manager-monitoring — degraded
// endpoints are left out; if every endpoint is degraded, all are returned as if healthy;
// `always_serve_enabled` endpoints are always treated as healthy.
// Timing: https://learn.microsoft.com/en-us/azure/traffic-manager/traffic-manager-how-it-works —
// Traffic Manager answers DNS queries (no propagation delay is documented: none simulated);
// recursive resolvers cache the answer for the profile's TTL (`dns_config.ttl`), and clients then
// connect to the endpoint directly, not through Traffic Manager (their connection pins the unit).
// Health: https://learn.microsoft.com/en-us/azure/traffic-manager/traffic-manager-monitoring — an
// HTTP(S) probe counts an endpoint healthy only on 200 OK (unless `expected_status_code_ranges` say
// otherwise); a 3xx is a failed probe.
function trafficManager(ops: WorldOps, endpoints: WorldObject[], notes: string[]): { pick: (u: number) => string | undefined; units: string[]; timing: RouterTiming } {
  const profile = ops.find('azurerm_traffic_manager_profile', (p) => p.id === endpoints[0].attrs.profile_id);
  const ttl = num(block(profile?.attrs.dns_config)?.ttl) ?? 60;
  const timing: RouterTiming = { propagationSeconds: 0, dnsTtlSeconds: ttl, pinsConnections: true, source: 'https://learn.microsoft.com/en-us/azure/traffic-manager/traffic-manager-how-it-works' };
  const ranges = expectedRanges(profile);
  const method = str(profile?.attrs.traffic_routing_method) ?? 'Weighted';
  const dests: Dest[] = endpoints.map((e) => {
    const unit = e.unit ?? e.name;
    const h = unitOfHost(ops, str(e.attrs.target));
    return { unit, weight: num(e.attrs.weight) ?? 1, enabled: e.attrs.enabled !== false, healthy: e.attrs.always_serve_enabled === true || (h.resolves && probeStatusIn(ops.world, h.unit ?? unit, h.createdAt, ranges)), priority: num(e.attrs.priority) ?? 1, latencyMs: 0 };
  });
  const units = dests.map((d) => d.unit);
  const enabled = dests.filter((d) => d.enabled);
  let pool = enabled.filter((d) => d.healthy);
  if (!pool.length) {
    if (enabled.length) notes.push('every enabled endpoint is degraded: Traffic Manager returns them all');
    pool = enabled;
  }
  if (method === 'Priority') {
    const top = Math.min(...pool.map((d) => d.priority));
    pool = pool.filter((d) => d.priority === top);
    return { pick: (u) => equal(pool, u), units, timing };
  }
  if (method !== 'Weighted') notes.push(`routing method ${method} simulated as Weighted`);
  return { pick: (u) => weighted(pool, u), units, timing };
}

/** The profile's `expected_status_code_ranges` (["200-202", …]); none set → 200 only. */
function expectedRanges(profile: WorldObject | undefined): Array<[number, number]> {
  const monitor = block(profile?.attrs.monitor_config);
  const raw = Array.isArray(monitor?.expected_status_code_ranges) ? (monitor!.expected_status_code_ranges as unknown[]).map(String) : [];
  const parsed = raw.map((r) => r.split('-').map(Number)).filter((p) => p.every(Number.isFinite)).map((p) => [p[0], p[p.length - 1]] as [number, number]);
  return parsed.length ? parsed : [[200, 200]];
}

function probeStatusIn(world: World, unit: string | undefined, createdAt: number, ranges: Array<[number, number]>): boolean {
  const s = answer(new WorldOps(world), unit, createdAt, false).status;
  return s !== undefined && ranges.some(([lo, hi]) => s >= lo && s <= hi);
}

// ---- Route 53 weighted records ----------------------------------------------------------------
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html — a record
// is answered with probability weight / sum of weights (0–255); if every record has weight 0, all
// are answered with equal probability.
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html —
// a record without a health check is always healthy; unhealthy records are left out; zero-weight
// records are considered only when every non-zero record is unhealthy; if all are unhealthy, Route 53
// answers as though all were healthy. Alias records with evaluate_target_health follow the target's health.
// Timing: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-editing.html —
// changes generally propagate to all Route 53 name servers within 60 seconds (simulated: 60 s);
// resolvers cache an answer for the record's `ttl`, and clients connect to the answer directly.
function route53(ops: WorldOps, records: WorldObject[], notes: string[]): { pick: (u: number) => string | undefined; units: string[]; timing: RouterTiming } {
  const timing: RouterTiming = { propagationSeconds: 60, dnsTtlSeconds: Math.max(0, ...records.map((r) => num(r.attrs.ttl) ?? 0)), pinsConnections: true, source: 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-editing.html' };
  const dests: Dest[] = records.map((r) => {
    const target = Array.isArray(r.attrs.records) ? str(r.attrs.records[0]) : str(block(r.attrs.alias)?.name);
    const h = unitOfHost(ops, target);
    const unit = r.unit ?? h.unit ?? r.name;
    return { unit, weight: num(block(r.attrs.weighted_routing_policy)?.weight) ?? 0, enabled: true, healthy: recordHealthy(ops, r, h.unit ?? unit, h.createdAt), priority: 1, latencyMs: 0 };
  });
  const units = dests.map((d) => d.unit);
  let candidates = dests.filter((d) => d.healthy);
  if (!candidates.length) {
    notes.push('every record is unhealthy: Route 53 answers as though all were healthy');
    candidates = dests;
  }
  const nonZero = candidates.filter((d) => d.weight > 0);
  if (nonZero.length) return { pick: (u) => weighted(nonZero, u), units, timing };
  if (dests.some((d) => d.weight > 0)) notes.push('every non-zero record is unhealthy: zero-weight records are answered');
  else notes.push('all weights are 0: records answered with equal probability');
  return { pick: (u) => equal(candidates, u), units, timing };
}

function recordHealthy(ops: WorldOps, r: WorldObject, unit: string | undefined, createdAt: number): boolean {
  const hcId = str(r.attrs.health_check_id);
  if (hcId) {
    const hc = ops.find('aws_route53_health_check', (o) => o.id === hcId);
    if (!hc) return false;
    if (hc.attrs.disabled === true) return !(hc.attrs.invert_healthcheck === true);
    const h = unitOfHost(ops, str(hc.attrs.fqdn));
    const ok = h.resolves && healthy(ops.world, h.unit ?? unit, h.createdAt || createdAt);
    return hc.attrs.invert_healthcheck === true ? !ok : ok;
  }
  const alias = block(r.attrs.alias);
  if (alias && alias.evaluate_target_health === true) return healthy(ops.world, unit, createdAt);
  return true;
}

// ---- ALB weighted forward ---------------------------------------------------------------------
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#forward-actions —
// requests matching a rule with weighted target groups are distributed by the groups' weights
// (0–999; 0 receives nothing). Target group health does not move traffic between groups: a group
// whose targets are all unhealthy fails open to all its targets:
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
function weightedForward(rule: WorldObject): Array<{ arn: string; weight: number }> | undefined {
  for (const a of (Array.isArray(rule.attrs.action) ? rule.attrs.action : []) as Array<Record<string, unknown>>) {
    const fwd = block(a.forward);
    if (fwd && Array.isArray(fwd.target_group)) return (fwd.target_group as Array<Record<string, unknown>>).map((t) => ({ arn: String(t.arn), weight: num(t.weight) ?? 1 }));
  }
  return undefined;
}

// Timing: a listener rule's forward action is the load balancer's own configuration, applied to the
// next request it routes (each request is routed by the rules; no propagation delay is documented:
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html).
const ALB_TIMING: RouterTiming = { propagationSeconds: 0, dnsTtlSeconds: 0, pinsConnections: false, source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html' };

function alb(ops: WorldOps, rule: WorldObject, notes: string[]): { pick: (u: number) => string | undefined; units: string[] } {
  const dests: Dest[] = (weightedForward(rule) ?? []).map((t) => {
    const tg = ops.find('aws_lb_target_group', (o) => o.attrs.arn === t.arn);
    // healthy here = has registered targets: a group without any answers 503 to the requests its weight gives it (origins.ts)
    return { unit: tg?.unit ?? tg?.name ?? t.arn, weight: t.weight, enabled: true, healthy: !tg?.unit || !noRegisteredTargets(ops, tg.unit), priority: 1, latencyMs: 0 };
  });
  if (dests.every((d) => d.weight === 0)) notes.push('every target group weight is 0: no target group receives requests');
  for (const d of dests.filter((x) => !x.healthy && x.weight > 0)) notes.push(`target group of ${d.unit} has no registered targets: the ${d.weight} weight's requests get 503`);
  const answers = new Set(dests.filter((d) => d.healthy).map((d) => d.unit));
  const sticky = (Array.isArray(rule.attrs.action) ? rule.attrs.action : []).some((a: Record<string, unknown>) => block(block(a.forward)?.stickiness)?.enabled === true);
  if (sticky) notes.push('target group stickiness is on: returning clients stay on their group (not simulated; fresh clients only)');
  return { pick: (u) => { const d = weighted(dests, u); return d !== undefined && answers.has(d) ? d : undefined; }, units: dests.map((d) => d.unit) };
}

// ---- Global Accelerator -----------------------------------------------------------------------
// https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints-endpoint-weights.html —
// an endpoint receives weight / sum of the group's weights (0–255, 0 = none); unhealthy endpoints
// are left out, and if no endpoint is healthy the accelerator fails open to all of them:
// https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoint-groups-health-check-options.html
// Timing: https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoint-groups-traffic-dial.html —
// a changed setting applies to new connections only; existing connections are not terminated (they
// stay on their endpoint until the client closes them). No propagation delay is documented.
const GLOBAL_ACCELERATOR_TIMING: RouterTiming = { propagationSeconds: 0, dnsTtlSeconds: 0, pinsConnections: true, source: 'https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoint-groups-traffic-dial.html' };

function globalAccelerator(ops: WorldOps, group: WorldObject, notes: string[]): { pick: (u: number) => string | undefined; units: string[] } {
  const dial = num(group.attrs.traffic_dial_percentage) ?? 100;
  const dests: Dest[] = ((Array.isArray(group.attrs.endpoint_configuration) ? group.attrs.endpoint_configuration : []) as Array<Record<string, unknown>>).map((e) => {
    const lb = ops.find('aws_lb', (o) => o.attrs.arn === e.endpoint_id);
    const unit = lb?.unit ?? lb?.name ?? String(e.endpoint_id);
    return { unit, weight: num(e.weight) ?? 128, enabled: true, healthy: healthy(ops.world, unit, lb?.createdAt ?? 0), priority: 1, latencyMs: 0 };
  });
  const units = dests.map((d) => d.unit);
  const pool = dests.filter((d) => d.healthy && d.weight > 0);
  if (dial < 100) notes.push(`traffic dial ${dial} %: the rest would go to other Regions' endpoint groups (none in this fleet)`);
  if (!pool.length && dests.length) {
    // https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints-endpoint-weights.unhealthy-endpoints.html —
    // no healthy endpoint with a weight above zero (and no other group to fail over to): traffic goes
    // to a random endpoint of the group, weight 0 included (fail open); the dial is ignored.
    notes.push('no healthy endpoint with weight > 0: Global Accelerator fails open to a random endpoint, weight 0 included');
    return { pick: (u) => equal(dests, u), units };
  }
  return { pick: (u) => (u * 100 < dial ? weighted(pool, u * 100 / dial) : undefined), units };
}

// ---- Node pools: where new pods can be scheduled ---------------------------------------------
// A node-pool fleet has no front door: new pods land on Ready nodes without a NoSchedule/NoExecute
// taint they do not tolerate (https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/).
// The share of a unit is its share of the fleet's schedulable nodes.
function scheduling(ops: WorldOps, fleet: string, notes: string[]): { pick: (u: number) => string | undefined; units: string[] } {
  const nodes = ops.all('node', (n) => n.fleet === fleet && n.unit !== undefined);
  const units = [...new Set(nodes.map((n) => n.unit as string))];
  const dests: Dest[] = units.map((unit) => {
    const schedulable = nodes.filter((n) => n.unit === unit && (n.attrs as NodeAttrs).ready && !(n.attrs as NodeAttrs).taints.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'));
    return { unit, weight: schedulable.length, enabled: true, healthy: true, priority: 1, latencyMs: 0 };
  });
  notes.push(`schedulable nodes: ${dests.map((d) => `${d.unit} ${d.weight}`).join(', ')}`);
  return { pick: (u) => weighted(dests, u), units };
}
