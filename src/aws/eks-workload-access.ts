import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { WorkloadIdentityCheck, WorkloadIdentityCloud } from '../kubernetes/workload-identity-check';
import { EksUnitNames } from './eks-unit-names';

/** One workload's identity: a Kubernetes service account associated with an IAM role (EKS Pod Identity). */
export interface EksWorkloadIdentity {
  /** Namespace of the service account. */
  readonly namespace: string;
  /** The service account. */
  readonly serviceAccount: string;
  /**
   * ARN of the IAM role the workload acts as. Its trust policy trusts `pods.eks.amazonaws.com`
   * (one role serves every cluster) and its permissions (Secrets Manager, S3 ...) are the team's.
   */
  readonly roleArn: string;
  /** Prove on every candidate and serving unit that the identity obtains credentials. @default true */
  readonly verify?: boolean;
  /** A Secrets Manager secret (name or ARN) the check reads. @default - credentials only */
  readonly verifySecret?: string;
}

/** Network reach from a unit's nodes to one shared data store. */
export interface EksDataStoreAccess {
  /** A short name for the data store, e.g. `orders-db`. */
  readonly name: string;
  /** The security group of the data store (`sg-...`). */
  readonly securityGroupId: string;
  /** Destination port. */
  readonly port: number;
  /** `tcp` or `udp`. @default 'tcp' */
  readonly protocol?: string;
}

/**
 * What every unit of an EKS fleet is granted, declared once: each unit's stack creates it for that
 * unit (pod identity associations, pull access for its node role, security group rules for its
 * nodes), so the grants are built with the unit, never change while it lives, and go when it is
 * retired. Nothing of it lives in the shared stack.
 */
export interface EksWorkloadAccess {
  /** Workload identities to associate on every unit. @default - none */
  readonly identities?: EksWorkloadIdentity[];
  /**
   * ECR repository ARNs the unit's nodes may pull from beyond the account's own (which the node
   * role's AmazonEC2ContainerRegistryReadOnly already covers), e.g. another account's. The
   * repository's own policy must allow the account too. @default - none
   */
  readonly registryArns?: string[];
  /** Data stores the unit's nodes may reach. @default - none */
  readonly dataStores?: EksDataStoreAccess[];
}

const ROLE = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ECR = /^arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:repository\/[a-z0-9._/-]{2,256}$/;
const SG = /^sg-[0-9a-f]{8,17}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const STORE = /^[a-z][a-z0-9-]{0,23}$/;

/** The part of the declaration that reaches a unit's stack: what its fingerprint covers. */
export function eksWorkloadAccessIdentity(a: EksWorkloadAccess | undefined): unknown {
  if (!a) return undefined;
  return {
    identities: (a.identities ?? []).map((i) => ({ namespace: i.namespace, serviceAccount: i.serviceAccount, roleArn: i.roleArn })),
    registryArns: a.registryArns ?? [],
    dataStores: (a.dataStores ?? []).map((d) => ({ ...d, protocol: d.protocol ?? 'tcp' })),
  };
}

