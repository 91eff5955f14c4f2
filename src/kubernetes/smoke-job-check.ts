import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { CheckContext, IValidationCheck } from './check';
import { jobNamePrefix } from './private/job-name';

/** Options of a {@link SmokeJobCheck}. */
export interface SmokeJobCheckProps {
  /** Check name: 1-20 lowercase letters, digits and "-". */
  readonly name: string;
  /** Container image, pinned by tag or digest. */
  readonly image: string;
  /** Command to run; exit code 0 passes. */
  readonly command: string[];
  /** Arguments. @default - none */
  readonly args?: string[];
  /** How long the Job may take before the deploy fails. @default 5 */
  readonly timeoutMinutes?: number;
  /** Retries of the pod before the Job fails. @default 1 */
  readonly backoffLimit?: number;
  /** What the check proves, for the plan report. @default - "smoke Job <name> completes" */
  readonly description?: string;
  /** UID to run as (never root). @default 65532 */
  readonly runAsUser?: number;
}

const NAME = /^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/;

/**
 * Runs a Job on the unit and fails the deploy unless it completes (`wait_for_completion`). The
 * Job is named with the rollout step, so every step runs it again. Its pod runs as non-root with a
 * read-only root filesystem, no privilege escalation, all capabilities dropped and the runtime's
 * seccomp profile; on a node-pool unit it is pinned to the unit's nodes.
 */
export class SmokeJobCheck implements IValidationCheck {
  /** A Job that resolves the cluster's own API service name through cluster DNS. */
  public static clusterDns(): SmokeJobCheck {
    return new SmokeJobCheck({
      name: 'cluster-dns',
      image: 'busybox:1.37.0',
      command: ['nslookup', 'kubernetes.default.svc.cluster.local'],
      description: 'cluster DNS answers from a pod',
    });
  }

  public readonly checkName: string;
  public readonly description: string;

  constructor(private readonly props: SmokeJobCheckProps) {
    if (typeof props.name !== 'string' || !NAME.test(props.name)) {
      throw new BlueGreenError({ fleet: '(any)', field: 'SmokeJobCheck.name', value: show(props.name), rule: 'a check name is 1-20 lowercase letters, digits and "-", starting with a letter', fix: "name: 'smoke'" });
    }
    if (typeof props.image !== 'string' || props.image.length === 0 || !/[:@]/.test(props.image) || props.image.endsWith(':latest')) {
      throw new BlueGreenError({ fleet: '(any)', field: `SmokeJobCheck(${props.name}).image`, value: show(props.image), rule: 'a check image is pinned by tag or digest (not latest), so a step re-runs the same check', fix: "image: 'busybox:1.37.0'" });
    }
    if (props.runAsUser !== undefined && (!Number.isInteger(props.runAsUser) || props.runAsUser <= 0)) {
      throw new BlueGreenError({ fleet: '(any)', field: `SmokeJobCheck(${props.name}).runAsUser`, value: show(props.runAsUser), rule: 'check pods never run as root', fix: 'runAsUser: 65532' });
    }
    this.checkName = props.name;
    this.description = props.description ?? `smoke Job ${props.name} completes`;
  }

  public bind(scope: Construct, context: CheckContext): void {
    const labels = { ...context.labels, 'bluegreen.cdktf.io/check': this.checkName };
    const timeout = this.props.timeoutMinutes ?? 5;
    new JobV1(scope, `job-${context.step}`, {
      provider: context.provider,
      metadata: { generateName: jobNamePrefix(`${this.checkName}-${context.step}`), namespace: context.namespace, labels },
      waitForCompletion: true,
      timeouts: { create: `${timeout}m`, update: `${timeout}m` },
      // After the GitOps sync and access checks, when the fleet has them.
      dependsOn: context.after?.length ? context.after : undefined,
      spec: {
        backoffLimit: this.props.backoffLimit ?? 1,
        activeDeadlineSeconds: timeout * 60,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'Never',
            automountServiceAccountToken: false,
            nodeSelector: context.nodeSelector,
            toleration: context.tolerations?.map((t) => ({ key: t.key, operator: t.operator ?? 'Exists', value: t.value, effect: t.effect })),
            securityContext: { runAsNonRoot: true, runAsUser: String(this.props.runAsUser ?? 65532), seccompProfile: { type: 'RuntimeDefault' } },
            container: [{
              name: 'check',
              image: this.props.image,
              command: this.props.command,
              args: this.props.args,
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              resources: { limits: { cpu: '200m', memory: '128Mi' }, requests: { cpu: '50m', memory: '32Mi' } },
            }],
          },
        },
      },
    });
  }
}
