// Issue 16: what a new unit gets by itself — GitOps (Flux on AKS), workload identity federation,
// and the versions a region offers — and the checks that prove it (sync Job, identity Job).
// Registry pages: https://registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/… and
// https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/… .
import { SimError } from '../errors';
import { activeFaults } from '../faults';
import { WorldObject } from '../model';
import { unitFromStack } from '../units';
import { Attrs, block, fill, num, str, strMap } from '../values';
import { AKS_CLUSTER } from './azurerm';
import { clusterOfProvider, parseGoDuration } from './common';
import { Call, DataRule, ResourceRule } from './rule';
import { reconcileApplication } from './eks-gitops';
import { podCloudAccess } from '../pod-identity';

// ---- versions offered -------------------------------------------------------------------------
// The simulated regions' catalogue: what `az aks get-versions` / the data source
// kubernetes_service_versions (…/data-sources/kubernetes_service_versions) and EKS
// DescribeClusterVersions / aws_eks_cluster_versions (…/data-sources/eks_cluster_versions,
// https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeClusterVersions.html) list.
// A rehearsal setting, not a cloud fact: 1.30–1.35 are offered, 1.36 is not (R19).
export const AKS_VERSIONS_OFFERED = ['1.30.14', '1.31.10', '1.32.6', '1.33.2', '1.34.1', '1.35.0'];
export const EKS_VERSIONS_OFFERED: Array<{ version: string; status: string }> = [
  { version: '1.30', status: 'EXTENDED_SUPPORT' },
  { version: '1.31', status: 'EXTENDED_SUPPORT' },
  { version: '1.32', status: 'STANDARD_SUPPORT' },
  { version: '1.33', status: 'STANDARD_SUPPORT' },
  { version: '1.34', status: 'STANDARD_SUPPORT' },
  { version: '1.35', status: 'STANDARD_SUPPORT' },
];

/**
 * Patch versions AKS released during a rehearsal (world.ext.aksVersionsReleased, set by the autopilot
 * calendar as its simulated days pass): AKS publishes new patch versions over time and a region offers
 * them from then on (https://learn.microsoft.com/azure/aks/supported-kubernetes-versions, "Kubernetes
 * version support policy": patch releases, and the AKS release calendar). Added to the catalogue, in version order.
 */
export const AKS_RELEASED = 'aksVersionsReleased';

function aksCatalogue(ext: Record<string, unknown>): string[] {
  const released = Array.isArray(ext[AKS_RELEASED]) ? (ext[AKS_RELEASED] as unknown[]).filter((v): v is string => typeof v === 'string' && /^\d+\.\d+\.\d+$/.test(v)) : [];
  const key = (v: string) => v.split('.').map(Number);
  return [...new Set([...AKS_VERSIONS_OFFERED, ...released])].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
}

const aksVersions: DataRule = {
  read(call, c) {
    const prefix = str(c.version_prefix) ?? '';
    const versions = aksCatalogue(call.ops.world.ext).filter((v) => v.startsWith(prefix));
    return { id: `versions-${str(c.location)}`, location: c.location, version_prefix: c.version_prefix, include_preview: c.include_preview, versions, latest_version: versions[versions.length - 1] ?? '', default_version: versions[versions.length - 2] ?? '' };
  },
};

const eksVersions: DataRule = {
  read(_call, c) {
    return {
      id: 'eks-cluster-versions',
      cluster_versions: EKS_VERSIONS_OFFERED.map((v) => ({ cluster_version: v.version, version_status: v.status, cluster_type: 'eks', status: v.status, default_version: v.version === '1.33' })),
      cluster_type: c.cluster_type, default_only: c.default_only, include_all: c.include_all, version_status: c.version_status, cluster_versions_only: c.cluster_versions_only,
    };
  },
};

