// The generic resource lifecycle of a simulated provider, independent of gRPC: decode what
// Terraform sends against the derived schema, ask the world (Simulator), encode the answer
// conformed to the schema. Protocol semantics follow Terraform's plugin protocol 6 as its client
// (terraform v1.11.4 internal/plugin6/grpc_provider.go) uses it.
import type { BlockSchema, CtyType, ProviderSchemas } from './schema';
import { UNKNOWN, Value, decodeDynamic, encodeDynamic, equal, fromJsonState, impliedType, unknownsToNull } from './values';

/** The world API the engine drives (rehearsal/world/simulator.ts implements it). */
export interface SimContext {
  readonly provider: string;
  readonly providerConfig: Record<string, unknown>;
  readonly stack: string;
}
type Attrs = Record<string, unknown>;
export interface Simulator {
  forceNew(type: string): string[];
  plan?(ctx: SimContext, type: string, prior: Attrs | null, proposed: Attrs): Attrs;
  create(ctx: SimContext, type: string, planned: Attrs): Attrs;
  update(ctx: SimContext, type: string, prior: Attrs, planned: Attrs): Attrs;
  delete(ctx: SimContext, type: string, prior: Attrs): void;
  read(ctx: SimContext, type: string, state: Attrs): Attrs | null;
  readData(ctx: SimContext, type: string, config: Attrs): Attrs;
}

export interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  summary: string;
  detail: string;
  attribute?: { steps: PathStep[] };
}
export type PathStep = { attribute_name: string } | { element_key_int: number } | { element_key_string: string };
type DV = { msgpack?: Uint8Array; json?: Uint8Array } | null | undefined;

/** Turns a thrown error into a diagnostic: a SimError's summary/detail, anything else as an internal error. */
export function toDiagnostic(e: unknown, what: string): Diagnostic {
  const err = e as { name?: string; summary?: string; detail?: string; message?: string; stack?: string };
  if (err && err.name === 'SimError') return { severity: 'ERROR', summary: String(err.summary ?? err.message), detail: String(err.detail ?? '') };
  return { severity: 'ERROR', summary: `simulated provider failed during ${what}`, detail: String(err?.stack ?? err?.message ?? e) };
}

export class Engine {
  private readonly types = new Map<string, CtyType>();

  constructor(
    readonly schemas: ProviderSchemas,
    private readonly sim: () => Simulator,
    private readonly ctxOf: (peer: string) => SimContext,
  ) {}

  private resourceSchema(type: string): BlockSchema {
    const b = this.schemas.resources[type];
    if (!b) throw new Error(`${this.schemas.provider} has no resource type ${type}`);
    return b;
  }

  private dataSchema(type: string): BlockSchema {
    const b = this.schemas.dataSources[type];
    if (!b) throw new Error(`${this.schemas.provider} has no data source ${type}`);
    return b;
  }

  private typeOf(kind: 'r' | 'd' | 'p', name: string, b: BlockSchema): CtyType {
    const key = `${kind}:${name}`;
    let t = this.types.get(key);
    if (!t) this.types.set(key, (t = impliedType(b)));
    return t;
  }

  providerConfigType(): CtyType {
    return this.typeOf('p', '', this.schemas.config);
  }

  decodeProviderConfig(dv: DV): Record<string, unknown> {
    return (decodeDynamic(dv, this.providerConfigType()) ?? {}) as Record<string, unknown>;
  }

  upgradeResourceState(type: string, rawJson: Uint8Array | undefined): { upgraded_state: unknown } {
    const b = this.resourceSchema(type);
    const t = this.typeOf('r', type, b);
    const v = rawJson && rawJson.length ? fromJsonState(JSON.parse(Buffer.from(rawJson).toString('utf8')), t) : null;
    return { upgraded_state: encodeDynamic(v, t, type) };
  }

