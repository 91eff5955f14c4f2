// Helpers the per-provider rules share: deterministic ids, the cloud account/region of a call,
// and the cluster registry (clusters, their API host, their nodes).
import { SimError } from '../errors';
import { WorldObject } from '../model';
import { Attrs, block, shortHash, str } from '../values';
import { Call } from './rule';

/** A GUID derived from a seed (stable across runs of the same scenario). */
export function guid(seed: string): string {
  const h = [0, 1, 2, 3].map((i) => shortHash(`${seed}#${i}`, 8)).join('');
  const hex = [...h].map((c) => (parseInt(c, 36) % 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function hex(seed: string, len: number): string {
  let out = '';
  for (let i = 0; out.length < len; i++) out += [...shortHash(`${seed}#${i}`, 8)].map((c) => (parseInt(c, 36) % 16).toString(16)).join('');
  return out.slice(0, len);
}

export function subscriptionOf(call: Call): string {
  return str(call.ctx.providerConfig.subscription_id) ?? '00000000-0000-0000-0000-000000000000';
}

export function awsAccountOf(call: Call): string {
  const ids = call.ctx.providerConfig.allowed_account_ids;
  return Array.isArray(ids) && typeof ids[0] === 'string' ? ids[0] : '123456789012';
}

export function awsRegionOf(call: Call): string {
  return str(call.ctx.providerConfig.region) ?? 'us-east-1';
}

/** Default tags of the aws provider block (`default_tags { tags }`), merged under the resource's own. */
export function awsDefaultTags(call: Call): Record<string, string> {
  const t = block(call.ctx.providerConfig.default_tags)?.tags;
  const out: Record<string, string> = {};
  if (t && typeof t === 'object') for (const [k, v] of Object.entries(t as Attrs)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function rgId(sub: string, rg: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}`;
}

/**
 * Every Azure resource of a resource group needs the group to exist.
 * https://learn.microsoft.com/en-us/azure/azure-resource-manager/troubleshooting/error-resource-group-not-found
 */
export function requireResourceGroup(call: Call, rg: string | undefined): void {
  if (rg === undefined) return;
  const sub = subscriptionOf(call);
  if (!call.ops.get('azurerm_resource_group', rgId(sub, rg))) {
    throw new SimError('ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
  }
}

export const CLUSTER_TYPES = ['azurerm_kubernetes_cluster', 'aws_eks_cluster'];

/** The API server URL of a cluster object (what the kubernetes provider's `host` is set to). */
export function clusterHost(obj: WorldObject): string | undefined {
  if (obj.type === 'azurerm_kubernetes_cluster') return str(block(obj.attrs.kube_config)?.host);
  if (obj.type === 'aws_eks_cluster') return str(obj.attrs.endpoint);
  return undefined;
}

function normalizeHost(h: string): string {
  return h.replace(/\/+$/, '').replace(/:443$/, '').toLowerCase();
}

/**
 * The cluster the kubernetes provider of this call talks to (its `host`). An unknown host fails
 * as a client that cannot resolve it does.
 */
export function clusterOfProvider(call: Call): WorldObject {
  const host = str(call.ctx.providerConfig.host);
  if (!host) throw new SimError('Kubernetes cluster unreachable', 'the kubernetes provider has no `host` configured; it would fall back to localhost and fail to connect');
  const wanted = normalizeHost(host);
  for (const obj of call.ops.all(undefined, (o) => CLUSTER_TYPES.includes(o.type))) {
    const h = clusterHost(obj);
    if (h && normalizeHost(h) === wanted) return obj;
  }
  const hostname = wanted.replace(/^https?:\/\//, '');
  throw new SimError('Kubernetes cluster unreachable', `Get "${wanted}/api?timeout=32s": dial tcp: lookup ${hostname}: no such host`);
}

/** The minor version `1.34` of `1.34`, `1.34.2`, `v1.34.2-eks-123`. */
export function minorOf(v: string | undefined): string | undefined {
  const m = v ? /^v?(\d+)\.(\d+)/.exec(v) : null;
  return m ? `${m[1]}.${m[2]}` : undefined;
}

export function minorNumber(v: string | undefined): number | undefined {
  const m = minorOf(v);
  return m ? Number(m.split('.')[1]) : undefined;
}

/**
 * A patch for a minor-only version. Both AKS and EKS pick the latest patch when only major.minor is
 * given; the simulated world's "latest patch" is a fixed table value (its number has no meaning).
 * https://learn.microsoft.com/en-us/azure/aks/supported-kubernetes-versions
 */
export function withPatch(v: string): string {
  return /^\d+\.\d+$/.test(v) ? `${v}.3` : v.replace(/^v/, '');
}

/** Go duration strings as time_sleep and timeouts take them (`90s`, `1m30s`, `2h`). */
export function parseGoDuration(s: string | undefined): number {
  if (!s) return 0;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let m: RegExpExecArray | null;
  let matched = '';
  while ((m = re.exec(s)) !== null) {
    matched += m[0];
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : m[2] === 'ms' ? n / 1000 : 0;
  }
  if (matched !== s) throw new SimError(`invalid duration "${s}"`, 'a duration is a sequence of decimal numbers with unit suffixes (ns, us, ms, s, m, h), e.g. "30s" or "1m30s"');
  return total;
}

/** Simulated timestamp (RFC 3339) of a clock value; clock 0 = 2026-01-01T00:00:00Z. */
export function timestamp(clock: number): string {
  return new Date(Date.UTC(2026, 0, 1) + Math.round(clock * 1000)).toISOString().replace(/\.000Z$/, 'Z');
}