// ---- Flux on AKS ------------------------------------------------------------------------------
// …/resources/kubernetes_cluster_extension and …/resources/kubernetes_flux_configuration: both live
// in the cluster `cluster_id` (deleted with it); a Flux configuration needs the `microsoft.flux`
// extension installed first (the registry example's depends_on;
// https://learn.microsoft.com/azure/azure-arc/kubernetes/conceptual-gitops-flux2). Once created,
// the configuration's kustomization is a Flux `Kustomization` `<configuration>-<kustomization>`
// in the configuration's namespace; it reconciles the repository and becomes Ready
// (https://fluxcd.io/flux/components/kustomize/kustomizations/#conditions) — unless the fault
// `sync-never-ready` aims at the unit. The rehearsal's repository holds one application:
// namespace `shop` with service accounts `api` and `worker` (a fixture, not a cloud fact), which a
// Ready sync creates in the cluster.
export const REPOSITORY_NAMESPACES: Record<string, string[]> = { shop: ['api', 'worker'] };
export const FLUX_KUSTOMIZATION = 'flux_kustomization';

function aksClusterOf(call: Call, id: unknown): WorldObject {
  const c = call.ops.get(AKS_CLUSTER, str(id) ?? '');
  if (!c) throw new SimError('ParentResourceNotFound', `Managed Cluster "${String(id)}" was not found`);
  return c;
}

const clusterExtension: ResourceRule = {
  cluster(call, a) {
    return call.ops.keyOf(aksClusterOf(call, a.cluster_id));
  },
  create(call, a) {
    const c = aksClusterOf(call, a.cluster_id);
    fill(a, 'id', `${c.id}/providers/Microsoft.KubernetesConfiguration/extensions/${str(a.name)}`);
    fill(a, 'current_version', '1.15.1');
    fill(a, 'release_namespace', 'flux-system');
  },
};

function syncReady(call: Call, unit: string | undefined): boolean {
  return activeFaults(call.ops, 'sync-never-ready', unit).length === 0;
}

const fluxConfiguration: ResourceRule = {
  cluster(call, a) {
    return call.ops.keyOf(aksClusterOf(call, a.cluster_id));
  },
  create(call, a) {
    const c = aksClusterOf(call, a.cluster_id);
    const flux = call.ops.find('azurerm_kubernetes_cluster_extension', (o) => o.attrs.cluster_id === c.id && o.attrs.extension_type === 'microsoft.flux');
    if (!flux) throw new SimError('creating Flux Configuration', `the Flux extension (microsoft.flux) is not installed on cluster ${c.name}: install the extension before creating a Flux configuration`);
    fill(a, 'id', `${c.id}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/${str(a.name)}`);
  },
  created(call, obj) {
    const ns = str(obj.attrs.namespace) ?? 'flux-system';
    for (const k of (Array.isArray(obj.attrs.kustomizations) ? obj.attrs.kustomizations : []) as Attrs[]) {
      const name = `${obj.name}-${str(k.name)}`;
      const kustomization: WorldObject = { type: FLUX_KUSTOMIZATION, provider: 'azurerm', id: `${ns}/${name}`, name, stack: obj.stack, unit: obj.unit, fleet: obj.fleet, cluster: obj.cluster, createdAt: call.ops.clock, attrs: { path: k.path } };
      call.ops.put(kustomization);
      reconcile(call, kustomization);
    }
  },
};

/**
 * Flux reconciles continuously: whenever the sync is not held back (fault `sync-never-ready`), the
 * Kustomization is Ready and the repository's objects exist in the cluster.
 */
function reconcile(call: Call, k: WorldObject): boolean {
  if (!syncReady(call, k.unit)) return false;
  const cluster = k.cluster as string;
  for (const [namespace, accounts] of Object.entries(REPOSITORY_NAMESPACES)) {
    if (!call.ops.get('kubernetes_namespace_v1', namespace, cluster)) {
      call.ops.put({ type: 'kubernetes_namespace_v1', provider: 'kubernetes', id: namespace, name: namespace, stack: k.stack, unit: k.unit, fleet: k.fleet, cluster, createdAt: call.ops.clock, attrs: { metadata: [{ name: namespace }] } });
      call.ops.log({ stack: k.stack, provider: 'azurerm', type: FLUX_KUSTOMIZATION, action: 'sync', id: k.id, name: k.name, unit: k.unit, detail: `applied namespace ${namespace} (${accounts.join(', ')})` });
    }
    for (const sa of accounts) {
      if (!call.ops.get('kubernetes_service_account_v1', `${namespace}/${sa}`, cluster)) {
        call.ops.put({ type: 'kubernetes_service_account_v1', provider: 'kubernetes', id: `${namespace}/${sa}`, name: sa, stack: k.stack, unit: k.unit, fleet: k.fleet, cluster, createdAt: call.ops.clock, attrs: { metadata: [{ name: sa, namespace }] } });
      }
    }
  }
  return true;
}

