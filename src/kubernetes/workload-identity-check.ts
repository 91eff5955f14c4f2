import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { CheckContext, CheckPhase, IValidationCheck } from './check';
import { jobNamePrefix } from './private/job-name';

/** Which cloud a workload identity belongs to. */
export enum WorkloadIdentityCloud {
  /**
   * Microsoft Entra Workload ID: the pod (labelled `azure.workload.identity/use: "true"`) gets a
   * projected service-account token and `AZURE_CLIENT_ID` / `AZURE_TENANT_ID` /
   * `AZURE_FEDERATED_TOKEN_FILE`, and exchanges the token for an Entra ID token through the
   * managed identity's federated credential for this cluster's issuer.
   * @see https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html
   * @see https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster
   */
  AZURE = 'azure',
  /**
   * EKS Pod Identity: a pod whose service account has an association gets credentials from the
   * Pod Identity agent, through environment variables the AWS CLI and SDKs read.
   * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_CreatePodIdentityAssociation.html
   */
  AWS = 'aws',
}

/** Options of a {@link WorkloadIdentityCheck}. */
export interface WorkloadIdentityCheckProps {
  /** The cloud the identity belongs to. */
  readonly cloud: WorkloadIdentityCloud;
  /** Namespace of the workload's service account (created by the team's GitOps). */
  readonly namespace: string;
  /** The workload's service account. */
  readonly serviceAccount: string;
  /**
   * One secret the identity must be able to read, as proof that its grants work on this unit:
   * Azure `<vault name>/<secret name>` (Key Vault), AWS a Secrets Manager secret name or ARN. The
   * value is never printed (only its id is asked for). @default - only a token is obtained
   */
  readonly secret?: string;
  /** AWS region of the secret and of STS. Required for AWS. @default - none */
  readonly region?: string;
  /**
   * Image of the cloud's CLI, pinned.
   * @default 'mcr.microsoft.com/azure-cli:2.67.0' (Azure), 'public.ecr.aws/aws-cli/aws-cli:2.22.0' (AWS)
   */
  readonly image?: string;
  /** How long the Job may take. @default 5 */
  readonly timeoutMinutes?: number;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const AZURE_SECRET = /^[A-Za-z0-9-]{3,24}\/[A-Za-z0-9-]{1,127}$/;
const AWS_SECRET = /^[A-Za-z0-9/_+=.@:-]{1,2048}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * Proves, before a unit gets traffic, that a workload keeps its cloud access on this unit: a Job
 * in the workload's namespace, running as the workload's service account, obtains a cloud token
 * and (optionally) reads one named secret. On a new cluster this fails until the identity is
 * federated with it (Azure: a federated credential for the cluster's OIDC issuer; EKS: a pod
 * identity association), which is what the fleet's `workloadAccess` creates in the unit's stack.
 * It runs in the ACCESS phase: after the GitOps sync (which creates the namespace and service
 * account), before the other checks.
 */
export class WorkloadIdentityCheck implements IValidationCheck {
  public readonly checkName: string;
  public readonly description: string;
  public readonly phase?: CheckPhase = CheckPhase.ACCESS;

  constructor(private readonly props: WorkloadIdentityCheckProps) {
    const refuse = (field: string, value: unknown, rule: string, fix: string): never => {
      throw new BlueGreenError({ fleet: '(any)', field: `WorkloadIdentityCheck.${field}`, value: show(value), rule, fix });
    };
    if (!Object.values(WorkloadIdentityCloud).includes(props.cloud)) refuse('cloud', props.cloud, 'the cloud is Azure or AWS', 'cloud: WorkloadIdentityCloud.AZURE');
    if (typeof props.namespace !== 'string' || !DNS_LABEL.test(props.namespace)) refuse('namespace', props.namespace, 'a namespace is a DNS label', "namespace: 'shop'");
    if (typeof props.serviceAccount !== 'string' || !DNS_NAME.test(props.serviceAccount)) refuse('serviceAccount', props.serviceAccount, 'a service account name is a DNS subdomain', "serviceAccount: 'shop-api'");
    if (props.secret !== undefined) {
      const ok = props.cloud === WorkloadIdentityCloud.AZURE ? AZURE_SECRET.test(props.secret) : AWS_SECRET.test(props.secret);
      if (!ok) refuse('secret', props.secret, props.cloud === WorkloadIdentityCloud.AZURE ? 'an Azure secret is "<vault name>/<secret name>"' : 'a Secrets Manager secret is a name or ARN', props.cloud === WorkloadIdentityCloud.AZURE ? "secret: 'shop-kv/db-password'" : "secret: 'shop/db-password'");
    }
    if (props.cloud === WorkloadIdentityCloud.AWS && (typeof props.region !== 'string' || !REGION.test(props.region))) {
      refuse('region', props.region, 'an AWS identity check needs the region of STS and the secret', "region: 'eu-west-1'");
    }
    const image = props.image ?? this.defaultImage();
    if (!/[:@]/.test(image) || image.endsWith(':latest')) refuse('image', image, 'a check image is pinned by tag or digest (not latest)', `image: '${this.defaultImage()}'`);
    this.checkName = `identity-${props.namespace}-${props.serviceAccount}`;
    this.description = `${props.namespace}/${props.serviceAccount} obtains a${props.cloud === WorkloadIdentityCloud.AZURE ? 'n Entra ID' : 'n AWS'} token${props.secret ? ` and reads secret ${props.secret}` : ''}`;
  }

