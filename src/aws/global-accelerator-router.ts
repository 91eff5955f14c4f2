import { DataAwsGlobalacceleratorAccelerator } from '@cdktf/provider-aws/lib/data-aws-globalaccelerator-accelerator';
import { DataAwsLb } from '@cdktf/provider-aws/lib/data-aws-lb';
import { GlobalacceleratorAccelerator } from '@cdktf/provider-aws/lib/globalaccelerator-accelerator';
import { GlobalacceleratorEndpointGroup } from '@cdktf/provider-aws/lib/globalaccelerator-endpoint-group';
import { GlobalacceleratorListener } from '@cdktf/provider-aws/lib/globalaccelerator-listener';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { fitName, NAME_RULES } from '../core/naming';
import { RouterTarget } from '../routing/router';
import { AwsRouterContext, AwsUnitOrigin, IAwsRouter } from './aws-router';
import { awsWeight, checkAwsTargets } from './weighted-targets';

/** Client affinity of a Global Accelerator listener. */
export enum GlobalAcceleratorClientAffinity {
  /** Every connection is routed by the weights (the default). */
  NONE = 'NONE',
  /** A client IP sticks to its endpoint, which overrides the weights for returning clients. */
  SOURCE_IP = 'SOURCE_IP',
}

/** Options of the {@link GlobalAcceleratorRouter}. */
export interface GlobalAcceleratorRouterProps {
  /** Accelerator name. @default '<fleet>-ga' */
  readonly acceleratorName?: string;
  /**
   * Seconds clients keep established connections to a unit after its weight went to 0 (Global
   * Accelerator moves new connections at once). The drain timer is at least twice this. @default 30
   */
  readonly connectionDrainSeconds?: number;
  /** Path of the endpoint health check. @default '/healthz' */
  readonly healthCheckPath?: string;
  /** Client affinity. @default GlobalAcceleratorClientAffinity.NONE */
  readonly clientAffinity?: GlobalAcceleratorClientAffinity;
}

/** Global Accelerator's API lives in us-west-2 whatever the endpoints' region. */
export const GLOBAL_ACCELERATOR_API_REGION = 'us-west-2';

/**
 * AWS Global Accelerator with endpoint weights: the accelerator (its two static anycast IPs are what
 * clients use, so it is long-lived) in the shared stack; the TCP listener and the fleet region's
 * endpoint group, with one endpoint per unit (the unit's own ALB, found by name) weighted 0-255, in
 * the traffic stack. The fleet's 0-100 share is the endpoint weight as is. Blue and green share a
 * region, so the traffic dial stays at 100 % and only endpoint weights move. All-zero weights are
 * refused (Global Accelerator fails open and would spread traffic over every endpoint).
 * @see https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints-endpoint-weights.html
 */
export class GlobalAcceleratorRouter implements IAwsRouter {
  /** Endpoints per endpoint group (default quota). */
  public static readonly MAX_ENDPOINTS = 10;
  /** Largest endpoint weight. */
  public static readonly MAX_WEIGHT = 255;

  public readonly routerName = 'Global Accelerator';
  public readonly sharedDescription = 'the accelerator and its static IP addresses';
  // Internal unit ALBs: clients reach a unit only through the accelerator.
  public readonly unitOrigin = AwsUnitOrigin.INTERNAL_LOAD_BALANCER;
  public readonly ttlSeconds: number;

  constructor(private readonly props: GlobalAcceleratorRouterProps = {}) {
    this.ttlSeconds = props.connectionDrainSeconds ?? 30;
  }

  /** Name of the accelerator of a fleet. */
  public acceleratorName(fleet: string): string {
    return this.props.acceleratorName ?? fitName(NAME_RULES.globalAccelerator, [fleet, 'ga']);
  }

  public checkTargets(fleet: string, targets: RouterTarget[]): void {
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds < 0) {
      throw new BlueGreenError({ fleet, field: 'GlobalAcceleratorRouter.connectionDrainSeconds', value: show(this.ttlSeconds), rule: 'the connection drain is a whole number of seconds', fix: 'connectionDrainSeconds: 30' });
    }
    const name = this.acceleratorName(fleet);
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/.test(name)) {
      throw new BlueGreenError({ fleet, field: 'GlobalAcceleratorRouter.acceleratorName', value: show(name), rule: `a ${NAME_RULES.globalAccelerator.what} is ${NAME_RULES.globalAccelerator.description}`, fix: `acceleratorName: ${show(fitName(NAME_RULES.globalAccelerator, [name]))}` });
    }
    checkAwsTargets(fleet, targets, {
      router: this.routerName, entry: 'endpoint', maxEntries: GlobalAcceleratorRouter.MAX_ENDPOINTS, maxWeight: GlobalAcceleratorRouter.MAX_WEIGHT,
      allZero: 'Global Accelerator fails open when every endpoint weight is 0 and spreads traffic over all endpoints, candidates included',
    });
  }

  public describeWeight(target: RouterTarget): string {
    return `endpoint weight ${awsWeight(target)}`;
  }

  public bindShared(scope: Construct, context: AwsRouterContext): void {
    new GlobalacceleratorAccelerator(scope, 'accelerator', {
      provider: this.apiProvider(scope),
      name: this.acceleratorName(context.fleet),
      ipAddressType: 'IPV4',
      enabled: true,
      tags: context.tags,
      lifecycle: { preventDestroy: true },
    });
  }

  public bindTraffic(scope: Construct, context: AwsRouterContext, targets: RouterTarget[]): void {
    const provider = this.apiProvider(scope);
    const affinity = this.props.clientAffinity ?? GlobalAcceleratorClientAffinity.NONE;
    if (affinity === GlobalAcceleratorClientAffinity.SOURCE_IP) {
      Annotations.of(scope).addWarning(`[${context.fleet}] ${this.routerName} client affinity SOURCE_IP keeps returning clients on their unit whatever the endpoint weights say.`);
    }
    const accelerator = new DataAwsGlobalacceleratorAccelerator(scope, 'accelerator', { provider, name: this.acceleratorName(context.fleet) });
    // The listener has no data source to look it up by, so it lives here; its config never changes.
    const listener = new GlobalacceleratorListener(scope, 'listener', {
      provider,
      acceleratorArn: accelerator.arn,
      protocol: 'TCP',
      clientAffinity: affinity,
      portRange: [{ fromPort: context.originPort, toPort: context.originPort }],
      // Entry points: a replacement would drop every client connection.
      // https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle
      lifecycle: { preventDestroy: true },
    });
    new GlobalacceleratorEndpointGroup(scope, 'endpoint-group', {
      provider,
      listenerArn: listener.arn,
      endpointGroupRegion: context.region,
      trafficDialPercentage: 100,
      healthCheckProtocol: context.certificateArn ? 'HTTPS' : 'HTTP',
      healthCheckPort: context.originPort,
      healthCheckPath: this.props.healthCheckPath ?? '/healthz',
      healthCheckIntervalSeconds: 10,
      thresholdCount: 3,
      endpointConfiguration: targets.map((t) => ({
        endpointId: new DataAwsLb(scope, `load-balancer-${t.unitName}`, { name: t.originId ?? t.unitName }).arn,
        weight: awsWeight(t),
        clientIpPreservationEnabled: true,
      })),
      lifecycle: { preventDestroy: true },
    });
  }

  private apiProvider(scope: Construct): AwsProvider {
    return new AwsProvider(scope, 'aws-global-accelerator', { alias: 'global_accelerator', region: GLOBAL_ACCELERATOR_API_REGION });
  }
}
