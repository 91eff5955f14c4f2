/**
 * A provider's naming rule: length bounds, an alphabet and a pattern, and how to make a name fit.
 */
export interface NameRule {
  /** What is being named, e.g. "AKS Linux node pool name". */
  readonly what: string;
  /** Shortest legal length. */
  readonly minLength: number;
  /** Longest legal length. */
  readonly maxLength: number;
  /** The full pattern a legal name matches. */
  readonly pattern: RegExp;
  /** The rule in words, for error messages. */
  readonly description: string;
  /** Characters that are not allowed anywhere are replaced by this (or dropped when ''). */
  readonly replacement: string;
  /** Whether the alphabet is lowercase only. */
  readonly lowercase: boolean;
}

function rule(what: string, minLength: number, maxLength: number, pattern: RegExp, description: string, replacement: string, lowercase: boolean): NameRule {
  return { what, minLength, maxLength, pattern, description, replacement, lowercase };
}

/** Provider limits, from `provider-limits.md`. */
export const NAME_RULES = {
  aksLinuxPool: rule('AKS Linux node pool name', 1, 12, /^[a-z][a-z0-9]{0,11}$/, '1-12 lowercase letters and digits, starting with a letter', '', true),
  aksWindowsPool: rule('AKS Windows node pool name', 1, 6, /^[a-z][a-z0-9]{0,5}$/, '1-6 lowercase letters and digits, starting with a letter', '', true),
  aksCluster: rule('AKS cluster name', 1, 63, /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/, '1-63 letters, digits, "-" and "_", starting and ending with a letter or digit', '-', false),
  aksDnsPrefix: rule('AKS dns_prefix', 1, 54, /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,52}[A-Za-z0-9])?$/, '1-54 letters, digits and "-", starting and ending with a letter or digit', '-', false),
  eksCluster: rule('EKS cluster name', 1, 100, /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, '1-100 letters, digits, "-" and "_", starting with a letter or digit', '-', false),
  eksNodeGroup: rule('EKS managed node group name', 1, 63, /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, '1-63 letters, digits, "-" and "_", starting with a letter or digit', '-', false),
  albTargetGroup: rule('ALB / target group name', 1, 32, /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/, 'at most 32 letters, digits and "-", not starting or ending with "-"', '-', false),
  frontDoorOrigin: rule('Front Door origin / origin group name', 1, 90, /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,88}[A-Za-z0-9])?$/, '1-90 letters, digits and "-", starting and ending with a letter or digit', '-', false),
  publicIpDomainLabel: rule('Azure public IP domain name label', 3, 63, /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/, '3-63 lowercase letters, digits and "-", starting with a letter and ending with a letter or digit', '-', true),
  iamRole: rule('IAM role name', 1, 64, /^[A-Za-z0-9+=,.@_-]{1,64}$/, '1-64 letters, digits and "+=,.@_-"', '-', false),
  launchTemplate: rule('EC2 launch template name', 3, 128, /^[A-Za-z0-9().\/_-]{3,128}$/, '3-128 letters, digits and "()./_-"', '-', false),
  globalAccelerator: rule('Global Accelerator name', 1, 64, /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/, '1-64 letters, digits and "-", starting and ending with a letter or digit', '-', false),
  trafficManagerProfile: rule('Traffic Manager profile name', 1, 63, /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/, '1-63 letters, digits and "-", starting and ending with a letter or digit', '-', false),
};

/** Whether `name` satisfies `r`. */
export function fitsRule(r: NameRule, name: string): boolean {
  return name.length >= r.minLength && name.length <= r.maxLength && r.pattern.test(name);
}

/**
 * A name that satisfies `r`, derived from `parts` (joined by the rule's separator when it has one).
 * When the joined name is too long, the *first* parts are shortened and the last part (usually a
 * fingerprint that keeps the name unique) is kept whole.
 */
export function fitName(r: NameRule, parts: string[]): string {
  const sep = r.replacement;
  const clean = (s: string) => {
    let out = r.lowercase ? s.toLowerCase() : s;
    out = out.replace(/[^A-Za-z0-9_-]/g, sep);
    if (sep === '') out = out.replace(/[^a-z0-9]/g, '');
    else if (!r.pattern.source.includes('_')) out = out.replace(/_/g, sep);
    return out;
  };
  const cleaned = parts.map(clean).filter((p) => p.length > 0);
  let name = cleaned.join(sep);
  if (name.length > r.maxLength && cleaned.length > 1) {
    const last = cleaned[cleaned.length - 1];
    const budget = r.maxLength - last.length - sep.length;
    const head = cleaned.slice(0, -1).join(sep).slice(0, Math.max(budget, 1)).replace(/[-_]+$/, '');
    name = `${head}${sep}${last}`;
  }
  name = name.slice(0, r.maxLength).replace(/^[^A-Za-z0-9]+/, '').replace(/[-_]+$/, '');
  if (!/^[A-Za-z]/.test(name) && r.pattern.source.startsWith('^[a-z]')) name = `p${name}`.slice(0, r.maxLength);
  while (name.length < r.minLength) name += '0';
  return name;
}
