// One Job pod, run for real: a child process of the simulated provider serves the cluster's API
// (api.ts) over HTTPS on loopback from a copy of the world, runs the container's command with the
// environment a pod sees, and hands the world back with the exit code.
// What the container sees, as a pod does (https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/,
// https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/):
// KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT, and when the token is mounted, `token`, `ca.crt`
// and `namespace` under /var/run/secrets/kubernetes.io/serviceaccount; its own /tmp (an emptyDir).
// The process runs in a user + mount namespace of its own (`unshare`) so that those paths are
// private to it; no other part of the machine's environment reaches it (only PATH, for the
// interpreters and kubectl that stand in for the image's). A pod that reaches the cloud (a check
// or gate Job) also gets what pod-cloud.ts serves: the EKS Pod Identity variables and token, the
// world's proxy and CA, HOME=/ and no instance metadata service.
//
// Time: the world's clock is simulated. A client that can only wait (a PDB refused an eviction, a
// rollout waits for pods that have no node) cannot be unblocked while the Job runs: nothing else
// acts on the cluster meanwhile. Instead of letting `kubectl` wait its `--timeout` in real time,
// the runner ends that kubectl process at once and advances the world's clock by the timeout it
// was given — what the caller then sees (a non-zero exit) is what a timeout gives it.
import { ChildProcess, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { World } from '../model';
import { WorldOps } from '../ops';
import { ApiContext, ApiResponse, handle, JobPod } from './api';
import { worldCertificate } from './certs';
import { PodCloud, PodCloudSpec, startPodCloud } from './pod-cloud';
import { Identity, serviceAccountIdentity } from './rbac';

export const RUNNER_ENV = 'REHEARSAL_POD_RUNNER';

export interface PodRun {
  readonly world: World;
  readonly cluster: string;
  readonly by: { readonly stack: string; readonly provider: string };
  readonly pod: JobPod & {
    readonly command: string[];
    readonly env: Record<string, string>;
    /** Whether the service account token is mounted (pod's automountServiceAccountToken, else the account's). */
    readonly mountToken: boolean;
    /** The cloud endpoints the pod reaches (pod-cloud.ts); none when undefined. */
    readonly cloud?: PodCloudSpec;
    /** Directories put first on PATH (where the machine's interpreter stands in for the image's). */
    readonly pathFirst?: string[];
  };
  /** Real seconds after which the pod is killed (bounded cost; the Job then fails as past its deadline). */
  readonly limitSeconds: number;
  /**
   * The world store's lock file, held by the provider call that runs the pod: kept fresh while the
   * pod runs, so that a pod slower than the store's stale-lock age (store.ts) never has its world
   * taken from under it.
   */
  readonly lockFile?: string;
  /** How often the lock is touched while the pod runs, far below the store's stale-lock age. @default 2000 */
  readonly lockRefreshMs?: number;
}

/** Touches `lockFile` while it is still the lock of process `owner`. */
function keepLock(lockFile: string, owner: number): void {
  try {
    if (Number(fs.readFileSync(lockFile, 'utf8').split(' ')[0]) !== owner) return;
    const now = new Date();
    fs.utimesSync(lockFile, now, now);
  } catch {
    // no lock (a test), or released
  }
}

export interface PodResult {
  readonly world: World;
  readonly exitCode: number;
  readonly output: string;
  readonly deadlineExceeded: boolean;
}

/** Descendant pids of `root` (from /proc). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) if (pp === p) { out.push(c); walk(c); }
  };
  walk(root);
  return out;
}

function cmdline(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((x) => x);
  } catch {
    return [];
  }
}

/**
 * Ends the kubectl processes that can only wait; returns the longest --timeout they had (s). A
 * process in `done` was ended already: kubectl drain evicts every pod at once, so several refused
 * evictions ask to end the same kubectl, and its clock must advance once, not once per eviction.
 */
function endWaiting(root: number, stuck: NonNullable<ApiResponse['stuck']>, done: Set<number>): { seconds: number; ended: string[] } {
  let seconds = 0;
  const ended: string[] = [];
  for (const pid of descendants(root)) {
    if (done.has(pid)) continue;
    const args = cmdline(pid);
    // kubectl, or the versioned binary a kubectl dispatcher starts (kubectl.1.33)
    if (!args.length || !/^kubectl(\.[0-9.]+)?$/.test(path.basename(args[0]))) continue;
    const match = stuck.kind === 'drain' ? args.includes('drain') && args.includes(stuck.node) : args.includes('rollout') && args.includes('status') && args.some((a) => a === stuck.name || a.endsWith(`/${stuck.name}`));
    if (!match) continue;
    const t = args.map((a) => /^--timeout=(\d+)s$/.exec(a)).find((m) => m);
    seconds = Math.max(seconds, t ? Number(t[1]) : 0);
    try {
      process.kill(pid, 'SIGTERM');
      done.add(pid);
      ended.push(args.slice(1).join(' '));
    } catch {
      // already gone
    }
  }
  return { seconds, ended };
}

export async function runPodMain(run: PodRun): Promise<PodResult> {
  const ops = new WorldOps(run.world);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-'));
  const tls = worldCertificate('kube-apiserver', ['IP:127.0.0.1', 'DNS:kubernetes.default.svc']);
  const token = crypto.randomBytes(32).toString('base64url');
  const identities: Record<string, Identity> = { [token]: serviceAccountIdentity(run.pod.namespace, run.pod.serviceAccount) };
  const ctx: ApiContext = { ops, cluster: run.cluster, by: run.by, jobPods: [run.pod] };
  let child: ChildProcess | undefined;
  const watches = new Set<import('http').ServerResponse>();
  const endedWaits = new Set<number>();
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      let r: ApiResponse;
      try {
        r = handle(ctx, { method: req.method ?? 'GET', url: req.url ?? '/', body: Buffer.concat(chunks).toString('utf8'), contentType: req.headers['content-type'], identity: auth ? identities[auth[1]] : undefined });
      } catch (e) {
        r = { status: 500, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'InternalError', code: 500, message: String((e as Error).message).slice(0, 300) } };
      }
      if (process.env.KUBE_API_DEBUG) process.stderr.write(`${req.method} ${req.url} -> ${r.status}${r.watch ? ' watch' : ''}\n`);
      if (r.watch) {
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        res.flushHeaders();
        watches.add(res);
        res.on('close', () => watches.delete(res));
      } else {
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(r.body));
      }
      if (r.stuck && child?.pid) {
        const s = r.stuck;
        const pid = child.pid;
        setTimeout(() => {
          const { seconds, ended } = endWaiting(pid, s, endedWaits);
          if (!ended.length) return;
          ops.advance(seconds);
          ops.log({ stack: run.by.stack, provider: run.by.provider, type: 'pod', action: 'wait-ended', id: `${run.pod.namespace}/${run.pod.name}`, name: run.pod.name, detail: `${s.kind === 'drain' ? `a PodDisruptionBudget refuses every eviction from ${s.node}` : `deployment ${s.name} has pods with no node`}: ended "kubectl ${ended[0]}" as its --timeout would, clock +${seconds} s` });
        }, 20);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as import('net').AddressInfo).port;

  const cloud: PodCloud | undefined = run.pod.cloud ? await startPodCloud(ops, run.cluster, run.pod, run.pod.cloud, run.by) : undefined;
  const runDir = path.join(dir, 'run');
  for (const [rel, content] of Object.entries(cloud?.runFiles ?? {})) {
    fs.mkdirSync(path.dirname(path.join(runDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(runDir, rel), content, { mode: cloud?.runExecutables.includes(rel) ? 0o755 : 0o644 });
  }
  const sa = path.join(dir, 'sa');
  fs.mkdirSync(sa);
  if (run.pod.mountToken) {
    fs.writeFileSync(path.join(sa, 'token'), token);
    fs.writeFileSync(path.join(sa, 'ca.crt'), tls.cert);
    fs.writeFileSync(path.join(sa, 'namespace'), run.pod.namespace);
  }
  const env: Record<string, string> = {
    PATH: [...(cloud?.pathFirst ?? []), ...(run.pod.pathFirst ?? []), process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'].join(':'),
    HOSTNAME: run.pod.name,
    KUBERNETES_SERVICE_HOST: '127.0.0.1',
    KUBERNETES_SERVICE_PORT: String(port),
    KUBERNETES_SERVICE_PORT_HTTPS: String(port),
    KUBERNETES_PORT: `tcp://127.0.0.1:${port}`,
    // A container of a user without a passwd entry gets HOME=/ from the runtime; the world has no
    // instance metadata service (the machine's own, if any, must never answer a pod).
    ...(run.pod.cloud ? { HOME: '/', AWS_EC2_METADATA_DISABLED: 'true' } : {}),
    ...cloud?.env,
    ...run.pod.env,
  };
  // /run first (the secrets path is /var/run → /run), then /tmp (the emptyDir), then the command.
  const setup = [
    'set -e',
    'mount -t tmpfs tmpfs /run',
    'mkdir -p /run/secrets/kubernetes.io/serviceaccount',
    'cp "$1"/. /run/secrets/kubernetes.io/serviceaccount/ -R',
    'if [ -d "$2" ]; then cp -R "$2"/. /run/; fi',
    'mount -t tmpfs tmpfs /tmp',
    'shift 2',
    'exec "$@"',
  ].join('\n');
  let output = '';
  let deadlineExceeded = false;
  const exitCode = await new Promise<number>((resolve) => {
    child = spawn('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', setup, 'pod', sa, runDir, ...run.pod.command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const add = (b: Buffer) => { if (output.length < 65536) output += b.toString('utf8'); };
    child.stdout!.on('data', add);
    child.stderr!.on('data', add);
    const keeper = run.lockFile ? setInterval(() => keepLock(run.lockFile!, process.ppid), run.lockRefreshMs ?? 2000) : undefined;
    const timer = setTimeout(() => {
      deadlineExceeded = true;
      for (const p of [...descendants(child!.pid!), child!.pid!]) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    }, run.limitSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (keeper) clearInterval(keeper);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
  for (const w of watches) w.end();
  server.close();
  cloud?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { world: run.world, exitCode, output, deadlineExceeded };
}

// Entry point of the child process (the provider starts it; see jobs.ts).
if (process.env[RUNNER_ENV] === '1' && require.main === module) {
  const run = JSON.parse(fs.readFileSync(0, 'utf8')) as PodRun;
  runPodMain(run).then(
    (r) => {
      // exit once the whole answer is in the pipe (a large world is more than one pipe buffer)
      process.stdout.write(JSON.stringify(r), () => process.exit(0));
    },
    (e) => {
      process.stderr.write(String((e as Error).stack ?? e));
      process.exit(70);
    },
  );
}
