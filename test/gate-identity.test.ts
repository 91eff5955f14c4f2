// Issue 20 items 2, 3, 7 and 10: the identity an in-unit SLO gate needs is granted with every unit,
// it selects the label the managed service writes, and it authenticates through maintained SDKs.
import { spawn, spawnSync } from 'child_process';
import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import { AksFleet, AksUnitNames, FrontDoorRouter, MetricsSource, SloGates, UnitLifecycle } from '../src';
import { BlueGreenError } from '../src/core/errors';
import { METRIC_GATE_SCRIPT } from '../src/kubernetes/private/metric-gate-script';
import { eksFleet } from './aws/eks-fixtures';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { stackJson, testApp } from './support/synth';

const IDENTITY = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/gates';
const IMAGE = `registry.example.com/platform/bluegreen-gate@sha256:${'b'.repeat(64)}`;
const ROLE = 'arn:aws:iam::123456789012:role/gates';
const azure = () => MetricsSource.azureMonitorWorkspace({ queryEndpoint: 'https://amw.westeurope.prometheus.monitor.azure.com', clientId: '22222222-2222-2222-2222-222222222222', managedIdentityId: IDENTITY, gateImage: IMAGE });
const amp = () => MetricsSource.amazonManagedPrometheus({ workspaceId: 'ws-0123abcd-4567-89ef-0123-456789abcdef', region: 'eu-west-1', roleArn: ROLE, gateImage: IMAGE });
const serving = (slot: string, v: string, weight: number) => ({ slot, kubernetesVersion: v, lifecycle: UnitLifecycle.SERVING, weight });

function aksFleet(units = [serving('blue', '1.33', 90), serving('green', '1.34', 10)]) {
  const app = testApp();
  const f = new AksFleet(app, 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), router: new FrontDoorRouter(), checks: SloGates.all({ source: azure() }), units });
  return f;
}

describe('Azure Monitor gates (20.3, 20.7)', () => {
  const f = aksFleet();
  const green = f.plan.units.find((u) => u.slot === 'green')!.name;
  const unit = stackJson(f.unitStacks[green]);
  const validate = stackJson(f.validationStacks[green]);

  test("every unit's stack federates the gate service account with the gates' identity, exactly as Entra matches it", () => {
    const fics = Object.values<any>(unit.resource.azurerm_federated_identity_credential);
    expect(fics).toHaveLength(1);
    expect(fics[0]).toMatchObject({
      parent_id: IDENTITY, subject: 'system:serviceaccount:bluegreen-checks:bluegreen-metric-gates', audience: ['api://AzureADTokenExchange'],
      lifecycle: { prevent_destroy: true },
    });
    expect(fics[0].issuer).toMatch(/^\$\{azurerm_kubernetes_cluster\.[\w-]+\.oidc_issuer_url\}$/);
    // The Job's service account is the one federated, in the namespace federated.
    const sa = Object.values<any>(validate.resource.kubernetes_service_account_v1)[0];
    expect(sa.metadata).toMatchObject({ name: 'bluegreen-metric-gates', namespace: '${kubernetes_namespace_v1.checks-namespace.metadata[0].name}', annotations: { 'azure.workload.identity/client-id': '22222222-2222-2222-2222-222222222222' } });
    expect(validate.resource.kubernetes_namespace_v1['checks-namespace'].metadata.name).toBe('bluegreen-checks');
  });

  test('the unit stack ends only after the federated credential had time to propagate (a couple of minutes)', () => {
    const sleep = Object.values<any>(unit.resource.time_sleep).find((s) => s.create_duration === '120s');
    expect(sleep).toBeDefined();
    expect(sleep.depends_on.some((d: string) => d.startsWith('azurerm_federated_identity_credential.'))).toBe(true);
  });

  test('the gates select the cluster alias the managed Prometheus default scrape writes: cluster="<AKS cluster name>"', () => {
    const job = Object.values<any>(validate.resource.kubernetes_job_v1).find((j) => j.spec.template.spec.container[0].env.some((e: any) => e.name === 'GATE'));
    const gate = JSON.parse(job.spec.template.spec.container[0].env.find((e: any) => e.name === 'GATE').value);
    const query = decodeURIComponent(gate.url.split('?query=')[1]);
    expect(query).toContain(`cluster="${AksUnitNames.clusterName('shop', green)}"`);
    expect(query).not.toContain('bluegreen_unit');
  });

  test('more than 20 federated credentials on the identity are refused at synth, naming the count', () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ slot: `s${i}`, kubernetesVersion: '1.33', lifecycle: UnitLifecycle.STANDBY, weight: 0 }));
    let err: unknown;
    try {
      aksFleet([serving('blue', '1.33', 100), ...many.slice(0, 20)]);
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(BlueGreenError);
    expect((err as Error).message).toMatch(/fleet "shop".*MetricsSource\.azureMonitorWorkspace\.managedIdentityId.*21 live units.*21 federated credentials, more than the 20/s);
    expect(() => aksFleet([serving('blue', '1.33', 100), ...many.slice(0, 19)])).not.toThrow();
  });
});

