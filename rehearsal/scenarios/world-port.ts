// The scenarios' view of the simulated world (rehearsal/world): its action log, its objects, its
// traffic simulation and its faults, behind the small WorldPort interface the scenarios use.
import { clearFaults, injectFault } from '../world/faults';
import { WorldStore } from '../world/store';
import { FaultSpec, WorldAction, WorldPort } from './model';

type Simulate = (world: unknown, fleet: string, requests?: number, seed?: number) => unknown;

/** Requests per traffic measurement (issue 9: 10,000 per fleet and step). */
export const REQUESTS = 10000;

export class FileWorld implements WorldPort {
  private readonly store: WorldStore;

  constructor(public readonly file: string) {
    this.store = new WorldStore(file);
  }

  public actions(): WorldAction[] {
    return this.store.read().log as WorldAction[];
  }

  public shares(fleet: string): Record<string, number> {
    // Loaded on first use: the traffic module belongs to the world and is optional for the rest.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const simulate = (require('../world/traffic') as { simulateTraffic: Simulate }).simulateTraffic;
    return toPercent(simulate(this.store.read(), fleet, REQUESTS, 9));
  }

  public setFaults(faults: FaultSpec[]): void {
    for (const f of faults) injectFault(this.file, { note: f.label, ...f.fault });
  }

  public clearFaults(): void {
    clearFaults(this.file);
  }

  public remainsOf(fleet: string, unit: string): string[] {
    const w = this.store.read();
    return Object.values(w.objects)
      .filter((o) => o.unit === unit && (o.fleet === undefined || o.fleet === fleet))
      .map((o) => `${o.type} ${o.name}`);
  }
}

/** Shares as percent per unit, whatever shape the simulation returns (fractions or percent; a map or its `shares`). */
export function toPercent(result: unknown): Record<string, number> {
  let r = result as Record<string, unknown>;
  if (r instanceof Map) r = Object.fromEntries(r);
  if (r && typeof r === 'object' && 'shares' in r && typeof r.shares === 'object') r = r.shares as Record<string, unknown>;
  const entries = Object.entries(r ?? {}).filter(([, v]) => typeof v === 'number') as Array<[string, number]>;
  const sum = entries.reduce((a, [, v]) => a + v, 0);
  const scale = sum > 0 && sum <= 1.0001 ? 100 : 1;
  return Object.fromEntries(entries.map(([k, v]) => [k, v * scale]));
}
