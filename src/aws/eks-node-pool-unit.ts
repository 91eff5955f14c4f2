import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { Construct } from 'constructs';
import { unitTags } from '../core/tags';
import { EksNodePoolUnitSpec } from './eks-node-pool-spec';

/** Properties of an {@link EksNodePoolUnit}. */
export interface EksNodePoolUnitProps {
  /** Fleet name. */
  readonly fleet: string;
  /** Unit name, `<slot>-<major>-<minor>-<fingerprint>`. */
  readonly unitName: string;
  /** The node group's name (derived from the unit's identity). */
  readonly nodeGroupName: string;
  /** The cluster's name. */
  readonly clusterName: string;
  /** Name of the node IAM role (created by the shared stack; looked up by name). */
  readonly nodeRoleName: string;
  /** Kubernetes minor of the group's nodes, `1.MINOR`. */
  readonly kubernetesVersion: string;
  /** What the group is built from. */
  readonly spec: EksNodePoolUnitSpec;
  /** Subnets when the spec names none. */
  readonly defaultSubnetIds: string[];
  /** Extra tags. @default - fleet and unit tags only */
  readonly tags?: { [key: string]: string };
}

/**
 * One immutable EKS managed node group. The node role is looked up by its deterministic name (no
 * cross-stack output). Nothing in it depends on the rollout step: the router cordons the group
 * through Kubernetes node taints from the traffic stack. `prevent_destroy` is on; retirement
 * removes it from the configuration, and EKS drains the nodes as it deletes the group.
 */
export class EksNodePoolUnit extends Construct {
  /** The node group. */
  public readonly nodeGroup: EksNodeGroup;

  constructor(scope: Construct, id: string, props: EksNodePoolUnitProps) {
    super(scope, id);
    const { spec } = props;
    const role = new DataAwsIamRole(this, 'node-role', { name: props.nodeRoleName });
    const min = spec.minSize ?? 2;
    this.nodeGroup = new EksNodeGroup(this, 'node-group', {
      clusterName: props.clusterName,
      nodeGroupName: props.nodeGroupName,
      nodeRoleArn: role.arn,
      version: props.kubernetesVersion,
      subnetIds: spec.subnetIds ?? props.defaultSubnetIds,
      instanceTypes: spec.instanceTypes,
      capacityType: spec.capacityType ?? 'ON_DEMAND',
      amiType: spec.amiType ?? 'AL2023_x86_64_STANDARD',
      diskSize: spec.diskSize ?? 50,
      scalingConfig: { minSize: min, maxSize: spec.maxSize ?? 5, desiredSize: min },
      updateConfig: { maxUnavailable: 1 },
      labels: { ...(spec.labels ?? {}), 'bluegreen.cdktf.io/unit': props.unitName },
      taint: spec.taints?.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      tags: unitTags(props.fleet, props.unitName, props.tags),
      lifecycle: { preventDestroy: true, ignoreChanges: ['scaling_config[0].desired_size'] },
    });
  }
}
