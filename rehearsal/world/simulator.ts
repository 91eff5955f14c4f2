// The simulated world behind every simulated provider (the ENGINE calls this; see
// /work/brief/REHEARSAL-CONTRACT.md "Simulator interface"). One world file per run, shared by all
// provider processes and stacks; every call is one locked read-modify-write of that file.
import { SimError } from './errors';
import { applyErrorFault, interruptAfterCreate, quotaFault } from './faults';
import { forceNewPaths } from './force-new';
import { hcpBackends, hcpRunAzureCheck } from './hcp-runs';
import { hcpRunAwsCheck } from './hcp-runs-aws';
import { WorldObject } from './model';
import { WorldOps } from './ops';
import { dataRules, resourceRules } from './rules';
import { Call, ResourceRule, SimContext } from './rules/rule';
import { WorldStore } from './store';
import { fleetFromAttrs, fleetFromStack, unitFromAttrs, unitFromStack } from './units';
import { Attrs, clone, isUnknown, settle, shortHash } from './values';

export { SimError } from './errors';
export type { SimContext } from './rules/rule';

export interface Simulator {
  forceNew(type: string): string[];
  plan?(ctx: SimContext, type: string, prior: Record<string, unknown> | null, proposed: Record<string, unknown>): Record<string, unknown>;
  create(ctx: SimContext, type: string, planned: Record<string, unknown>): Record<string, unknown>;
  update(ctx: SimContext, type: string, prior: Record<string, unknown>, planned: Record<string, unknown>): Record<string, unknown>;
  delete(ctx: SimContext, type: string, prior: Record<string, unknown>): void;
  read(ctx: SimContext, type: string, state: Record<string, unknown>): Record<string, unknown> | null;
  readData(ctx: SimContext, type: string, config: Record<string, unknown>): Record<string, unknown>;
}

/** Opens the world stored in `worldFile` (the engine passes env REHEARSAL_WORLD). */
export function openSimulator(worldFile: string): Simulator {
  return new WorldSimulator(new WorldStore(worldFile));
}

const NO_RULE: ResourceRule = {};

/** The world's id of a resource in Terraform's state: its `id`, or the rule's key for a type without one. */
function idOf(rule: ResourceRule, attrs: Attrs): string {
  return rule.key ? rule.key(attrs) : String(attrs.id);
}

class WorldSimulator implements Simulator {
  constructor(private readonly store: WorldStore) {}

  forceNew(type: string): string[] {
    return forceNewPaths(type);
  }

  /**
   * Only an HCP run's plan phase is judged here (its azurerm / aws calls need the plan token); the
   * planned values are answered unchanged. Stacks without an HCP backend never open the world.
   */
  plan(ctx: SimContext, type: string, _prior: Attrs | null, proposed: Attrs): Attrs {
    if ((ctx.provider !== 'azurerm' && ctx.provider !== 'aws') || !hcpBackends(this.store.file)[ctx.stack]) return proposed;
    return this.txn(ctx, type, 'plan', () => proposed);
  }

  create(ctx: SimContext, type: string, planned: Attrs): Attrs {
    return this.txn(ctx, type, 'apply', (call, rule) => {
      const attrs = clone(planned);
      const name = nameOf(rule, attrs);
      applyErrorFault(call, name, 'create');
      quotaFault(call, unitFromAttrs(attrs) ?? unitFromStack(ctx.stack), name);
      const cluster = rule.cluster?.(call, attrs);
      rule.create?.(call, attrs);
      if (rule.key) attrs.id = rule.key(attrs);
      if (isUnknown(attrs.id) || attrs.id === null || attrs.id === undefined) attrs.id = `${type}-${shortHash(`${ctx.stack}/${name}/${call.ops.nextNumber()}`)}`;
      const settled = settle(attrs) as Attrs;
      const id = String(settled.id);
      if (call.ops.get(type, id, cluster)) {
        throw new SimError(`${type} "${name}" already exists`, `a resource with the ID "${id}" already exists - to be managed via Terraform this resource needs to be imported into the State`);
      }
      const obj: WorldObject = {
        type,
        provider: ctx.provider,
        id,
        name: name ?? id,
        stack: ctx.stack,
        unit: this.unitOf(call, rule, settled, cluster),
        fleet: fleetFromAttrs(settled) ?? fleetFromStack(ctx.stack),
        cluster,
        createdAt: call.ops.clock,
        attrs: settled,
      };
      call.ops.put(obj);
      call.ops.log({ stack: ctx.stack, provider: ctx.provider, type, action: 'create', id, name: obj.name, unit: obj.unit });
      rule.created?.(call, obj);
      interruptAfterCreate(call, obj.unit);
      return settled;
    });
  }

  update(ctx: SimContext, type: string, prior: Attrs, planned: Attrs): Attrs {
    return this.txn(ctx, type, 'apply', (call, rule) => {
      const attrs = clone(planned);
      const name = nameOf(rule, attrs);
      applyErrorFault(call, name, 'update');
      const cluster = rule.cluster?.(call, attrs);
      const before = call.ops.get(type, idOf(rule, prior), cluster);
      if (!before) throw new SimError(`${type} "${name}" was not found`, `the object with ID "${idOf(rule, prior)}" no longer exists`);
      rule.update?.(call, before, attrs);
      const settled = settle(attrs, before.attrs) as Attrs;
      const obj: WorldObject = { ...before, name: name ?? before.name, attrs: settled, unit: this.unitOf(call, rule, settled, cluster) ?? before.unit };
      call.ops.put(obj);
      call.ops.log({ stack: ctx.stack, provider: ctx.provider, type, action: 'update', id: obj.id, name: obj.name, unit: obj.unit, detail: changedKeys(before.attrs, settled) });
      rule.updated?.(call, before, obj);
      return settled;
    });
  }

