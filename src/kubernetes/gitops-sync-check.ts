import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { CheckContext, CheckPhase, IValidationCheck } from './check';
import { jobNamePrefix } from './private/job-name';

/** What kind of object reports a unit's GitOps sync. */
export enum GitOpsSyncKind {
  /**
   * A Flux `Kustomization` (kustomize.toolkit.fluxcd.io): ready when its `Ready` condition is True.
   * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#conditions
   */
  FLUX_KUSTOMIZATION = 'flux-kustomization',
  /**
   * An Argo CD `Application` (argoproj.io): ready when `status.health.status` is `Healthy`.
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/health/
   */
  ARGO_CD_APPLICATION = 'argocd-application',
}

/** Options of a {@link GitOpsSyncCheck}. */
export interface GitOpsSyncCheckProps {
  /** What kind of object reports the sync. */
  readonly kind: GitOpsSyncKind;
  /** Namespace of that object (`flux-system`, `argocd`). */
  readonly namespace: string;
  /** Name of that object. */
  readonly name: string;
  /**
   * Image with `kubectl` as its entrypoint, pinned, used to wait for the sync.
   * @default 'registry.k8s.io/kubectl:v1.33.0'
   */
  readonly image?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** The resource and condition `kubectl wait` waits for, per kind. */
const WAIT: Record<GitOpsSyncKind, { resource: string; apiGroup: string; plural: string; condition: string; what: string }> = {
  [GitOpsSyncKind.FLUX_KUSTOMIZATION]: {
    resource: 'kustomizations.kustomize.toolkit.fluxcd.io', apiGroup: 'kustomize.toolkit.fluxcd.io', plural: 'kustomizations',
    condition: '--for=condition=Ready', what: 'Flux Kustomization',
  },
  [GitOpsSyncKind.ARGO_CD_APPLICATION]: {
    resource: 'applications.argoproj.io', apiGroup: 'argoproj.io', plural: 'applications',
    condition: '--for=jsonpath={.status.health.status}=Healthy', what: 'Argo CD Application',
  },
};

/**
 * Waits, within the fleet's readiness window, until the unit's GitOps sync reports ready, before
 * any other check of the unit runs (the fleet makes every other check wait for it): a new cluster
 * is empty until its workloads have been synced, so probing it earlier only fails.
 *
 * A Job in the checks namespace runs `kubectl wait` on the sync object with the readiness window
 * as its timeout (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_wait/), as a
 * service account that may only read that kind of object in its namespace (a Role and RoleBinding
 * there). The Job is named after the sync and the step (`sync-<name>-<step>`), so when the sync
 * does not become ready the failed deploy names it; the traffic stack then does not run.
 */
export class GitOpsSyncCheck implements IValidationCheck {
  public readonly checkName = 'gitops-sync';
  public readonly phase?: CheckPhase = CheckPhase.SYNC;
  public readonly description: string;
  /** The sync object this check waits for, `<namespace>/<name>`. */
  public readonly syncName: string;

  constructor(private readonly props: GitOpsSyncCheckProps) {
    if (!Object.values(GitOpsSyncKind).includes(props.kind)) {
      throw new BlueGreenError({ fleet: '(any)', field: 'GitOpsSyncCheck.kind', value: show(props.kind), rule: 'the sync is a Flux Kustomization or an Argo CD Application', fix: 'kind: GitOpsSyncKind.FLUX_KUSTOMIZATION' });
    }
    if (typeof props.namespace !== 'string' || !DNS_LABEL.test(props.namespace)) {
      throw new BlueGreenError({ fleet: '(any)', field: 'GitOpsSyncCheck.namespace', value: show(props.namespace), rule: 'a namespace is a DNS label (1-63 lowercase letters, digits, "-")', fix: "namespace: 'flux-system'" });
    }
    if (typeof props.name !== 'string' || !DNS_NAME.test(props.name)) {
      throw new BlueGreenError({ fleet: '(any)', field: 'GitOpsSyncCheck.name', value: show(props.name), rule: 'an object name is a DNS subdomain (lowercase letters, digits, "-", ".")', fix: "name: 'workloads'" });
    }
    const image = props.image ?? 'registry.k8s.io/kubectl:v1.33.0';
    if (!/[:@]/.test(image) || image.endsWith(':latest')) {
      throw new BlueGreenError({ fleet: '(any)', field: 'GitOpsSyncCheck.image', value: show(image), rule: 'a check image is pinned by tag or digest (not latest)', fix: "image: 'registry.k8s.io/kubectl:v1.33.0'" });
    }
    this.syncName = `${props.namespace}/${props.name}`;
    this.description = `${WAIT[props.kind].what} ${this.syncName} reports ready within the readiness window`;
  }

  public bind(scope: Construct, context: CheckContext): void {
    const wait = WAIT[this.props.kind];
    const window = context.readinessSeconds ?? 600;
    const labels = { ...context.labels, 'bluegreen.cdktf.io/check': this.checkName };
    const account = new ServiceAccountV1(scope, 'reader', {
      provider: context.provider,
      metadata: { name: 'gitops-sync-reader', namespace: context.namespace, labels },
      automountServiceAccountToken: true,
    });
    const role = new RoleV1(scope, 'reader-role', {
      provider: context.provider,
      metadata: { name: 'bluegreen-gitops-sync-reader', namespace: this.props.namespace, labels },
      rule: [{ apiGroups: [wait.apiGroup], resources: [wait.plural], verbs: ['get', 'list', 'watch'] }],
    });
    const binding = new RoleBindingV1(scope, 'reader-binding', {
      provider: context.provider,
      metadata: { name: 'bluegreen-gitops-sync-reader', namespace: this.props.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
      subject: [{ kind: 'ServiceAccount', name: account.metadata.name, namespace: context.namespace }],
    });
    const jobName = `sync-${this.props.name}`.slice(0, 63 - context.step.length - 1).replace(/[-.]+$/, '') + `-${context.step}`;
    new JobV1(scope, `job-${context.step}`, {
      provider: context.provider,
      metadata: { generateName: jobNamePrefix(jobName), namespace: context.namespace, labels: { ...labels, 'bluegreen.cdktf.io/sync': this.props.name } },
      waitForCompletion: true,
      // The Job's own deadline is the readiness window; Terraform waits a minute longer for its verdict.
      timeouts: { create: `${window + 60}s`, update: `${window + 60}s` },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: window + 30,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: account.metadata.name,
            automountServiceAccountToken: true,
            nodeSelector: context.nodeSelector,
            toleration: context.tolerations?.map((t) => ({ key: t.key, operator: t.operator ?? 'Exists', value: t.value, effect: t.effect })),
            securityContext: { runAsNonRoot: true, runAsUser: '65532', seccompProfile: { type: 'RuntimeDefault' } },
            container: [{
              name: 'wait',
              image: this.props.image ?? 'registry.k8s.io/kubectl:v1.33.0',
              args: ['wait', wait.condition, `${wait.resource}/${this.props.name}`, '--namespace', this.props.namespace, `--timeout=${window}s`],
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              resources: { limits: { cpu: '100m', memory: '64Mi' }, requests: { cpu: '10m', memory: '32Mi' } },
            }],
          },
        },
      },
      dependsOn: [binding, ...(context.after ?? [])],
    });
  }
}
