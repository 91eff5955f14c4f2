/**
 * One unit as a router sees it in a rollout step.
 */
export interface RouterTarget {
  /** The unit's name (`<slot>-<major>-<minor>-<fingerprint>`). */
  readonly unitName: string;
  /** The unit's slot. */
  readonly slot: string;
  /** The unit's lifecycle (`candidate`, `serving`, `standby`). Retired units are never targets. */
  readonly lifecycle: string;
  /** The unit's share of the fleet's traffic, 0-100. */
  readonly weight: number;
  /** Host name of the unit's origin (DNS name the front door sends traffic to). */
  readonly originHost: string;
  /**
   * Cloud id of the unit's origin when the router needs one rather than a host name (an ALB target
   * group ARN, a load balancer ARN). @default - the router uses originHost
   */
  readonly originId?: string;
}

/** What every router is told about the step it lays out. */
export interface RouterContext {
  /** Fleet name. */
  readonly fleet: string;
  /** The rollout step's fingerprint (tag it on per-step resources). */
  readonly step: string;
  /** Tags for the router's resources (fleet, step). */
  readonly tags: { [key: string]: string };
}

/**
 * The cloud-neutral part of a front door that turns the fleet's weights (0-100 shares) into
 * provider weights. Cloud-specific interfaces add the methods that build resources.
 */
export interface IRouter {
  /** Human name, e.g. "Azure Front Door". */
  readonly routerName: string;
  /**
   * How long clients or the front door may keep sending traffic to an origin after its weight
   * went to 0 (DNS TTL or connection reuse). The fleet's drain timer is at least twice this.
   */
  readonly ttlSeconds: number;
  /**
   * How long the router may take, after its API accepted a change, before every edge or name server
   * applies it (the bad end of what its documentation says). The fleet's drain timer is at least
   * this plus twice `ttlSeconds`. @default 0 (applied at once)
   */
  readonly propagationSeconds?: number;
  /** Refuses targets the provider cannot express (ranges, counts, all-zero weights); throws BlueGreenError. */
  checkTargets(fleet: string, targets: RouterTarget[]): void;
  /** The provider-side weight of a target, for the plan report (e.g. "500", "disabled"). */
  describeWeight(target: RouterTarget): string;
}
