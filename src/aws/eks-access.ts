import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { DataAwsEksClusterAuth } from '@cdktf/provider-aws/lib/data-aws-eks-cluster-auth';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterAccessTarget, IClusterAccess } from '../kubernetes/cluster-access';
import { eksExecCredential } from './private/eks-exec-credential';

/** Where the validation stacks' EKS token comes from. */
export enum EksTokenSource {
  /**
   * The `aws_eks_cluster_auth` data source. Its token is written to the validation stack's state
   * (every data source result is), so it is only for setups without the AWS CLI, with a backend
   * you trust with a 15-minute cluster credential.
   * @see https://developer.hashicorp.com/terraform/language/state/sensitive-data
   */
  DATA_SOURCE = 'data-source',
  /**
   * `aws eks get-token` run by the kubernetes provider (exec plugin) whenever it needs a token: the
   * token never reaches Terraform state. Needs the AWS CLI v2 on the deploying machine.
   * @see https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs#exec-plugins
   * @see https://docs.aws.amazon.com/cli/latest/reference/eks/get-token.html
   */
  AWS_CLI = 'aws-cli',
}

/** Options of {@link EksAccess}. */
export interface EksAccessProps {
  /** Where the token comes from. @default EksTokenSource.AWS_CLI (nothing in state) */
  readonly tokenSource?: EksTokenSource;
}

/**
 * Reaches an EKS unit from its validation stack: the `aws_eks_cluster` data source (looked up by the
 * unit's deterministic cluster name, in the fleet's region) supplies the API endpoint and CA
 * certificate, and `aws eks get-token` (the kubernetes provider's exec plugin, as AKS does with
 * kubelogin) a short-lived IAM token at plan and apply time: never an output, never in state. The
 * identity that deploys is the unit's validation principal (an EKS access entry on every unit).
 */
export class EksAccess implements IClusterAccess {
  constructor(private readonly props: EksAccessProps = {}) {}

  public bind(scope: Construct, target: ClusterAccessTarget): KubernetesProvider {
    const cluster = new DataAwsEksCluster(scope, 'cluster', { name: target.clusterName });
    const host = cluster.endpoint;
    const clusterCaCertificate = Fn.base64decode(cluster.certificateAuthority.get(0).data);
    if ((this.props.tokenSource ?? EksTokenSource.AWS_CLI) === EksTokenSource.AWS_CLI) {
      return new KubernetesProvider(scope, 'kubernetes', {
        host, clusterCaCertificate,
        exec: [eksExecCredential(target.clusterName, target.location)],
      });
    }
    const auth = new DataAwsEksClusterAuth(scope, 'cluster-auth', { name: target.clusterName });
    return new KubernetesProvider(scope, 'kubernetes', { host, clusterCaCertificate, token: auth.token });
  }
}
