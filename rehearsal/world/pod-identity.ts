// A pod's cloud token exchange (issue 19 item 4): does the cloud hand this pod a credential now?
// A pure decision over the world (nothing is written); the Job simulation calls it for every pod
// attempt of a Job that needs cloud access (rules/gate-jobs.ts).
//
// Azure — Microsoft Entra workload identity:
// - the pod is labelled `azure.workload.identity/use: "true"` and its service account annotated
//   `azure.workload.identity/client-id`, else the webhook injects nothing and the SDK finds no
//   credential: https://learn.microsoft.com/azure/aks/workload-identity-overview
// - the cluster has its OIDC issuer and workload identity enabled (same page);
// - Entra accepts the service-account token only when a federated identity credential matches
//   issuer (the cluster's `oidc_issuer_url`), subject `system:serviceaccount:<ns>:<sa>` and audience
//   `api://AzureADTokenExchange` exactly, else AADSTS700213/AADSTS70021:
//   https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations ,
//   https://learn.microsoft.com/entra/identity-platform/reference-error-codes
// - a new federated credential is not used at once: token requests right after it was added "might
//   fail for a couple of minutes" while Entra's cache refreshes
//   (https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster); the bad end is
//   simulated, FIC_PROPAGATION_SECONDS.
// AWS — the SDK's default credential chain takes the first source it finds
// (https://boto3.amazonaws.com/v1/documentation/api/latest/guide/credentials.html): web identity
// (IRSA) before the container credential provider (EKS Pod Identity). "If your workloads currently
// use credentials that are earlier in the chain of credentials, those credentials will continue to
// be used even if you configure an EKS Pod Identity association"
// (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html).
// - IRSA (service account annotated `eks.amazonaws.com/role-arn`): STS needs an IAM OIDC provider
//   whose URL is the cluster's issuer, with client id `sts.amazonaws.com`, else
//   "InvalidIdentityToken: No OpenIDConnect provider found in your account for <issuer>":
//   https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html ,
//   https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
// - EKS Pod Identity: the `eks-pod-identity-agent` add-on runs on the cluster and a pod identity
//   association names the cluster, namespace and service account:
//   https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html ,
//   https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html
// - "Similar to AWS IAM behavior, EKS Pod Identity associations are eventually consistent, and may
//   take several seconds to be effective after the initial API call returns successfully"
//   (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreatePodIdentityAssociation.html): on by
//   default, an association gives no credential until it is POD_IDENTITY_PROPAGATION_SECONDS old.
import { WorldObject } from './model';
import { WorldOps } from './ops';
import { str } from './values';

/** The bad end of "might fail for a couple of minutes" after a federated credential was added. */
export const FIC_PROPAGATION_SECONDS = 120;
/** "Several seconds" (no figure is documented) read as ten: a pod that asks sooner gets no credential. */
export const POD_IDENTITY_PROPAGATION_SECONDS = 10;
const AUDIENCE = 'api://AzureADTokenExchange';

/** What the cloud sees of a pod that asks for a token. */
export interface PodView {
  /** The cluster object the pod runs in (azurerm_kubernetes_cluster or aws_eks_cluster). */
  readonly cluster: WorldObject;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The pod's labels. */
  readonly labels: Record<string, string>;
  /** The service account's annotations (empty when the service account does not exist). */
  readonly serviceAccountAnnotations: Record<string, string>;
  /** Whether the service account exists in the cluster. */
  readonly serviceAccountExists: boolean;
}

export interface CloudAccess {
  readonly ok: boolean;
  /** How the credential came (or why none did), for the log and the Job's failure. */
  readonly detail: string;
}

/** Whether the pod obtains a cloud credential at the world's clock now. */
export function podCloudAccess(ops: WorldOps, pod: PodView): CloudAccess {
  if (!pod.serviceAccountExists) return { ok: false, detail: `serviceaccounts "${pod.serviceAccount}" not found in namespace ${pod.namespace}: the pod is never created` };
  return pod.cluster.type === 'azurerm_kubernetes_cluster' ? entra(ops, pod) : aws(ops, pod);
}

