// What an EKS unit gets by itself (issue 24 item 4): the managed Argo CD (EKS Capabilities), the
// cluster registration and Application that make it sync the team's repository, and EKS Pod Identity
// associations. Registry pages: https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/…
// and https://registry.terraform.io/providers/hashicorp/kubernetes/2.38.0/docs/… .
import { SimError } from '../errors';
import { WorldObject } from '../model';
import { requireKubeCredentials } from '../credentials';
import { Attrs, block, fill, str, strMap } from '../values';
import { clusterOfProvider, hex, timestamp } from './common';
import { REPOSITORY_NAMESPACES } from './gitops';
import { Call, ResourceRule } from './rule';

/** The world's record of an Argo CD Application (the CRD object the capability's Argo CD reconciles). */
export const ARGOCD_APPLICATION = 'argocd_application';

function eksClusterNamed(call: Call, name: unknown): WorldObject {
  const c = call.ops.find('aws_eks_cluster', (o) => o.name === name);
  if (!c) throw new SimError('ResourceNotFoundException', `No cluster found for name: ${String(name)}.`);
  return c;
}

/** Whether an IAM trust policy (JSON) lets `service` assume the role. */
function trusts(policy: unknown, service: string): boolean {
  try {
    const doc = JSON.parse(String(policy)) as { Statement?: Array<{ Effect?: string; Principal?: { Service?: string | string[] } }> };
    return (doc.Statement ?? []).some((s) => s.Effect === 'Allow' && [s.Principal?.Service ?? []].flat().includes(service));
  } catch {
    return false;
  }
}

function argoNamespace(capability: Attrs): string {
  const conf = block(capability.configuration) ?? {};
  return str(block(conf.argo_cd)?.namespace) ?? 'argocd';
}

// ---- the Argo CD capability -------------------------------------------------------------------
// …/resources/eks_capability (no `id`: keyed by cluster and capability name). The capability's IAM
// role must trust `capabilities.eks.amazonaws.com`
// (https://docs.aws.amazon.com/eks/latest/userguide/capability-role.html). Creating an Argo CD
// capability installs Argo CD's resources into its namespace of the cluster (default `argocd`), and
// EKS creates an access entry for the capability role on the cluster "but no Kubernetes RBAC
// permissions are granted by default"; the capability "does not automatically register the local
// cluster" (https://docs.aws.amazon.com/eks/latest/userguide/argocd-register-clusters.html).
const capability: ResourceRule = {
  key(a) {
    return `${String(a.cluster_name)},${String(a.capability_name)}`;
  },
  name(a) {
    return str(a.capability_name);
  },
  cluster(call, a) {
    return call.ops.keyOf(eksClusterNamed(call, a.cluster_name));
  },
  create(call, a) {
    const cluster = eksClusterNamed(call, a.cluster_name);
    if (!['ARGOCD', 'ACK', 'KRO'].includes(String(a.type))) throw new SimError('InvalidParameterException', `capability type ${String(a.type)} is not one of ARGOCD, ACK, KRO`);
    const role = call.ops.find('aws_iam_role', (o) => o.attrs.arn === a.role_arn);
    if (!role) throw new SimError('InvalidParameterException', `the capability role ${String(a.role_arn)} does not exist`);
    if (!trusts(role.attrs.assume_role_policy, 'capabilities.eks.amazonaws.com')) {
      throw new SimError('InvalidParameterException', `the capability role ${String(a.role_arn)} does not trust capabilities.eks.amazonaws.com`);
    }
    if (call.ops.find('aws_eks_capability', (o) => o.cluster === call.ops.keyOf(cluster) && o.attrs.capability_name === a.capability_name)) {
      throw new SimError('ResourceInUseException', `Capability already exists: ${String(a.capability_name)}`);
    }
    fill(a, 'arn', String(cluster.attrs.arn).replace(':cluster/', ':capability/') + `/${String(a.capability_name)}/${hex(String(a.capability_name) + cluster.name, 8)}`);
    fill(a, 'version', '3.1.8-eks-1');
    fill(a, 'region', str(cluster.attrs.region) ?? null);
  },
  created(call, obj) {
    if (obj.attrs.type !== 'ARGOCD') return;
    const key = obj.cluster as string;
    const ns = argoNamespace(obj.attrs);
    const base = { provider: 'kubernetes', stack: obj.stack, unit: obj.unit, fleet: obj.fleet, cluster: key, createdAt: call.ops.clock };
    if (!call.ops.get('kubernetes_namespace_v1', ns, key)) call.ops.put({ ...base, type: 'kubernetes_namespace_v1', id: ns, name: ns, attrs: { metadata: [{ name: ns }] } });
    const role = String(obj.attrs.role_arn);
    if (!call.ops.find('aws_eks_access_entry', (o) => o.cluster === key && o.attrs.principal_arn === role)) {
      const cluster = call.ops.all('aws_eks_cluster', (o) => call.ops.keyOf(o) === key)[0];
      call.ops.put({ ...base, provider: 'aws', type: 'aws_eks_access_entry', id: `${cluster?.name ?? key}:${role}`, name: role, attrs: { principal_arn: role, type: 'STANDARD', kubernetes_groups: [], created_at: timestamp(call.ops.clock) } });
    }
    call.ops.log({ stack: obj.stack, provider: 'aws', type: 'aws_eks_capability', action: 'install', id: obj.id, name: obj.name, unit: obj.unit, detail: `Argo CD in namespace ${ns}; access entry for ${role} (no access policy)` });
  },
};