  planResourceChange(peer: string, type: string, priorDv: DV, proposedDv: DV, configDv: DV): { planned_state: unknown; requires_replace: unknown[]; diagnostics?: Diagnostic[] } {
    const b = this.resourceSchema(type);
    const t = this.typeOf('r', type, b);
    const prior = decodeDynamic(priorDv, t) as Attrs | null;
    const proposed = decodeDynamic(proposedDv, t) as Attrs | null;
    if (proposed === null) return { planned_state: encodeDynamic(null, t), requires_replace: [] };
    const config = decodeDynamic(configDv, t) as Value;
    // Create: computed values the configuration leaves null are known after apply. Update:
    // Terraform's proposed state already carries the prior computed values, which stay.
    let planned = (prior === null ? markComputedUnknown(proposed as Value, config, b) : proposed) as Attrs;
    const sim = this.sim();
    if (sim.plan) planned = applyPlanHook(planned, sim.plan(this.ctxOf(peer), type, prior, planned), config, b);
    const requires: PathStep[][] = [];
    const diagnostics: Diagnostic[] = [];
    if (prior !== null) {
      for (const p of sim.forceNew(type)) {
        try {
          requires.push(...changedPaths(prior as Value, planned as Value, t, p.split('.')));
        } catch (e) {
          if (!(e instanceof BadPath)) throw e;
          // A table row naming an attribute this provider version does not have: said, not fatal.
          diagnostics.push({
            severity: 'WARNING',
            summary: `Simulated ${this.schemas.provider} ${this.schemas.version}: force-new path "${p}" of ${type} names no attribute`,
            detail: 'The force-new table (rehearsal/world/force-new.ts) lists a path the schema derived from the bindings does not have; it is ignored.',
          });
        }
      }
    }
    // A replacement is a new object: its computed values are unknown again.
    if (requires.length) planned = markComputedUnknown(planned as Value, config, b) as Attrs;
    return {
      planned_state: encodeDynamic(planned as Value, t, type),
      requires_replace: requires.map((steps) => ({ steps })),
      diagnostics,
    };
  }

  applyResourceChange(peer: string, type: string, priorDv: DV, plannedDv: DV): { new_state: unknown; diagnostics?: Diagnostic[] } {
    const b = this.resourceSchema(type);
    const t = this.typeOf('r', type, b);
    const prior = decodeDynamic(priorDv, t) as Attrs | null;
    const planned = decodeDynamic(plannedDv, t) as Attrs | null;
    const ctx = this.ctxOf(peer);
    const sim = this.sim();
    try {
      if (planned === null) {
        if (prior !== null) sim.delete(ctx, type, prior);
        return { new_state: encodeDynamic(null, t) };
      }
      const result = prior === null ? sim.create(ctx, type, planned) : sim.update(ctx, type, prior, planned);
      return { new_state: encodeDynamic(settle(planned, result), t, type) };
    } catch (e) {
      // A failed update or delete leaves the object as it was: answer the prior state, as
      // providers return their partial state with errors. A failed create created nothing (null).
      return { new_state: encodeDynamic(prior as Value, t, type), diagnostics: [toDiagnostic(e, `ApplyResourceChange ${type}`)] };
    }
  }

  readResource(peer: string, type: string, stateDv: DV): { new_state: unknown } {
    const b = this.resourceSchema(type);
    const t = this.typeOf('r', type, b);
    const state = decodeDynamic(stateDv, t) as Attrs | null;
    if (state === null) return { new_state: encodeDynamic(null, t) };
    const now = this.sim().read(this.ctxOf(peer), type, state);
    if (now === null) return { new_state: encodeDynamic(null, t) };
    return { new_state: encodeDynamic(unknownsToNull({ ...state, ...now } as Value), t, type) };
  }

  readDataSource(peer: string, type: string, configDv: DV): { state: unknown } {
    const b = this.dataSchema(type);
    const t = this.typeOf('d', type, b);
    const config = (decodeDynamic(configDv, t) ?? {}) as Attrs;
    const out = this.sim().readData(this.ctxOf(peer), type, config);
    return { state: encodeDynamic(unknownsToNull(mergeComputed(config as Value, out as Value, b)), t, type) };
  }
}

/**
 * The world's optional plan hook: it may fill what is unknown with values known at plan time,
 * and mark a computed attribute unknown (it will change on apply). Configured values stay.
 */
function applyPlanHook(planned: Attrs, hook: Attrs, config: Value, b: BlockSchema): Attrs {
  const out = fillUnknowns(planned as Value, hook as Value) as Record<string, Value>;
  const cfg = obj(config) ?? {};
  for (const a of b.attributes) {
    if (a.computed && hook[a.name] === UNKNOWN && (cfg[a.name] ?? null) === null) out[a.name] = UNKNOWN;
  }
  return out;
}

/**
 * A data source's result: what the configuration set stays (Terraform rejects a read that changes
 * configured values); computed attributes the configuration left null come from the world.
 */
