/**
 * The kubernetes provider's exec plugin for an EKS cluster: `aws eks get-token`, run whenever the
 * provider needs a token (never in state, never stale). `--output json`: the exec plugin reads an
 * ExecCredential, whatever output the user configured.
 */
export function eksExecCredential(clusterName: string, region: string): { apiVersion: string; command: string; args: string[] } {
  return { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', clusterName, '--region', region, '--output', 'json'] };
}

