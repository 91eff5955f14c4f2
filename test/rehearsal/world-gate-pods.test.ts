// Issue 19 item 3: the library's check Jobs run for real — the SLO gate on Amazon Managed
// Prometheus (its synthesized `python3 -c <gate script>` with botocore, against the world's EKS Pod
// Identity agent and AMP query API, SigV4 checked; the world's SigV4 check agrees with botocore's
// signer), and the in-cluster HTTP probe (sh + wget against the unit's origin as the world serves it).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HttpProbeCheck, HttpProbeSource, MetricsSource, SloGates, UnitLifecycle } from '../../src';
import { containerOf } from '../../rehearsal/world/kube/jobs';
import { gateInterpreter } from '../../rehearsal/world/kube/interpreters';
import { runPodMain } from '../../rehearsal/world/kube/pod-runner';
import { METRICS_HOST } from '../../rehearsal/world/metrics';
import { emptyWorld, WorldObject } from '../../rehearsal/world/model';
import { WorldOps } from '../../rehearsal/world/ops';
import { POD_IDENTITY_PROPAGATION_SECONDS } from '../../rehearsal/world/pod-identity';
import { IssuedCredential, verifySigV4 } from '../../rehearsal/world/sigv4';
import { eksFleet } from '../aws/eks-fixtures';
import { stackJson, testApp } from '../support/synth';
import { tempDir } from '../support/temp';

const ROLE = 'arn:aws:iam::123456789012:role/gates';
const IMAGE = `registry.example.com/platform/bluegreen-gate@sha256:${'b'.repeat(64)}`;
const BY = { stack: 'shop-validate-blue', provider: 'kubernetes' };
/** Terraform's reading of a synthesized string: `$${` is a literal `${`, `%%{` a literal `%{`. */
const literal = (s: string) => s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');

// The gate image's SDK: the machine's python3 must have botocore (the runner refuses otherwise).
test('this machine stands in for the gate image: python3 with botocore', () => {
  expect(gateInterpreter(true).missing).toBeUndefined();
});

