import { DataAwsLb } from '@cdktf/provider-aws/lib/data-aws-lb';
import { DataAwsLbListener } from '@cdktf/provider-aws/lib/data-aws-lb-listener';
import { DataAwsLbTargetGroup } from '@cdktf/provider-aws/lib/data-aws-lb-target-group';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { RouterTarget } from '../routing/router';
import { AwsRouterContext, AwsUnitOrigin, IAwsRouter } from './aws-router';
import { EksUnitNames } from './eks-unit-names';
import { ALB_SSL_POLICY } from './eks-unit-origin';
import { awsWeight, checkAwsTargets } from './weighted-targets';

/** Options of the {@link AlbWeightedRouter}. */
export interface AlbWeightedRouterProps {
  /**
   * Host header of the weighted rule (the public name clients use). @default - every host (path `/*`)
   */
  readonly hostName?: string;
  /**
   * Priority of the weighted rule on the shared listener (the units' own host rules use 1-49999).
   * @default 50000
   */
  readonly rulePriority?: number;
  /**
   * Seconds the ALB keeps using a unit's connections after its weight went to 0 (the target
   * groups' deregistration delay is 30 s). The drain timer is at least twice this. @default 30
   */
  readonly connectionDrainSeconds?: number;
  /**
   * Group-level stickiness of the forward action, in seconds. Stickiness overrides the weights for
   * returning clients, so a warning is printed when it is set. @default - off
   */
  readonly stickinessDurationSeconds?: number;
}

/**
 * One ALB for the fleet (shared stack: security group, internet-facing ALB, listener with a 404
 * default), and in the traffic stack a listener rule whose forward action weights the units'
 * target groups (0-999; the fleet's 0-100 share is used as is). An ALB forward action holds at most
 * 5 target groups, so a fleet behind it has at most 5 units that are not retired. Each unit's
 * target group also gets its own host rule (`<unit>.<origin domain>`) for validation, built in the
 * unit's stack.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#forward-actions
 */
export class AlbWeightedRouter implements IAwsRouter {
  /** Target groups per forward action. */
  public static readonly MAX_TARGET_GROUPS = 5;
  /** Largest target group weight. */
  public static readonly MAX_WEIGHT = 999;

  public readonly routerName = 'Application Load Balancer';
  public readonly sharedDescription = 'the shared ALB, its security group and listener';
  public readonly unitOrigin = AwsUnitOrigin.TARGET_GROUP;
  public readonly ttlSeconds: number;

  constructor(private readonly props: AlbWeightedRouterProps = {}) {
    this.ttlSeconds = props.connectionDrainSeconds ?? 30;
  }

