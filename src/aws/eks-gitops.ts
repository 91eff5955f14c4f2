import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksCapability } from '@cdktf/provider-aws/lib/eks-capability';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { GitOpsRepository, GitOpsUnitValues, checkGitOpsRepository, gitOpsPath } from '../kubernetes/gitops-repository';
import { GitOpsSyncCheck, GitOpsSyncKind } from '../kubernetes/gitops-sync-check';
import { EksUnitNames } from './eks-unit-names';

/**
 * GitOps bootstrap of every unit of an EKS fleet, declared once: the managed Argo CD capability on
 * each unit, and one Argo CD Application that syncs the team's repository into it.
 *
 * Teams that cannot use the capability (it needs IAM Identity Center) leave this unset and
 * bootstrap from their own Argo CD or Flux; docs/gitops-and-access.md describes that alternative
 * and how to add its sync to the validation with a {@link GitOpsSyncCheck}.
 */
export interface EksGitOps {
  /** The team's repository; its path may name the unit's slot and version. */
  readonly repository: GitOpsRepository;
  /**
   * ARN of the IAM Identity Center instance Argo CD authenticates its users with (the capability
   * requires one). @see https://docs.aws.amazon.com/eks/latest/userguide/create-argocd-capability.html
   */
  readonly identityCenterInstanceArn: string;
  /** Region of the Identity Center instance. @default - the fleet's region */
  readonly identityCenterRegion?: string;
  /** Identity Center group ids mapped to the Argo CD ADMIN role. @default - none */
  readonly adminGroupIds?: string[];
  /** Namespace of Argo CD's objects on the unit. @default 'argocd' */
  readonly namespace?: string;
  /** Name of the Application that syncs the repository. @default 'workloads' */
  readonly applicationName?: string;
  /** Namespace the Application deploys namespaced objects to when they name none. @default 'default' */
  readonly destinationNamespace?: string;
  /**
   * EKS access policy the capability's role gets on its own cluster (EKS creates its access entry
   * but grants it no Kubernetes permissions). @default 'AmazonEKSClusterAdminPolicy'
   */
  readonly capabilityAccessPolicy?: string;
  /** Image with `kubectl` as its entrypoint, for the sync check. @default 'registry.k8s.io/kubectl:v1.33.0' */
  readonly kubectlImage?: string;
}

const IDC = /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ACCESS_POLICY = /^AmazonEKS[A-Za-z]+Policy$/;
const GROUP = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

/** The declaration with its documented defaults written out: what a fingerprint is taken of. */
export function resolvedEksGitOps(g: EksGitOps, region: string): EksGitOps {
  return {
    ...g,
    repository: { ...g.repository, branch: g.repository.branch ?? 'main', path: g.repository.path ?? './' },
    identityCenterRegion: g.identityCenterRegion ?? region,
    adminGroupIds: g.adminGroupIds ?? [],
    namespace: g.namespace ?? 'argocd',
    applicationName: g.applicationName ?? 'workloads',
    destinationNamespace: g.destinationNamespace ?? 'default',
    capabilityAccessPolicy: g.capabilityAccessPolicy ?? 'AmazonEKSClusterAdminPolicy',
  };
}

/** Refuses a GitOps declaration that cannot work. */
export function checkEksGitOps(fleet: string, g: EksGitOps): void {
  checkGitOpsRepository(fleet, 'gitOps.repository', g.repository);
  const refuse = (field: string, value: unknown, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet, field: `gitOps.${field}`, value: show(value), rule, fix });
  };
  if (typeof g.identityCenterInstanceArn !== 'string' || !IDC.test(g.identityCenterInstanceArn)) {
    refuse('identityCenterInstanceArn', g.identityCenterInstanceArn, 'the Argo CD capability authenticates through an IAM Identity Center instance, given by ARN', "identityCenterInstanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef'");
  }
  for (const [field, v] of [['namespace', g.namespace], ['applicationName', g.applicationName], ['destinationNamespace', g.destinationNamespace]] as const) {
    if (v !== undefined && !DNS_LABEL.test(v)) refuse(field, v, 'a namespace or object name here is a DNS label', `${field}: 'workloads'`);
  }
  if (g.capabilityAccessPolicy !== undefined && !ACCESS_POLICY.test(g.capabilityAccessPolicy)) refuse('capabilityAccessPolicy', g.capabilityAccessPolicy, 'an EKS access policy name is AmazonEKS...Policy', "capabilityAccessPolicy: 'AmazonEKSClusterAdminPolicy'");
  (g.adminGroupIds ?? []).forEach((id, i) => {
    if (!GROUP.test(id)) refuse(`adminGroupIds[${i}]`, id, 'an Identity Center group id is a UUID (optionally prefixed by the identity store id)', "'a1b2c3d4-0000-1111-2222-333344445555'");
  });
}

