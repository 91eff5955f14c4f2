// A minimal Simulator for testing the engine alone (protocol, schemas, install) without the
// world: it stores nothing, fills computed values with placeholders and refuses nothing except a
// data source read of a name starting with "absent". Never used by the rehearsal's scenarios.
import { UNKNOWN } from '../values';

export class SimError extends Error {
  constructor(readonly summary: string, readonly detail?: string) {
    super(detail ? `${summary}: ${detail}` : summary);
    this.name = 'SimError';
  }
}

type Attrs = Record<string, unknown>;
let n = 0;
function fill(v: unknown, type: string): unknown {
  if (v === UNKNOWN) return `${type}-standin-${process.pid}-${n++}`;
  if (Array.isArray(v)) return v.map((x) => fill(x, type));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, type)]));
  return v;
}

export function openSimulator(_file: string) {
  return {
    forceNew: (type: string): string[] => (type === 'azurerm_resource_group' ? ['name', 'location'] : []),
    create: (_ctx: unknown, type: string, planned: Attrs): Attrs => fill(planned, type) as Attrs,
    update: (_ctx: unknown, type: string, _prior: Attrs, planned: Attrs): Attrs => fill(planned, type) as Attrs,
    delete: (): void => undefined,
    read: (_ctx: unknown, _type: string, state: Attrs): Attrs => state,
    readData: (_ctx: unknown, type: string, config: Attrs): Attrs => {
      if (typeof config.name === 'string' && config.name.startsWith('absent')) throw new SimError(`${type} "${config.name}" was not found`);
      return fill(config, type) as Attrs;
    },
  };
}