// ---- federated identity credential ------------------------------------------------------------
// …/resources/federated_identity_credential. The issuer + subject pair is unique per identity, and
// an identity holds at most 20 credentials:
// https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations
const federatedCredential: ResourceRule = {
  create(call, a) {
    const parent = str(a.parent_id) ?? '';
    const siblings = call.ops.all('azurerm_federated_identity_credential', (o) => o.attrs.parent_id === parent);
    if (siblings.some((o) => o.attrs.issuer === a.issuer && o.attrs.subject === a.subject)) {
      throw new SimError('FederatedIdentityCredentialAlreadyExists', `a federated identity credential with issuer ${String(a.issuer)} and subject ${String(a.subject)} already exists on ${parent}`);
    }
    if (siblings.length >= 20) throw new SimError('BadRequest', `Too many Federated Identity Credentials are written to Managed Identity ${parent}: at most 20 are allowed`);
    fill(a, 'id', `${parent}/federatedIdentityCredentials/${str(a.name)}`);
  },
};

// ---- the checks' Jobs -------------------------------------------------------------------------
// A sync check runs `kubectl wait` (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_wait/):
// it ends when the Kustomization is Ready, or fails at its --timeout. An identity check exchanges
// the pod's service-account token for an Entra ID token: Entra ID accepts it only when a federated
// credential of the identity names this cluster's issuer and the service account as subject, else
// AADSTS700213 "No matching federated identity record found"
// (https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster,
// https://learn.microsoft.com/entra/identity-platform/reference-error-codes). On EKS the Pod
// Identity agent gives credentials only to a service account with an association
// (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html).
export interface JobVerdict {
  readonly ok: boolean;
  /** Seconds the Job ran before failing. */
  readonly seconds: number;
  readonly detail: string;
}

function container(a: Attrs): Attrs {
  const spec = block(block(block(a.spec)?.template)?.spec) ?? {};
  return (Array.isArray(spec.container) ? spec.container[0] : undefined) ?? {};
}

function podSpec(a: Attrs): Attrs {
  return block(block(block(a.spec)?.template)?.spec) ?? {};
}

