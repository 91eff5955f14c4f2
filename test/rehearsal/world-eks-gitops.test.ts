// Issue 24 item 4: what the world does with an EKS unit's managed Argo CD and pod identity
// associations (rehearsal/world/rules/eks-gitops.ts), each refusal the one its document describes.
import { reconcileApplication } from '../../rehearsal/world/rules/eks-gitops';
import { WorldOps } from '../../rehearsal/world/ops';
import { SimContext, Simulator } from '../../rehearsal/world/simulator';
import { WorldStore } from '../../rehearsal/world/store';
import { aWorldPerTest, awsContext, failure } from '../support/sim-world';

const U = Symbol.for('rehearsal.unknown');
type A = Record<string, unknown>;
const TRUST = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] });

let file: string;
let sim: Simulator;
aWorldPerTest('world-eks-gitops-', (w) => ({ file, sim } = w));

const world = () => new WorldStore(file).read();
const aws = awsContext('eu-west-1');
const UNIT = 'shop-unit-blue-1-33-abc';


function role(name: string, service: string): string {
  return String(sim.create(aws(UNIT), 'aws_iam_role', { id: U, arn: U, name, assume_role_policy: TRUST(service) }).arn);
}

function cluster(): A {
  return sim.create(aws(UNIT), 'aws_eks_cluster', { id: U, arn: U, endpoint: U, identity: U, name: 'shop-blue', role_arn: role('cluster', 'eks.amazonaws.com'), version: '1.33', tags: { 'bluegreen-unit': 'blue-1-33-abc' } });
}

const capability = (roleArn: string) => sim.create(aws(UNIT), 'aws_eks_capability', {
  arn: U, version: U, region: U, capability_name: 'argocd', cluster_name: 'shop-blue', type: 'ARGOCD', role_arn: roleArn, delete_propagation_policy: 'RETAIN',
  configuration: [{ argo_cd: [{ namespace: 'argocd' }] }],
});

describe('the managed Argo CD of an EKS unit', () => {
  test('its role must trust capabilities.eks.amazonaws.com; it installs Argo CD\'s namespace and an access entry without a policy, and is found again by cluster and name', () => {
    cluster();
    expect(failure(() => capability(role('wrong', 'ec2.amazonaws.com'))).message).toMatch(/does not trust capabilities\.eks\.amazonaws\.com/);
    const state = capability(role('argocd', 'capabilities.eks.amazonaws.com'));
    const objects = Object.values(world().objects);
    expect(objects.filter((o) => o.type === 'kubernetes_namespace_v1').map((o) => o.id)).toEqual(['argocd']);
    expect(objects.filter((o) => o.type === 'aws_eks_access_entry').map((o) => o.attrs.principal_arn)).toEqual([state.role_arn]);
    // No `id` attribute in its schema: a refresh finds it by its arguments.
    const { id: _none, ...withoutId } = state;
    expect(sim.read(aws(UNIT), 'aws_eks_capability', withoutId)).toMatchObject({ capability_name: 'argocd', arn: state.arn });
  });

  test('an Application syncs only to a cluster registered by its ARN, once the capability role has an access policy', () => {
    const c = cluster();
    const argoRole = String(capability(role('argocd', 'capabilities.eks.amazonaws.com')).role_arn);
    const k8s: SimContext = { provider: 'kubernetes', providerConfig: { host: c.endpoint, exec: [{ command: 'aws' }] }, stack: 'shop-validate-blue-1-33-abc' };
    const registration = (server: string) => sim.create(k8s, 'kubernetes_secret_v1', {
      id: U, metadata: [{ name: 'in-cluster', namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } }], data: { name: 'in-cluster', server, project: 'default' },
    });
    const application = () => sim.create(k8s, 'kubernetes_manifest', {
      object: U, manifest: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'workloads', namespace: 'argocd' }, spec: { destination: { name: 'in-cluster' } } },
    });
    const verdict = () => new WorldStore(file).update((w) => {
      const ops = new WorldOps(w);
      return reconcileApplication({ ops, ctx: k8s, type: 'kubernetes_job_v1' }, ops.keyOf(ops.all('aws_eks_cluster')[0]), 'argocd/workloads');
    });
    application();
    expect(verdict().detail).toMatch(/there are no clusters with this name: in-cluster/);
    const wrong = registration('https://kubernetes.default.svc');
    expect(verdict().detail).toMatch(/names server https:\/\/kubernetes\.default\.svc, not the EKS cluster's ARN/);
    sim.delete(k8s, 'kubernetes_secret_v1', wrong);
    registration(String(c.arn));
    expect(verdict().detail).toMatch(/cannot create resource "namespaces" \(the capability's access entry has no access policy\)/);
    sim.create(aws(UNIT), 'aws_eks_access_policy_association', { id: U, cluster_name: 'shop-blue', principal_arn: argoRole, policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', access_scope: [{ type: 'cluster' }] });
    expect(verdict()).toEqual({ ok: true, detail: 'Application argocd/workloads is Synced and Healthy' });
    expect(Object.values(world().objects).filter((o) => o.type === 'kubernetes_service_account_v1').map((o) => o.id).sort()).toEqual(['shop/api', 'shop/worker']);
  });

  test('an Application on a cluster without Argo CD is refused as the kubernetes provider refuses an unknown kind', () => {
    const c = cluster();
    const k8s: SimContext = { provider: 'kubernetes', providerConfig: { host: c.endpoint, exec: [{ command: 'aws' }] }, stack: 'shop-validate-blue-1-33-abc' };
    const e = failure(() => sim.create(k8s, 'kubernetes_manifest', { object: U, manifest: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'workloads', namespace: 'argocd' }, spec: {} } }));
    expect(e.message).toMatch(/resource \[argoproj\.io\/v1alpha1\/Application\] isn't valid for cluster/);
  });

  test('one pod identity association per service account and cluster', () => {
    cluster();
    const assoc = () => sim.create(aws(UNIT), 'aws_eks_pod_identity_association', { id: U, association_id: U, association_arn: U, cluster_name: 'shop-blue', namespace: 'shop', service_account: 'api', role_arn: 'arn:aws:iam::123456789012:role/shop-api' });
    expect(String(assoc().association_id)).toMatch(/^a-[0-9a-f]{17}$/);
    expect(failure(assoc).message).toMatch(/Association already exists for service account shop\/api on cluster shop-blue/);
  });
});
