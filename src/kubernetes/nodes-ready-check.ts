import { DataKubernetesNodes } from '@cdktf/provider-kubernetes/lib/data-kubernetes-nodes';
import { Construct } from 'constructs';
import { KubernetesVersion } from '../core/kubernetes-version';
import { CheckContext, IValidationCheck } from './check';

/**
 * Fails the deploy unless the unit has at least its minimum number of nodes, every one of them
 * Ready and running the unit's kubelet version. A `kubernetes_nodes` data source with
 * postconditions: Terraform refuses to go on when one is false.
 */
export class NodesReadyCheck implements IValidationCheck {
  public readonly checkName = 'nodes-ready';
  public readonly description = 'nodes Ready on the expected kubelet version';

  /** The HCL regex a kubelet version (`v1.31.2`, `v1.31.2-eks-...`) must match for `version`. */
  public static kubeletPattern(version: string): string {
    const v = KubernetesVersion.parse(version);
    const patch = v.patch === undefined ? '[0-9]+' : String(v.patch);
    return `^v${v.major}\\\\.${v.minor}\\\\.${patch}([^0-9].*)?$`;
  }

  public bind(scope: Construct, context: CheckContext): void {
    const pattern = NodesReadyCheck.kubeletPattern(context.kubernetesVersion);
    const where = `${context.fleet}/${context.unitName}`;
    new DataKubernetesNodes(scope, `nodes-${context.step}`, {
      provider: context.provider,
      metadata: context.nodeSelector ? { labels: context.nodeSelector } : undefined,
      lifecycle: {
        postcondition: [
          {
            condition: `\${length(self.nodes) >= ${context.minimumNodes}}`,
            errorMessage: `[${where}] expected at least ${context.minimumNodes} nodes; the unit is not ready to receive traffic.`,
          },
          {
            condition: '${alltrue([for n in self.nodes : anytrue([for c in n.status[0].conditions : c.type == "Ready" && c.status == "True"])])}',
            errorMessage: `[${where}] not every node is Ready; the unit is not ready to receive traffic.`,
          },
          {
            condition: `\${alltrue([for n in self.nodes : can(regex("${pattern}", n.status[0].node_info[0].kubelet_version))])}`,
            errorMessage: `[${where}] not every node runs kubelet ${context.kubernetesVersion}.`,
          },
        ],
      },
    });
  }
}
