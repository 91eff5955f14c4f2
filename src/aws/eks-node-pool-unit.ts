import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { fitName, NAME_RULES } from '../core/naming';
import { unitTags } from '../core/tags';
import { PoolTaint } from '../kubernetes/node-pool-scheduling-router';
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
  /**
   * The scheduling router's cordon taint, while the group is not serving. It joins the spec's taints
   * in the group's `taint` blocks, which EKS applies to the group's nodes, new ones included.
   * @default - none: the group is schedulable
   */
  readonly cordonTaint?: PoolTaint;
}

/** Kubernetes taint effects in the EKS API's spelling. */
const EKS_EFFECT: { [effect: string]: string } = { NoSchedule: 'NO_SCHEDULE', NoExecute: 'NO_EXECUTE', PreferNoSchedule: 'PREFER_NO_SCHEDULE' };

/** The root (or, on Bottlerocket, data) volume a launch template sizes, per AMI family. */
function rootDevice(amiType: string): string {
  if (amiType.startsWith('BOTTLEROCKET')) return '/dev/xvdb';
  if (amiType.startsWith('WINDOWS')) return '/dev/sda1';
  return '/dev/xvda';
}

/**
 * One EKS managed node group and its launch template. Only the `taint` blocks depend on the rollout
 * step: they hold the router's cordon taint while the group is not serving. The aws provider updates
 * `taint` in place (no "forces new":
 * https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/eks_node_group), through
 * UpdateNodegroupConfig, which sets the taints of the group's nodes
 * (https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateNodegroupConfig.html,
 * https://docs.aws.amazon.com/eks/latest/userguide/node-taints-managed-node-groups.html).
 * The launch template requires IMDSv2 (hop limit 1) and sizes the disk (EKS refuses `disk_size`
 * beside a launch template: https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html).
 * The node role is looked up by its deterministic name. `prevent_destroy` is on; retirement removes
 * the group once the traffic stack drained it.
 */
export class EksNodePoolUnit extends Construct {
  /** The node group. */
  public readonly nodeGroup: EksNodeGroup;
  /** The launch template of the group's nodes. */
  public readonly launchTemplate: LaunchTemplate;

  constructor(scope: Construct, id: string, props: EksNodePoolUnitProps) {
    super(scope, id);
    const { spec } = props;
    const tags = unitTags(props.fleet, props.unitName, props.tags);
    const role = new DataAwsIamRole(this, 'node-role', { name: props.nodeRoleName });
    const min = spec.minSize ?? 2;
    const amiType = spec.amiType ?? 'AL2023_x86_64_STANDARD';
    this.launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name: fitName(NAME_RULES.launchTemplate, [props.clusterName, props.nodeGroupName]),
      description: `Nodes of ${props.nodeGroupName} in ${props.clusterName}`,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'disabled' },
      blockDeviceMappings: [{ deviceName: rootDevice(amiType), ebs: { volumeSize: spec.diskSize ?? 50, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } }],
      tagSpecifications: [{ resourceType: 'instance', tags }, { resourceType: 'volume', tags }],
      tags,
      lifecycle: { preventDestroy: true },
    });
    const taints = [
      ...(spec.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      ...(props.cordonTaint ? [{ key: props.cordonTaint.key, value: props.cordonTaint.value, effect: EKS_EFFECT[props.cordonTaint.effect] }] : []),
    ];
    this.nodeGroup = new EksNodeGroup(this, 'node-group', {
      clusterName: props.clusterName,
      nodeGroupName: props.nodeGroupName,
      nodeRoleArn: role.arn,
      version: props.kubernetesVersion,
      subnetIds: spec.subnetIds ?? props.defaultSubnetIds,
      instanceTypes: spec.instanceTypes,
      capacityType: spec.capacityType ?? 'ON_DEMAND',
      amiType,
      launchTemplate: { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) },
      scalingConfig: { minSize: min, maxSize: spec.maxSize ?? 5, desiredSize: min },
      updateConfig: { maxUnavailable: 1 },
      labels: { ...(spec.labels ?? {}), 'bluegreen.cdktf.io/unit': props.unitName },
      taint: taints,
      tags,
      lifecycle: { preventDestroy: true, ignoreChanges: ['scaling_config[0].desired_size'] },
    });
  }
}