/** The outcome of a check Job this file knows (sync or identity), or undefined for any other Job. */
export function gitOpsJobVerdict(call: Call, a: Attrs): JobVerdict | undefined {
  const c = container(a);
  const args = (Array.isArray(c.args) ? c.args : []).map(String);
  const command = (Array.isArray(c.command) ? c.command : []).map(String).join(' ');
  const cluster = clusterOfProvider(call);
  const key = call.ops.keyOf(cluster);
  const unit = str(strMap(block(a.metadata)?.labels)['bluegreen.cdktf.io/unit']) ?? cluster.unit ?? unitFromStack(call.ctx.stack);
  if (args[0] === 'wait') {
    const target = args.find((x) => x.includes('/')) ?? '';
    const ns = args[args.indexOf('--namespace') + 1] ?? 'default';
    const timeout = parseGoDuration((args.find((x) => x.startsWith('--timeout=')) ?? '--timeout=30s').slice('--timeout='.length));
    const name = target.split('/')[1];
    if (target.startsWith('kustomizations.')) {
      const k = call.ops.get(FLUX_KUSTOMIZATION, `${ns}/${name}`, key);
      if (k && reconcile(call, k)) return { ok: true, seconds: 5, detail: `Kustomization ${ns}/${name} is Ready` };
      return { ok: false, seconds: timeout, detail: k ? `timed out waiting for the condition on kustomizations/${name} (Ready=False, unit ${unit ?? '?'})` : `kustomizations.kustomize.toolkit.fluxcd.io "${name}" not found` };
    }
    if (target.startsWith('applications.')) {
      const r = reconcileApplication(call, key, `${ns}/${name}`);
      return { ok: r.ok, seconds: r.ok ? 5 : timeout, detail: r.ok ? r.detail : `timed out waiting for the condition on applications/${name}: ${r.detail}` };
    }
    return { ok: false, seconds: timeout, detail: `${target} not found` };
  }
  if (command.includes('az login')) {
    const ns = str(block(a.metadata)?.namespace) ?? 'default';
    const sa = str(podSpec(a).service_account_name) ?? 'default';
    const issuer = str(cluster.attrs.oidc_issuer_url);
    const subject = `system:serviceaccount:${ns}:${sa}`;
    const fic = call.ops.find('azurerm_federated_identity_credential', (o) => o.attrs.issuer === issuer && o.attrs.subject === subject);
    return fic
      ? { ok: true, seconds: 10, detail: `token obtained through ${fic.name}` }
      : { ok: false, seconds: 10, detail: `AADSTS700213: No matching federated identity record found for presented assertion subject '${subject}' (issuer ${issuer})` };
  }
  if (command.includes('aws sts get-caller-identity')) {
    const ns = str(block(a.metadata)?.namespace) ?? 'default';
    const sa = str(podSpec(a).service_account_name) ?? 'default';
    // The pod's credential comes through the world's token exchange (pod-identity.ts): the service
    // account must exist, and EKS Pod Identity needs its agent and an association.
    // A failed pod is retried while backoffLimit allows, after 10 s, 20 s, 40 s … (the Job
    // controller's pod back-off, https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-backoff-failure-policy),
    // so an association that becomes effective meanwhile (pod-identity.ts) serves the next pod.
    const attempts = (num(block(a.spec)?.backoff_limit) ?? 6) + 1;
    const exchange = () => {
      const account = call.ops.get('kubernetes_service_account_v1', `${ns}/${sa}`, key);
      return podCloudAccess(call.ops, {
        cluster, namespace: ns, serviceAccount: sa, labels: strMap(block(block(block(a.spec)?.template)?.metadata)?.labels),
        serviceAccountAnnotations: strMap(block(account?.attrs.metadata)?.annotations), serviceAccountExists: account !== undefined,
      });
    };
    let access = exchange();
    for (let i = 1; !access.ok && i < attempts; i++) {
      call.ops.advance(10 + 10 * 2 ** (i - 1));
      access = exchange();
      if (access.ok) return { ok: true, seconds: 10, detail: `${access.detail} (pod ${i + 1}/${attempts}; the earlier pod failed)` };
    }
    return { ok: access.ok, seconds: 10, detail: access.detail };
  }
  return undefined;
}

/** Wraps the Job rule: a sync or identity Job that fails fails its apply as any failed Job does. */
export function withGitOpsJobs(job: ResourceRule): ResourceRule {
  return {
    ...job,
    create(call, a) {
      const m = block(a.metadata) ?? {};
      const ns = str(m.namespace) ?? 'default';
      const name = str(m.name) ?? '';
      const key = call.ops.keyOf(clusterOfProvider(call));
      const verdict = call.ops.get('kubernetes_namespace_v1', ns, key) ? gitOpsJobVerdict(call, a) : undefined;
      if (verdict && !verdict.ok) {
        const unit = str(strMap(m.labels)['bluegreen.cdktf.io/unit']) ?? unitFromStack(call.ctx.stack);
        call.ops.advance(verdict.seconds);
        call.ops.log({ stack: call.ctx.stack, provider: 'kubernetes', type: 'kubernetes_job_v1', action: 'check-fail', id: `${ns}/${name}`, name, unit, detail: verdict.detail });
        // The provider's wait_for_completion error for a failed Job (…/kubernetes/2.38.0/docs/resources/job_v1).
        throw new SimError(`job: ${ns}/${name} is in failed state`, verdict.detail);
      }
      if (verdict) call.ops.log({ stack: call.ctx.stack, provider: 'kubernetes', type: 'kubernetes_job_v1', action: 'check-verdict', id: `${ns}/${name}`, name, unit: str(strMap(m.labels)['bluegreen.cdktf.io/unit']) ?? unitFromStack(call.ctx.stack), detail: verdict.detail });
      job.create?.(call, a);
    },
  };
}

export const gitOpsResources: Record<string, ResourceRule> = {
  azurerm_kubernetes_cluster_extension: clusterExtension,
  azurerm_kubernetes_flux_configuration: fluxConfiguration,
  azurerm_federated_identity_credential: federatedCredential,
};

export const gitOpsData: Record<string, DataRule> = {
  azurerm_kubernetes_service_versions: aksVersions,
  aws_eks_cluster_versions: eksVersions,
};