test('a python3 without botocore first on PATH: the runner says so (no modelled fallback); a plain Prometheus gate still runs', () => {
  const dir = tempDir('no-botocore-');
  const saved = process.env.PATH;
  try {
    execFileSync('python3', ['-m', 'venv', '--without-pip', dir]);
    process.env.PATH = `${path.join(dir, 'bin')}:${saved}`;
    expect(gateInterpreter(true).missing).toMatch(/^the gate image for Amazon Managed Prometheus carries botocore; this machine's python3 \(.*no-botocore-.*\) cannot import botocore\. Install it/);
    expect(gateInterpreter(false)).toEqual({ pathFirst: [path.join(dir, 'bin')] });
  } finally {
    process.env.PATH = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 30000);

/** The API availability gate's Job (its PromQL has parentheses) as the library synthesizes it for blue. */
function gateJob(): { job: any; unit: string } {
  const amp = MetricsSource.amazonManagedPrometheus({ workspaceId: 'ws-0123abcd-4567-89ef-0123-456789abcdef', region: 'eu-west-1', roleArn: ROLE, gateImage: IMAGE });
  const f = eksFleet(testApp(), 'shop', [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }], { checks: [SloGates.apiAvailability({ source: amp })] });
  const unit = f.plan.units[0].name;
  const job = Object.values<any>(stackJson(f.validationStacks[unit]).resource.kubernetes_job_v1).find((j) => j.spec.template.spec.container[0].env.some((e: any) => e.name === 'GATE'));
  return { job, unit };
}

/** An EKS cluster with the gate service account; with/without its pod identity association and the agent add-on. */
function world(unit: string, opts: { association: boolean; agent: boolean; availability?: number }): { ops: WorldOps; key: string } {
  const ops = new WorldOps(emptyWorld());
  const c: WorldObject = { type: 'aws_eks_cluster', provider: 'aws', id: 'shop-blue', name: 'shop-blue', stack: `shop-unit-${unit}`, unit, createdAt: 0, attrs: { arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/shop-blue' } };
  ops.put(c);
  const key = ops.keyOf(c);
  ops.put({ type: 'kubernetes_service_account_v1', provider: 'kubernetes', id: 'bluegreen-checks/bluegreen-metric-gates', name: 'bluegreen-metric-gates', stack: BY.stack, cluster: key, unit, createdAt: 0, attrs: { metadata: [{ name: 'bluegreen-metric-gates', namespace: 'bluegreen-checks' }] } });
  if (opts.association) ops.put({ type: 'aws_eks_pod_identity_association', provider: 'aws', id: 'a-1', name: 'a-1', stack: `shop-unit-${unit}`, unit, createdAt: -POD_IDENTITY_PROPAGATION_SECONDS, attrs: { cluster_name: 'shop-blue', namespace: 'bluegreen-checks', service_account: 'bluegreen-metric-gates', role_arn: ROLE } });
  if (opts.agent) ops.put({ type: 'aws_eks_addon', provider: 'aws', id: 'shop-blue:eks-pod-identity-agent', name: 'eks-pod-identity-agent', stack: `shop-unit-${unit}`, unit, createdAt: 0, attrs: { addon_name: 'eks-pod-identity-agent', cluster_name: 'shop-blue' } });
  if (opts.availability !== undefined) ops.world.faults.push({ id: 1, kind: 'metric-value', unit, metric: 'api-availability', value: opts.availability });
  return { ops, key };
}

async function runGate(opts: { association: boolean; agent: boolean; availability?: number }) {
  const { job, unit } = gateJob();
  const { ops, key } = world(unit, opts);
  const spec = job.spec.template.spec;
  const { command, env } = containerOf({ ...spec, container: spec.container.map((c: any) => ({ ...c, command: c.command.map(literal), env: c.env.map((e: any) => ({ ...e, value: literal(e.value) })) })) });
  const r = await runPodMain({
    world: ops.world, cluster: key, by: BY, limitSeconds: 60,
    pod: {
      name: 'slo-api-availability-x', namespace: 'bluegreen-checks', node: 'n-0', labels: job.spec.template.metadata.labels, serviceAccount: spec.service_account_name,
      command, env, mountToken: false, pathFirst: gateInterpreter(true).pathFirst,
      cloud: { job: 'bluegreen-checks/slo-api-availability-x', httpsHosts: ['aps-workspaces.eu-west-1.amazonaws.com'], unit },
    },
  });
  return { r, unit, log: r.world.log, job };
}

describe('the AMP gate Job runs its real script (EKS Pod Identity, SigV4)', () => {
  test('with the association and the agent: credentials from the agent, a signed query the world accepts, PASS with the value', async () => {
    const { r, unit, log } = await runGate({ association: true, agent: true });
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(new RegExp(`^PASS \\[shop/${unit}\\] SLO gate slo-api-availability: .* = 0\\.9998, threshold >= 0\\.999`, 'm'));
    expect(log.filter((l) => l.action === 'token').map((l) => l.detail)).toEqual([expect.stringMatching(/^EKS Pod Identity: role arn:aws:iam::123456789012:role\/gates through association a-1/)]);
    const queries = log.filter((l) => l.type === 'metrics');
    expect(queries.map((l) => l.action)).toEqual(['query']);
    expect(queries[0].detail).toBe(`api-availability ${unit}: healthy 0.9998`);
    // the query went out RFC 3986-encoded, as SigV4 signs it
    expect(queries[0].id).toContain('sum%28rate%28apiserver_request_total');
    // no credential reaches the world's log
    expect(JSON.stringify(log)).not.toMatch(/SecretAccessKey|X-Amz-Security-Token/i);
  }, 30000);

  test('a value outside the gate\'s limit: the script prints BREACH and exits 1 (the pod fails)', async () => {
    const { r } = await runGate({ association: true, agent: true, availability: 0.98 });
    expect(r.exitCode).toBe(1);
    expect(r.output).toMatch(/^BREACH \[shop\/[a-z0-9-]+\] SLO gate slo-api-availability: .* = 0\.98, threshold >= 0\.999 .*; nothing shifts$/m);
  }, 30000);

  test('without a pod identity association: EKS injects nothing, botocore finds no credentials, no query is made', async () => {
    const { r, log } = await runGate({ association: false, agent: true });
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toContain('gate slo-api-availability: no AWS credentials');
    expect(log.some((l) => l.action === 'token')).toBe(false);
    expect(log.some((l) => l.type === 'metrics')).toBe(false);
  }, 30000);
});

test('a plain Prometheus gate from inside the unit (no cloud auth) runs its real script through the world\'s network: PASS', async () => {
  const source = MetricsSource.prometheus({ url: `http://${METRICS_HOST}:9090`, fromInsideUnit: true });
  const f = eksFleet(testApp(), 'shop', [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }], { checks: [SloGates.nodeReadiness({ source })] });
  const unit = f.plan.units[0].name;
  const job = Object.values<any>(stackJson(f.validationStacks[unit]).resource.kubernetes_job_v1).find((j) => j.spec.template.spec.container[0].env.some((e: any) => e.name === 'GATE'));
  const { ops, key } = world(unit, { association: false, agent: false });
  const spec = job.spec.template.spec;
  const { command, env } = containerOf({ ...spec, container: spec.container.map((c: any) => ({ ...c, command: c.command.map(literal), env: c.env.map((e: any) => ({ ...e, value: literal(e.value) })) })) });
  const r = await runPodMain({
    world: ops.world, cluster: key, by: BY, limitSeconds: 60,
    pod: { name: 'slo-node-readiness-x', namespace: 'bluegreen-checks', node: 'n-0', labels: {}, serviceAccount: spec.service_account_name, command, env, mountToken: false, pathFirst: gateInterpreter(false).pathFirst, cloud: { job: 'bluegreen-checks/slo-node-readiness-x', httpsHosts: [], unit } },
  });
  expect(r.exitCode).toBe(0);
  expect(r.output).toMatch(/^PASS \[shop\/[a-z0-9-]+\] SLO gate slo-node-readiness: .* = 1, threshold >= 1/m);
  expect(r.world.log.filter((l) => l.type === 'metrics').map((l) => [l.action, l.name])).toEqual([['query', METRICS_HOST]]);
}, 30000);

describe("the world's SigV4 check agrees with botocore's signer", () => {
  const HOST = 'aps-workspaces.eu-west-1.amazonaws.com';
  const targets = [
    '/workspaces/ws-1/api/v1/query?query=up',
    '/workspaces/ws-1/api/v1/query?query=sum%28rate%28x%7Bbluegreen_unit%3D%22a%22%7D%5B5m%5D%29%29',
    '/workspaces/ws-1/api/v1/query?query=sum(rate(x%7Bbluegreen_unit%3D%22a%22%7D%5B5m%5D))',
  ];
  const signed: Array<Record<string, string>> = (() => {
    expect(spawnSync('python3', ['-c', 'import botocore'], { encoding: 'utf8' }).status).toBe(0);
    const py = [
      'import json, sys',
      'from botocore.auth import SigV4Auth',
      'from botocore.awsrequest import AWSRequest',
      'from botocore.credentials import Credentials',
      'out = []',
      'for url in sys.argv[1:]:',
      '    r = AWSRequest(method="GET", url=url)',
      '    SigV4Auth(Credentials("ASIAEXAMPLE0000001", "secret/key+1", "session-token"), "aps", "eu-west-1").add_auth(r)',
      '    out.append({k.lower(): v for k, v in r.headers.items()})',
      'print(json.dumps(out))',
    ].join('\n');
    return JSON.parse(execFileSync('python3', ['-c', py, ...targets.map((t) => `https://${HOST}${t}`)], { encoding: 'utf8' }));
  })();
  const issued = new Map<string, IssuedCredential>([['ASIAEXAMPLE0000001', { secretAccessKey: 'secret/key+1', sessionToken: 'session-token', principal: ROLE }]]);
  const verify = (i: number, over: { region?: string; issued?: Map<string, IssuedCredential> } = {}) =>
    verifySigV4({ method: 'GET', target: targets[i], headers: { host: HOST, ...signed[i] }, body: '' }, 'aps', over.region ?? 'eu-west-1', over.issued ?? issued);

  test('a query string encoded as RFC 3986 says is accepted, with or without reserved characters', async () => {
    expect(await verify(0)).toMatchObject({ ok: true, principal: ROLE });
    expect(await verify(1)).toMatchObject({ ok: true, principal: ROLE });
  });

  test('"(" and ")" left literal: botocore signs them as given, the service canonicalizes them as %28/%29 — SignatureDoesNotMatch', async () => {
    expect(await verify(2)).toMatchObject({ ok: false, status: 403, message: expect.stringMatching(/^The request signature we calculated does not match/) });
  });

  test('a key the world never issued, another secret, another region: refused', async () => {
    expect(await verify(0, { issued: new Map() })).toMatchObject({ ok: false, status: 403, message: 'The security token included in the request is invalid.' });
    expect(await verify(0, { issued: new Map([['ASIAEXAMPLE0000001', { secretAccessKey: 'other', sessionToken: 'session-token', principal: ROLE }]]) })).toMatchObject({ ok: false, message: expect.stringMatching(/signature we calculated/) });
    expect(await verify(0, { region: 'us-east-1' })).toMatchObject({ ok: false, message: "Credential should be scoped to a valid region, not 'eu-west-1'." });
  });
});

describe('the in-cluster HTTP probe Job runs its real loop (sh + wget) against the unit\'s origin', () => {
  function probeJob(): { job: any; unit: string } {
    const f = eksFleet(testApp(), 'shop', [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }], { checks: [new HttpProbeCheck({ source: HttpProbeSource.IN_CLUSTER, attempts: 3 })] });
    const unit = f.plan.units[0].name;
    const job = Object.values<any>(stackJson(f.validationStacks[unit]).resource.kubernetes_job_v1).find((j) => j.metadata.labels['bluegreen.cdktf.io/check'] === 'http-probe');
    return { job, unit };
  }

  async function runProbe(fault?: { kind: string; remaining?: number; status?: number }) {
    const { job, unit } = probeJob();
    const spec = job.spec.template.spec;
    const { command, env } = containerOf(spec);
    // the default scheme: https, with the world's certificate for the origin name
    const [, scheme, host] = /(https?):\/\/([a-z0-9.-]+)\//.exec(command.join(' '))!;
    expect(scheme).toBe('https');
    const ops = new WorldOps(emptyWorld());
    const c: WorldObject = { type: 'aws_eks_cluster', provider: 'aws', id: 'shop-blue', name: 'shop-blue', stack: `shop-unit-${unit}`, unit, createdAt: 0, attrs: {} };
    ops.put(c);
    // the unit's internal load balancer answers for its origin name
    ops.put({ type: 'aws_lb', provider: 'aws', id: 'lb-1', name: 'lb-1', stack: `shop-unit-${unit}`, unit, createdAt: 0, attrs: { dns_name: host } });
    if (fault) ops.world.faults.push({ id: 1, unit, ...fault });
    const r = await runPodMain({
      world: ops.world, cluster: ops.keyOf(c), by: BY, limitSeconds: 60,
      pod: { name: 'http-probe-x', namespace: 'bluegreen-checks', node: 'n-0', labels: job.spec.template.metadata.labels, serviceAccount: 'default', command, env, mountToken: false, cloud: { job: 'bluegreen-checks/http-probe-x', httpsHosts: [host], unit, sleepAdvancesClock: true } },
    });
    return { r, probes: r.world.log.filter((l) => l.action === 'probe'), clock: r.world.clock, host };
  }

  test('an origin that answers only from the third request: two failed attempts, 10 s of simulated wait each, then exit 0', async () => {
    const { r, probes, clock } = await runProbe({ kind: 'origin-late', remaining: 2 });
    expect(r.exitCode).toBe(0);
    expect(probes.map((p) => p.detail)).toEqual([
      'from the pod: no answer (origin not answering yet (fault origin-late))',
      'from the pod: no answer (origin not answering yet (fault origin-late))',
      'from the pod: 200 (ok)',
    ]);
    expect(clock).toBe(20);
  }, 30000);

  test('an origin answering 503: every attempt fails, the loop ends with its message and exit 1', async () => {
    const { r, probes, host } = await runProbe({ kind: 'origin-status', status: 503 });
    expect(r.exitCode).toBe(1);
    expect(probes).toHaveLength(3);
    expect(r.output).toContain(`https://${host}/healthz did not answer within the 600 s readiness window: the unit origin is not serving yet`);
  }, 30000);
});

test("while a pod runs, the provider's world lock stays fresh (a slow pod never looks abandoned); another owner's lock is left alone", async () => {
  const dir = tempDir('pod-lock-');
  const ops = new WorldOps(emptyWorld());
  const c: WorldObject = { type: 'aws_eks_cluster', provider: 'aws', id: 'c', name: 'c', stack: 's', createdAt: 0, attrs: {} };
  ops.put(c);
  const old = new Date(Date.now() - 60000);
  const locks = { mine: path.join(dir, 'mine.lock'), other: path.join(dir, 'other.lock') };
  // runPodMain runs in this process here: its "provider" is this process's parent
  fs.writeFileSync(locks.mine, `${process.ppid} 1 x`);
  fs.writeFileSync(locks.other, `${process.ppid + 1} 1 x`);
  for (const f of Object.values(locks)) fs.utimesSync(f, old, old);
  const run = (lockFile: string) => runPodMain({ world: ops.world, cluster: ops.keyOf(c), by: BY, limitSeconds: 20, lockFile, lockRefreshMs: 100, pod: { name: 'p', namespace: 'n', node: 'x', labels: {}, serviceAccount: 'default', command: ['/bin/sleep', '0.5'], env: {}, mountToken: false } });
  const startedMs = Date.now();
  await Promise.all([run(locks.mine), run(locks.other)]);
  // refreshed while the pod ran (touched after it started), whatever the machine's load
  expect(fs.statSync(locks.mine).mtimeMs).toBeGreaterThanOrEqual(startedMs - 1000);
  expect(Math.abs(fs.statSync(locks.other).mtimeMs - old.getTime())).toBeLessThan(1000);
  fs.rmSync(dir, { recursive: true, force: true });
}, 30000);
