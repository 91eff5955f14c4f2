import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { KubernetesVersion } from '../core/kubernetes-version';
import { unitTags } from '../core/tags';
import { EksAddonVersions } from './eks-addons';
import { EksUnitNames } from './eks-unit-names';
import { AddonBuildKept, eksManagedAddon } from './private/eks-managed-addon';
import { EksUnitOrigin, EksUnitOriginSettings } from './eks-unit-origin';
import { EksAmiType, EksCapacityType, EksClusterSpec, EksNodeGroupSpec, EksSupportType } from './eks-spec';

/** Properties of an {@link EksClusterUnit}. */
export interface EksClusterUnitProps {
  /** Fleet name. */
  readonly fleet: string;
  /** Unit name, `<slot>-<major>-<minor>-<fingerprint>`. */
  readonly unitName: string;
  /** Kubernetes version of the control plane and every node group (EKS takes the minor, e.g. `1.33`). */
  readonly kubernetesVersion: string;
  /** What the unit is built from. */
  readonly spec: EksClusterSpec;
  /**
   * The unit's origin (target group, and load balancer or listener rule), see {@link EksUnitOrigin}.
   * `fleet`, `unitName` and `tags` are taken from the unit. @default - no origin
   */
  readonly origin?: EksUnitOriginSettings;
  /**
   * ARN of the IAM role or user that runs the validation stacks. It gets an EKS access entry with
   * the `AmazonEKSClusterAdminPolicy` association scoped to this cluster (or `validationAccessPolicy`).
   * @default - no access entry (grant access another way)
   */
  readonly validationPrincipalArn?: string;
  /**
   * Name of the EKS access policy associated with the validation principal.
   * @default 'AmazonEKSClusterAdminPolicy'
   */
  readonly validationAccessPolicy?: string;
  /** Extra tags. @default - fleet and unit tags only */
  readonly tags?: { [key: string]: string };
}

const PROTECT = { preventDestroy: true };

/** Managed policies of the control plane role. */
export const EKS_CLUSTER_ROLE_POLICIES = ['arn:aws:iam::aws:policy/AmazonEKSClusterPolicy'];
/** Managed policies of the node role (the standard worker node set). */
export const EKS_NODE_ROLE_POLICIES = [
  'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
  'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
];
/** The control-plane logs that are always on. */
export const EKS_REQUIRED_LOG_TYPES = ['api', 'audit', 'authenticator'];

// Add-ons that nodes need to become Ready (self-managed bootstrap add-ons are off), so they are
// created before the node groups; coredns needs nodes, so it comes after them.
const BEFORE_NODES = ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'];

function assumeRole(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
  });
}

/**
 * One immutable EKS cluster: a KMS key for secrets (rotation on), the control-plane and node IAM
 * roles, the cluster (API authentication mode, private endpoint by default, api/audit/authenticator
 * logs, explicit support type, no self-managed bootstrap add-ons), the four managed add-ons pinned
 * per Kubernetes minor, one launch template (IMDSv2 required) and managed node group per node group
 * spec, an access entry for the validation principal, and the unit's origin.
 *
 * Every resource has `prevent_destroy` and the fleet + unit tags, never the step: a live unit's
 * resources never change, and retirement (removing them from the configuration) is the only way
 * they go. Call `checkEksSpec` / `checkEksAddons` first (the fleet does) for readable refusals.
 */
export class EksClusterUnit extends Construct {
  /** The cluster. */
  public readonly cluster: EksCluster;
  /** The cluster name. */
  public readonly clusterName: string;
  /** The KMS key that encrypts the cluster's secrets. */
  public readonly secretsKey: KmsKey;
  /** The control-plane log group the unit owns (`/aws/eks/<cluster>/cluster`). */
  public readonly logGroup: CloudwatchLogGroup;
  /** The managed node groups, in spec order. */
  public readonly nodeGroups: EksNodeGroup[];
  /** The unit's origin, when one was asked for. */
  public readonly origin?: EksUnitOrigin;

