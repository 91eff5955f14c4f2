import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { EksNodePoolClusterSpec } from './eks-node-pool-spec';

/** Properties of an {@link EksNodePoolControlPlane}. */
export interface EksNodePoolControlPlaneProps {
  /** The cluster's name. */
  readonly clusterName: string;
  /** Name of the IAM role every node group of the fleet uses. */
  readonly nodeRoleName: string;
  /** Control plane version of this step (`1.MINOR`). */
  readonly controlPlaneVersion: string;
  /** What the cluster is built from. */
  readonly spec: EksNodePoolClusterSpec;
  /** Principals granted cluster admin (the spec's admins plus the identity that validates). */
  readonly adminPrincipalArns: string[];
  /** Tags. */
  readonly tags: { [key: string]: string };
}

const PROTECT = { preventDestroy: true };
const AWS_POLICY = 'arn:aws:iam::aws:policy';
const ASSUME = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] });

/**
 * The long-lived EKS cluster of a node-pool fleet, in the shared stack: the cluster role, the
 * cluster (its control plane is upgraded in place, one minor per step, by changing `version`), the
 * node role all node groups use, and admin access entries (authentication mode API: no aws-auth
 * ConfigMap to edit). No node groups: they are the fleet's units.
 */
export class EksNodePoolControlPlane extends Construct {
  /** The cluster. */
  public readonly cluster: EksCluster;

  constructor(scope: Construct, id: string, props: EksNodePoolControlPlaneProps) {
    super(scope, id);
    const { spec, tags } = props;
    const clusterRole = new IamRole(this, 'cluster-role', {
      name: `${props.clusterName}-cluster`, assumeRolePolicy: ASSUME('eks.amazonaws.com'), tags, lifecycle: PROTECT,
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'cluster-policy', {
      role: clusterRole.name, policyArn: `${AWS_POLICY}/AmazonEKSClusterPolicy`, lifecycle: PROTECT,
    });
    const nodeRole = new IamRole(this, 'node-role', {
      name: props.nodeRoleName, assumeRolePolicy: ASSUME('ec2.amazonaws.com'), tags, lifecycle: PROTECT,
    });
    for (const policy of ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly']) {
      new IamRolePolicyAttachment(this, `node-${policy}`, { role: nodeRole.name, policyArn: `${AWS_POLICY}/${policy}`, lifecycle: PROTECT });
    }
    this.cluster = new EksCluster(this, 'cluster', {
      name: props.clusterName,
      version: props.controlPlaneVersion,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: spec.subnetIds,
        endpointPublicAccess: spec.endpointPublicAccess ?? true,
        endpointPrivateAccess: true,
        publicAccessCidrs: spec.publicAccessCidrs,
      },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      // No upgrade_policy: EKS's default (EXTENDED) never upgrades the control plane on its own, so
      // upgrades happen only through this library's steps (extended support is billed; upgrade in time).
      enabledClusterLogTypes: spec.enabledLogTypes ?? ['api', 'audit', 'authenticator'],
      tags,
      dependsOn: [clusterPolicy],
      lifecycle: PROTECT,
    });
    props.adminPrincipalArns.forEach((arn, i) => {
      const entry = new EksAccessEntry(this, `admin-${i}`, { clusterName: this.cluster.name, principalArn: arn, type: 'STANDARD', tags, lifecycle: PROTECT });
      new EksAccessPolicyAssociation(this, `admin-${i}-policy`, {
        clusterName: this.cluster.name, principalArn: arn,
        policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
        accessScope: { type: 'cluster' },
        dependsOn: [entry],
        lifecycle: PROTECT,
      });
    });
  }
}
