import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { DataAwsEksClusterAuth } from '@cdktf/provider-aws/lib/data-aws-eks-cluster-auth';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterAccessTarget, IClusterAccess } from '../kubernetes/cluster-access';

/** Where the validation stacks' EKS token comes from. */
export enum EksTokenSource {
  /**
   * The `aws_eks_cluster_auth` data source (signed with the AWS provider's credentials at plan
   * time; valid 15 minutes, enough for a validation stack's checks).
   */
  DATA_SOURCE = 'data-source',
  /** `aws eks get-token` run by the kubernetes provider whenever it needs one (needs the AWS CLI). */
  AWS_CLI = 'aws-cli',
}

/** Options of {@link EksAccess}. */
export interface EksAccessProps {
  /** Where the token comes from. @default EksTokenSource.DATA_SOURCE */
  readonly tokenSource?: EksTokenSource;
}

/**
 * Reaches an EKS unit from its validation stack: the `aws_eks_cluster` data source (looked up by the
 * unit's deterministic cluster name, in the fleet's region) supplies the API endpoint and CA
 * certificate, and `aws_eks_cluster_auth` a short-lived IAM token. The token only ever goes into the
 * kubernetes provider's configuration: never an output, never another stack. The identity that
 * deploys is the unit's validation principal (an EKS access entry on every unit).
 */
export class EksAccess implements IClusterAccess {
  constructor(private readonly props: EksAccessProps = {}) {}

  public bind(scope: Construct, target: ClusterAccessTarget): KubernetesProvider {
    const cluster = new DataAwsEksCluster(scope, 'cluster', { name: target.clusterName });
    const host = cluster.endpoint;
    const clusterCaCertificate = Fn.base64decode(cluster.certificateAuthority.get(0).data);
    if ((this.props.tokenSource ?? EksTokenSource.DATA_SOURCE) === EksTokenSource.AWS_CLI) {
      return new KubernetesProvider(scope, 'kubernetes', {
        host, clusterCaCertificate,
        exec: [{ apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', target.clusterName, '--region', target.location] }],
      });
    }
    const auth = new DataAwsEksClusterAuth(scope, 'cluster-auth', { name: target.clusterName });
    return new KubernetesProvider(scope, 'kubernetes', { host, clusterCaCertificate, token: auth.token });
  }
}
