import { DataAwsLb } from '@cdktf/provider-aws/lib/data-aws-lb';
import { DataAwsLbListener } from '@cdktf/provider-aws/lib/data-aws-lb-listener';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Construct } from 'constructs';
import { AwsUnitOrigin, EksOriginDomain } from './aws-router';
import { EksUnitNames } from './eks-unit-names';

/** Settings of the units' origins, shared by every unit of a fleet. */
export interface EksOriginOptions {
  /**
   * ACM certificate (covering `*.<origin domain>` and the public host) for HTTPS origins.
   * @default - HTTP origins on port 80
   */
  readonly certificateArn?: string;
  /** Port of the pods behind the target group (the TargetGroupBinding's service port). @default 80 */
  readonly targetPort?: number;
  /** Path the target group health check requests. @default '/healthz' */
  readonly healthCheckPath?: string;
  /** CIDRs allowed to reach internet-facing load balancers. @default ['0.0.0.0/0'] */
  readonly allowedCidrs?: string[];
  /**
   * Prefix of the unit's target group and load balancer names (`<prefix>-<unit>`, at most 32
   * characters). @default - the fleet name, shortened with a hash when it does not fit
   */
  readonly namePrefix?: string;
}

/** Where a unit's origin lives and what kind it is: everything but the unit's own identity. */
export interface EksUnitOriginSettings extends EksOriginOptions {
  /** What the router needs. */
  readonly kind: AwsUnitOrigin;
  /** The VPC of the cluster (target groups of type `ip` live in it). */
  readonly vpcId: string;
  /** Public subnets of the unit's load balancer (LOAD_BALANCER only). */
  readonly loadBalancerSubnetIds: string[];
  /** The zone of the unit's origin name. */
  readonly originDomain: EksOriginDomain;
}

/** Properties of an {@link EksUnitOrigin}. */
export interface EksUnitOriginProps extends EksUnitOriginSettings {
  /** Fleet name. */
  readonly fleet: string;
  /** Unit name. */
  readonly unitName: string;
  /** Tags of the unit's resources. */
  readonly tags: { [key: string]: string };
}

const PROTECT = { preventDestroy: true };

/** The TLS policy of every HTTPS listener the library creates (TLS 1.3 and 1.2 only). */
export const ALB_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/**
 * The origin of one EKS unit: where the front door sends the unit's share of traffic.
 *
 * Design: every unit owns an ALB target group of type `ip`, named `<prefix>-<unit>`. The cluster's
 * AWS Load Balancer Controller binds the unit's ingress Service to it with a `TargetGroupBinding`
 * (installed with the cluster's workloads), so pods register as targets directly and no
 * controller-created load balancer with an unpredictable name is involved. Around it:
 *
 * - {@link AwsUnitOrigin.LOAD_BALANCER} (Route 53) and {@link AwsUnitOrigin.INTERNAL_LOAD_BALANCER}
 *   (Global Accelerator: the ALB is internal, reachable only through the accelerator): the unit also owns an
 *   internet-facing ALB of the same name with one listener forwarding to the target group.
 * - {@link AwsUnitOrigin.TARGET_GROUP} (ALB router): the target group hangs off the fleet's shared
 *   ALB through a host-header listener rule for the unit's own host.
 *
 * Either way the unit gets a Route 53 alias `<unit>.<origin domain>`, the host its validation probe
 * and the Route 53 router use. Everything has `prevent_destroy`; nothing depends on the step.
 */
export class EksUnitOrigin extends Construct {
  /** The unit's own host name, `<unit>.<origin domain>`. */
  public readonly host: string;
  /** Name of the target group (and of the unit's load balancer, when it has one). */
  public readonly originName: string;
  /** The target group the TargetGroupBinding registers pods in. */
  public readonly targetGroup: LbTargetGroup;

  constructor(scope: Construct, id: string, props: EksUnitOriginProps) {
    super(scope, id);
    this.originName = EksUnitNames.originName(props.fleet, props.unitName, props.namePrefix);
    this.host = EksUnitNames.originHost(props.unitName, props.originDomain.domainName);
    const https = props.certificateArn !== undefined;
    const listenerPort = https ? 443 : 80;

    this.targetGroup = new LbTargetGroup(this, 'target-group', {
      name: this.originName,
      targetType: 'ip',
      protocol: 'HTTP',
      port: props.targetPort ?? 80,
      vpcId: props.vpcId,
      deregistrationDelay: '30',
      healthCheck: { enabled: true, path: props.healthCheckPath ?? '/healthz', matcher: '200-399', interval: 10, healthyThreshold: 2, unhealthyThreshold: 3 },
      // Stickiness would override the front door's weights.
      stickiness: { type: 'lb_cookie', enabled: false },
      tags: props.tags,
      lifecycle: PROTECT,
    });

    let dnsName: string;
    let zoneId: string;
    if (props.kind === AwsUnitOrigin.LOAD_BALANCER || props.kind === AwsUnitOrigin.INTERNAL_LOAD_BALANCER) {
      const sg = new SecurityGroup(this, 'security-group', {
        name: `${this.originName}-alb`,
        description: `${props.kind === AwsUnitOrigin.INTERNAL_LOAD_BALANCER ? 'Internal' : 'Internet-facing'} ALB of ${props.unitName}`,
        vpcId: props.vpcId,
        ingress: [{ description: 'clients', protocol: 'tcp', fromPort: listenerPort, toPort: listenerPort, cidrBlocks: props.allowedCidrs ?? ['0.0.0.0/0'] }],
        egress: [{ description: 'to the targets (pod IPs)', protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }],
        tags: props.tags,
        lifecycle: PROTECT,
      });
      const lb = new Lb(this, 'load-balancer', {
        name: this.originName,
        loadBalancerType: 'application',
        internal: props.kind === AwsUnitOrigin.INTERNAL_LOAD_BALANCER,
        securityGroups: [sg.id],
        subnets: props.loadBalancerSubnetIds,
        dropInvalidHeaderFields: true,
        tags: props.tags,
        lifecycle: PROTECT,
      });
      new LbListener(this, 'listener', {
        loadBalancerArn: lb.arn,
        port: listenerPort,
        protocol: https ? 'HTTPS' : 'HTTP',
        sslPolicy: https ? ALB_SSL_POLICY : undefined,
        certificateArn: props.certificateArn,
        defaultAction: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
        tags: props.tags,
        lifecycle: PROTECT,
      });
      dnsName = lb.dnsName;
      zoneId = lb.zoneId;
    } else {
      const shared = new DataAwsLb(this, 'shared-load-balancer', { name: EksUnitNames.sharedLoadBalancerName(props.fleet) });
      const listener = new DataAwsLbListener(this, 'shared-listener', { loadBalancerArn: shared.arn, port: listenerPort });
      new LbListenerRule(this, 'listener-rule', {
        listenerArn: listener.arn,
        priority: EksUnitNames.listenerRulePriority(props.unitName),
        condition: [{ hostHeader: { values: [this.host] } }],
        action: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
        tags: props.tags,
        lifecycle: PROTECT,
      });
      dnsName = shared.dnsName;
      zoneId = shared.zoneId;
    }

    new Route53Record(this, 'record', {
      zoneId: props.originDomain.hostedZoneId,
      name: this.host,
      type: 'A',
      alias: { name: dnsName, zoneId, evaluateTargetHealth: true },
      lifecycle: PROTECT,
    });
  }
}
