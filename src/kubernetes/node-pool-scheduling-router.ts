import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DataKubernetesConfigMapV1 } from '@cdktf/provider-kubernetes/lib/data-kubernetes-config-map-v1';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { UnitLifecycle } from '../core/rollout-model';
import { IRouter, RouterContext, RouterTarget } from '../routing/router';
import { CheckToleration } from './check';
import { DRAIN_SCRIPT } from './node-pool-drain-script';

/** How the scheduling router drains a pool that stops serving. */
export interface NodePoolDrainOptions {
  /**
   * Seconds the whole drain may take (evictions refused by PodDisruptionBudgets are retried until
   * then, and the evicted workloads must be Ready on the serving pools by then). Past it the deploy
   * fails, naming the PodDisruptionBudgets and pods, and nothing is deleted. @default 900
   */
  readonly timeoutSeconds?: number;
  /** Nodes drained at the same time. @default 1 */
  readonly batchSize?: number;
  /**
   * Image of the drain Job: POSIX `sh`, `date`, `sort`, `tr`, `wc` and `kubectl` (1.27 or later), pinned by tag or digest.
   * @default SchedulingRouter.DEFAULT_DRAIN_IMAGE
   */
  readonly image?: string;
}

/** Options of the {@link SchedulingRouter}. */
export interface SchedulingRouterProps {
  /**
   * Key of the `NoSchedule` taint that cordons a pool. Its value is the pool's unit name.
   * @default 'bluegreen.cdktf.io/cordoned'
   */
  readonly taintKey?: string;
  /**
   * Seconds the cluster needs to act on a cordon (scheduler, cluster autoscaler); the fleet's drain
   * timer, which runs before a retired pool is deleted, is at least twice this. @default 30
   */
  readonly settleSeconds?: number;
  /** The drain of pools that stop serving. @default - 900 s, one node at a time, the default image */
  readonly drain?: NodePoolDrainOptions;
}

/** One pool as the scheduling router sees it. */
export interface SchedulingPool {
  /** The pool's unit name (`<slot>-<major>-<minor>-<fingerprint>`). */
  readonly unitName: string;
  /** The pool's name in the cluster (AKS agent pool, EKS node group). */
  readonly poolName: string;
  /** The pool's lifecycle in this step (retired pools included: they are drained until deleted). */
  readonly lifecycle: string;
  /** The pool's share, 0-100. */
  readonly weight: number;
  /**
   * Whether the pool was serving in the previous step (the fleet's `previousUnits`); a pool that
   * enters service in this step is cordoned again when the step's drain fails. @default false
   */
  readonly servingBefore?: boolean;
}

/** A taint of a pool's own spec. */
export interface PoolTaint {
  /** Taint key. */
  readonly key: string;
  /** Taint value. */
  readonly value: string;
  /** Kubernetes effect (`NoSchedule`). */
  readonly effect: string;
}

/** What the scheduling router is told about the step it lays out. */
export interface SchedulingRouterContext extends RouterContext {
  /** The kubernetes provider that reaches the fleet's cluster (in the traffic stack). */
  readonly provider: KubernetesProvider;
  /** The node label whose value is the pool name (`kubernetes.azure.com/agentpool`, `eks.amazonaws.com/nodegroup`). */
  readonly nodeLabelKey: string;
}

const TAINT_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const MANAGED_BY = 'cdktf-bluegreen';

/**
 * The "router" of node-pool units: scheduling instead of traffic weights.
 *
 * - Every pool that is not serving (a candidate being validated, a standby pool) carries the cordon
 *   taint `<taintKey>=<unit>:NoSchedule` **in its own spec** (AKS `node_taints`, EKS `taint`): its
 *   nodes register with it, including nodes the autoscaler adds later, so no workload pod lands on a
 *   pool before it was validated and made serving. The unit stacks apply it (`cordonTaint`); it is the
 *   only attribute of a pool that changes across steps.
 * - When a pool stops serving (standby, retired), the traffic stack runs a drain Job: it cordons the
 *   pool's nodes, evicts the workload through the Eviction API (PodDisruptionBudgets hold) in batches,
 *   waits until the workload is Ready on the serving pools and fails the deploy otherwise, after
 *   putting the schedulable set back. The standby pool's own taint is applied after that (its unit
 *   stack waits for the traffic stack); a retired pool is deleted only after it.
 *
 * Pools do not split work by weight: the scheduler places pods on any schedulable pool. The weights
 * only say which pools are schedulable and still add up to 100 across serving pools.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/
 */
