// Issue 19 item 4: identity that has to be granted — the world refuses what the cloud would refuse.
import { injectFault } from '../../rehearsal/world/faults';
import { WorldOps } from '../../rehearsal/world/ops';
import { FIC_PROPAGATION_SECONDS, POD_IDENTITY_PROPAGATION_SECONDS, podCloudAccess, PodView } from '../../rehearsal/world/pod-identity';
import { SimContext, Simulator } from '../../rehearsal/world/simulator';
import { WorldStore } from '../../rehearsal/world/store';
import { aWorldPerTest, awsContext, azureContext, failure } from '../support/sim-world';

const U = Symbol.for('rehearsal.unknown');
type A = Record<string, unknown>;

let file: string;
let sim: Simulator;
aWorldPerTest('world-identity-', (w) => ({ file, sim } = w));

const world = () => new WorldStore(file).read();
const aws = awsContext('eu-west-1');
const az = azureContext;
const advance = (seconds: number) => new WorldStore(file).update((w) => { w.clock += seconds; });


function eksCluster(): A {
  const ctx = aws('shop-shared');
  sim.create(ctx, 'aws_iam_role', { id: U, arn: U, name: 'cluster', assume_role_policy: '{}' });
  const arn = Object.values(world().objects).find((o) => o.type === 'aws_iam_role')!.attrs.arn;
  return sim.create(ctx, 'aws_eks_cluster', { id: U, arn: U, endpoint: U, identity: U, name: 'shop', role_arn: arn, version: '1.33', tags: { 'bluegreen-unit': 'blue-1-33-abc' } });
}

function aksCluster(): A {
  sim.create(az('shop-shared'), 'azurerm_resource_group', { id: U, name: 'shop-rg', location: 'westeurope' });
  return sim.create(az('shop-unit-blue-1-33-abc'), 'azurerm_kubernetes_cluster', {
    id: U, name: 'shop-blue-1-33-abc', location: 'westeurope', resource_group_name: 'shop-rg', dns_prefix: 'shop-blue', kubernetes_version: '1.33',
    oidc_issuer_enabled: true, workload_identity_enabled: true, oidc_issuer_url: U,
    default_node_pool: [{ name: 'system', auto_scaling_enabled: true, min_count: 3, orchestrator_version: '1.33', node_count: U }],
    kube_config: U, tags: { 'bluegreen-fleet': 'shop', 'bluegreen-unit': 'blue-1-33-abc' },
  });
}

describe('the kubernetes provider\'s credentials', () => {
  test('a static aws_eks_cluster_auth token is refused 15 minutes after it was signed; an exec credential never is', () => {
    const cluster = eksCluster();
    const { token } = sim.readData(aws('shop-traffic'), 'aws_eks_cluster_auth', { name: 'shop' });
    const byToken: SimContext = { provider: 'kubernetes', providerConfig: { host: cluster.endpoint, token, exec: [] }, stack: 'shop-traffic' };
    const byExec: SimContext = { provider: 'kubernetes', providerConfig: { host: cluster.endpoint, token: null, exec: [{ command: 'aws', args: ['eks', 'get-token'] }] }, stack: 'shop-traffic' };
    const ns = (ctx: SimContext, name: string) => sim.create(ctx, 'kubernetes_namespace_v1', { id: U, metadata: [{ name }] });
    advance(900);
    ns(byToken, 'at-900s'); // the last second it is valid
    advance(1);
    const e = failure(() => ns(byToken, 'at-901s'));
    expect(e.message).toMatch(/Unauthorized.*signed 901 s ago.*valid for 900 s/s);
    ns(byExec, 'exec-at-901s');
    expect(world().log.filter((l) => l.action === 'unauthorized')).toHaveLength(1);
  });
});

