// Plain JS values <-> Terraform's msgpack DynamicValue, walked against the schema's type so that
// what leaves the provider always has exactly the schema's shape (missing attributes are null).
// Encoding rules (cty msgpack): objects and maps are msgpack maps, lists/sets/tuples arrays,
// unknown is extension type 0 (refined unknowns arrive as extension 12), a value of dynamic type
// travels as a 2-element array [JSON of its type, value].
import { ExtData, decode as mpDecode, encode as mpEncode } from '@msgpack/msgpack';
import type { BlockSchema, CtyType } from './schema';

/** Terraform's unknown value ("known after apply"). */
export const UNKNOWN: unique symbol = Symbol.for('rehearsal.unknown');

export type Value = string | number | boolean | null | typeof UNKNOWN | Value[] | { [k: string]: Value };

const EXT_UNKNOWN = 0;
const EXT_REFINED_UNKNOWN = 12;

/** The object type a block's values have (its "implied type"). */
export function impliedType(b: BlockSchema): CtyType {
  const attrs: Record<string, CtyType> = {};
  for (const a of b.attributes) {
    if (a.type !== undefined) attrs[a.name] = a.type;
    else if (a.nested) {
      const obj: CtyType = ['object', Object.fromEntries(a.nested.attributes.map((x) => [x.name, x.type ?? 'dynamic']))];
      attrs[a.name] = a.nested.nesting === 'single' ? obj : [a.nested.nesting, obj];
    }
  }
  for (const nb of b.blocks) {
    const obj = impliedType(nb.block);
    attrs[nb.name] = nb.nesting === 'single' ? obj : [nb.nesting, obj];
  }
  return ['object', attrs];
}

function isUnknown(x: unknown): boolean {
  return x instanceof ExtData && (x.type === EXT_UNKNOWN || x.type === EXT_REFINED_UNKNOWN);
}

/** Decodes a raw msgpack value of a type into plain JS. */
function fromWire(x: unknown, t: CtyType): Value {
  if (isUnknown(x)) return UNKNOWN;
  if (x === null || x === undefined) return null;
  if (typeof t === 'string') {
    if (t === 'dynamic') {
      const [typeJson, inner] = x as [Uint8Array | string, unknown];
      const tt = JSON.parse(typeof typeJson === 'string' ? typeJson : Buffer.from(typeJson).toString('utf8'));
      return fromWire(inner, tt);
    }
    if (t === 'number') return typeof x === 'string' ? Number(x) : Number(x as number);
    return x as Value;
  }
  const [kind, inner] = t;
  if (kind === 'list' || kind === 'set') return (x as unknown[]).map((e) => fromWire(e, inner));
  if (kind === 'tuple') return (x as unknown[]).map((e, i) => fromWire(e, inner[i]));
  if (kind === 'map') return Object.fromEntries(Object.entries(x as object).map(([k, v]) => [k, fromWire(v, inner)]));
  if (kind === 'object') {
    const o = x as Record<string, unknown>;
    return Object.fromEntries(Object.entries(inner as Record<string, CtyType>).map(([k, at]) => [k, fromWire(o[k], at)]));
  }
  throw new Error(`unsupported type ${JSON.stringify(t)}`);
}

/** The type of a plain value, for values of dynamic type. */
function typeOf(v: Value): CtyType {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return ['tuple', v.map(typeOf)];
  if (v && typeof v === 'object') return ['object', Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeOf(x)]))];
  return 'dynamic';
}

/** Encodes a plain JS value as a raw msgpack-ready value of a type, conforming its shape. */
function toWire(v: Value | undefined, t: CtyType, where: string): unknown {
  if (v === UNKNOWN) return new ExtData(EXT_UNKNOWN, new Uint8Array(0));
  if (v === null || v === undefined) return null;
  if (typeof t === 'string') {
    switch (t) {
      case 'dynamic': {
        // cty writes the type's JSON as msgpack bin, then the value.
        const tt = typeOf(v);
        return [new TextEncoder().encode(JSON.stringify(tt)), toWire(v, tt, where)];
      }
      case 'string':
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        break;
      case 'number':
        if (typeof v === 'number') return v;
        if (typeof v === 'string' && v.trim() !== '' && !isNaN(Number(v))) return Number(v);
        break;
      case 'bool':
        if (typeof v === 'boolean') return v;
        if (v === 'true' || v === 'false') return v === 'true';
        break;
    }
    throw new Error(`${where}: ${JSON.stringify(v)} is not a ${t}`);
  }
  const [kind, inner] = t;
  if (kind === 'list' || kind === 'set' || kind === 'tuple') {
    if (!Array.isArray(v)) throw new Error(`${where}: expected a ${kind}, got ${JSON.stringify(v)}`);
    return v.map((e, i) => toWire(e, kind === 'tuple' ? inner[i] : inner, `${where}[${i}]`));
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where}: expected an object, got ${JSON.stringify(v)}`);
  if (kind === 'map') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toWire(x, inner, `${where}.${k}`)]));
  if (kind === 'object') {
    return Object.fromEntries(Object.entries(inner as Record<string, CtyType>).map(([k, at]) => [k, toWire((v as any)[k], at, `${where}.${k}`)]));
  }
  throw new Error(`${where}: unsupported type ${JSON.stringify(t)}`);
}

export function decodeDynamic(dv: { msgpack?: Uint8Array; json?: Uint8Array } | null | undefined, t: CtyType): Value {
  if (!dv) return null;
  if (dv.msgpack && dv.msgpack.length) return fromWire(mpDecode(dv.msgpack), t);
  if (dv.json && dv.json.length) return fromJsonState(JSON.parse(Buffer.from(dv.json).toString('utf8')), t);
  return null;
}

export function encodeDynamic(v: Value, t: CtyType, where = 'value'): { msgpack: Uint8Array } {
  return { msgpack: mpEncode(toWire(v, t, where)) };
}

/** Reads a value from Terraform's JSON state form (dynamic values are wrapped as {value, type}). */
export function fromJsonState(x: unknown, t: CtyType): Value {
  if (x === null || x === undefined) return null;
  if (typeof t === 'string') {
    if (t === 'dynamic' && typeof x === 'object' && x && 'value' in x && 'type' in x) return fromJsonState((x as any).value, (x as any).type);
    if (t === 'number' && typeof x === 'string') return Number(x);
    return x as Value;
  }
  const [kind, inner] = t;
  if (kind === 'list' || kind === 'set') return (x as unknown[]).map((e) => fromJsonState(e, inner));
  if (kind === 'tuple') return (x as unknown[]).map((e, i) => fromJsonState(e, inner[i]));
  if (kind === 'map') return Object.fromEntries(Object.entries(x as object).map(([k, v]) => [k, fromJsonState(v, inner)]));
  const o = x as Record<string, unknown>;
  return Object.fromEntries(Object.entries(inner as Record<string, CtyType>).map(([k, at]) => [k, fromJsonState(o[k], at)]));
}

/** True when the value holds an unknown anywhere. */
export function hasUnknown(v: Value): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v && typeof v === 'object') return Object.values(v).some(hasUnknown);
  return false;
}

/** Replaces every unknown by null (what is still unknown after apply was not set by the world). */
export function unknownsToNull(v: Value): Value {
  if (v === UNKNOWN) return null;
  if (Array.isArray(v)) return v.map(unknownsToNull);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unknownsToNull(x)]));
  return v;
}

/** Structural equality of plain values (sets compared in order, as Terraform sends them sorted). */
export function equal(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!equal((a as any)[k] ?? null, (b as any)[k] ?? null)) return false;
    return true;
  }
  return false;
}
