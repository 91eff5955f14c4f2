// The kubernetes provider's credentials, judged on every Kubernetes API call (issue 19 item 4).
//
// - A static `token` from the aws provider's `aws_eks_cluster_auth` data source is an
//   `aws-iam-authenticator` token: `k8s-aws-v1.` + the base64url of an STS GetCallerIdentity URL
//   presigned at `X-Amz-Date`. It is signed once, when the data source is read (at plan), is valid
//   for 15 minutes, and is never renewed during the apply:
//   https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/data-sources/eks_cluster_auth
//   ("valid for 15 minutes"), https://github.com/hashicorp/terraform-provider-aws/issues/16415 ,
//   https://github.com/hashicorp/terraform-provider-kubernetes/issues/1131 . The API server then
//   answers 401 Unauthorized: https://github.com/kubernetes-sigs/aws-iam-authenticator#api-authorization-from-outside-a-cluster
// - An `exec` plugin (`aws eks get-token`, `kubelogin`) is run by the provider whenever it needs a
//   credential, so it is fresh on every call:
//   https://registry.terraform.io/providers/hashicorp/kubernetes/2.38.0/docs#exec-plugins
// The bad end of the documented range is simulated: a token is refused the first second after
// 15 minutes.
import { SimError } from './errors';
import { timestamp } from './rules/common';
import { Call } from './rules/rule';

/** Lifetime of an EKS token from `aws_eks_cluster_auth`. */
export const EKS_TOKEN_SECONDS = 15 * 60;

/** The token `aws_eks_cluster_auth` returns at `clock` (its presigned URL carries the signing time). */
export function eksToken(cluster: string, region: string, clock: number): string {
  const date = timestamp(clock).replace(/[-:]/g, '');
  const url = `https://sts.${region}.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&x-k8s-aws-id=${encodeURIComponent(cluster)}&X-Amz-Signature=simulated`;
  return `k8s-aws-v1.${Buffer.from(url).toString('base64url')}`;
}

/** Signing time (simulated clock) of an EKS token, or undefined when `token` is not one. */
export function eksTokenIssuedAt(token: string): number | undefined {
  if (!token.startsWith('k8s-aws-v1.')) return undefined;
  const url = Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');
  const m = /X-Amz-Date=(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(url);
  if (!m) return undefined;
  return (Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) - Date.UTC(2026, 0, 1)) / 1000;
}

/**
 * Refuses a Kubernetes API call whose credential has expired at the world's clock now: the
 * provider's static EKS token older than 15 minutes. Exec credentials are fresh per call.
 */
export function requireKubeCredentials(call: Call, what: string): void {
  const token = call.ctx.providerConfig.token;
  const exec = call.ctx.providerConfig.exec;
  if (typeof token !== 'string' || (Array.isArray(exec) && exec.length > 0)) return;
  const issued = eksTokenIssuedAt(token);
  if (issued === undefined || call.ops.clock - issued <= EKS_TOKEN_SECONDS) return;
  const age = Math.round(call.ops.clock - issued);
  call.ops.log({ stack: call.ctx.stack, provider: 'kubernetes', type: call.type, action: 'unauthorized', id: '', name: what, detail: `the provider's aws_eks_cluster_auth token is ${age} s old (valid ${EKS_TOKEN_SECONDS} s)` });
  throw new SimError('Unauthorized', `${what}: the server has asked for the client to provide credentials (401 Unauthorized): the provider's static token from aws_eks_cluster_auth was signed ${age} s ago and EKS tokens are valid for ${EKS_TOKEN_SECONDS} s`);
}
