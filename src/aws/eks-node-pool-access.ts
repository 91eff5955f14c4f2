import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterAccessTarget, IClusterAccess } from '../kubernetes/cluster-access';
import { eksExecCredential } from './private/eks-exec-credential';

/**
 * Reaches the EKS cluster of a node-pool fleet from its validation and traffic stacks: the
 * `aws_eks_cluster` data source supplies the endpoint and CA, and `aws eks get-token` (the kubernetes
 * provider's exec plugin) a fresh token whenever the provider needs one. A token from
 * `aws_eks_cluster_auth` would be signed once at plan, live 15 minutes and never be renewed during
 * the apply (hashicorp/terraform-provider-aws#16415), while the traffic stack waits on the drain Job
 * for up to its timeout + 300 s; it would also be written to state. Nothing is ever an output. The
 * identity needs an access entry (see `EksNodePoolClusterSpec.adminPrincipalArns`) and the AWS CLI v2.
 * @see https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs#exec-plugins
 */
export class EksNodePoolAccess implements IClusterAccess {
  public bind(scope: Construct, target: ClusterAccessTarget): KubernetesProvider {
    const cluster = new DataAwsEksCluster(scope, 'eks-cluster', { name: target.clusterName });
    return new KubernetesProvider(scope, 'kubernetes', {
      host: cluster.endpoint,
      clusterCaCertificate: Fn.base64decode(cluster.certificateAuthority.get(0).data),
      exec: [eksExecCredential(target.clusterName, target.location)],
    });
  }
}