  constructor(scope: Construct, id: string, props: EksClusterUnitProps) {
    super(scope, id);
    const { fleet, unitName, spec } = props;
    const tags = unitTags(fleet, unitName, props.tags);
    const minor = KubernetesVersion.parse(props.kubernetesVersion).minorVersion;
    this.clusterName = EksUnitNames.clusterName(fleet, unitName);

    this.secretsKey = new KmsKey(this, 'secrets-key', {
      description: `Secrets of EKS cluster ${this.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: spec.kmsKeyDeletionWindowDays ?? 30,
      tags,
      lifecycle: PROTECT,
    });

    const clusterRole = new IamRole(this, 'cluster-role', {
      name: EksUnitNames.roleName(fleet, unitName, 'cluster'),
      assumeRolePolicy: assumeRole('eks.amazonaws.com'),
      tags,
      lifecycle: PROTECT,
    });
    const clusterPolicies: ITerraformDependable[] = EKS_CLUSTER_ROLE_POLICIES.map((arn) => new IamRolePolicyAttachment(this, `cluster-role-${arn.split('/').pop()}`, {
      role: clusterRole.name, policyArn: arn, lifecycle: PROTECT,
    }));
    clusterPolicies.push(new IamRolePolicy(this, 'cluster-role-secrets-key', {
      name: 'secrets-key',
      role: clusterRole.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'], Resource: this.secretsKey.arn }],
      }),
      lifecycle: PROTECT,
    }));

    // EKS writes control-plane logs to /aws/eks/<cluster>/cluster and creates that group itself, with
    // no expiry, when it does not exist; nothing would delete it with the cluster. The unit owns it
    // instead (created first, so EKS uses it), and retirement removes it with everything else.
    // https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_cluster#enabling-control-plane-logging
    this.logGroup = new CloudwatchLogGroup(this, 'control-plane-logs', {
      name: `/aws/eks/${this.clusterName}/cluster`,
      retentionInDays: spec.controlPlaneLogRetentionDays ?? 90,
      tags,
      lifecycle: PROTECT,
    });

    const ep = spec.endpointAccess ?? {};
    this.cluster = new EksCluster(this, 'cluster', {
      name: this.clusterName,
      version: minor,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: spec.subnetIds,
        securityGroupIds: spec.securityGroupIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: ep.publicAccess ?? false,
        publicAccessCidrs: ep.publicAccess ? ep.publicAccessCidrs : undefined,
      },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: this.secretsKey.arn } },
      enabledClusterLogTypes: [...EKS_REQUIRED_LOG_TYPES, ...(spec.additionalLogTypes ?? []).filter((t) => !EKS_REQUIRED_LOG_TYPES.includes(t))],
      upgradePolicy: { supportType: spec.supportType ?? EksSupportType.EXTENDED },
      // The library installs vpc-cni, kube-proxy, coredns and the pod identity agent as managed add-ons.
      bootstrapSelfManagedAddons: false,
      tags,
      dependsOn: [...clusterPolicies, this.logGroup],
      lifecycle: PROTECT,
    });

    const addonVersions = EksAddonVersions.resolve(props.kubernetesVersion, spec.addonVersions);
    // An add-on without a pinned version takes the most recent build EKS offers for the unit's minor
    // when the unit is built, and keeps it: a build AWS publishes later never changes a live unit
    // (ignore_changes), and the stack reads the same in every step.
    const addon = (name: string, dependsOn?: ITerraformDependable[]) => eksManagedAddon(this, {
      clusterName: this.cluster.name, addonName: name, kubernetesMinor: minor, pinnedVersion: addonVersions[name], kept: AddonBuildKept.FOR_LIFE, tags, dependsOn,
    });
    const earlyAddons = BEFORE_NODES.map((name) => addon(name));

    const nodeRole = new IamRole(this, 'node-role', {
      name: EksUnitNames.roleName(fleet, unitName, 'node'),
      assumeRolePolicy: assumeRole('ec2.amazonaws.com'),
      tags,
      lifecycle: PROTECT,
    });
    const nodePolicies = EKS_NODE_ROLE_POLICIES.map((arn) => new IamRolePolicyAttachment(this, `node-role-${arn.split('/').pop()}`, {
      role: nodeRole.name, policyArn: arn, lifecycle: PROTECT,
    }));

    this.nodeGroups = spec.nodeGroups.map((g) => this.addNodeGroup(g, props, minor, nodeRole.arn, [...nodePolicies, ...earlyAddons], tags));
    addon('coredns', this.nodeGroups);

    if (props.validationPrincipalArn !== undefined) {
      const entry = new EksAccessEntry(this, 'validation-access-entry', {
        clusterName: this.cluster.name,
        principalArn: props.validationPrincipalArn,
        type: 'STANDARD',
        tags,
        lifecycle: PROTECT,
      });
      new EksAccessPolicyAssociation(this, 'validation-access-policy', {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: `arn:aws:eks::aws:cluster-access-policy/${props.validationAccessPolicy ?? 'AmazonEKSClusterAdminPolicy'}`,
        accessScope: { type: 'cluster' },
        lifecycle: PROTECT,
      });
    }

    if (props.origin) {
      this.origin = new EksUnitOrigin(this, 'origin', { ...props.origin, fleet, unitName, tags });
    }
  }

  private addNodeGroup(g: EksNodeGroupSpec, props: EksClusterUnitProps, minor: string, nodeRoleArn: string, dependsOn: ITerraformDependable[], tags: { [key: string]: string }): EksNodeGroup {
    const spec = props.spec;
    const template = new LaunchTemplate(this, `launch-template-${g.name}`, {
      name: EksUnitNames.launchTemplateName(props.fleet, props.unitName, g.name),
      description: `Nodes of ${g.name} in ${this.clusterName}`,
      // IMDSv2 only; the hop limit decides whether pods (one hop further) reach the node's credentials.
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: spec.imdsHopLimit ?? 1, instanceMetadataTags: 'disabled' },
      tagSpecifications: [
        { resourceType: 'instance', tags },
        { resourceType: 'volume', tags },
      ],
      tags,
      lifecycle: PROTECT,
    });
    const min = g.minSize ?? 2;
    const max = g.maxSize ?? Math.max(min, 5);
    return new EksNodeGroup(this, `node-group-${g.name}`, {
      clusterName: this.cluster.name,
      nodeGroupName: g.name,
      nodeRoleArn,
      version: minor,
      subnetIds: g.subnetIds ?? spec.subnetIds,
      amiType: g.amiType ?? EksAmiType.AL2023_X86_64_STANDARD,
      capacityType: g.capacityType ?? EksCapacityType.ON_DEMAND,
      instanceTypes: g.instanceTypes,
      scalingConfig: { minSize: min, maxSize: max, desiredSize: g.desiredSize ?? min },
      updateConfig: { maxUnavailable: 1 },
      launchTemplate: { id: template.id, version: Token.asString(template.latestVersion) },
      labels: g.labels,
      taint: g.taints?.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      tags,
      dependsOn,
      lifecycle: {
        ...PROTECT,
        // The cluster autoscaler (or Karpenter) owns the node count.
        ignoreChanges: ['scaling_config[0].desired_size'],
      },
    });
  }
}
