import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Construct } from 'constructs';

/** Which cluster a validation stack reaches. */
export interface ClusterAccessTarget {
  /** Cluster name. */
  readonly clusterName: string;
  /** Resource group (Azure) or region (AWS) the cluster lives in. */
  readonly location: string;
}

/**
 * How a validation stack reaches a unit's cluster: always by looking the cluster up by name
 * (data sources) and a short-lived token, never through credentials in another stack's outputs.
 */
export interface IClusterAccess {
  /** Adds the look-ups and returns the kubernetes provider that reaches the cluster. */
  bind(scope: Construct, target: ClusterAccessTarget): KubernetesProvider;
}
