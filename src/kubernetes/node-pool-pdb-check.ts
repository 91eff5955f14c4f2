import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { CheckContext, IValidationCheck } from './check';

/** Options of a {@link PodDisruptionBudgetsCheck}. */
export interface PodDisruptionBudgetsCheckProps {
  /** Namespaces whose workloads must have PodDisruptionBudgets. */
  readonly namespaces: string[];
  /** Fewest PodDisruptionBudgets each namespace holds. @default 1 */
  readonly minimumPerNamespace?: number;
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Fails the deploy unless every listed namespace holds PodDisruptionBudgets. Retiring a pool drains
 * its nodes (AKS and EKS both evict through the Eviction API, which honours PDBs): without a PDB a
 * workload may lose every replica at once. A `kubernetes_resources` look-up with a postcondition.
 */
export class PodDisruptionBudgetsCheck implements IValidationCheck {
  public readonly checkName = 'pdbs-exist';
  public readonly description: string;

  constructor(private readonly props: PodDisruptionBudgetsCheckProps) {
    if (!Array.isArray(props.namespaces) || props.namespaces.length === 0 || props.namespaces.some((n) => typeof n !== 'string' || !NAMESPACE.test(n))) {
      throw new BlueGreenError({ fleet: '(any)', field: 'PodDisruptionBudgetsCheck.namespaces', value: show(props.namespaces), rule: 'list at least one namespace, each a DNS label', fix: "namespaces: ['shop']" });
    }
    const min = props.minimumPerNamespace ?? 1;
    if (!Number.isInteger(min) || min < 1) {
      throw new BlueGreenError({ fleet: '(any)', field: 'PodDisruptionBudgetsCheck.minimumPerNamespace', value: show(min), rule: 'a whole number, at least 1', fix: 'minimumPerNamespace: 1' });
    }
    this.description = `PodDisruptionBudgets exist in ${props.namespaces.join(', ')}`;
  }

  public bind(scope: Construct, context: CheckContext): void {
    const min = this.props.minimumPerNamespace ?? 1;
    for (const ns of this.props.namespaces) {
      new DataKubernetesResources(scope, `pdbs-${ns}-${context.step}`, {
        provider: context.provider,
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        namespace: ns,
        lifecycle: {
          postcondition: [{
            condition: `\${length(self.objects) >= ${min}}`,
            errorMessage: `[${context.fleet}/${context.unitName}] namespace ${ns} has fewer than ${min} PodDisruptionBudget(s); draining the old pool could take every replica down at once.`,
          }],
        },
      });
    }
  }
}
