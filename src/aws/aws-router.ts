import { Construct } from 'constructs';
import { IRouter, RouterContext, RouterTarget } from '../routing/router';

/**
 * What a unit's stack builds as its origin, so a router can reach it. A router declares the one it
 * needs; it is part of every unit's fingerprint (switching between routers that need different
 * origins makes new units).
 */
export enum AwsUnitOrigin {
  /**
   * The unit owns an internet-facing ALB with a listener that forwards to its target group, and a
   * Route 53 alias `<unit>.<origin domain>` to it. Route 53 and Global Accelerator route to it.
   */
  LOAD_BALANCER = 'load-balancer',
  /**
   * The unit owns only its target group, attached to the fleet's shared ALB by a host-header
   * listener rule for `<unit>.<origin domain>`. The ALB router forwards to the target groups.
   */
  TARGET_GROUP = 'target-group',
  /**
   * Like LOAD_BALANCER, but the unit's ALB is internal: it has no public address, so it takes
   * traffic only through the router (Global Accelerator accepts internal ALBs as endpoints,
   * https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints-caveats.html). Its
   * validation probe runs inside the unit.
   */
  INTERNAL_LOAD_BALANCER = 'internal-load-balancer',
}

/** The Route 53 zone that holds every unit's own origin name, `<unit>.<domainName>`. */
export interface EksOriginDomain {
  /** Id of the public hosted zone, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly hostedZoneId: string;
  /** The zone's domain name, e.g. `shop.example.com`. */
  readonly domainName: string;
}

/** What an AWS router is told about the fleet it serves. */
export interface AwsRouterContext extends RouterContext {
  /** The fleet's region. */
  readonly region: string;
  /** The VPC of the fleet's units. */
  readonly vpcId: string;
  /** Public subnets for internet-facing load balancers. */
  readonly loadBalancerSubnetIds: string[];
  /** The zone of the units' origin names. */
  readonly originDomain: EksOriginDomain;
  /** Port the units' origins listen on (443 with a certificate, else 80). */
  readonly originPort: number;
  /** ACM certificate of the origins, when they speak HTTPS. @default - HTTP origins */
  readonly certificateArn?: string;
  /** CIDRs allowed to reach internet-facing load balancers. */
  readonly allowedCidrs: string[];
}

/**
 * A front door on AWS: its long-lived part lives in the fleet's shared stack, its per-step entries
 * (records, forward weights, endpoint weights) in the traffic stack. Targets carry the unit's origin
 * host (`<unit>.<origin domain>`) and, as `originId`, the name of the unit's load balancer and
 * target group (the same deterministic name), which the traffic stack looks up with data sources.
 */
export interface IAwsRouter extends IRouter {
  /** What the router keeps in the fleet's shared stack, for the rollout plan report. */
  readonly sharedDescription: string;
  /** The origin each unit must build for this router. */
  readonly unitOrigin: AwsUnitOrigin;
  /** Builds the long-lived front door in the shared stack. */
  bindShared(scope: Construct, context: AwsRouterContext): void;
  /** Builds the weighted entries, one per target, in the traffic stack. */
  bindTraffic(scope: Construct, context: AwsRouterContext, targets: RouterTarget[]): void;
}