export class SchedulingRouter implements IRouter {
  /** Image of the drain Job unless `drain.image` says otherwise (sh + kubectl). */
  public static readonly DEFAULT_DRAIN_IMAGE = 'alpine/k8s:1.33.4';

  /** Whether the router cordons a pool in this step: every pool that is not serving. */
  public static isCordoned(lifecycle: string, weight: number): boolean {
    return !(lifecycle === UnitLifecycle.SERVING && weight > 0);
  }

  /** Whether the pool is drained in this step: standby and retired pools (idempotent when already empty). */
  public static isDrained(lifecycle: string): boolean {
    return lifecycle === UnitLifecycle.STANDBY || lifecycle === UnitLifecycle.RETIRED;
  }

  /** Namespace of the drain Job and its ServiceAccount. */
  public static drainNamespace(fleet: string): string {
    return `${fleet}-drain`;
  }

  public readonly routerName = 'Kubernetes scheduling (NoSchedule cordon)';
  public readonly ttlSeconds: number;
  /** Key of the cordon taint. */
  public readonly taintKey: string;
  /** Seconds the drain may take. */
  public readonly drainTimeoutSeconds: number;
  /** Nodes drained at once. */
  public readonly drainBatchSize: number;
  /** Image of the drain Job. */
  public readonly drainImage: string;

