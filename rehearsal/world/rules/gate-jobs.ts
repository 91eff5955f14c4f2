// The library's in-unit SLO-gate Jobs (src/kubernetes/metric-gate-check.ts): the world plays the
// pod. Each pod attempt first needs its cloud credential (pod-identity.ts: Entra workload identity,
// IRSA or EKS Pod Identity, as the cloud would grant it now), then queries the metrics API
// (metrics.ts) for the unit and its baseline and judges them with the limits the Job carries in
// its GATE environment variable.
// - A failed pod is retried until `backoff_limit` retries are used, after 10 s, 20 s, 40 s …
//   (https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-backoff-failure-policy);
//   then the Job is failed and the provider's wait_for_completion fails the apply
//   (https://registry.terraform.io/providers/hashicorp/kubernetes/2.38.0/docs/resources/job_v1).
import { SimError } from '../errors';
import { answerQuery } from '../metrics';
import { WorldObject } from '../model';
import { podCloudAccess } from '../pod-identity';
import { unitFromStack } from '../units';
import { Attrs, block, num, str, strMap } from '../values';
import { clusterOfProvider } from './common';
import { generateName } from './kubernetes';
import { Call, ResourceRule } from './rule';

/** Seconds one gate pod runs (start, token, two queries). A rehearsal setting. */
const POD_SECONDS = 10;

interface Gate {
  readonly gate: string;
  readonly auth: string;
  readonly url: string;
  readonly baselineUrl?: string;
  readonly isBaseline?: boolean;
  readonly needsBaseline?: boolean;
  readonly limits: { direction: string; threshold?: number; baselineFactor?: number; baselineOffset?: number; baselineFloor?: number };
}

function podSpec(a: Attrs): Attrs {
  return block(block(block(a.spec)?.template)?.spec) ?? {};
}

/** The GATE settings of a gate Job, or undefined for any other Job. */
function gateOf(a: Attrs): Gate | undefined {
  const c = (Array.isArray(podSpec(a).container) ? (podSpec(a).container as Attrs[])[0] : undefined) ?? {};
  const env = (Array.isArray(c.env) ? c.env : []) as Attrs[];
  const raw = str(env.find((e) => e.name === 'GATE')?.value);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Gate;
  } catch {
    return undefined;
  }
}

function serviceAccount(call: Call, cluster: WorldObject, ns: string, name: string): WorldObject | undefined {
  const key = call.ops.keyOf(cluster);
  return call.ops.find('kubernetes_service_account_v1', (o) => {
    const m = block(o.attrs.metadata) ?? {};
    return str(m.name) === name && (str(m.namespace) ?? 'default') === ns && (o.cluster === key || (o.cluster === undefined && o.unit !== undefined && o.unit === cluster.unit));
  });
}

/** One query's sample, or null when it selects no series (or NaN); throws on an API error. */
function sample(call: Call, url: string): { value: number | null; detail: string; unit?: string } {
  const a = answerQuery(call.ops, new URL(url));
  if (a.status !== 200) return { value: null, detail: `HTTP ${a.status}: ${a.detail}`, unit: a.unit };
  const doc = JSON.parse(a.body) as { data?: { result?: Array<{ value: [number, string] }> } };
  const r = doc.data?.result?.[0];
  const v = r ? Number(r.value[1]) : NaN;
  return { value: Number.isNaN(v) ? null : v, detail: a.detail, unit: a.unit };
}