  private defaultImage(): string {
    return this.props.cloud === WorkloadIdentityCloud.AZURE ? 'mcr.microsoft.com/azure-cli:2.67.0' : 'public.ecr.aws/aws-cli/aws-cli:2.22.0';
  }

  /** The shell script the Job runs: fails unless a token (and the secret's id) can be obtained. Nothing secret is printed. */
  public script(): string {
    const p = this.props;
    if (p.cloud === WorkloadIdentityCloud.AZURE) {
      const lines = [
        'set -eu',
        // https://learn.microsoft.com/cli/azure/reference-index#az-login (--federated-token)
        'az login --service-principal --username "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" --federated-token "$(cat "$AZURE_FEDERATED_TOKEN_FILE")" --allow-no-subscriptions --output none',
        'az account get-access-token --resource https://management.azure.com/ --query expiresOn --output none',
      ];
      if (p.secret) {
        const [vault, name] = p.secret.split('/');
        lines.push(`az keyvault secret show --vault-name ${vault} --name ${name} --query id --output none`);
      }
      lines.push(`echo "workload identity ${p.namespace}/${p.serviceAccount}: token obtained${p.secret ? ', secret readable' : ''}"`);
      return lines.join('\n');
    }
    const lines = [
      'set -eu',
      // https://docs.aws.amazon.com/cli/latest/reference/sts/get-caller-identity.html
      `aws sts get-caller-identity --region ${p.region} --query Arn --output text`,
    ];
    if (p.secret) lines.push(`aws secretsmanager describe-secret --region ${p.region} --secret-id '${p.secret}' --query ARN --output text >/dev/null && aws secretsmanager get-secret-value --region ${p.region} --secret-id '${p.secret}' --query VersionId --output text >/dev/null`);
    lines.push(`echo "workload identity ${p.namespace}/${p.serviceAccount}: credentials obtained${p.secret ? ', secret readable' : ''}"`);
    return lines.join('\n');
  }

  public bind(scope: Construct, context: CheckContext): void {
    const p = this.props;
    const timeout = p.timeoutMinutes ?? 5;
    const labels = { ...context.labels, 'bluegreen.cdktf.io/check': 'workload-identity' };
    const podLabels = p.cloud === WorkloadIdentityCloud.AZURE ? { ...labels, 'azure.workload.identity/use': 'true' } : labels;
    const name = `wi-${p.serviceAccount}`.slice(0, 63 - context.step.length - 1).replace(/[-.]+$/, '') + `-${context.step}`;
    new JobV1(scope, `job-${context.step}`, {
      provider: context.provider,
      // In the workload's namespace: a pod can only run as a service account of its own namespace.
      metadata: { generateName: jobNamePrefix(name), namespace: p.namespace, labels },
      waitForCompletion: true,
      timeouts: { create: `${timeout}m`, update: `${timeout}m` },
      spec: {
        backoffLimit: 1,
        activeDeadlineSeconds: timeout * 60,
        template: {
          metadata: { labels: podLabels },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: p.serviceAccount,
            automountServiceAccountToken: true,
            nodeSelector: context.nodeSelector,
            toleration: context.tolerations?.map((t) => ({ key: t.key, operator: t.operator ?? 'Exists', value: t.value, effect: t.effect })),
            securityContext: { runAsNonRoot: true, runAsUser: '65532', seccompProfile: { type: 'RuntimeDefault' } },
            container: [{
              name: 'identity',
              image: p.image ?? this.defaultImage(),
              command: ['/bin/sh', '-c', this.script()],
              // The CLIs write their caches under HOME; the root filesystem stays read-only.
              env: [{ name: 'HOME', value: '/tmp' }],
              volumeMount: [{ name: 'tmp', mountPath: '/tmp' }],
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              resources: { limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '50m', memory: '128Mi' } },
            }],
            volume: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
      dependsOn: context.after?.length ? context.after : undefined,
    });
  }
}
