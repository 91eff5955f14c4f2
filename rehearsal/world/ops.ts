// Operations on a loaded world (inside one store transaction): ids, the action log, the clock,
// object lookup, and deletion with cascade (deleting a cluster deletes what lives in it).
import { remember } from './history';
import { ActionLogEntry, Fault, World, WorldObject } from './model';

export type LogInput = Omit<ActionLogEntry, 'seq' | 'clock'>;

export class WorldOps {
  constructor(readonly world: World) {}

  get clock(): number {
    return this.world.clock;
  }

  /** Advances the simulated clock (never backwards). */
  advance(seconds: number): void {
    if (seconds > 0) this.world.clock += seconds;
  }

  nextNumber(): number {
    return this.world.nextId++;
  }

  log(entry: LogInput): ActionLogEntry {
    const row: ActionLogEntry = { seq: ++this.world.seq, clock: this.world.clock, ...stripUndefined(entry) };
    this.world.log.push(row);
    return row;
  }

  static key(type: string, id: string, cluster?: string): string {
    return `${type}|${cluster ?? ''}|${id}`;
  }

  keyOf(obj: WorldObject): string {
    return WorldOps.key(obj.type, obj.id, obj.cluster);
  }

  get(type: string, id: string, cluster?: string): WorldObject | undefined {
    return this.world.objects[WorldOps.key(type, id, cluster)];
  }

  put(obj: WorldObject): void {
    this.world.objects[this.keyOf(obj)] = obj;
    remember(this.world, this.keyOf(obj), obj.type, obj);
  }

  all(type?: string, pred?: (o: WorldObject) => boolean): WorldObject[] {
    return Object.values(this.world.objects).filter((o) => (type === undefined || o.type === type) && (!pred || pred(o)));
  }

  find(type: string, pred: (o: WorldObject) => boolean): WorldObject | undefined {
    return this.all(type, pred)[0];
  }

  /** Removes `obj` and, recursively, every object that lives in it (`cluster` = its key). Logs each cascade. */
  remove(obj: WorldObject, by: { stack: string; provider: string }): void {
    const key = this.keyOf(obj);
    delete this.world.objects[key];
    remember(this.world, key, obj.type, null);
    for (const child of this.all(undefined, (o) => o.cluster === key)) {
      this.remove(child, by);
      this.log({ stack: by.stack, provider: child.provider, type: child.type, action: 'cascade-delete', id: child.id, name: child.name, unit: child.unit, detail: `deleted with ${obj.type} ${obj.name}` });
    }
  }

  faults(pred: (f: Fault) => boolean): Fault[] {
    return this.world.faults.filter(pred);
  }
}

function stripUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