  public checkTargets(fleet: string, targets: RouterTarget[]): void {
    const p = this.props.rulePriority ?? 50000;
    if (!Number.isInteger(p) || p < 1 || p > 50000) {
      throw new BlueGreenError({ fleet, field: 'AlbWeightedRouter.rulePriority', value: show(p), rule: 'a listener rule priority is 1 to 50000', fix: 'rulePriority: 50000' });
    }
    const s = this.props.stickinessDurationSeconds;
    if (s !== undefined && (!Number.isInteger(s) || s < 1 || s > 604800)) {
      throw new BlueGreenError({ fleet, field: 'AlbWeightedRouter.stickinessDurationSeconds', value: show(s), rule: 'target group stickiness lasts 1 to 604800 s (7 days)', fix: 'leave it unset (weights apply to every request)' });
    }
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds < 0 || this.ttlSeconds > 3600) {
      throw new BlueGreenError({ fleet, field: 'AlbWeightedRouter.connectionDrainSeconds', value: show(this.ttlSeconds), rule: 'the connection drain is 0 to 3600 whole seconds (the deregistration delay range)', fix: 'connectionDrainSeconds: 30' });
    }
    if (targets.length > AlbWeightedRouter.MAX_TARGET_GROUPS) {
      throw new BlueGreenError({
        fleet, field: 'units', value: `${targets.length} units that are not retired (${targets.map((t) => t.slot).join(', ')})`,
        rule: `an ALB forward action takes at most ${AlbWeightedRouter.MAX_TARGET_GROUPS} target groups, one per unit that is not retired`,
        fix: `retire units until at most ${AlbWeightedRouter.MAX_TARGET_GROUPS} remain, or use Route53WeightedRouter (up to 100 units)`,
      });
    }
    checkAwsTargets(fleet, targets, {
      router: this.routerName, entry: 'target group', maxEntries: AlbWeightedRouter.MAX_TARGET_GROUPS, maxWeight: AlbWeightedRouter.MAX_WEIGHT,
      allZero: 'an ALB forward action with every weight 0 has no target to send requests to',
    });
  }

  public describeWeight(target: RouterTarget): string {
    return `target group weight ${awsWeight(target)}`;
  }

  public bindShared(scope: Construct, context: AwsRouterContext): void {
    const name = EksUnitNames.sharedLoadBalancerName(context.fleet);
    const https = context.certificateArn !== undefined;
    const ports = https ? [443, 80] : [80];
    const sg = new SecurityGroup(scope, 'alb-security-group', {
      name: `${name}-alb`,
      description: `Shared ALB of fleet ${context.fleet}`,
      vpcId: context.vpcId,
      ingress: ports.map((port) => ({ description: 'clients', protocol: 'tcp', fromPort: port, toPort: port, cidrBlocks: context.allowedCidrs })),
      egress: [{ description: 'to the targets (pod IPs)', protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }],
      tags: context.tags,
      lifecycle: { preventDestroy: true },
    });
    const lb = new Lb(scope, 'alb', {
      name,
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [sg.id],
      subnets: context.loadBalancerSubnetIds,
      dropInvalidHeaderFields: true,
      tags: context.tags,
      lifecycle: { preventDestroy: true },
    });
    new LbListener(scope, 'alb-listener', {
      loadBalancerArn: lb.arn,
      port: context.originPort,
      protocol: https ? 'HTTPS' : 'HTTP',
      sslPolicy: https ? ALB_SSL_POLICY : undefined,
      certificateArn: context.certificateArn,
      defaultAction: [{ type: 'fixed-response', fixedResponse: { contentType: 'text/plain', statusCode: '404', messageBody: 'no such host' } }],
      tags: context.tags,
      lifecycle: { preventDestroy: true },
    });
    if (https) {
      new LbListener(scope, 'alb-listener-redirect', {
        loadBalancerArn: lb.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
        tags: context.tags,
        lifecycle: { preventDestroy: true },
      });
    }
  }

  public bindTraffic(scope: Construct, context: AwsRouterContext, targets: RouterTarget[]): void {
    const lb = new DataAwsLb(scope, 'alb', { name: EksUnitNames.sharedLoadBalancerName(context.fleet) });
    const listener = new DataAwsLbListener(scope, 'alb-listener', { loadBalancerArn: lb.arn, port: context.originPort });
    const groups = targets.map((t) => ({
      arn: new DataAwsLbTargetGroup(scope, `target-group-${t.unitName}`, { name: t.originId ?? t.unitName }).arn,
      weight: awsWeight(t),
    }));
    const sticky = this.props.stickinessDurationSeconds;
    if (sticky !== undefined) {
      Annotations.of(scope).addWarning(`[${context.fleet}] ${this.routerName} stickiness (${sticky} s) is on: returning clients stay on their unit whatever the weights say, so a shift or rollback reaches them only after the stickiness expires.`);
    }
    new LbListenerRule(scope, 'weighted-rule', {
      listenerArn: listener.arn,
      priority: this.props.rulePriority ?? 50000,
      condition: [this.props.hostName ? { hostHeader: { values: [this.props.hostName] } } : { pathPattern: { values: ['/*'] } }],
      action: [{
        type: 'forward',
        forward: {
          targetGroup: groups,
          stickiness: sticky !== undefined ? { enabled: true, duration: sticky } : { enabled: false, duration: 1 },
        },
      }],
      tags: context.tags,
      // The rule is the fleet's entry point: a replacement would leave clients on the 404 default.
      // https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle
      lifecycle: { preventDestroy: true },
    });
  }
}
