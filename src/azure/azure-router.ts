import { Construct } from 'constructs';
import { IRouter, RouterContext, RouterTarget } from '../routing/router';

/** What an Azure router is told about the fleet it serves. */
export interface AzureRouterContext extends RouterContext {
  /** The fleet's resource group (created by the shared stack). */
  readonly resourceGroupName: string;
  /** The fleet's region. */
  readonly location: string;
}

/**
 * A front door on Azure: its long-lived part lives in the fleet's shared stack, its per-step
 * entries (origins, endpoints, weights) in the traffic stack.
 */
export interface IAzureRouter extends IRouter {
  /** Builds the long-lived front door (profile, endpoint) in the shared stack. */
  bindShared(scope: Construct, context: AzureRouterContext): void;
  /** Builds one entry per target, with its weight, in the traffic stack. */
  bindTraffic(scope: Construct, context: AzureRouterContext, targets: RouterTarget[]): void;
  /**
   * Optional: headers a validation request to a unit's origin carries so that a locked-down origin
   * lets it in as it lets the router in (built in the validation stack). @default - none
   */
  validationHeaders?(scope: Construct, context: AzureRouterContext): { [key: string]: string };
}
