// Where a Job's pod starts, and how it runs: `startPod` is the admission of the pod (the checks the
// API server and the kubelet make before the container runs), `runPod` executes the container's
// command for real against the world's Kubernetes API (pod-runner.ts, in a child process so that
// the API can answer while this provider call waits for the Job).
import { spawnSync } from 'child_process';
import * as path from 'path';
import { World } from '../model';
import { Call } from '../rules/rule';
import { Attrs, block, str, strMap } from '../values';
import { JobPod } from './api';
import { podSecurityViolations } from './pod-security';
import { PodCloudSpec } from './pod-cloud';
import { PodResult, PodRun, RUNNER_ENV } from './pod-runner';

export interface PodToStart extends JobPod {
  /** The provider's `spec.template.spec` block of the Job. */
  readonly spec: Attrs;
}

export interface PodStart {
  /** Why the pod was not created / cannot start (the Job then never completes), or undefined. */
  readonly refused?: string;
}

const meta = (a: Attrs): Attrs => block(a.metadata) ?? {};

/**
 * Admission of a Job's pod in `call`'s cluster. Pod Security admission refuses a pod that violates
 * its namespace's `pod-security.kubernetes.io/enforce` level
 * (https://kubernetes.io/docs/concepts/security/pod-security-admission/): the Job controller's
 * create fails with `violates PodSecurity "<level>:latest": …` and the Job gets no pod.
 * A pod whose service account does not exist is refused the same way
 * (https://kubernetes.io/docs/concepts/security/service-accounts/: `serviceaccount "<name>" not found`).
 */
export function startPod(call: Call, cluster: string, pod: PodToStart): PodStart {
  const ns = call.ops.get('kubernetes_namespace_v1', pod.namespace, cluster);
  const level = strMap(meta(ns?.attrs ?? {}).labels)['pod-security.kubernetes.io/enforce'] ?? 'privileged';
  const violations = podSecurityViolations(level, pod.spec);
  if (violations.length) return { refused: `pods "${pod.name}" is forbidden: violates PodSecurity "${level}:latest": ${violations.join(', ')}` };
  if (pod.serviceAccount !== 'default' && !call.ops.find('kubernetes_service_account_v1', (o) => o.cluster === cluster && str(meta(o.attrs).name) === pod.serviceAccount && (str(meta(o.attrs).namespace) ?? 'default') === pod.namespace)) {
    return { refused: `pods "${pod.name}" is forbidden: error looking up service account ${pod.namespace}/${pod.serviceAccount}: serviceaccount "${pod.serviceAccount}" not found` };
  }
  return {};
}

/** The container's command and environment, from the provider's Job attributes. */
export function containerOf(spec: Attrs): { command: string[]; env: Record<string, string> } {
  const c = block(spec.container) ?? {};
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const env: Record<string, string> = {};
  for (const e of (Array.isArray(c.env) ? c.env : []) as Attrs[]) if (typeof e.name === 'string') env[e.name] = str(e.value) ?? '';
  return { command: [...list(c.command), ...list(c.args)], env };
}

/** Whether the token is mounted: the pod's automountServiceAccountToken, else the account's, else true. */
export function mountsToken(call: Call, cluster: string, pod: PodToStart): boolean {
  if (typeof pod.spec.automount_service_account_token === 'boolean') return pod.spec.automount_service_account_token;
  const sa = call.ops.find('kubernetes_service_account_v1', (o) => o.cluster === cluster && str(meta(o.attrs).name) === pod.serviceAccount && (str(meta(o.attrs).namespace) ?? 'default') === pod.namespace);
  return typeof sa?.attrs.automount_service_account_token === 'boolean' ? sa.attrs.automount_service_account_token : true;
}

/**
 * Runs the pod's command for real and puts the world it leaves in place of `call`'s (the same
 * transaction: the Terraform side and the API side see one world). Real time is bounded by
 * `limitSeconds`.
 */
export function runPod(call: Call, cluster: string, pod: PodToStart, limitSeconds: number, extra: { cloud?: PodCloudSpec; pathFirst?: string[] } = {}): Omit<PodResult, 'world'> {
  const { command, env } = containerOf(pod.spec);
  const run: PodRun = {
    world: call.ops.world,
    cluster,
    by: { stack: call.ctx.stack, provider: 'kubernetes' },
    pod: { name: pod.name, namespace: pod.namespace, node: pod.node, labels: pod.labels, serviceAccount: pod.serviceAccount, command, env, mountToken: mountsToken(call, cluster, pod), ...extra },
    limitSeconds,
    // the store (store.ts) locks `<world file>.lock`; the engine names the world file in REHEARSAL_WORLD
    lockFile: process.env.REHEARSAL_WORLD ? `${process.env.REHEARSAL_WORLD}.lock` : undefined,
  };
  // In the compiled world (one bundle) the runner is this same file; from sources, pod-runner.ts.
  const args = __filename.endsWith('.ts') ? ['-r', 'tsx/cjs', path.join(__dirname, 'pod-runner.ts')] : [__filename];
  const r = spawnSync(process.execPath, args, {
    input: JSON.stringify(run),
    env: { PATH: process.env.PATH ?? '', [RUNNER_ENV]: '1' },
    cwd: path.resolve(__dirname, '..', '..', '..'),
    maxBuffer: 512 * 1024 * 1024,
    timeout: (limitSeconds + 30) * 1000,
  });
  if (r.status !== 0 || !r.stdout?.length) {
    throw new Error(`the simulated pod runner failed (${r.status ?? r.signal ?? r.error?.message}): ${String(r.stderr ?? '').slice(0, 800)}`);
  }
  const out = JSON.parse(r.stdout.toString('utf8')) as PodResult;
  replaceWorld(call.ops.world, out.world);
  return { exitCode: out.exitCode, output: out.output, deadlineExceeded: out.deadlineExceeded };
}

function replaceWorld(target: World, source: World): void {
  for (const k of Object.keys(target)) delete (target as unknown as Record<string, unknown>)[k];
  Object.assign(target, source);
}
