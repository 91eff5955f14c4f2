// Origins: what answers HTTP for a unit (its public IP's DNS name on Azure; its load balancer, or
// the DNS record naming it, on AWS). Used by the `http` data source (checks) and by traffic.ts.
import { activeFaults, bites } from './faults';
import { Fault, World, WorldObject } from './model';
import { WorldOps } from './ops';
import { targets } from './units';
import { block, str } from './values';

export interface Origin {
  /** What answers: a public IP, a load balancer (or a unit's rule on a shared one), an accelerator, a DNS record. */
  readonly obj: WorldObject;
  /** The unit serving this host name, when one does. */
  readonly unit?: string;
  /** When the serving object was created (for time-bounded faults). */
  readonly createdAt: number;
}

/**
 * Where a host name leads: public IPs by their fqdn, load balancers and accelerators by their DNS
 * name, Route 53 records by name (following alias/CNAME targets). On a load balancer shared by
 * several units, the host-header listener rule picks the unit's target group
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#host-conditions).
 */
export function resolveHost(ops: WorldOps, host: string, depth = 0, original = host): Origin | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  const direct =
    ops.find('azurerm_public_ip', (o) => str(o.attrs.fqdn)?.toLowerCase() === h) ??
    ops.find('aws_lb', (o) => str(o.attrs.dns_name)?.toLowerCase() === h) ??
    ops.find('aws_globalaccelerator_accelerator', (o) => str(o.attrs.dns_name)?.toLowerCase() === h) ??
    ops.find('azurerm_cdn_frontdoor_endpoint', (o) => str(o.attrs.host_name)?.toLowerCase() === h) ??
    ops.find('azurerm_traffic_manager_profile', (o) => str(o.attrs.fqdn)?.toLowerCase() === h);
  if (direct) {
    if (direct.type === 'aws_lb') return byHostHeader(ops, direct, original.toLowerCase()) ?? { obj: direct, unit: direct.unit, createdAt: direct.createdAt };
    return { obj: direct, unit: direct.unit, createdAt: direct.createdAt };
  }
  if (depth > 3) return undefined;
  const record = ops.find('aws_route53_record', (o) => (str(o.attrs.fqdn) ?? str(o.attrs.name))?.toLowerCase().replace(/\.$/, '') === h && !block(o.attrs.weighted_routing_policy));
  if (!record) return undefined;
  const alias = block(record.attrs.alias);
  const target = str(alias?.name) ?? (Array.isArray(record.attrs.records) ? str(record.attrs.records[0]) : undefined);
  const next = target ? resolveHost(ops, target, depth + 1, original) : undefined;
  return next ?? { obj: record, unit: record.unit, createdAt: record.createdAt };
}

function byHostHeader(ops: WorldOps, lb: WorldObject, host: string): Origin | undefined {
  const listeners = ops.all('aws_lb_listener', (l) => l.attrs.load_balancer_arn === lb.attrs.arn).map((l) => l.attrs.arn);
  for (const rule of ops.all('aws_lb_listener_rule', (r) => listeners.includes(r.attrs.listener_arn))) {
    const hosts = (Array.isArray(rule.attrs.condition) ? rule.attrs.condition : []).flatMap((c: Record<string, unknown>) => {
      const hh = block(c.host_header);
      return Array.isArray(hh?.values) ? (hh.values as string[]).map((v) => v.toLowerCase()) : [];
    });
    if (!hosts.includes(host)) continue;
    const action = (Array.isArray(rule.attrs.action) ? rule.attrs.action : [])[0] as Record<string, unknown> | undefined;
    const tgArn = str(action?.target_group_arn);
    const tg = tgArn ? ops.find('aws_lb_target_group', (t) => t.attrs.arn === tgArn) : undefined;
    if (tg) return { obj: tg, unit: tg.unit, createdAt: tg.createdAt };
  }
  return undefined;
}

export interface Answer {
  /** HTTP status, or undefined when the connection is refused. */
  readonly status?: number;
  readonly why: string;
}

/**
 * What the unit's origin answers to one request now. `consume` counts the request against
 * counted faults (checks do; the traffic simulation only looks).
 */
export function answer(ops: WorldOps, unit: string | undefined, createdAt: number, consume: boolean): Answer {
  for (const f of activeFaults(ops, 'origin-late', unit)) {
    const still = consume ? bites(ops, f, createdAt) : lateWithoutConsuming(ops, f, createdAt);
    if (still) return { why: 'origin not answering yet (fault origin-late)' };
  }
  if (unit && noRegisteredTargets(ops, unit)) return { status: 503, why: 'the unit\'s target group has no registered targets: the load balancer answers 503' };
  const s = activeFaults(ops, 'origin-status', unit)[0];
  if (s) return { status: s.status ?? 503, why: `origin answers ${s.status ?? 503} (fault origin-status)` };
  return { status: 200, why: 'ok' };
}

/**
 * An EKS unit's origin is its ALB target group (type ip, src/aws/eks-unit-origin.ts): the AWS Load
 * Balancer Controller's TargetGroupBinding registers the unit's pods in it, so it has targets only
 * while the unit's cluster runs nodes for them (a Ready node of the unit). A load balancer whose
 * target group has no registered targets answers HTTP 503:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html#http-503-issues
 * (a group whose targets are all unhealthy fails open instead: health is not this rule).
 */
export function noRegisteredTargets(ops: WorldOps, unit: string): boolean {
  if (!ops.find('aws_lb_target_group', (o) => o.unit === unit)) return false;
  return !ops.find('node', (n) => n.unit === unit && (n.attrs as { ready?: boolean }).ready !== false);
}

function lateWithoutConsuming(ops: WorldOps, f: Fault, createdAt: number): boolean {
  if (f.remaining === undefined && f.seconds === undefined) return true;
  return (f.remaining !== undefined && f.remaining > 0) || (f.seconds !== undefined && ops.clock < createdAt + f.seconds);
}

/** Health as a router's probe sees it (no fault consumed): answers 2xx/3xx. */
export function healthy(world: World, unit: string | undefined, createdAt = 0): boolean {
  const a = answer(new WorldOps(world), unit, createdAt, false);
  return a.status !== undefined && a.status >= 200 && a.status < 400;
}

/** Faults aimed at a unit, for reports. */
export function faultsOf(world: World, unit: string): Fault[] {
  return world.faults.filter((f) => targets(f.unit, unit));
}
