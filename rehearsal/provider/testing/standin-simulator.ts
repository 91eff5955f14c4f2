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
/** Fills only an unknown `id`; every other unknown is left for the engine to turn into null. */
function fill(v: Attrs, type: string): Attrs {
  return v.id === UNKNOWN ? { ...v, id: `${type}-standin-${process.pid}-${n++}` } : v;
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