  delete(ctx: SimContext, type: string, prior: Attrs): void {
    this.txn(ctx, type, 'apply', (call, rule) => {
      const name = nameOf(rule, prior);
      applyErrorFault(call, name, 'delete');
      const cluster = parentOrGone(call, rule, prior);
      const obj = cluster === GONE ? undefined : call.ops.get(type, idOf(rule, prior), cluster);
      if (!obj) {
        call.ops.log({ stack: ctx.stack, provider: ctx.provider, type, action: 'delete', id: idOf(rule, prior), name: name ?? idOf(rule, prior), detail: 'already gone' });
        return;
      }
      rule.delete?.(call, obj);
      call.ops.log({ stack: ctx.stack, provider: ctx.provider, type, action: 'delete', id: obj.id, name: obj.name, unit: obj.unit });
      call.ops.remove(obj, ctx);
    });
  }

  read(ctx: SimContext, type: string, state: Attrs): Attrs | null {
    return this.txn(ctx, type, 'plan', (call, rule) => {
      const cluster = parentOrGone(call, rule, state);
      const obj = cluster === GONE ? undefined : call.ops.get(type, idOf(rule, state), cluster);
      if (!obj) return null;
      return rule.read ? rule.read(call, obj) : clone(obj.attrs);
    });
  }

  readData(ctx: SimContext, type: string, config: Attrs): Attrs {
    return this.txn(ctx, type, 'plan', (call) => {
      const rule = dataRules[type];
      if (!rule) throw new SimError(`data source ${type} is not simulated`, 'add a rule in rehearsal/world/rules');
      const name = rule.name?.(config) ?? (typeof config.name === 'string' ? config.name : type);
      applyErrorFault(call, name, 'read');
      const out = rule.read(call, clone(config));
      call.ops.log({ stack: ctx.stack, provider: ctx.provider, type, action: 'read', id: String(out.id ?? name), name, unit: unitFromAttrs(out) ?? unitFromStack(ctx.stack) });
      return settle({ ...clone(config), ...out }) as Attrs;
    });
  }

  /**
   * One locked transaction; a SimError is logged as an `error` action and the world is kept.
   * `phase`: the run phase an HCP workspace's run would be in (refresh, data reads and plans are
   * the plan phase; creates, updates and deletes the apply phase), checked for azurerm calls.
   */
  private txn<T>(ctx: SimContext, type: string, phase: 'plan' | 'apply', fn: (call: Call, rule: ResourceRule) => T): T {
    return this.store.update((world) => {
      const call: Call = { ops: new WorldOps(world), ctx, type };
      try {
        if (ctx.provider === 'azurerm') logHcpRun(call, phase, hcpRunAzureCheck(call.ops, ctx.stack, phase, this.store.file));
        if (ctx.provider === 'aws') logHcpRun(call, phase, hcpRunAwsCheck(call.ops, ctx.stack, phase, this.store.file));
        return fn(call, resourceRules[type] ?? NO_RULE);
      } catch (e) {
        if (e instanceof SimError) {
          call.ops.log({ stack: ctx.stack, provider: ctx.provider, type, action: 'error', id: '', name: '', unit: unitFromStack(ctx.stack), detail: e.message.slice(0, 500) });
        }
        throw e;
      }
    });
  }

  private unitOf(call: Call, rule: ResourceRule, attrs: Attrs, cluster?: string): string | undefined {
    const clusterUnit = cluster ? call.ops.world.objects[cluster]?.unit : undefined;
    return unitFromAttrs(attrs) ?? rule.unit?.(call, attrs, cluster) ?? clusterUnit ?? unitFromStack(call.ctx.stack);
  }
}

/** One `hcp-run` action per stack and phase while the clock stands still (not one per call). */
function logHcpRun(call: Call, phase: string, granted: string | undefined): void {
  if (!granted) return;
  const seen = (call.ops.world.ext.hcpRuns ??= {}) as Record<string, number>;
  const key = `${call.ctx.stack}|${phase}`;
  if (seen[key] === call.ops.clock) return;
  seen[key] = call.ops.clock;
  call.ops.log({ stack: call.ctx.stack, provider: 'tfe', type: 'hcp_run', action: 'hcp-run', id: '', name: phase, unit: unitFromStack(call.ctx.stack), detail: granted });
}

const GONE = Symbol('gone');

/**
 * The parent cluster of an object being refreshed or deleted. A cloud child (node pool, node group,
 * add-on …) whose cluster is gone is gone too: the providers treat NotFound on read/delete as
 * "removed". A Kubernetes API that cannot be reached stays an error, as it is for the real provider.
 */
function parentOrGone(call: Call, rule: ResourceRule, attrs: Attrs): string | undefined | typeof GONE {
  try {
    return rule.cluster?.(call, attrs);
  } catch (e) {
    if (e instanceof SimError && call.ctx.provider !== 'kubernetes') return GONE;
    throw e;
  }
}

function nameOf(rule: ResourceRule, attrs: Attrs): string | undefined {
  if (rule.name) return rule.name(attrs);
  return typeof attrs.name === 'string' ? attrs.name : undefined;
}

function changedKeys(a: Attrs, b: Attrs): string {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).join(',');
}