function mergeComputed(config: Value, out: Value, b: BlockSchema): Value {
  const c = obj(config) ?? {};
  const o = obj(out) ?? {};
  const res: Record<string, Value> = {};
  for (const a of b.attributes) {
    const cv = c[a.name] ?? null;
    res[a.name] = a.computed && cv === null ? (o[a.name] ?? null) : cv;
  }
  for (const nb of b.blocks) {
    const cv = c[nb.name] ?? null;
    const ov = o[nb.name];
    if (Array.isArray(cv) && Array.isArray(ov) && cv.length === ov.length) res[nb.name] = cv.map((x, i) => mergeComputed(x, ov[i], nb.block));
    else if (cv && !Array.isArray(cv) && typeof cv === 'object' && ov && typeof ov === 'object' && !Array.isArray(ov)) res[nb.name] = nb.nesting === 'single' ? mergeComputed(cv, ov, nb.block) : cv;
    else res[nb.name] = cv;
  }
  return res;
}

/** Every computed attribute the configuration leaves null becomes unknown (nested blocks matched by position). */
function markComputedUnknown(v: Value, config: Value, b: BlockSchema): Value {
  if (v === null || v === UNKNOWN || typeof v !== 'object' || Array.isArray(v)) return v;
  const cfg = obj(config) ?? {};
  const out: Record<string, Value> = { ...(v as Record<string, Value>) };
  for (const a of b.attributes) {
    if (a.computed && (cfg[a.name] === null || cfg[a.name] === undefined)) out[a.name] = UNKNOWN;
  }
  for (const nb of b.blocks) {
    const x = out[nb.name];
    const c = cfg[nb.name] ?? null;
    if (Array.isArray(x)) out[nb.name] = x.map((e, i) => markComputedUnknown(e, Array.isArray(c) ? c[i] ?? null : null, nb.block));
    else if (x && typeof x === 'object') {
      out[nb.name] = nb.nesting === 'map'
        ? Object.fromEntries(Object.entries(x).map(([k, e]) => [k, markComputedUnknown(e, obj(c)?.[k] ?? null, nb.block)]))
        : markComputedUnknown(x, c, nb.block);
    }
  }
  return out;
}

/**
 * The concrete paths under a dotted attribute path whose value differs between a and b. Lists are
 * walked element by element (Terraform applies each path to both values, so it must exist); a set
 * or map on the way is compared whole, as set elements have no index a path could name.
 */
function changedPaths(a: Value, b: Value, t: CtyType, path: string[], prefix: PathStep[] = []): PathStep[][] {
  if (path.length === 0 || typeof t === 'string') return equal(a, b) ? [] : [prefix];
  const [kind, inner] = t;
  if (kind === 'object') {
    const [head, ...rest] = path;
    const at = (inner as Record<string, CtyType>)[head];
    if (at === undefined) throw new BadPath(`${[...prefix.map(stepName), ...path].join('.')}`);
    return changedPaths(obj(a)?.[head] ?? null, obj(b)?.[head] ?? null, at, rest, [...prefix, { attribute_name: head }]);
  }
  if (kind === 'list' && Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    const out: PathStep[][] = [];
    for (let i = 0; i < a.length; i++) out.push(...changedPaths(a[i], b[i], inner, path, [...prefix, { element_key_int: i }]));
    return out;
  }
  return equal(a, b) ? [] : [prefix];
}

class BadPath extends Error {}

function stepName(s: PathStep): string {
  return 'attribute_name' in s ? s.attribute_name : 'element_key_int' in s ? String(s.element_key_int) : s.element_key_string;
}

function obj(v: Value): Record<string, Value> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Value>) : undefined;
}

/**
 * The new state after apply: the planned state with every unknown filled from the world's answer
 * at the same position. Known planned values stay as planned: Terraform refuses an apply result
 * that differs from a known planned value ("Provider produced inconsistent result after apply").
 * Whatever is still unknown becomes null.
 */
function settle(planned: Attrs, result: Attrs | undefined): Value {
  return unknownsToNull(fillUnknowns(planned as Value, (result ?? null) as Value));
}

function fillUnknowns(planned: Value, result: Value | undefined): Value {
  if (planned === UNKNOWN) return result === undefined ? null : result;
  if (result === undefined || result === null || result === UNKNOWN) return planned;
  if (Array.isArray(planned)) {
    return Array.isArray(result) && result.length === planned.length ? planned.map((x, i) => fillUnknowns(x, result[i])) : planned;
  }
  if (planned && typeof planned === 'object') {
    const r = obj(result);
    if (!r) return planned;
    return Object.fromEntries(Object.entries(planned).map(([k, x]) => [k, fillUnknowns(x, r[k])]));
  }
  return planned;
}
