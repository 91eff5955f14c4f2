import { DataAzurermTrafficManagerProfile } from '@cdktf/provider-azurerm/lib/data-azurerm-traffic-manager-profile';
import { TrafficManagerExternalEndpoint } from '@cdktf/provider-azurerm/lib/traffic-manager-external-endpoint';
import { TrafficManagerProfile } from '@cdktf/provider-azurerm/lib/traffic-manager-profile';
import { Construct } from 'constructs';
import { fitName, NAME_RULES } from '../core/naming';
import { RouterTarget } from '../routing/router';
import { AzureRouterContext, IAzureRouter } from './azure-router';
import { azureWeight, checkAzureTargets } from './weighted-origins';

/** Options of the {@link TrafficManagerRouter}. */
export interface TrafficManagerRouterProps {
  /**
   * DNS TTL of the profile in seconds; clients follow it, so the drain timer is at least twice this.
   * @default 30
   */
  readonly ttlSeconds?: number;
  /** Relative DNS name (`<name>.trafficmanager.net`), globally unique. @default - the fleet name */
  readonly relativeName?: string;
  /** Path the endpoint monitor probes. @default '/healthz' */
  readonly healthProbePath?: string;
  /** Monitor protocol. @default 'HTTPS' */
  readonly monitorProtocol?: string;
  /** Monitor port. @default 443 */
  readonly monitorPort?: number;
}

/**
 * Azure Traffic Manager with the Weighted routing method: the profile (the DNS name clients use)
 * in the shared stack, one external endpoint per unit in the traffic stack. Weights map onto
 * 1-1000 (share × 10); weight 0 is a disabled endpoint.
 * @see https://learn.microsoft.com/azure/traffic-manager/traffic-manager-routing-methods#weighted
 */
export class TrafficManagerRouter implements IAzureRouter {
  /** Endpoints per profile. */
  public static readonly MAX_ENDPOINTS = 200;

  public readonly routerName = 'Azure Traffic Manager';
  public readonly ttlSeconds: number;

  constructor(private readonly props: TrafficManagerRouterProps = {}) {
    this.ttlSeconds = props.ttlSeconds ?? 30;
  }

  /** Name of the Traffic Manager profile of a fleet. */
  public static profileName(fleet: string): string {
    return fitName(NAME_RULES.trafficManagerProfile, [fleet, 'tm']);
  }

  public checkTargets(fleet: string, targets: RouterTarget[]): void {
    checkAzureTargets(this.routerName, fleet, targets, TrafficManagerRouter.MAX_ENDPOINTS);
  }

  public describeWeight(target: RouterTarget): string {
    const w = azureWeight(target);
    return w.enabled ? `endpoint weight ${w.weight}` : 'endpoint disabled';
  }

  public bindShared(scope: Construct, context: AzureRouterContext): void {
    new TrafficManagerProfile(scope, 'traffic-manager-profile', {
      name: TrafficManagerRouter.profileName(context.fleet),
      resourceGroupName: context.resourceGroupName,
      trafficRoutingMethod: 'Weighted',
      dnsConfig: { relativeName: this.props.relativeName ?? context.fleet, ttl: this.ttlSeconds },
      monitorConfig: {
        protocol: this.props.monitorProtocol ?? 'HTTPS',
        port: this.props.monitorPort ?? 443,
        path: this.props.healthProbePath ?? '/healthz',
        intervalInSeconds: 30,
        toleratedNumberOfFailures: 3,
        timeoutInSeconds: 10,
      },
      tags: context.tags,
      lifecycle: { preventDestroy: true },
    });
  }

  public bindTraffic(scope: Construct, context: AzureRouterContext, targets: RouterTarget[]): void {
    const profile = new DataAzurermTrafficManagerProfile(scope, 'traffic-manager-profile', {
      name: TrafficManagerRouter.profileName(context.fleet),
      resourceGroupName: context.resourceGroupName,
    });
    for (const t of targets) {
      const w = azureWeight(t);
      new TrafficManagerExternalEndpoint(scope, `endpoint-${t.unitName}`, {
        name: t.unitName,
        profileId: profile.id,
        target: t.originHost,
        enabled: w.enabled,
        weight: w.weight,
        alwaysServeEnabled: false,
      });
    }
  }
}
