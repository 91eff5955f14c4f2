// The library's in-unit SLO-gate Jobs (src/kubernetes/metric-gate-check.ts).
// Run for real (issue 19 item 3): a gate on Amazon Managed Prometheus (EKS Pod Identity) or on a
// plain Prometheus runs its container's command — `python3 -c <the gate script>` — as a process
// (kube/pod-runner.ts), with this machine's python3 and botocore standing in for the gate image
// (kube/interpreters.ts); the world serves the Pod Identity agent, the AMP query API with SigV4
// checked, and the plain Prometheus (kube/pod-cloud.ts). The Job completes when the command exits
// 0; a pod that exits non-zero is failed and retried while backoffLimit allows, after 10 s, 20 s …
// (https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-backoff-failure-policy).
// Modelled (the world plays the pod): Azure Monitor gates (azure-identity cannot be installed for
// the rehearsal, docs/rehearsal.md) and a service account with an IRSA annotation (the world serves
// no STS). There each pod attempt first needs its cloud credential (pod-identity.ts: Entra workload identity,
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
import { runPod, startPod } from '../kube/jobs';
import { gateInterpreter } from '../kube/interpreters';
import { clusterOfProvider, parseGoDuration } from './common';
import { generateName, schedulableNodes } from './kubernetes';
import { uidOf } from './nodes';
import { Call, ResourceRule } from './rule';

/** Seconds one gate pod runs (start, token, two queries). A rehearsal setting. */
const POD_SECONDS = 10;
/** Real seconds a gate pod may run before it is killed. */
const POD_REAL_SECONDS = 90;

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
      const irsa = strMap(block(serviceAccount(call, cluster, ns, saName)?.attrs.metadata)?.annotations)['eks.amazonaws.com/role-arn'];
      if (g.auth === 'none' || (g.auth === 'amp' && !irsa)) return runGatePods(call, a, job, g, { ns, name, unit, attempts });
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

/**
 * The gate Job's pods run for real: admitted (Pod Security, service account), placed on a
 * schedulable node, their command run with the cloud endpoints of kube/pod-cloud.ts. A pod that
 * exits 0 completes the Job; the Job fails when every attempt allowed by backoffLimit failed.
 */
function runGatePods(call: Call, a: Attrs, job: ResourceRule, g: Gate, j: { ns: string; name: string; unit?: string; attempts: number }): void {
  const { ns, name, unit, attempts } = j;
  const log = (action: string, detail: string) => call.ops.log({ stack: call.ctx.stack, provider: 'kubernetes', type: 'kubernetes_job_v1', action, id: `${ns}/${name}`, name, unit, detail });
  const cluster = clusterOfProvider(call);
  const clusterKey = call.ops.keyOf(cluster);
  const spec = podSpec(a);
  const python = gateInterpreter(g.auth === 'amp');
  if (python.missing) {
    log('check-fail', python.missing);
    throw new SimError(`job: ${ns}/${name} cannot run in the rehearsal`, python.missing);
  }
  const timeout = parseGoDuration(str(block(a.timeouts)?.create) ?? '1m');
  const deadline = num(block(a.spec)?.active_deadline_seconds) ?? timeout;
  const urls = [g.url, g.baselineUrl].filter((u): u is string => !!u).map((u) => new URL(u));
  const httpsHosts = [...new Set(urls.filter((u) => u.protocol === 'https:').map((u) => u.hostname))];
  const labels = { ...strMap(block(block(block(a.spec)?.template)?.metadata)?.labels), 'batch.kubernetes.io/job-name': name, 'job-name': name };
  let last = '';
  for (let i = 0; i < attempts; i++) {
    if (i > 0) call.ops.advance(10 * 2 ** (i - 1));
    const node = schedulableNodes(call, clusterKey, spec).sort((x, y) => x.name.localeCompare(y.name))[0];
    // No node takes the pod: the Job rule reports it Pending until its timeout.
    if (!node) return job.create?.(call, a);
    const pod = { name: `${name}-${uidOf(`${clusterKey}/${ns}/${name}/${call.ops.world.seq}`).slice(0, 5)}`, namespace: ns, node: node.name, labels, serviceAccount: str(spec.service_account_name) ?? 'default', spec };
    const start = startPod(call, clusterKey, pod);
    if (start.refused) {
      log('check-fail', `pod refused: ${start.refused}`);
      call.ops.advance(Math.min(deadline, timeout));
      throw new SimError(`job: ${ns}/${name} is in failed state`, `the Job created no pod (${start.refused}) and failed after activeDeadlineSeconds ${deadline} (DeadlineExceeded)`);
    }
    // The container asks for its credential as it starts (the bad end: an image already on the node
    // starts within a second), so the pod's own run time is counted after its requests, as in the
    // modelled path above.
    const r = runPod(call, clusterKey, pod, POD_REAL_SECONDS, { cloud: { job: `${ns}/${name}`, httpsHosts, unit }, pathFirst: python.pathFirst });
    call.ops.advance(POD_SECONDS);
    const lines = r.output.trim().split('\n').filter((l) => l.trim());
    last = (lines.find((l) => /^(PASS|BREACH) /.test(l)) ?? lines.slice(-2).join(' | ')).slice(0, 600);
    if (r.exitCode === 0 && !r.deadlineExceeded) {
      log('check-pass', `pod ${i + 1}/${attempts} ${pod.name} on ${node.name} exited 0: ${last}`);
      return job.create?.(call, a);
    }
    log(/^BREACH /.test(last) ? 'gate-breach' : 'pod-failed', `pod ${i + 1}/${attempts} ${pod.name} exited ${r.exitCode}${r.deadlineExceeded ? ' (killed: real-time bound)' : ''}: ${last}`);
  }
  log('check-fail', `Job failed after ${attempts} pod(s): ${last}`);
  throw new SimError(`job: ${ns}/${name} is in failed state`, last);
}