/** The check that waits for the fleet's Argo CD Application on each unit. */
export function eksGitOpsSyncCheck(g: EksGitOps): GitOpsSyncCheck {
  return new GitOpsSyncCheck({ kind: GitOpsSyncKind.ARGO_CD_APPLICATION, namespace: g.namespace ?? 'argocd', name: g.applicationName ?? 'workloads', image: g.kubectlImage });
}

/** Properties of an {@link EksArgoCdCapability}. */
export interface EksArgoCdCapabilityProps {
  readonly fleet: string;
  readonly unitName: string;
  readonly region: string;
  readonly cluster: EksCluster;
  readonly gitOps: EksGitOps;
  readonly tags: { [key: string]: string };
}

const PROTECT = { preventDestroy: true };

/**
 * The managed Argo CD of one EKS unit, in the unit's own stack: the capability's IAM role (trusted
 * by `capabilities.eks.amazonaws.com`), the `ARGOCD` capability (Identity Center auth, optional
 * admin group mapping; `RETAIN` so deleting it leaves the synced workloads, which go with the
 * cluster), and the access policy of the access entry EKS creates for the role on this cluster.
 * @see https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_capability
 * @see https://docs.aws.amazon.com/eks/latest/userguide/argocd-create-eksctl.html
 * @see https://docs.aws.amazon.com/eks/latest/userguide/argocd-register-clusters.html
 */
export class EksArgoCdCapability extends Construct {
  /** The capability. */
  public readonly capability: EksCapability;

  constructor(scope: Construct, id: string, props: EksArgoCdCapabilityProps) {
    super(scope, id);
    const g = resolvedEksGitOps(props.gitOps, props.region);
    const role = new IamRole(this, 'argocd-role', {
      name: EksUnitNames.roleName(props.fleet, props.unitName, 'argocd'),
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'capabilities.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
      }),
      tags: props.tags,
      lifecycle: PROTECT,
    });
    this.capability = new EksCapability(this, 'argocd', {
      capabilityName: 'argocd',
      clusterName: props.cluster.name,
      type: 'ARGOCD',
      roleArn: role.arn,
      deletePropagationPolicy: 'RETAIN',
      configuration: [{
        argoCd: [{
          namespace: g.namespace,
          awsIdc: [{ idcInstanceArn: g.identityCenterInstanceArn, idcRegion: g.identityCenterRegion }],
          rbacRoleMapping: g.adminGroupIds!.length > 0 ? [{ role: 'ADMIN', identity: g.adminGroupIds!.map((gid) => ({ id: gid, type: 'SSO_GROUP' })) }] : undefined,
        }],
      }],
      tags: props.tags,
      lifecycle: PROTECT,
    });
    new EksAccessPolicyAssociation(this, 'argocd-access-policy', {
      clusterName: props.cluster.name,
      principalArn: role.arn,
      policyArn: `arn:aws:eks::aws:cluster-access-policy/${g.capabilityAccessPolicy}`,
      accessScope: { type: 'cluster' },
      dependsOn: [this.capability],
      lifecycle: PROTECT,
    });
  }
}

/**
 * Registers one EKS unit with its own Argo CD and creates the Application that syncs the team's
 * repository at the unit's path, in the unit's validation stack (the only stack with a kubernetes
 * provider for the unit; a provider configured from a cluster built in the same stack cannot plan
 * a first deploy). The capability does not register its own cluster: a cluster Secret whose
 * `server` is the cluster ARN does. Both stay while the unit is a candidate, serves or stands by.
 * Returns what the unit's checks wait for.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/argocd-register-clusters.html
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#applications
 */
export function bindEksArgoCdApplication(scope: Construct, provider: KubernetesProvider, clusterName: string, g0: EksGitOps, region: string, unit: GitOpsUnitValues): ITerraformDependable[] {
  const g = resolvedEksGitOps(g0, region);
  const cluster = new DataAwsEksCluster(scope, 'gitops-cluster', { name: clusterName });
  const registration = new SecretV1(scope, 'argocd-local-cluster', {
    provider,
    metadata: { name: 'in-cluster', namespace: g.namespace!, labels: { 'argocd.argoproj.io/secret-type': 'cluster', 'app.kubernetes.io/managed-by': 'cdktf-bluegreen' } },
    data: { name: 'in-cluster', server: cluster.arn, project: 'default' },
  });
  const application = new Manifest(scope, 'argocd-application', {
    provider,
    manifest: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: g.applicationName, namespace: g.namespace, labels: { 'app.kubernetes.io/managed-by': 'cdktf-bluegreen', 'bluegreen.cdktf.io/unit': unit.unit } },
      spec: {
        project: 'default',
        source: { repoURL: g.repository.url, targetRevision: g.repository.branch, path: gitOpsPath(g.repository, unit) },
        destination: { name: 'in-cluster', namespace: g.destinationNamespace },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
      },
    },
    dependsOn: [registration],
  });
  return [registration, application];
}
