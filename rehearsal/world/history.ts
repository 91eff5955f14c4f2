// The world's memory of what routers and origins looked like at each simulated instant, so traffic
// can be replayed across a deploy and its drain window (timeline.ts) instead of read once after it.
// Every create, update and delete of a type listed here appends the object's new version (or its
// deletion) with the clock; `worldAt` rebuilds the world as it was at an instant. Stored in
// world.ext.history; only these types, so the world file stays small.
import { World, WorldObject } from './model';

/** Types whose past matters to traffic: router configuration and what answers for a unit. */
export const HISTORY_TYPES = new Set([
  // routers
  'azurerm_cdn_frontdoor_origin_group', 'azurerm_cdn_frontdoor_origin', 'azurerm_cdn_frontdoor_route',
  'azurerm_traffic_manager_profile', 'azurerm_traffic_manager_external_endpoint',
  'aws_route53_record', 'aws_route53_health_check',
  'aws_lb_listener', 'aws_lb_listener_rule', 'aws_lb_target_group',
  'aws_globalaccelerator_accelerator', 'aws_globalaccelerator_listener', 'aws_globalaccelerator_endpoint_group',
  // what answers for a unit (origins.ts)
  'azurerm_public_ip', 'aws_lb', 'azurerm_cdn_frontdoor_endpoint',
]);

export interface HistoryEntry {
  readonly clock: number;
  readonly key: string;
  /** The object's version from this instant on; null once deleted. */
  readonly obj: WorldObject | null;
}

function entries(world: World): HistoryEntry[] {
  if (!Array.isArray(world.ext.history)) world.ext.history = [];
  return world.ext.history as HistoryEntry[];
}

/** Appends an object's new version (or `null`: deleted) at the world's clock. */
export function remember(world: World, key: string, type: string, obj: WorldObject | null): void {
  if (!HISTORY_TYPES.has(type)) return;
  entries(world).push({ clock: world.clock, key, obj: obj ? JSON.parse(JSON.stringify(obj)) as WorldObject : null });
}

/** The clocks at which the history changed, ascending and unique. */
export function changeClocks(world: World): number[] {
  return [...new Set(entries(world).map((e) => e.clock))].sort((a, b) => a - b);
}

/**
 * The world as it was at instant `t` (every change at a clock ≤ t applied): tracked types from
 * their history, everything else as it is now. Faults are today's.
 */
export function worldAt(world: World, t: number): World {
  const objects: Record<string, WorldObject> = {};
  for (const [k, o] of Object.entries(world.objects)) if (!HISTORY_TYPES.has(o.type)) objects[k] = o;
  const latest = new Map<string, WorldObject | null>();
  for (const e of entries(world)) if (e.clock <= t) latest.set(e.key, e.obj);
  for (const [k, o] of latest) if (o) objects[k] = o;
  return { ...world, clock: t, objects };
}