  constructor(props: SchedulingRouterProps = {}) {
    this.taintKey = props.taintKey ?? 'bluegreen.cdktf.io/cordoned';
    if (typeof this.taintKey !== 'string' || !TAINT_KEY.test(this.taintKey) || this.taintKey.length > 253 + 64) {
      throw new BlueGreenError({ fleet: '(any)', field: 'SchedulingRouter.taintKey', value: show(this.taintKey), rule: 'a taint key is a Kubernetes qualified name (optional DNS prefix and "/", then 1-63 letters, digits, "-", "_", ".")', fix: "taintKey: 'bluegreen.cdktf.io/cordoned'" });
    }
    this.ttlSeconds = props.settleSeconds ?? 30;
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds < 0) {
      throw new BlueGreenError({ fleet: '(any)', field: 'SchedulingRouter.settleSeconds', value: show(props.settleSeconds), rule: 'settleSeconds is a whole number of seconds, 0 or more', fix: 'settleSeconds: 30' });
    }
    const drain = props.drain ?? {};
    this.drainTimeoutSeconds = drain.timeoutSeconds ?? 900;
    if (!Number.isInteger(this.drainTimeoutSeconds) || this.drainTimeoutSeconds < 60 || this.drainTimeoutSeconds > 6 * 3600) {
      throw new BlueGreenError({ fleet: '(any)', field: 'SchedulingRouter.drain.timeoutSeconds', value: show(drain.timeoutSeconds), rule: 'the drain timeout is a whole number of seconds from 60 to 21600 (6 h)', fix: 'timeoutSeconds: 900' });
    }
    this.drainBatchSize = drain.batchSize ?? 1;
    if (!Number.isInteger(this.drainBatchSize) || this.drainBatchSize < 1 || this.drainBatchSize > 100) {
      throw new BlueGreenError({ fleet: '(any)', field: 'SchedulingRouter.drain.batchSize', value: show(drain.batchSize), rule: 'the drain batch is a whole number of nodes from 1 to 100', fix: 'batchSize: 1' });
    }
    this.drainImage = drain.image ?? SchedulingRouter.DEFAULT_DRAIN_IMAGE;
    if (typeof this.drainImage !== 'string' || !/^[a-z0-9][a-z0-9._\/:@-]*[:@][A-Za-z0-9._:-]+$/.test(this.drainImage) || this.drainImage.endsWith(':latest')) {
      throw new BlueGreenError({ fleet: '(any)', field: 'SchedulingRouter.drain.image', value: show(this.drainImage), rule: 'the drain image is pinned by tag or digest (not latest), so every step runs the same drain', fix: `image: '${SchedulingRouter.DEFAULT_DRAIN_IMAGE}'` });
    }
  }

  /** The taint a pool carries in its own spec while it is cordoned (candidate, standby). */
  public cordonTaint(unitName: string): PoolTaint {
    return { key: this.taintKey, value: unitName, effect: 'NoSchedule' };
  }

  /** The toleration validation pods need to run on a cordoned (candidate) pool. */
  public toleration(): CheckToleration {
    return { key: this.taintKey, operator: 'Exists', effect: 'NoSchedule' };
  }

  public checkTargets(fleet: string, targets: RouterTarget[]): void {
    if (!targets.some((t) => !SchedulingRouter.isCordoned(t.lifecycle, t.weight))) {
      throw new BlueGreenError({
        fleet, field: 'units[*].weight', value: show(targets.map((t) => `${t.slot}=${t.weight}`).join(', ')),
        rule: 'at least one pool is schedulable (serving with weight > 0), or workloads could not run anywhere',
        fix: 'give a validated pool lifecycle SERVING and weight 100',
      });
    }
  }

  public describeWeight(target: RouterTarget): string {
    if (!SchedulingRouter.isCordoned(target.lifecycle, target.weight)) return 'schedulable (no cordon taint)';
    if (target.lifecycle === UnitLifecycle.CANDIDATE) return 'cordoned while validated (pool taint, NoSchedule)';
    return 'drained, then cordoned (pool taint, NoSchedule)';
  }

  /**
   * Adds the drain's namespace, ServiceAccount and least-privilege RBAC (always, so they do not come
   * and go between steps) and, when a pool is standby or retired, the drain Job of this step and the
   * look-up of its result, whose postcondition fails the deploy with the Job's own account.
   */
  public bindTraffic(scope: Construct, context: SchedulingRouterContext, pools: SchedulingPool[]): void {
    const { fleet, step, provider } = context;
    const ns = SchedulingRouter.drainNamespace(fleet);
    const labels = { 'app.kubernetes.io/managed-by': MANAGED_BY, 'bluegreen.cdktf.io/fleet': fleet };
    const namespace = new NamespaceV1(scope, 'drain-namespace', {
      provider, metadata: { name: ns, labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    const account = new ServiceAccountV1(scope, 'drain-service-account', {
      provider, metadata: { name: 'drain', namespace: namespace.metadata.name, labels }, automountServiceAccountToken: false,
    });
    const role = new ClusterRoleV1(scope, 'drain-cluster-role', {
      provider,
      metadata: { name: `bluegreen-drain-${fleet}`, labels },
      // Exactly what `kubectl cordon/drain` and `kubectl rollout status` call, and the PDB names for the failure message.
      rule: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'patch'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
        { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
        { apiGroups: ['apps'], resources: ['daemonsets', 'replicasets'], verbs: ['get'] },
        { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['list'] },
      ],
    });
    const clusterBinding = new ClusterRoleBindingV1(scope, 'drain-cluster-role-binding', {
      provider,
      metadata: { name: `bluegreen-drain-${fleet}`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name },
      subject: [{ kind: 'ServiceAccount', name: account.metadata.name, namespace: ns }],
    });
    const resultRole = new RoleV1(scope, 'drain-result-role', {
      provider,
      metadata: { name: 'drain-result', namespace: namespace.metadata.name, labels },
      // Only the drain's own namespace: it writes its outcome to one ConfigMap there.
      rule: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'patch'] }],
    });
    // The Job writes its outcome here; Terraform creates it once and leaves its data to the Job.
    const resultMap = new ConfigMapV1(scope, 'drain-result-map', {
      provider,
      metadata: { name: 'drain-result', namespace: namespace.metadata.name, labels },
      data: { step: 'none', status: 'none', detail: '', attempt: '0' },
      lifecycle: { ignoreChanges: ['data'] },
    });
    const resultBinding = new RoleBindingV1(scope, 'drain-result-role-binding', {
      provider,
      metadata: { name: 'drain-result', namespace: namespace.metadata.name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: resultRole.metadata.name },
      subject: [{ kind: 'ServiceAccount', name: account.metadata.name, namespace: ns }],
    });

    const drained = pools.filter((p) => SchedulingRouter.isDrained(p.lifecycle));
    if (drained.length === 0) return;
    // The attempt of this step's drain, from the result the last run left (read at plan time): it goes
    // up when that run of the same step did not finish, so re-deploying renames the Job and runs it again.
    const previous = new DataKubernetesConfigMapV1(scope, 'drain-previous-result', {
      provider, metadata: { name: 'drain-result', namespace: ns }, dependsOn: [resultMap],
    });
    const last = (key: string, fallback: string) => `lookup(data.kubernetes_config_map_v1.${previous.friendlyUniqueId}.data, "${key}", "${fallback}")`;
    const attempt = `\${try(${last('step', '')} == "${step}" ? (${last('status', '')} == "drained" ? tonumber(${last('attempt', '1')}) : tonumber(${last('attempt', '1')}) + 1) : 1, 1)}`;
    const serving = pools.filter((p) => !SchedulingRouter.isCordoned(p.lifecycle, p.weight));
    const entering = serving.filter((p) => !p.servingBefore);
    const list = (ps: SchedulingPool[]) => ps.map((p) => p.poolName).join(',');
    const resultName = 'drain-result';
    const podSelector = `app.kubernetes.io/managed-by!=${MANAGED_BY}`;
    const jobLabels = { ...labels, 'bluegreen.cdktf.io/action': 'drain', 'bluegreen.cdktf.io/step': step };
    const timeout = this.drainTimeoutSeconds;
    const env: { [k: string]: string } = {
      STEP: step,
      ATTEMPT: attempt,
      NODE_LABEL_KEY: context.nodeLabelKey,
      DRAIN_POOLS: list(drained),
      SERVING_POOLS: list(serving),
      ENTERING_POOLS: list(entering),
      BATCH_SIZE: String(this.drainBatchSize),
      TIMEOUT_SECONDS: String(timeout),
      POD_SELECTOR: podSelector,
      RESULT_NAMESPACE: ns,
      RESULT_CONFIGMAP: resultName,
      HOME: '/tmp',
    };
    const job = new JobV1(scope, 'drain-job', {
      provider,
      metadata: {
        // Named by the API server (20.5): a drain Job left by an interrupted deploy never blocks the retry.
        generateName: `drain-${step}-${attempt}-`,
        namespace: ns,
        labels: jobLabels,
        // The contract a reader (or the rehearsal's simulated cluster) relies on: docs/node-pools.md, "The drain Job".
        annotations: {
          'bluegreen.cdktf.io/drain-pools': env.DRAIN_POOLS,
          'bluegreen.cdktf.io/serving-pools': env.SERVING_POOLS,
          'bluegreen.cdktf.io/entering-pools': env.ENTERING_POOLS,
          'bluegreen.cdktf.io/node-label-key': context.nodeLabelKey,
          'bluegreen.cdktf.io/pool-selector': `${context.nodeLabelKey} in (${env.DRAIN_POOLS})`,
          'bluegreen.cdktf.io/pod-selector': podSelector,
          'bluegreen.cdktf.io/batch-size': env.BATCH_SIZE,
          'bluegreen.cdktf.io/timeout-seconds': env.TIMEOUT_SECONDS,
          'bluegreen.cdktf.io/result-configmap': `${ns}/${resultName}`,
          'bluegreen.cdktf.io/attempt': attempt,
        },
      },
      waitForCompletion: true,
      timeouts: { create: `${timeout + 300}s`, update: `${timeout + 300}s` },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: timeout + 240,
        template: {
          metadata: { labels: jobLabels },
          spec: {
            serviceAccountName: account.metadata.name,
            automountServiceAccountToken: true,
            restartPolicy: 'Never',
            securityContext: { runAsNonRoot: true, runAsUser: '65532', seccompProfile: { type: 'RuntimeDefault' } },
            container: [{
              name: 'drain',
              image: this.drainImage,
              // Terraform reads `${` and `%{` in a JSON string as a template: escape the script's own.
              command: ['sh', '-c', DRAIN_SCRIPT.replace(/\$\{/g, () => '$${').replace(/%\{/g, '%%{')],
              env: Object.entries(env).map(([name, value]) => ({ name, value })),
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '50m', memory: '64Mi' } },
              volumeMount: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volume: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
          },
        },
      },
      dependsOn: [resultBinding, clusterBinding, resultMap],
    });
    new DataKubernetesConfigMapV1(scope, 'drain-result', {
      provider,
      metadata: { name: resultName, namespace: ns },
      dependsOn: [job],
      lifecycle: {
        postcondition: [{
          condition: `\${try(self.data["step"], "") == "${step}" && try(self.data["status"], "") == "drained"}`,
          errorMessage: `[${fleet}] the drain of ${env.DRAIN_POOLS} did not finish: \${try(self.data["detail"], "the drain Job wrote no result")}`,
        }],
      },
    });
  }
}