function entra(ops: WorldOps, pod: PodView): CloudAccess {
  const clientId = pod.serviceAccountAnnotations['azure.workload.identity/client-id'];
  if (pod.labels['azure.workload.identity/use'] !== 'true' || !clientId) {
    return { ok: false, detail: 'DefaultAzureCredential failed to retrieve a token: the workload identity webhook injected nothing (pod label azure.workload.identity/use=true and service account annotation azure.workload.identity/client-id are both needed)' };
  }
  const c = pod.cluster.attrs;
  if (c.oidc_issuer_enabled !== true || c.workload_identity_enabled !== true) {
    return { ok: false, detail: `cluster ${pod.cluster.name} has no OIDC issuer or workload identity enabled: no token is projected` };
  }
  const issuer = str(c.oidc_issuer_url);
  const subject = `system:serviceaccount:${pod.namespace}:${pod.serviceAccount}`;
  const matching = ops.all('azurerm_federated_identity_credential', (o) => o.attrs.issuer === issuer && o.attrs.subject === subject
    && Array.isArray(o.attrs.audience) && o.attrs.audience.includes(AUDIENCE) && ofIdentity(ops, o, clientId));
  if (matching.length === 0) {
    return { ok: false, detail: `AADSTS700213: No matching federated identity record found for presented assertion subject '${subject}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion (issuer ${issuer})` };
  }
  const fic = matching.sort((a, b) => a.createdAt - b.createdAt)[0];
  const age = ops.clock - fic.createdAt;
  if (age < FIC_PROPAGATION_SECONDS) {
    return { ok: false, detail: `AADSTS700213: No matching federated identity record found for presented assertion subject '${subject}' (federated credential ${fic.name} was added ${Math.round(age)} s ago; it may take ${FIC_PROPAGATION_SECONDS} s to be used)` };
  }
  return { ok: true, detail: `Entra token for client ${clientId} through federated credential ${fic.name}` };
}

/** A credential's parent identity, when the world holds it, must be the one the service account names. */
function ofIdentity(ops: WorldOps, fic: WorldObject, clientId: string): boolean {
  const parent = ops.find('azurerm_user_assigned_identity', (o) => String(o.attrs.id).toLowerCase() === String(fic.attrs.parent_id).toLowerCase());
  return parent === undefined || parent.attrs.client_id === clientId;
}

function aws(ops: WorldOps, pod: PodView): CloudAccess {
  const cluster = pod.cluster;
  const issuer = str((((cluster.attrs.identity as Array<Record<string, unknown>> | undefined)?.[0]?.oidc as Array<Record<string, unknown>> | undefined)?.[0])?.issuer) ?? '';
  const irsaRole = pod.serviceAccountAnnotations['eks.amazonaws.com/role-arn'];
  if (irsaRole) {
    const host = issuer.replace(/^https:\/\//, '');
    const provider = ops.find('aws_iam_openid_connect_provider', (o) => String(o.attrs.url ?? '').replace(/^https:\/\//, '') === host
      && Array.isArray(o.attrs.client_id_list) && o.attrs.client_id_list.includes('sts.amazonaws.com'));
    if (!provider) return { ok: false, detail: `WebIdentityErr: failed to retrieve credentials: InvalidIdentityToken: No OpenIDConnect provider found in your account for ${issuer} (IRSA: the service account names role ${irsaRole})` };
    return { ok: true, detail: `IRSA: role ${irsaRole} through OIDC provider ${provider.id}` };
  }
  const agent = ops.find('aws_eks_addon', (o) => o.attrs.addon_name === 'eks-pod-identity-agent' && o.attrs.cluster_name === cluster.name);
  const assoc = ops.find('aws_eks_pod_identity_association', (o) => o.attrs.cluster_name === cluster.name && o.attrs.namespace === pod.namespace && o.attrs.service_account === pod.serviceAccount);
  if (!assoc) return { ok: false, detail: `Unable to locate credentials: no pod identity association for ${pod.namespace}/${pod.serviceAccount} on cluster ${cluster.name}, and no IRSA annotation` };
  if (!agent) return { ok: false, detail: `Unable to locate credentials: association ${assoc.id} exists but the eks-pod-identity-agent add-on does not run on cluster ${cluster.name}` };
  const age = ops.clock - assoc.createdAt;
  if (age < POD_IDENTITY_PROPAGATION_SECONDS) {
    return { ok: false, detail: `Unable to locate credentials: association ${assoc.id} for ${pod.namespace}/${pod.serviceAccount} was created ${Math.round(age)} s ago and is not effective yet (associations are eventually consistent: up to ${POD_IDENTITY_PROPAGATION_SECONDS} s)` };
  }
  return { ok: true, detail: `EKS Pod Identity: role ${String(assoc.attrs.role_arn)} through association ${assoc.id}` };
}
