import { DataAzurermKubernetesCluster } from '@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterAccessTarget, IClusterAccess } from '../kubernetes/cluster-access';

/** How kubelogin gets the Entra ID token for the validation stacks. */
export enum AksLoginMode {
  /** The Azure CLI's signed-in account (local runs). */
  AZURE_CLI = 'azurecli',
  /** Workload identity federation (GitHub Actions / HCP Terraform OIDC); reads AZURE_* variables. */
  WORKLOAD_IDENTITY = 'workloadidentity',
  /** A managed identity of the machine that runs the deploy. */
  MANAGED_IDENTITY = 'msi',
  /** A service principal from AAD_SERVICE_PRINCIPAL_CLIENT_ID / _CLIENT_SECRET. */
  SERVICE_PRINCIPAL = 'spn',
}

/** Options of {@link AksAccess}. */
export interface AksAccessProps {
  /** How kubelogin signs in. @default AksLoginMode.AZURE_CLI */
  readonly loginMode?: AksLoginMode;
}

/** The Entra ID application of the AKS API server (the same in every tenant). */
const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';

/**
 * Reaches an AKS unit from its validation stack: the `azurerm_kubernetes_cluster` data source
 * supplies the API host and CA certificate (no client key exists: local accounts are disabled), and
 * `kubelogin` supplies a short-lived Entra ID token at plan and apply time. Nothing is ever an output.
 * The machine that deploys needs `kubelogin` on its PATH.
 */
export class AksAccess implements IClusterAccess {
  constructor(private readonly props: AksAccessProps = {}) {}

  public bind(scope: Construct, target: ClusterAccessTarget): KubernetesProvider {
    const cluster = new DataAzurermKubernetesCluster(scope, 'cluster', {
      name: target.clusterName,
      resourceGroupName: target.location,
    });
    const kubeConfig = cluster.kubeConfig.get(0);
    return new KubernetesProvider(scope, 'kubernetes', {
      host: kubeConfig.host,
      clusterCaCertificate: Fn.base64decode(kubeConfig.clusterCaCertificate),
      exec: [{
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: 'kubelogin',
        args: ['get-token', '--login', this.props.loginMode ?? AksLoginMode.AZURE_CLI, '--server-id', AKS_SERVER_APP_ID],
      }],
    });
  }
}
