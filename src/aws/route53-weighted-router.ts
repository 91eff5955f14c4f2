import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { RouterTarget } from '../routing/router';
import { AwsRouterContext, AwsUnitOrigin, IAwsRouter } from './aws-router';
import { awsWeight, checkAwsTargets } from './weighted-targets';

/** Options of the {@link Route53WeightedRouter}. */
export interface Route53WeightedRouterProps {
  /** The name clients resolve, e.g. `shop.example.com` (not the zone apex: the records are CNAMEs). */
  readonly recordName: string;
  /** Hosted zone of `recordName`. @default - the fleet's origin domain zone */
  readonly hostedZoneId?: string;
  /**
   * TTL of the weighted records in seconds, at most 60 while traffic shifts. Clients follow it, so
   * the drain timer is at least Route 53's 60 s propagation + twice this. @default 30
   */
  readonly ttlSeconds?: number;
  /** Path each serving unit's Route 53 health check requests on its origin. @default '/healthz' */
  readonly healthCheckPath?: string;
}

/**
 * Route 53 weighted records: one CNAME per serving unit, all named `recordName`, with
 * `set_identifier` = the unit name and the unit's own host (`<unit>.<origin domain>`) as value, in
 * the traffic stack. Route 53 takes weights 0-255, so the fleet's 0-100 share is the record weight
 * as is; all-zero weights (which Route 53 reads as an even split) are refused, as are more than 100
 * units and a TTL above 60 s.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html
 *
 * Each record has its own health check on the unit's origin, so a canary that breaks after its
 * validation loses its share. The documented catch: when every record with a weight above 0 is
 * unhealthy, Route 53 answers the zero-weight records. So a unit with weight 0 (candidate,
 * standby) gets no record at all, rather than a record at weight 0: nothing can route to it. When
 * every serving record is unhealthy, Route 53 treats them all as healthy and keeps answering them
 * (fail open among serving units only).
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html
 *
 * Route 53 is DNS: clients connect to the units' origins directly, so an origin stays reachable
 * around the router by design (see docs/real-cloud.md).
 */
export class Route53WeightedRouter implements IAwsRouter {
  /** Weighted records per name and type. */
  public static readonly MAX_RECORDS = 100;
  /** Largest record weight. */
  public static readonly MAX_WEIGHT = 255;
  /** Longest TTL accepted while traffic shifts. */
  public static readonly MAX_TTL_SECONDS = 60;

  public readonly routerName = 'Route 53';
  public readonly sharedDescription = 'nothing of its own: the hosted zone is yours, the weighted records live in the traffic stack';
  public readonly unitOrigin = AwsUnitOrigin.LOAD_BALANCER;
  public readonly ttlSeconds: number;
  /**
   * Record changes generally reach every Route 53 name server within 60 seconds
   * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-editing.html): the drain timer waits for it.
   */
  public readonly propagationSeconds?: number = 60;

  constructor(private readonly props: Route53WeightedRouterProps) {
    this.ttlSeconds = props.ttlSeconds ?? 30;
  }

  public checkTargets(fleet: string, targets: RouterTarget[]): void {
    const ttl = this.ttlSeconds;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > Route53WeightedRouter.MAX_TTL_SECONDS) {
      throw new BlueGreenError({
        fleet, field: 'Route53WeightedRouter.ttlSeconds', value: show(ttl),
        rule: `the TTL of weighted records is 1 to ${Route53WeightedRouter.MAX_TTL_SECONDS} s while traffic shifts (clients cache the old answer for a whole TTL)`,
        fix: 'ttlSeconds: 30',
      });
    }
    const name = this.props.recordName;
    if (typeof name !== 'string' || !/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/i.test(name)) {
      throw new BlueGreenError({ fleet, field: 'Route53WeightedRouter.recordName', value: show(name), rule: 'a record name is a fully qualified DNS name', fix: "recordName: 'shop.example.com'" });
    }
    checkAwsTargets(fleet, targets, {
      router: this.routerName, entry: 'weighted record', maxEntries: Route53WeightedRouter.MAX_RECORDS, maxWeight: Route53WeightedRouter.MAX_WEIGHT,
      allZero: 'Route 53 answers with every record evenly when all weights are 0, which would send traffic to candidates and standby units',
    });
  }

  public describeWeight(target: RouterTarget): string {
    return target.weight > 0 ? `record weight ${awsWeight(target)}` : 'no record (weight 0)';
  }

  public bindShared(_scope: Construct, context: AwsRouterContext): void {
    // The zone is long-lived and owned by the team; the router only adds records in the traffic stack.
    const domain = context.originDomain.domainName.replace(/\.$/, '');
    const name = this.props.recordName.replace(/\.$/, '');
    if (this.props.hostedZoneId === undefined && name !== domain && !name.endsWith(`.${domain}`)) {
      throw new BlueGreenError({
        fleet: context.fleet, field: 'Route53WeightedRouter.recordName', value: show(this.props.recordName),
        rule: `without hostedZoneId the records go into the origin domain's zone, so their name ends with ".${domain}"`,
        fix: `recordName: ${show(`www.${domain}`)}, or hostedZoneId: '<the zone of ${name}>'`,
      });
    }
    if (this.zoneOf(context) === context.originDomain.hostedZoneId && this.props.recordName.replace(/\.$/, '') === context.originDomain.domainName.replace(/\.$/, '')) {
      throw new BlueGreenError({
        fleet: context.fleet, field: 'Route53WeightedRouter.recordName', value: show(this.props.recordName),
        rule: 'the weighted records are CNAMEs, which the zone apex cannot hold',
        fix: `recordName: ${show(`www.${context.originDomain.domainName}`)}`,
      });
    }
  }

  public bindTraffic(scope: Construct, context: AwsRouterContext, targets: RouterTarget[]): void {
    const https = context.certificateArn !== undefined;
    for (const t of targets.filter((x) => x.weight > 0)) {
      const check = new Route53HealthCheck(scope, `health-check-${t.unitName}`, {
        fqdn: t.originHost,
        type: https ? 'HTTPS' : 'HTTP',
        port: context.originPort,
        resourcePath: this.props.healthCheckPath ?? '/healthz',
        failureThreshold: 3,
        requestInterval: 10,
        tags: { ...context.tags, Name: `${context.fleet} ${t.unitName}` },
      });
      new Route53Record(scope, `record-${t.unitName}`, {
        zoneId: this.zoneOf(context),
        name: this.props.recordName,
        type: 'CNAME',
        ttl: this.ttlSeconds,
        records: [t.originHost],
        setIdentifier: t.unitName,
        weightedRoutingPolicy: { weight: awsWeight(t) },
        healthCheckId: check.id,
      });
    }
  }

  private zoneOf(context: AwsRouterContext): string {
    return this.props.hostedZoneId ?? context.originDomain.hostedZoneId;
  }
}
