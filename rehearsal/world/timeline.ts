// Traffic over simulated time (issue 19 item 1): requests sampled at instants across a deploy and
// its drain window, each routed the way the client would really be routed then. A request at
// instant t whose client resolved (DNS routers) or connected (Global Accelerator) `age` seconds ago
// follows the router configuration that was published at t − age − propagation; age is spread
// evenly over [0, DNS TTL + client connection time) for routers that pin connections, 0 for
// proxies that route each request. The router's timings and their documents are in traffic.ts.
import { changeClocks, worldAt } from './history';
import { World } from './model';
import { CLIENT_KEEP_SECONDS, mulberry32, Route, routeOf, RouterTiming } from './traffic';

export interface TimelineSample {
  /** Simulated instant (s). */
  readonly t: number;
  readonly requests: number;
  /** Requests per unit that answered them. */
  readonly counts: Record<string, number>;
  /** Requests no unit was routed to (no route, nothing enabled). */
  readonly dropped: number;
  /** Of those, the requests whose client saw the router after it had served: an outage, not a fleet not yet born. */
  readonly droppedAfterServing: number;
}

export interface Timeline {
  readonly fleet: string;
  readonly router: string;
  readonly timing: RouterTiming;
  /** How long a change takes to reach every client: propagation + DNS TTL + connection time. */
  readonly lagSeconds: number;
  readonly clientKeepSeconds: number;
  readonly samples: TimelineSample[];
}

export interface TimelineOptions {
  /** Instants the samples must include (drain ends, destructions). */
  readonly instants?: number[];
  /** Evenly spaced instants between `from` and the settled end. @default 24 */
  readonly grid?: number;
  /** Requests per instant. @default 400 */
  readonly requests?: number;
  /** @default CLIENT_KEEP_SECONDS, or REHEARSAL_CLIENT_KEEP_SECONDS */
  readonly clientKeepSeconds?: number;
}

/** Samples a fleet's traffic from `from` to `to` + its router's lag (the changes of the deploy fully reached clients). */
export function trafficTimeline(world: World, fleet: string, from: number, to: number, options: TimelineOptions = {}): Timeline {
  const keep = options.clientKeepSeconds ?? (Number(process.env.REHEARSAL_CLIENT_KEEP_SECONDS) || CLIENT_KEEP_SECONDS);
  const now = routeOf(world, fleet);
  const timing = now.timing;
  const window = timing.dnsTtlSeconds + (timing.pinsConnections ? keep : 0);
  const lag = timing.propagationSeconds + window;
  const end = to + lag;
  const grid = options.grid ?? 24;
  const instants = new Set<number>([from, to, end]);
  for (let i = 1; i < grid; i++) instants.add(from + ((end - from) * i) / grid);
  for (const t of options.instants ?? []) if (t >= from && t <= end) instants.add(t);
  // The instants a change becomes visible to the first and to the last client.
  for (const c of changeClocks(world)) {
    for (const t of [c + timing.propagationSeconds, c + lag]) if (t >= from && t <= end) instants.add(t);
  }

  // Routing changes only at the history's clocks: one route per epoch (changes at clocks ≤ v).
  const clocks = changeClocks(world);
  const epochs = new Map<number, Route>();
  const routeAt = (v: number): Route => {
    let lo = 0;
    let hi = clocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (clocks[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    let r = epochs.get(lo);
    if (!r) {
      // The router of today, as it was then (nothing of it yet: no route).
      r = routeOf(worldAt(world, lo === 0 ? -Infinity : clocks[lo - 1]), fleet, [], now.router);
      epochs.set(lo, r);
    }
    return r;
  };

  // Whether the router of an epoch answers at all (some draw finds a unit).
  const serves = new Map<number, boolean>();
  const epochServes = (lo: number): boolean => {
    if (!serves.has(lo)) {
      routeAt(lo === 0 ? -Infinity : clocks[lo - 1]);
      const r = epochs.get(lo)!;
      serves.set(lo, Array.from({ length: 64 }, (_, i) => r.pick((i + 0.5) / 64)).some((d) => d !== undefined));
    }
    return serves.get(lo)!;
  };
  const epochOf = (v: number): number => {
    let lo = 0;
    while (lo < clocks.length && clocks[lo] <= v) lo++;
    return lo;
  };
  let firstServing = -1;
  for (let lo = 0; lo <= clocks.length && firstServing < 0; lo++) if (epochServes(lo)) firstServing = lo;

  const n = options.requests ?? 400;
  const samples: TimelineSample[] = [];
  for (const t of [...instants].sort((a, b) => a - b)) {
    const rand = mulberry32(Math.round(t * 1000) + 7);
    const counts: Record<string, number> = {};
    let dropped = 0;
    let droppedAfterServing = 0;
    for (let i = 0; i < n; i++) {
      // Request i draws `u` stratified over [0, 1) (so a unit with any share at all is reached) and
      // its client resolved/connected `age` ago, stratified over the window in another order.
      const u = (i + rand()) / n;
      const age = window * ((((i * 7919) % n) + rand()) / n);
      const v = t - age - timing.propagationSeconds;
      const dest = routeAt(v).pick(u);
      if (dest === undefined) {
        dropped++;
        if (firstServing >= 0 && epochOf(v) > firstServing) droppedAfterServing++;
      } else counts[dest] = (counts[dest] ?? 0) + 1;
    }
    samples.push({ t, requests: n, counts, dropped, droppedAfterServing });
  }
  return { fleet, router: now.router, timing, lagSeconds: lag, clientKeepSeconds: keep, samples };
}
