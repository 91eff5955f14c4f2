// The cloud as a Job's pod reaches it when its command runs for real (issue 19 item 3): the
// pod-runner (pod-runner.ts) starts these endpoints next to the cluster's API, on loopback, and
// gives the pod the environment and files the cluster would.
//
// - EKS Pod Identity: for a pod whose service account has a pod identity association, EKS sets
//   AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (and the region
//   variables) and mounts a projected token at
//   /var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token; the SDK sends
//   that token in the Authorization header of a GET to the agent, which answers AccessKeyId,
//   SecretAccessKey, Token, AccountId and Expiration
//   (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html ,
//   https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html). The agent
//   is the `eks-pod-identity-agent` add-on (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html):
//   without it nothing listens at that address. The agent listens on 169.254.170.23:80; here it is
//   a loopback port (botocore accepts any loopback address for the full URI). Whether the cloud
//   hands a credential out is pod-identity.ts's decision, made when the pod asks.
// - Amazon Managed Service for Prometheus query API (`/workspaces/<id>/api/v1/query`, SigV4 for
//   service `aps`; https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-onboard-query-APIs.html):
//   HTTPS with a certificate for aps-workspaces.<region>.amazonaws.com from the world's own CA,
//   which the pod trusts through SSL_CERT_FILE (the image's CA store stands in for it). A request
//   whose signature is not one of the credentials the agent issued is refused with 403
//   (sigv4.ts). Answers come from the world's metrics (metrics.ts).
// - A plain Prometheus (http) at the world's METRICS_HOST, answered the same way.
// - The units' origins (load balancers, public IPs, records; origins.ts), over http and https, as
//   the http data source sees them (rules/http.ts): a refused connection, a fault's status or 200.
//   GNU wget stands in for the image's busybox wget; it gets the world's CA from a wgetrc.
// - `sleep`, for a Job whose command waits between attempts (the in-cluster HTTP probe): a stand-in
//   first on PATH that advances the world's clock instead of real time — nothing else acts on the
//   world while the Job runs, as for kubectl's --timeout in pod-runner.ts.
// The pod reaches those host names through an HTTP proxy the runner sets in HTTP(S)_PROXY (the
// world's stand-in for the cluster's DNS and network: every name it does not serve is refused
// with 502); loopback addresses bypass it (NO_PROXY), and botocore's credential fetch never uses
// a proxy.
import * as crypto from 'crypto';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as path from 'path';
import { answerQuery, METRICS_HOST } from '../metrics';
import { answer, resolveHost } from '../origins';
import { WorldOps } from '../ops';
import { podCloudAccess } from '../pod-identity';
import { IssuedCredential, verifySigV4 } from '../sigv4';
import { block, str, strMap } from '../values';
import { worldCertificate } from './certs';

/** What the pod reaches of the cloud (PodRun.pod.cloud). */
export interface PodCloudSpec {
  /** The Job the pod belongs to (`<namespace>/<name>`), for the log. */
  readonly job: string;
  /** Host names served over HTTPS (their certificate's names). */
  readonly httpsHosts: string[];
  /** The unit, for the log. */
  readonly unit?: string;
  /** `sleep` advances the world's clock instead of real time (a stand-in first on PATH). */
  readonly sleepAdvancesClock?: boolean;
}

export interface PodCloud {
  readonly env: Record<string, string>;
  /** Files the pod sees under /run (path relative to /run → content). */
  readonly runFiles: Record<string, string>;
  /** Of those, the executables. */
  readonly runExecutables: string[];
  /** Directories the pod's PATH starts with. */
  readonly pathFirst: string[];
  close(): void;
}

