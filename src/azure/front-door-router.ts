import { CdnFrontdoorEndpoint } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-endpoint';
import { CdnFrontdoorOrigin } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-origin';
import { CdnFrontdoorOriginGroup } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-origin-group';
import { CdnFrontdoorProfile } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-profile';
import { CdnFrontdoorRoute } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-route';
import { DataAzurermCdnFrontdoorEndpoint } from '@cdktf/provider-azurerm/lib/data-azurerm-cdn-frontdoor-endpoint';
import { DataAzurermCdnFrontdoorProfile } from '@cdktf/provider-azurerm/lib/data-azurerm-cdn-frontdoor-profile';
import { Construct } from 'constructs';
import { fitName, NAME_RULES } from '../core/naming';
import { RouterTarget } from '../routing/router';
import { AzureRouterContext, IAzureRouter } from './azure-router';
import { azureWeight, checkAzureTargets } from './weighted-origins';

/** Options of the {@link FrontDoorRouter}. */
export interface FrontDoorRouterProps {
  /** Front Door SKU. @default 'Standard_AzureFrontDoor' */
  readonly skuName?: string;
  /** Path of the health probe each origin answers. @default '/healthz' */
  readonly healthProbePath?: string;
  /** Protocol from Front Door to the origins. @default 'HttpsOnly' */
  readonly forwardingProtocol?: string;
  /** Host header sent to origins. @default - the origin's own host name */
  readonly originHostHeader?: string;
  /**
   * How long Front Door may keep using an origin's pooled connections after it was disabled.
   * The drain timer is at least Front Door's 1200 s propagation + twice this. @default 60
   */
  readonly connectionTtlSeconds?: number;
}

/**
 * Azure Front Door (Standard/Premium): profile and endpoint in the shared stack; one origin group
 * with an origin per unit and the route in the traffic stack. Weights map onto 1-1000 (share × 10);
 * weight 0 is a disabled origin. Session affinity is off because it would override the weights.
 *
 * Front Door splits by weight only among the healthy origins whose latency from the edge is within
 * the fastest one's plus the origin group's latency sensitivity; origins outside it get nothing. So
 * the sensitivity is the maximum, 1000 ms, and the declared weights decide the split (at 0 ms each
 * edge would send everything to its fastest origin, and a 10 % canary would get ~0 % or ~100 %).
 * @see https://learn.microsoft.com/azure/frontdoor/routing-methods
 *
 * The origin group and the route are entry points: `prevent_destroy`, like the profile and endpoint.
 * @see https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle
 */
export class FrontDoorRouter implements IAzureRouter {
  /** Origins per origin group (Standard and Premium tiers). */
  public static readonly MAX_ORIGINS = 50;
  /** The largest latency sensitivity Front Door accepts: every healthy origin shares by weight. */
  public static readonly LATENCY_SENSITIVITY_MS = 1000;

  public readonly routerName = 'Azure Front Door';
  public readonly ttlSeconds: number;
  /**
   * A configuration change (an origin's weight or state) may take up to 20 minutes to reach every
   * edge (https://learn.microsoft.com/en-us/azure/frontdoor/front-door-faq): the drain timer waits for it.
   */
  public readonly propagationSeconds?: number = 1200;

  constructor(private readonly props: FrontDoorRouterProps = {}) {
    this.ttlSeconds = props.connectionTtlSeconds ?? 60;
  }

  /** Name of the Front Door profile of a fleet. */
  public static profileName(fleet: string): string {
    return fitName(NAME_RULES.frontDoorOrigin, [fleet, 'afd']);
  }

  public checkTargets(fleet: string, targets: RouterTarget[]): void {
    checkAzureTargets(this.routerName, fleet, targets, FrontDoorRouter.MAX_ORIGINS);
  }

  public describeWeight(target: RouterTarget): string {
    const w = azureWeight(target);
    return w.enabled ? `origin weight ${w.weight}` : 'origin disabled';
  }

  public bindShared(scope: Construct, context: AzureRouterContext): void {
    const profile = new CdnFrontdoorProfile(scope, 'front-door-profile', {
      name: FrontDoorRouter.profileName(context.fleet),
      resourceGroupName: context.resourceGroupName,
      skuName: this.props.skuName ?? 'Standard_AzureFrontDoor',
      tags: context.tags,
      lifecycle: { preventDestroy: true },
    });
    new CdnFrontdoorEndpoint(scope, 'front-door-endpoint', {
      name: context.fleet,
      cdnFrontdoorProfileId: profile.id,
      tags: context.tags,
      lifecycle: { preventDestroy: true },
    });
  }

  /**
   * The header an origin locked down to this profile requires: `X-Azure-FDID` = the profile's
   * `resource_guid`, read in the validation stack, so the probe reaches the origin as Front Door does.
   * @see https://learn.microsoft.com/azure/frontdoor/origin-security
   */
  public validationHeaders(scope: Construct, context: AzureRouterContext): { [key: string]: string } {
    const profile = new DataAzurermCdnFrontdoorProfile(scope, 'front-door-profile', {
      name: FrontDoorRouter.profileName(context.fleet),
      resourceGroupName: context.resourceGroupName,
    });
    return { 'X-Azure-FDID': profile.resourceGuid };
  }

  public bindTraffic(scope: Construct, context: AzureRouterContext, targets: RouterTarget[]): void {
    const profile = new DataAzurermCdnFrontdoorProfile(scope, 'front-door-profile', {
      name: FrontDoorRouter.profileName(context.fleet),
      resourceGroupName: context.resourceGroupName,
    });
    const endpoint = new DataAzurermCdnFrontdoorEndpoint(scope, 'front-door-endpoint', {
      name: context.fleet,
      profileName: profile.name,
      resourceGroupName: context.resourceGroupName,
    });
    const group = new CdnFrontdoorOriginGroup(scope, 'origin-group', {
      name: fitName(NAME_RULES.frontDoorOrigin, [context.fleet, 'units']),
      cdnFrontdoorProfileId: profile.id,
      sessionAffinityEnabled: false,
      loadBalancing: { additionalLatencyInMilliseconds: FrontDoorRouter.LATENCY_SENSITIVITY_MS, sampleSize: 4, successfulSamplesRequired: 3 },
      healthProbe: { protocol: 'Https', path: this.props.healthProbePath ?? '/healthz', requestType: 'GET', intervalInSeconds: 30 },
      lifecycle: { preventDestroy: true },
    });
    const origins = targets.map((t) => {
      const w = azureWeight(t);
      return new CdnFrontdoorOrigin(scope, `origin-${t.unitName}`, {
        name: fitName(NAME_RULES.frontDoorOrigin, [t.unitName]),
        cdnFrontdoorOriginGroupId: group.id,
        hostName: t.originHost,
        originHostHeader: this.props.originHostHeader ?? t.originHost,
        certificateNameCheckEnabled: true,
        enabled: w.enabled,
        weight: w.weight,
        priority: 1,
        httpPort: 80,
        httpsPort: 443,
      });
    });
    new CdnFrontdoorRoute(scope, 'route', {
      name: 'default',
      cdnFrontdoorEndpointId: endpoint.id,
      cdnFrontdoorOriginGroupId: group.id,
      cdnFrontdoorOriginIds: origins.map((o) => o.id),
      patternsToMatch: ['/*'],
      supportedProtocols: ['Http', 'Https'],
      httpsRedirectEnabled: true,
      forwardingProtocol: this.props.forwardingProtocol ?? 'HttpsOnly',
      linkToDefaultDomain: true,
      lifecycle: { preventDestroy: true },
    });
  }
}