describe('Amazon Managed Prometheus gates (20.2)', () => {
  const app = testApp();
  const f = eksFleet(app, 'shop', [serving('blue', '1.33', 100)], { checks: [SloGates.nodeReadiness({ source: amp() })] });
  const blue = f.plan.units[0].name;

  test("every unit's stack associates the gate service account with the gates' role (EKS Pod Identity); no IRSA annotation shadows it", () => {
    const assoc = Object.values<any>(stackJson(f.unitStacks[blue]).resource.aws_eks_pod_identity_association);
    expect(assoc.filter((a) => a.service_account === 'bluegreen-metric-gates')).toEqual([expect.objectContaining({ namespace: 'bluegreen-checks', role_arn: ROLE })]);
    const sa = Object.values<any>(stackJson(f.validationStacks[blue]).resource.kubernetes_service_account_v1)[0];
    expect(Object.keys(sa.metadata.annotations ?? {})).not.toContain('eks.amazonaws.com/role-arn');
  });
});

describe('the gate script authenticates through maintained libraries (20.10)', () => {
  test('no hand-written SigV4, STS or Entra client-assertion exchange', () => {
    expect(METRIC_GATE_SCRIPT).not.toMatch(/hmac|AssumeRoleWithWebIdentity|client_assertion|AWS4-HMAC|oauth2\/v2\.0\/token/);
    expect(METRIC_GATE_SCRIPT).toContain('from azure.identity import WorkloadIdentityCredential');
    expect(METRIC_GATE_SCRIPT).toContain('SigV4Auth(credentials, "aps"');
  });

  test('an image that is not pinned by digest is refused, naming the field and the SDK', () => {
    expect(() => MetricsSource.amazonManagedPrometheus({ workspaceId: 'ws-0123abcd-4567-89ef-0123-456789abcdef', region: 'eu-west-1', roleArn: ROLE, gateImage: 'python:3.13' }))
      .toThrow(/MetricsSource\.amazonManagedPrometheus\.gateImage = "python:3\.13" is refused: the gate Job runs botocore from an image pinned by digest/);
  });

  // botocore is what the gate image carries; this machine's python3 has it (Debian python3-boto3).
  test('on EKS Pod Identity the script signs its query with botocore, from the container credential provider', async () => {
    expect(spawnSync('python3', ['-c', 'import botocore'], { encoding: 'utf8' }).status).toBe(0);
    const seen: Array<{ url: string; auth?: string; token?: string }> = [];
    const server: Server = createServer((req: IncomingMessage, res) => {
      if (req.url === '/credentials') {
        seen.push({ url: req.url, auth: String(req.headers.authorization) });
        res.end(JSON.stringify({ AccessKeyId: 'ASIAEXAMPLEPODID0001', SecretAccessKey: 'simulated', Token: 'pod-identity-session', Expiration: new Date(Date.now() + 3600e3).toISOString() }));
        return;
      }
      seen.push({ url: String(req.url), auth: String(req.headers.authorization), token: String(req.headers['x-amz-security-token']) });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, '1'] }] } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const base = `http://127.0.0.1:${port}/workspaces/ws-1/api/v1/query?query=`;
    const gate = { gate: 'slo-node-readiness', fleet: 'shop', unit: 'blue-1-33-abcdef', query: 'up', auth: 'amp', region: 'eu-west-1', url: `${base}up`, isBaseline: true, needsBaseline: false, limits: { direction: 'at-least', threshold: 1 }, limitsText: '≥ 1' };
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn('python3', ['-c', METRIC_GATE_SCRIPT], {
        env: { PATH: process.env.PATH, HOME: '/tmp', GATE: JSON.stringify(gate), AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'pod-identity-token', AWS_EC2_METADATA_DISABLED: 'true' },
      });
      let stdout = ''; let stderr = '';
      p.stdout.on('data', (d) => { stdout += d; });
      p.stderr.on('data', (d) => { stderr += d; });
      p.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    server.close();
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^PASS \[shop\/blue-1-33-abcdef\] SLO gate slo-node-readiness: up = 1/);
    expect(seen[0]).toEqual({ url: '/credentials', auth: 'pod-identity-token' });
    expect(seen[1].auth).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEPODID0001\/\d{8}\/eu-west-1\/aps\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
    expect(seen[1].token).toBe('pod-identity-session');
  }, 30000);
});
