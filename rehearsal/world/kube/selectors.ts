// Label and field selectors as the Kubernetes API evaluates them on list calls.
// Labels: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
// (equality `=` `==` `!=`, set-based `in` `notin`, existence `k` / `!k`, requirements joined by `,`).
// Fields: https://kubernetes.io/docs/concepts/overview/working-with-objects/field-selectors/
// (`=` `==` `!=` on the fields the kind supports, e.g. pods' spec.nodeName, metadata.name).

type Requirement = (labels: Record<string, string>) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x);
}

/** Thrown for a selector the API would refuse with 400 BadRequest. */
export class SelectorError extends Error {}

export function parseLabelSelector(s: string | null | undefined): Requirement {
  const reqs: Requirement[] = [];
  for (const part of splitTop(s ?? '')) {
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part))) {
      const [, key, op, list] = m;
      const values = list.split(',').map((v) => v.trim()).filter((v) => v);
      reqs.push(op === 'in' ? (l) => key in l && values.includes(l[key]) : (l) => !(key in l) || !values.includes(l[key]));
    } else if ((m = /^([^\s!=(),]+)\s*!=\s*([^\s!=(),]*)$/.exec(part))) {
      const [, key, value] = m;
      reqs.push((l) => l[key] !== value);
    } else if ((m = /^([^\s!=(),]+)\s*==?\s*([^\s!=(),]*)$/.exec(part))) {
      const [, key, value] = m;
      reqs.push((l) => key in l && l[key] === value);
    } else if ((m = /^!\s*([^\s!=(),]+)$/.exec(part))) {
      const key = m[1];
      reqs.push((l) => !(key in l));
    } else if ((m = /^([^\s!=(),]+)$/.exec(part))) {
      const key = m[1];
      reqs.push((l) => key in l);
    } else {
      throw new SelectorError(`unable to parse requirement: ${part}`);
    }
  }
  return (labels) => reqs.every((r) => r(labels));
}

/** Field selector over a flat map of the kind's selectable fields. */
export function parseFieldSelector(s: string | null | undefined): (fields: Record<string, string>) => boolean {
  const reqs: Array<(f: Record<string, string>) => boolean> = [];
  for (const part of splitTop(s ?? '')) {
    const m = /^([^!=\s]+)\s*(!=|==|=)\s*(.*)$/.exec(part);
    if (!m) throw new SelectorError(`invalid selector: '${part}'; can't understand '${part}'`);
    const [, key, op, value] = m;
    reqs.push(op === '!=' ? (f) => (f[key] ?? '') !== value : (f) => (f[key] ?? '') === value);
  }
  return (fields) => reqs.every((r) => r(fields));
}
