import { BlueGreenError, show } from './errors';

/** A value copied from documentation and never filled in: `<…>` as the whole string. */
const PLACEHOLDER = /^\s*<[^<>]*>\s*$/;

/**
 * Refuses any `<…>` placeholder left in a fleet's properties (ids, ARNs, names): such a value would
 * otherwise reach Terraform as a literal id. Walks plain objects and arrays only (routers, checks and
 * backends are objects that check their own options).
 */
export function refusePlaceholders(fleet: string, props: unknown): void {
  walk(props, '', (field, value) => {
    throw new BlueGreenError({
      fleet,
      field,
      value: show(value),
      rule: 'a placeholder from the documentation is not a value: Terraform would receive it as a literal id',
      fix: `put the real value in its place, e.g. ${exampleFor(field)}`,
    });
  });
}

function walk(value: unknown, path: string, found: (field: string, value: string) => void): void {
  if (typeof value === 'string') {
    if (PLACEHOLDER.test(value)) found(path, value);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, found));
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, found);
  }
}

/** A well-formed value for the kind of field, so the fix shows the expected shape. */
function exampleFor(field: string): string {
  const name = field.replace(/\[\d+\]$/, '').split('.').pop() ?? field;
  if (/ObjectIds?$|subscriptionId$|tenantId$/i.test(name)) return `${field}: "2f4a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b" (an Entra ID / Azure GUID)`;
  if (/Arns?$/.test(name)) return `${field}: "arn:aws:iam::123456789012:role/platform-admin"`;
  if (/subnetIds?$/i.test(name)) return `${field}: "subnet-0a1b2c3d4e5f60001"`;
  if (/vpcId$/i.test(name)) return `${field}: "vpc-0a1b2c3d4e5f60000"`;
  return `${field}: the id or name it stands for`;
}
