import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { DataAwsEksClusterAuth } from '@cdktf/provider-aws/lib/data-aws-eks-cluster-auth';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterAccessTarget, IClusterAccess } from '../kubernetes/cluster-access';

/**
 * Reaches the EKS cluster of a node-pool fleet from its validation and traffic stacks: the
 * `aws_eks_cluster` data source supplies the endpoint and CA, `aws_eks_cluster_auth` a short-lived
 * token (15 minutes) for the identity that runs the deploy. Nothing is ever an output. The identity
 * needs an access entry (see `EksNodePoolClusterSpec.adminPrincipalArns`).
 */
export class EksNodePoolAccess implements IClusterAccess {
  public bind(scope: Construct, target: ClusterAccessTarget): KubernetesProvider {
    const cluster = new DataAwsEksCluster(scope, 'eks-cluster', { name: target.clusterName });
    const auth = new DataAwsEksClusterAuth(scope, 'eks-cluster-auth', { name: target.clusterName });
    return new KubernetesProvider(scope, 'kubernetes', {
      host: cluster.endpoint,
      clusterCaCertificate: Fn.base64decode(cluster.certificateAuthority.get(0).data),
      token: auth.token,
    });
  }
}