// ---- Kubernetes objects of the capability: the cluster registration and the Application --------
// …/resources/secret_v1 (id `<namespace>/<name>`): its namespace must exist (AlreadyExists on a
// second one). …/resources/manifest: the kind must be known to the cluster — an Application needs
// Argo CD's CRDs, which the capability installs — else the provider refuses it ("resource
// [argoproj.io/v1alpha1/Application] isn't valid for cluster, check the APIVersion and Kind fields are valid").
function kubeCluster(call: Call, verb: string, resource: string): WorldObject {
  const cluster = clusterOfProvider(call);
  requireKubeCredentials(call, `${verb} ${resource}`);
  return cluster;
}

function namespaceIn(call: Call, ns: string, key: string): boolean {
  return ['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(ns) || !!call.ops.get('kubernetes_namespace_v1', ns, key);
}

const secret: ResourceRule = {
  name(a) {
    return str(block(a.metadata)?.name);
  },
  cluster(call) {
    return call.ops.keyOf(kubeCluster(call, 'create', 'secrets'));
  },
  create(call, a) {
    const m = block(a.metadata) ?? {};
    const ns = str(m.namespace) ?? 'default';
    const name = str(m.name) ?? '';
    const key = call.ops.keyOf(clusterOfProvider(call));
    if (!namespaceIn(call, ns, key)) throw new SimError(`Failed to create secret: namespaces "${ns}" not found`);
    if (call.ops.get('kubernetes_secret_v1', `${ns}/${name}`, key)) throw new SimError(`secrets "${name}" already exists`, 'AlreadyExists');
    fill(a, 'id', `${ns}/${name}`);
  },
};

function manifestOf(a: Attrs): Attrs {
  return (a.manifest && typeof a.manifest === 'object' ? a.manifest : {}) as Attrs;
}

const manifest: ResourceRule = {
  key(a) {
    const m = manifestOf(a);
    const meta = (m.metadata ?? {}) as Attrs;
    return `${String(m.apiVersion)}/${String(m.kind)}/${String(meta.namespace ?? 'default')}/${String(meta.name)}`;
  },
  name(a) {
    return str(((manifestOf(a).metadata ?? {}) as Attrs).name);
  },
  cluster(call) {
    return call.ops.keyOf(kubeCluster(call, 'create', 'manifests'));
  },
  create(call, a) {
    const m = manifestOf(a);
    const meta = (m.metadata ?? {}) as Attrs;
    const ns = str(meta.namespace) ?? 'default';
    const key = call.ops.keyOf(clusterOfProvider(call));
    if (m.kind === 'Application' && String(m.apiVersion).startsWith('argoproj.io/')) {
      if (!call.ops.find('aws_eks_capability', (o) => o.cluster === key && o.attrs.type === 'ARGOCD')) {
        throw new SimError('Cannot create resource that already exists or is not valid', `resource [${String(m.apiVersion)}/Application] isn't valid for cluster, check the APIVersion and Kind fields are valid`);
      }
    }
    if (!namespaceIn(call, ns, key)) throw new SimError(`namespaces "${ns}" not found`);
    fill(a, 'object', m);
  },
  created(call, obj) {
    const m = manifestOf(obj.attrs);
    if (m.kind !== 'Application') return;
    const meta = (m.metadata ?? {}) as Attrs;
    const spec = (m.spec ?? {}) as Attrs;
    const id = `${String(meta.namespace)}/${String(meta.name)}`;
    call.ops.put({ type: ARGOCD_APPLICATION, provider: 'kubernetes', id, name: String(meta.name), stack: obj.stack, unit: obj.unit, fleet: obj.fleet, cluster: obj.cluster, createdAt: call.ops.clock, attrs: { destination: ((spec.destination ?? {}) as Attrs).name, source: spec.source } });
    reconcileApplication(call, obj.cluster as string, id);
  },
};

/**
 * Argo CD syncs an Application when its destination is a registered cluster — a Secret labelled
 * `argocd.argoproj.io/secret-type: cluster` in Argo CD's namespace whose `name` is the destination
 * and whose `server` is the EKS cluster's ARN ("The default kubernetes.default.svc is not supported":
 * argocd-register-clusters above) — and the capability role may change the cluster (an access
 * policy on its access entry, same page). A synced Application applies the repository's objects
 * (the fixture REPOSITORY_NAMESPACES: namespace `shop`, service accounts `api` and `worker`) and is
 * Healthy (https://argo-cd.readthedocs.io/en/stable/operator-manual/health/). Returns the verdict.
 */
export function reconcileApplication(call: Call, key: string, id: string): { ok: boolean; detail: string } {
  const app = call.ops.get(ARGOCD_APPLICATION, id, key);
  if (!app) return { ok: false, detail: `applications.argoproj.io "${id.split('/')[1]}" not found` };
  const cap = call.ops.find('aws_eks_capability', (o) => o.cluster === key && o.attrs.type === 'ARGOCD');
  const cluster = call.ops.all('aws_eks_cluster', (o) => call.ops.keyOf(o) === key)[0];
  if (!cap || !cluster) return { ok: false, detail: `Application ${id}: no Argo CD on this cluster` };
  const dest = String(app.attrs.destination);
  const registered = call.ops.all('kubernetes_secret_v1', (o) => o.cluster === key && str(block(o.attrs.metadata)?.namespace) === argoNamespace(cap.attrs)
    && strMap(block(o.attrs.metadata)?.labels)['argocd.argoproj.io/secret-type'] === 'cluster' && strMap(o.attrs.data).name === dest);
  if (!registered.length) return { ok: false, detail: `Application ${id}: Unknown: there are no clusters with this name: ${dest}` };
  if (strMap(registered[0].attrs.data).server !== cluster.attrs.arn) return { ok: false, detail: `Application ${id}: cluster ${dest} names server ${String(strMap(registered[0].attrs.data).server)}, not the EKS cluster's ARN ${String(cluster.attrs.arn)}` };
  const role = String(cap.attrs.role_arn);
  if (!call.ops.find('aws_eks_access_policy_association', (o) => o.cluster === key && o.attrs.principal_arn === role)) {
    return { ok: false, detail: `Application ${id}: SyncFailed: namespaces is forbidden: User "${role}" cannot create resource "namespaces" (the capability's access entry has no access policy)` };
  }
  for (const [namespace, accounts] of Object.entries(REPOSITORY_NAMESPACES)) {
    const base = { provider: 'kubernetes', stack: app.stack, unit: app.unit, fleet: app.fleet, cluster: key, createdAt: call.ops.clock };
    if (!call.ops.get('kubernetes_namespace_v1', namespace, key)) {
      call.ops.put({ ...base, type: 'kubernetes_namespace_v1', id: namespace, name: namespace, attrs: { metadata: [{ name: namespace }] } });
      call.ops.log({ stack: app.stack, provider: 'kubernetes', type: ARGOCD_APPLICATION, action: 'sync', id, name: app.name, unit: app.unit, detail: `applied namespace ${namespace} (${accounts.join(', ')})` });
    }
    for (const sa of accounts) {
      if (!call.ops.get('kubernetes_service_account_v1', `${namespace}/${sa}`, key)) call.ops.put({ ...base, type: 'kubernetes_service_account_v1', id: `${namespace}/${sa}`, name: sa, attrs: { metadata: [{ name: sa, namespace }] } });
    }
  }
  return { ok: true, detail: `Application ${id} is Synced and Healthy` };
}

// ---- EKS Pod Identity associations -------------------------------------------------------------
// …/resources/eks_pod_identity_association: in a cluster (deleted with it); one association per
// service account and cluster (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html).
const podIdentityAssociation: ResourceRule = {
  name(a) {
    return `${String(a.namespace)}/${String(a.service_account)}`;
  },
  cluster(call, a) {
    return call.ops.keyOf(eksClusterNamed(call, a.cluster_name));
  },
  create(call, a) {
    const cluster = eksClusterNamed(call, a.cluster_name);
    const key = call.ops.keyOf(cluster);
    if (call.ops.find('aws_eks_pod_identity_association', (o) => o.cluster === key && o.attrs.namespace === a.namespace && o.attrs.service_account === a.service_account)) {
      throw new SimError('ResourceInUseException', `Association already exists for service account ${String(a.namespace)}/${String(a.service_account)} on cluster ${cluster.name}`);
    }
    const id = `a-${hex(`${cluster.name}/${String(a.namespace)}/${String(a.service_account)}/${call.ops.nextNumber()}`, 17)}`;
    fill(a, 'association_id', id);
    fill(a, 'association_arn', String(cluster.attrs.arn).replace(':cluster/', ':podidentityassociation/') + `/${id}`);
    fill(a, 'id', id);
  },
};

export const eksGitOpsResources: Record<string, ResourceRule> = {
  aws_eks_capability: capability,
  aws_eks_pod_identity_association: podIdentityAssociation,
  kubernetes_secret_v1: secret,
  kubernetes_manifest: manifest,
};