/** Where EKS mounts the Pod Identity token. */
const POD_IDENTITY_TOKEN = 'secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token';
/** How long an issued credential is valid (the SDK refreshes it before Expiration). */
const CREDENTIAL_SECONDS = 3600;
/** Where the pod finds the world's CA (SSL_CERT_FILE). */
const WORLD_CA = 'rehearsal-world/ca.crt';
const WGETRC = 'rehearsal-world/wgetrc';
const SLEEP = 'rehearsal-world/bin/sleep';
const AMP_HOST = /^aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com$/;

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** A loopback port where nothing listens (the agent's address when the agent does not run). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Starts the endpoints of `spec` for a pod of service account `namespace/serviceAccount` in cluster `clusterKey`. */
export async function startPodCloud(ops: WorldOps, clusterKey: string, pod: { namespace: string; serviceAccount: string; labels: Record<string, string> }, spec: PodCloudSpec, by: { stack: string; provider: string }): Promise<PodCloud> {
  const servers: net.Server[] = [];
  const env: Record<string, string> = {};
  const runFiles: Record<string, string> = {};
  const runExecutables: string[] = [];
  const pathFirst: string[] = [];
  const issued = new Map<string, IssuedCredential>();
  const jobName = spec.job.split('/')[1] ?? spec.job;
  const log = (type: string, action: string, id: string, name: string, detail: string, unit = spec.unit) => ops.log({ stack: by.stack, provider: by.provider, type, action, id, name, unit, detail });
  const cluster = ops.world.objects[clusterKey];

  // ---- EKS Pod Identity --------------------------------------------------------------------
  const sa = ops.find('kubernetes_service_account_v1', (o) => o.cluster === clusterKey && str(block(o.attrs.metadata)?.name) === pod.serviceAccount && (str(block(o.attrs.metadata)?.namespace) ?? 'default') === pod.namespace);
  const association = cluster?.type === 'aws_eks_cluster' ? ops.find('aws_eks_pod_identity_association', (o) => o.attrs.cluster_name === cluster.name && o.attrs.namespace === pod.namespace && o.attrs.service_account === pod.serviceAccount) : undefined;
  if (cluster && association) {
    const token = crypto.randomBytes(24).toString('base64url');
    runFiles[POD_IDENTITY_TOKEN] = token;
    const agent = ops.find('aws_eks_addon', (o) => o.attrs.addon_name === 'eks-pod-identity-agent' && o.attrs.cluster_name === cluster.name);
    let port: number;
    if (agent) {
      const server = http.createServer((req, res) => {
        const refuse = (status: number, message: string) => {
          log('kubernetes_job_v1', 'token-refused', spec.job, jobName, `pod identity agent: ${message}`);
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message }));
        };
        if (req.method !== 'GET' || req.url !== '/v1/credentials') return refuse(404, `no route ${req.method} ${req.url}`);
        if (req.headers.authorization !== token) return refuse(400, 'the Authorization header is not the pod\'s projected service account token');
        const access = podCloudAccess(ops, {
          cluster, namespace: pod.namespace, serviceAccount: pod.serviceAccount, serviceAccountExists: sa !== undefined,
          labels: pod.labels, serviceAccountAnnotations: strMap(block(sa?.attrs.metadata)?.annotations),
        });
        if (!access.ok) return refuse(400, access.detail);
        const keyId = `ASIA${crypto.randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`;
        const cred: IssuedCredential = { secretAccessKey: crypto.randomBytes(30).toString('base64'), sessionToken: crypto.randomBytes(48).toString('base64'), principal: String(association.attrs.role_arn) };
        issued.set(keyId, cred);
        log('kubernetes_job_v1', 'token', spec.job, jobName, `${access.detail} (the agent issued credential #${issued.size} of this pod)`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ AccessKeyId: keyId, SecretAccessKey: cred.secretAccessKey, Token: cred.sessionToken, AccountId: String(association.attrs.role_arn).split(':')[4] ?? '', Expiration: new Date(Date.now() + CREDENTIAL_SECONDS * 1000).toISOString() }));
      });
      servers.push(server);
      port = await listen(server);
    } else {
      port = await closedPort();
      log('kubernetes_job_v1', 'token-refused', spec.job, jobName, `association ${association.id} exists but the eks-pod-identity-agent add-on does not run on cluster ${cluster.name}: nothing listens at the agent's address`);
    }
    const region = /^arn:aws:eks:([a-z0-9-]+):/.exec(String(cluster.attrs.arn ?? ''))?.[1] ?? str(cluster.attrs.region);
    Object.assign(env, {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/v1/credentials`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: `/var/run/${POD_IDENTITY_TOKEN}`,
      AWS_STS_REGIONAL_ENDPOINTS: 'regional',
      ...(region ? { AWS_DEFAULT_REGION: region, AWS_REGION: region } : {}),
    });
  }

  // ---- the metrics APIs ----------------------------------------------------------------------
  const answerMetrics = (url: URL, res: http.ServerResponse) => {
    const a = answerQuery(ops, url);
    log('metrics', 'query', url.toString(), url.hostname, a.detail, a.unit ?? spec.unit);
    res.writeHead(a.status, { 'content-type': a.status === 200 ? 'application/json' : 'text/plain' });
    res.end(a.body);
  };
  // A unit's origin (its load balancer, public IP or record), as rules/http.ts answers the deploy machine.
  const answerOrigin = (url: URL, res: http.ServerResponse) => {
    const target = resolveHost(ops, url.hostname);
    const a = target ? answer(ops, target.unit, target.createdAt, true) : { status: undefined, why: `lookup ${url.hostname}: no such host` };
    log('http', 'probe', url.toString(), url.hostname, `from the pod: ${a.status ?? 'no answer'} (${a.why})`, target?.unit ?? spec.unit);
    if (a.status === undefined) {
      res.socket?.destroy();
      return;
    }
    res.writeHead(a.status, { 'content-type': 'text/plain' });
    res.end(a.status < 400 ? 'ok' : a.why);
  };
  const readBody = (req: http.IncomingMessage, then: (body: string) => void) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => then(Buffer.concat(chunks).toString('utf8')));
  };
  let tlsServer: https.Server | undefined;
  if (spec.httpsHosts.length) {
    const tls = worldCertificate('rehearsal world cloud', spec.httpsHosts.map((h) => `DNS:${h}`));
    // The pod's /tmp is its own, so the CA travels like the other mounted files, under /run.
    runFiles[WORLD_CA] = tls.cert;
    env.SSL_CERT_FILE = `/var/run/${WORLD_CA}`;
    tlsServer = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => readBody(req, async (body) => {
      const host = String(req.headers.host ?? '').replace(/:443$/, '');
      const amp = AMP_HOST.exec(host);
      if (!amp) return answerOrigin(new URL(`https://${host}${req.url}`), res);
      // the signer is asynchronous; a failure of the check itself is the service's 500, never a hang
      const v = await verifySigV4({ method: req.method ?? 'GET', target: req.url ?? '/', headers: req.headers, body }, 'aps', amp[1], issued)
        .catch((e: unknown) => ({ ok: false, status: 500, message: `InternalFailure: ${e instanceof Error ? e.message : String(e)}` }));
      if (!v.ok) {
        log('metrics', 'refused', `https://${host}${req.url}`, host, `${v.status}: ${v.message}`);
        res.writeHead(v.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: v.message }));
        return;
      }
      answerMetrics(new URL(`https://${host}${req.url}`), res);
    }));
  }
  const proxy = http.createServer((req, res) => readBody(req, () => {
    const wait = /^\/sleep\?seconds=([0-9.]+)$/.exec(req.url ?? '');
    if (wait && spec.sleepAdvancesClock) {
      ops.advance(Number(wait[1]));
      res.writeHead(204);
      res.end();
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400);
      res.end('a proxy request names an absolute URL');
      return;
    }
    if (url.hostname === METRICS_HOST) return answerMetrics(url, res);
    if (resolveHost(ops, url.hostname)) return answerOrigin(url, res);
    res.writeHead(502);
    res.end(`the world has no host ${url.hostname}`);
  }));
  proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const host = String(req.url ?? '').replace(/:\d+$/, '');
    if (!tlsServer || !spec.httpsHosts.includes(host)) {
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    tlsServer.emit('connection', socket);
  });
  servers.push(proxy);
  const proxyPort = await listen(proxy);
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  // GNU wget stands in for the image's busybox wget, which makes one try and checks no certificate:
  // one try here too (GNU wget retries a refused connection 20 times by default:
  // https://www.gnu.org/software/wget/manual/wget.html, `--tries`, `ca_certificate`), with the world's CA.
  runFiles[WGETRC] = `tries = 1\n${spec.httpsHosts.length ? `ca_certificate = /var/run/${WORLD_CA}\n` : ''}`;
  env.WGETRC = `/var/run/${WGETRC}`;
  if (spec.sleepAdvancesClock) {
    // Nothing else acts on the world while the Job runs: a wait is the clock moving on, as for kubectl's --timeout (pod-runner.ts).
    runFiles[SLEEP] = `#!/bin/sh\nexec wget -q -O /dev/null "http://127.0.0.1:${proxyPort}/sleep?seconds=$1"\n`;
    runExecutables.push(SLEEP);
    pathFirst.push(`/var/run/${path.dirname(SLEEP)}`);
  }
  Object.assign(env, { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, http_proxy: proxyUrl, https_proxy: proxyUrl, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' });
  return {
    env,
    runFiles,
    runExecutables,
    pathFirst,
    close() {
      for (const s of servers) s.close();
      tlsServer?.close();
    },
  };
}
