import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { EksAddonVersions } from './eks-addons';
import { EksNodePoolClusterSpec } from './eks-node-pool-spec';
import { AddonBuildKept, eksManagedAddon } from './private/eks-managed-addon';
import { EksSupportType } from './eks-spec';

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

/** Managed add-ons the shared stack installs (DaemonSets: they need no node to become ACTIVE). */
export const EKS_NODE_POOL_SHARED_ADDONS = ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'];

/**
 * The managed add-on of one add-on at the control plane's minor: the version the spec (or the
 * library's frozen table, for 1.30–1.34) pins, else the most recent build EKS offers for the minor,
 * which moves with the control plane (the same part as a whole-cluster unit's add-ons). The traffic
 * stack installs coredns with it (a Deployment: it needs a serving node group, which exists only there).
 */
export function nodePoolAddon(scope: Construct, clusterName: string, name: string, controlPlaneMinor: string, pinnedVersion: string | undefined, tags: { [key: string]: string }): EksAddon {
  return eksManagedAddon(scope, { clusterName, addonName: name, kubernetesMinor: controlPlaneMinor, pinnedVersion, kept: AddonBuildKept.FOLLOWS_CONTROL_PLANE, tags });
}

/**
 * The long-lived EKS cluster of a node-pool fleet, in the shared stack, with `EksFleet`'s secure
 * defaults: private API endpoint unless asked (never 0.0.0.0/0 without `allowPublicAccessFromAnywhere`),
 * Kubernetes secrets encrypted with a KMS key of its own (rotation on), authentication mode API (no
 * aws-auth ConfigMap). The control plane is upgraded in place, one minor per step, by changing
 * `version`; the managed add-ons vpc-cni, kube-proxy and eks-pod-identity-agent follow it in the same
 * stack (kube-proxy stays within the supported skew: https://kubernetes.io/releases/version-skew-policy/#kube-proxy).
 * No node groups: they are the fleet's units (each with an IMDSv2 launch template).
 */
export class EksNodePoolControlPlane extends Construct {
  /** The cluster. */
  public readonly cluster: EksCluster;
  /** The KMS key that encrypts the cluster's secrets. */
  public readonly secretsKey: KmsKey;

  constructor(scope: Construct, id: string, props: EksNodePoolControlPlaneProps) {
    super(scope, id);
    const { spec, tags } = props;
    const clusterRole = new IamRole(this, 'cluster-role', {
      name: `${props.clusterName}-cluster`, assumeRolePolicy: ASSUME('eks.amazonaws.com'), tags, lifecycle: PROTECT,
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'cluster-policy', {
      role: clusterRole.name, policyArn: `${AWS_POLICY}/AmazonEKSClusterPolicy`, lifecycle: PROTECT,
    });
    // Envelope encryption of secrets; EKS can enable it on an existing cluster but never disable it
    // (https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html).
    this.secretsKey = new KmsKey(this, 'secrets-key', {
      description: `Secrets of EKS cluster ${props.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: spec.kmsKeyDeletionWindowDays ?? 30,
      tags,
      lifecycle: PROTECT,
    });
    const keyPolicy = new IamRolePolicy(this, 'cluster-role-secrets-key', {
      name: 'secrets-key',
      role: clusterRole.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'], Resource: this.secretsKey.arn }] }),
      lifecycle: PROTECT,
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
        endpointPublicAccess: spec.endpointPublicAccess ?? false,
        endpointPrivateAccess: true,
        publicAccessCidrs: spec.endpointPublicAccess ? spec.publicAccessCidrs : undefined,
      },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: this.secretsKey.arn } },
      // Stated, as EksFleet does, so drift to STANDARD is corrected: EXTENDED never upgrades the control
      // plane on its own, so upgrades happen only through this library's steps (extended support is billed).
      upgradePolicy: { supportType: spec.supportType ?? EksSupportType.EXTENDED },
      enabledClusterLogTypes: spec.enabledLogTypes ?? ['api', 'audit', 'authenticator'],
      tags,
      dependsOn: [clusterPolicy, keyPolicy],
      lifecycle: PROTECT,
    });
    const versions = EksAddonVersions.resolve(props.controlPlaneVersion, spec.addonVersions);
    for (const name of EKS_NODE_POOL_SHARED_ADDONS) nodePoolAddon(this, this.cluster.name, name, props.controlPlaneVersion, versions[name], tags);
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