describe('a pod\'s token exchange (podCloudAccess)', () => {
  const view = (ops: WorldOps, type: string, over: Partial<PodView> = {}): PodView => ({
    cluster: ops.all(type)[0], namespace: 'bluegreen-checks', serviceAccount: 'bluegreen-metric-gates', serviceAccountExists: true,
    labels: { 'azure.workload.identity/use': 'true' }, serviceAccountAnnotations: { 'azure.workload.identity/client-id': '33333333-3333-3333-3333-333333333333' }, ...over,
  });
  const access = (type: string, over: Partial<PodView> = {}) => podCloudAccess(new WorldOps(world()), view(new WorldOps(world()), type, over));

  test('Entra: only a federated credential with the cluster\'s exact issuer, subject and audience, once it has propagated', () => {
    const cluster = aksCluster();
    expect(access('azurerm_kubernetes_cluster').detail).toMatch(/^AADSTS700213: No matching federated identity record found for presented assertion subject 'system:serviceaccount:bluegreen-checks:bluegreen-metric-gates'/);
    const fic = (name: string, over: A) => sim.create(az('shop-unit-blue-1-33-abc'), 'azurerm_federated_identity_credential', {
      id: U, name, resource_group_name: 'ids', parent_id: '/subscriptions/0/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/gates',
      issuer: cluster.oidc_issuer_url, subject: 'system:serviceaccount:bluegreen-checks:bluegreen-metric-gates', audience: ['api://AzureADTokenExchange'], ...over,
    });
    fic('wrong-subject', { subject: 'system:serviceaccount:default:bluegreen-metric-gates' });
    fic('wrong-issuer', { issuer: `${String(cluster.oidc_issuer_url)}x` });
    fic('wrong-audience', { audience: ['api://other'], parent_id: '/subscriptions/0/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/other' });
    advance(FIC_PROPAGATION_SECONDS);
    expect(access('azurerm_kubernetes_cluster').ok).toBe(false);
    fic('right', {});
    advance(FIC_PROPAGATION_SECONDS - 1);
    expect(access('azurerm_kubernetes_cluster').detail).toMatch(/federated credential right was added 119 s ago/);
    advance(1);
    expect(access('azurerm_kubernetes_cluster')).toEqual({ ok: true, detail: expect.stringMatching(/through federated credential right$/) });
    // Without the pod label the webhook injects nothing.
    expect(access('azurerm_kubernetes_cluster', { labels: {} }).detail).toMatch(/webhook injected nothing/);
  });

  test('AWS: an IRSA annotation needs an IAM OIDC provider for the issuer (and shadows Pod Identity); Pod Identity needs the association and the agent', () => {
    const cluster = eksCluster();
    const ctx = aws('shop-unit-blue-1-33-abc');
    const irsa = { serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/gates' }, labels: {} };
    const pid = { serviceAccountAnnotations: {}, labels: {} };
    sim.create(ctx, 'aws_eks_pod_identity_association', { id: U, association_id: U, cluster_name: 'shop', namespace: 'bluegreen-checks', service_account: 'bluegreen-metric-gates', role_arn: 'arn:aws:iam::123456789012:role/gates' });
    expect(access('aws_eks_cluster', irsa).detail).toMatch(/InvalidIdentityToken: No OpenIDConnect provider found in your account for https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\//);
    expect(access('aws_eks_cluster', pid).detail).toMatch(/eks-pod-identity-agent add-on does not run on cluster shop/);
    sim.create(ctx, 'aws_eks_addon', { id: U, arn: U, addon_version: U, cluster_name: 'shop', addon_name: 'eks-pod-identity-agent' });
    // associations are eventually consistent: none is effective until it is POD_IDENTITY_PROPAGATION_SECONDS old
    expect(access('aws_eks_cluster', pid).detail).toMatch(/was created 0 s ago and is not effective yet/);
    advance(POD_IDENTITY_PROPAGATION_SECONDS - 1);
    expect(access('aws_eks_cluster', pid).ok).toBe(false);
    advance(1);
    expect(access('aws_eks_cluster', pid)).toEqual({ ok: true, detail: expect.stringMatching(/^EKS Pod Identity: role arn:aws:iam::123456789012:role\/gates/) });
    expect(access('aws_eks_cluster', { ...pid, serviceAccount: 'other' }).ok).toBe(false);
    const issuer = ((cluster.identity as A[])[0].oidc as A[])[0].issuer as string;
    sim.create(ctx, 'aws_iam_openid_connect_provider', { id: U, arn: U, url: issuer, client_id_list: ['sts.amazonaws.com'] });
    expect(access('aws_eks_cluster', irsa).ok).toBe(true);
  });
});

describe('Jobs and the retry of an interrupted deploy', () => {
  function k8s(): SimContext {
    const cluster = eksCluster();
    const ctx: SimContext = { provider: 'kubernetes', providerConfig: { host: cluster.endpoint, exec: [{ command: 'aws' }] }, stack: 'shop-validate-blue-1-33-abc' };
    sim.create(ctx, 'kubernetes_namespace_v1', { id: U, metadata: [{ name: 'bluegreen-checks' }] });
    return ctx;
  }
  const job = (ctx: SimContext, metadata: A) => sim.create(ctx, 'kubernetes_job_v1', {
    id: U, metadata: [{ namespace: 'bluegreen-checks', name: U, ...metadata }], wait_for_completion: false,
    spec: [{ backoff_limit: 0, template: [{ metadata: [{}], spec: [{ container: [{ name: 'check', image: 'busybox' }], restart_policy: 'Never' }] }] }],
  });

  test('a create cut off after the Job exists leaves it in the world; a fixed name then fails AlreadyExists, generate_name does not', () => {
    const ctx = k8s();
    injectFault(file, { kind: 'interrupted-after-create', type: 'kubernetes_job_v1', unit: 'blue', attempts: 2 });
    expect(failure(() => job(ctx, { name: 'smoke-abc', labels: { 'bluegreen.cdktf.io/unit': 'blue-1-33-abc' } })).message).toMatch(/interrupted/);
    expect(failure(() => job(ctx, { name: 'smoke-abc', labels: { 'bluegreen.cdktf.io/unit': 'blue-1-33-abc' } })).message).toMatch(/jobs\.batch "smoke-abc" already exists/);
    expect(failure(() => job(ctx, { generate_name: 'smoke-abc-', labels: { 'bluegreen.cdktf.io/unit': 'blue-1-33-abc' } })).message).toMatch(/interrupted/);
    const retried = job(ctx, { generate_name: 'smoke-abc-', labels: { 'bluegreen.cdktf.io/unit': 'blue-1-33-abc' } });
    const names = Object.values(world().objects).filter((o) => o.type === 'kubernetes_job_v1').map((o) => o.name);
    expect(names).toHaveLength(3);
    expect(new Set(names).size).toBe(3);
    expect(String((retried.metadata as A[])[0].name)).toMatch(/^smoke-abc-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});