/** The judgement the gate script makes (src/kubernetes/private/metric-gate-script.ts). */
function judge(g: Gate, v: number | null, b: number | null): { ok: boolean; threshold: number | null } {
  const lim = g.limits;
  const atMost = lim.direction === 'at-most';
  let rel: number | null = null;
  if (!g.isBaseline && lim.baselineFactor !== undefined && b !== null) {
    rel = b * lim.baselineFactor;
    if (lim.baselineFloor !== undefined) rel = atMost ? Math.max(rel, lim.baselineFloor) : Math.min(rel, lim.baselineFloor);
  }
  if (!g.isBaseline && lim.baselineOffset !== undefined && b !== null) rel = b + lim.baselineOffset;
  let t: number | null;
  if (rel === null) t = g.isBaseline || !g.needsBaseline ? lim.threshold ?? null : null;
  else if (lim.threshold === undefined) t = rel;
  else t = atMost ? Math.min(lim.threshold, rel) : Math.max(lim.threshold, rel);
  if (v === null) return { ok: !g.isBaseline && b !== null, threshold: null };
  return { ok: t !== null && (atMost ? v <= t : v >= t), threshold: t };
}

/** Wraps the Job rule: a gate Job runs its pods as described above. */
export function withGateJobs(job: ResourceRule): ResourceRule {
  return {
    ...job,
    create(call, a) {
      // The API server names the Job before anything runs (every wrapped rule logs that name).
      generateName(call, a);
      const g = gateOf(a);
      if (!g) return job.create?.(call, a);
      const m = block(a.metadata) ?? {};
      const ns = str(m.namespace) ?? 'default';
      const name = str(m.name) ?? '';
      const cluster = clusterOfProvider(call);
      const unit = str(strMap(m.labels)['bluegreen.cdktf.io/unit']) ?? cluster.unit ?? unitFromStack(call.ctx.stack);
      const log = (action: string, detail: string) => call.ops.log({ stack: call.ctx.stack, provider: 'kubernetes', type: 'kubernetes_job_v1', action, id: `${ns}/${name}`, name, unit, detail });
      const saName = str(podSpec(a).service_account_name) ?? 'default';
      const attempts = (num(block(a.spec)?.backoff_limit) ?? 6) + 1;
      let last = '';
      for (let i = 0; i < attempts; i++) {
        if (i > 0) call.ops.advance(10 * 2 ** (i - 1));
        const sa = serviceAccount(call, cluster, ns, saName);
        if (g.auth !== 'none') {
          const access = podCloudAccess(call.ops, {
            cluster, namespace: ns, serviceAccount: saName, serviceAccountExists: sa !== undefined,
            labels: strMap(block(block(block(a.spec)?.template)?.metadata)?.labels), serviceAccountAnnotations: strMap(block(sa?.attrs.metadata)?.annotations),
          });
          call.ops.advance(POD_SECONDS);
          if (!access.ok) {
            last = `token exchange refused: ${access.detail}`;
            log('token-refused', `pod ${i + 1}/${attempts}: ${access.detail}`);
            continue;
          }
          log('token', `pod ${i + 1}/${attempts}: ${access.detail}`);
        } else {
          call.ops.advance(POD_SECONDS);
        }
        const v = sample(call, g.url);
        const b = g.baselineUrl ? sample(call, g.baselineUrl) : undefined;
        call.ops.log({ stack: call.ctx.stack, provider: 'kubernetes', type: 'metrics', action: 'query', id: g.url, name: new URL(g.url).hostname, unit: v.unit ?? unit, detail: v.detail });
        if (b) call.ops.log({ stack: call.ctx.stack, provider: 'kubernetes', type: 'metrics', action: 'query', id: g.baselineUrl!, name: new URL(g.baselineUrl!).hostname, unit: b.unit, detail: b.detail });
        const verdict = judge(g, v.value, b?.value ?? null);
        last = `SLO gate ${g.gate}: ${v.value ?? 'no data'} (threshold ${verdict.threshold ?? 'n/a'}, baseline ${b?.value ?? '-'})`;
        if (verdict.ok) {
          log('check-pass', `pod ${i + 1}/${attempts}: PASS ${last}`);
          return job.create?.(call, a);
        }
        log('gate-breach', `pod ${i + 1}/${attempts}: BREACH ${last}`);
      }
      log('check-fail', `Job failed after ${attempts} pod(s): ${last}`);
      throw new SimError(`job: ${ns}/${name} is in failed state`, last);
    },
  };
}
