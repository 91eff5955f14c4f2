// Plain values as the engine hands them over. Terraform's unknown value is a symbol (the engine's
// UNKNOWN); the world never stores it: every unknown is filled or becomes null before it is kept.

export type Attrs = Record<string, unknown>;

export function isUnknown(v: unknown): boolean {
  return typeof v === 'symbol';
}

/** Deep copy of plain values; symbols (unknown) are kept as they are. */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => clone(x)) as unknown as T;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = clone(x);
    return out as T;
  }
  return v;
}

/** Sets `attrs[key]` only when the plan left it unknown (a provider must not change known planned values). */
export function fill(attrs: Attrs, key: string, value: unknown): void {
  if (isUnknown(attrs[key]) || !(key in attrs)) attrs[key] = value;
}

/** Replaces every remaining unknown by the prior value at the same path, else null. */
export function settle(v: unknown, prior?: unknown): unknown {
  if (isUnknown(v)) return prior === undefined ? null : clone(prior);
  if (Array.isArray(v)) return v.map((x, i) => settle(x, Array.isArray(prior) ? prior[i] : undefined));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    const p = prior !== null && typeof prior === 'object' && !Array.isArray(prior) ? (prior as Attrs) : undefined;
    for (const [k, x] of Object.entries(v as Attrs)) out[k] = settle(x, p?.[k]);
    return out;
  }
  return v;
}

/** The first element of a block list, or the single-nested object itself. */
export function block(v: unknown): Attrs | undefined {
  if (Array.isArray(v)) return v[0] !== null && typeof v[0] === 'object' ? (v[0] as Attrs) : undefined;
  if (v !== null && typeof v === 'object' && !isUnknown(v)) return v as Attrs;
  return undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

export function strMap(v: unknown): Record<string, string> {
  const b = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Attrs) : {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(b)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Short deterministic hash (FNV-1a, base 36) for ids and host names. */
export function shortHash(s: string, len = 8): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = h.toString(36);
  while (out.length < len) out += (h = Math.imul(h ^ out.length, 0x01000193) >>> 0).toString(36);
  return out.slice(0, len);
}