/** Refuses a declaration that cannot work. */
export function checkEksWorkloadAccess(fleet: string, a: EksWorkloadAccess, region: string): void {
  const refuse = (field: string, value: unknown, r: string, fix: string): never => {
    throw new BlueGreenError({ fleet, field: `workloadAccess.${field}`, value: show(value), rule: r, fix });
  };
  const seen = new Set<string>();
  (a.identities ?? []).forEach((i, n) => {
    if (typeof i.namespace !== 'string' || !DNS_LABEL.test(i.namespace)) refuse(`identities[${n}].namespace`, i.namespace, 'a namespace is a DNS label', "namespace: 'shop'");
    if (typeof i.serviceAccount !== 'string' || !DNS_NAME.test(i.serviceAccount)) refuse(`identities[${n}].serviceAccount`, i.serviceAccount, 'a service account name is a DNS subdomain', "serviceAccount: 'shop-api'");
    if (typeof i.roleArn !== 'string' || !ROLE.test(i.roleArn)) refuse(`identities[${n}].roleArn`, i.roleArn, 'a workload identity is an IAM role ARN', "roleArn: 'arn:aws:iam::123456789012:role/shop-api'");
    // One association per service account and cluster (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html).
    const key = `${i.namespace}/${i.serviceAccount}`;
    if (seen.has(key)) refuse(`identities[${n}]`, key, 'a service account has one pod identity association per cluster', 'declare each service account once');
    seen.add(key);
    if (i.verifySecret !== undefined) new WorkloadIdentityCheck({ cloud: WorkloadIdentityCloud.AWS, namespace: i.namespace, serviceAccount: i.serviceAccount, secret: i.verifySecret, region });
  });
  (a.registryArns ?? []).forEach((r, n) => {
    if (typeof r !== 'string' || !ECR.test(r)) refuse(`registryArns[${n}]`, r, 'a registry is an ECR repository ARN', "'arn:aws:ecr:eu-west-1:123456789012:repository/shop/api'");
  });
  const names = new Set<string>();
  (a.dataStores ?? []).forEach((d, n) => {
    if (typeof d.name !== 'string' || !STORE.test(d.name) || names.has(d.name)) refuse(`dataStores[${n}].name`, d.name, 'a data store name is unique, 1-24 lowercase letters, digits and "-", starting with a letter', "name: 'orders-db'");
    names.add(d.name);
    if (typeof d.securityGroupId !== 'string' || !SG.test(d.securityGroupId)) refuse(`dataStores[${n}].securityGroupId`, d.securityGroupId, 'a security group id is "sg-" and 8 or 17 hex digits', "securityGroupId: 'sg-0a1b2c3d4e5f60000'");
    if (!Number.isInteger(d.port) || d.port < 1 || d.port > 65535) refuse(`dataStores[${n}].port`, d.port, 'a port is 1-65535', 'port: 5432');
    if (d.protocol !== undefined && !['tcp', 'udp'].includes(d.protocol)) refuse(`dataStores[${n}].protocol`, d.protocol, 'the protocol is tcp or udp', "protocol: 'tcp'");
  });
}

/** Properties of an {@link EksUnitWorkloadAccess}. */
export interface EksUnitWorkloadAccessProps {
  readonly fleet: string;
  readonly unitName: string;
  readonly cluster: EksCluster;
  readonly access: EksWorkloadAccess;
  readonly tags: { [key: string]: string };
  /** What creates the unit's node role (the node groups wait for it). @default - nothing */
  readonly nodeRoleDependsOn?: ITerraformDependable[];
}

const PROTECT = { preventDestroy: true };

/**
 * The grants of one EKS unit, in its own stack: a pod identity association per declared workload
 * identity (the pod identity agent add-on is on every unit), an inline policy on the unit's node
 * role for the declared ECR repositories, and an ingress rule on each data store's security group
 * from the unit's cluster security group (managed node groups without security groups of their
 * own, as the unit's are, use it). prevent_destroy like the rest of the unit; retiring the unit
 * removes them with it.
 * @see https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_pod_identity_association
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
 * @see https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html
 * @see https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_security_group_ingress_rule
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/ECR_on_EKS.html
 */
export class EksUnitWorkloadAccess extends Construct {
  constructor(scope: Construct, id: string, props: EksUnitWorkloadAccessProps) {
    super(scope, id);
    const a = props.access;
    for (const i of a.identities ?? []) {
      new EksPodIdentityAssociation(this, `pod-identity-${i.namespace}-${i.serviceAccount}`, {
        clusterName: props.cluster.name, namespace: i.namespace, serviceAccount: i.serviceAccount,
        roleArn: i.roleArn,
        tags: props.tags,
        lifecycle: PROTECT,
      });
    }
    if ((a.registryArns ?? []).length > 0) {
      new IamRolePolicy(this, 'node-role-registry-pull', {
        name: 'registry-pull',
        role: EksUnitNames.roleName(props.fleet, props.unitName, 'node'),
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], Resource: a.registryArns }],
        }),
        dependsOn: props.nodeRoleDependsOn,
        lifecycle: PROTECT,
      });
    }
    for (const d of a.dataStores ?? []) {
      new VpcSecurityGroupIngressRule(this, `reach-${d.name}`, {
        securityGroupId: d.securityGroupId,
        referencedSecurityGroupId: props.cluster.vpcConfig.clusterSecurityGroupId,
        ipProtocol: d.protocol ?? 'tcp',
        fromPort: d.port,
        toPort: d.port,
        description: `Nodes of ${EksUnitNames.clusterName(props.fleet, props.unitName)} to ${d.name}`,
        tags: props.tags,
        lifecycle: PROTECT,
      });
    }
  }
}
