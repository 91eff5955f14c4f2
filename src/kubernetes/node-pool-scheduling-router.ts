import { DataKubernetesNodes } from '@cdktf/provider-kubernetes/lib/data-kubernetes-nodes';
import { NodeTaint } from '@cdktf/provider-kubernetes/lib/node-taint';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ref, TerraformIterator, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { UnitLifecycle } from '../core/rollout-model';
import { IRouter, RouterContext, RouterTarget } from '../routing/router';
import { CheckToleration } from './check';

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
}

/** One pool as the scheduling router sees it. */
export interface SchedulingPool {
  /** The pool's unit name (`<slot>-<major>-<minor>-<fingerprint>`). */
  readonly unitName: string;
  /** The pool's name in the cluster (AKS agent pool, EKS node group). */
  readonly poolName: string;
  /** The pool's lifecycle in this step (retired pools included: they stay cordoned until deleted). */
  readonly lifecycle: string;
  /** The pool's share, 0-100. */
  readonly weight: number;
}

/** What the scheduling router is told about the step it lays out. */
export interface SchedulingRouterContext extends RouterContext {
  /** The kubernetes provider that reaches the fleet's cluster (in the traffic stack). */
  readonly provider: KubernetesProvider;
  /** The node label whose value is the pool name (`kubernetes.azure.com/agentpool`, `eks.amazonaws.com/nodegroup`). */
  readonly nodeLabelKey: string;
}

const TAINT_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * The "router" of node-pool units: scheduling instead of traffic weights. A pool with weight > 0
 * (serving) is schedulable: it carries the workload labels (in its own spec) and no cordon. Every
 * other pool that still exists (a candidate being validated, a standby pool, a retired pool until
 * its deletion has drained it) is cordoned: each of its nodes gets a `NoSchedule` taint, through
 * `kubernetes_node_taint` resources in the traffic stack, so the pool's own resource never changes.
 *
 * Pools do not split work by weight: the scheduler places pods on any schedulable pool. The weights
 * only say which pools are schedulable and still add up to 100 across serving pools; use topology
 * spread constraints when pods must spread over pools.
 *
 * The nodes are found at plan time with the `kubernetes_nodes` data source by the pool's node label,
 * so every deploy cordons the nodes the pool has then (nodes the autoscaler adds later are not
 * cordoned until the next deploy; a standby pool gets no new pods, so it rarely scales up).
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export class SchedulingRouter implements IRouter {
  public readonly routerName = 'Kubernetes scheduling (NoSchedule cordon)';
  public readonly ttlSeconds: number;
  /** Key of the cordon taint. */
  public readonly taintKey: string;

  constructor(props: SchedulingRouterProps = {}) {
    this.taintKey = props.taintKey ?? 'bluegreen.cdktf.io/cordoned';
    if (typeof this.taintKey !== 'string' || !TAINT_KEY.test(this.taintKey) || this.taintKey.length > 253 + 64) {
      throw new BlueGreenError({ fleet: '(any)', field: 'SchedulingRouter.taintKey', value: show(this.taintKey), rule: 'a taint key is a Kubernetes qualified name (optional DNS prefix and "/", then 1-63 letters, digits, "-", "_", ".")', fix: "taintKey: 'bluegreen.cdktf.io/cordoned'" });
    }
    this.ttlSeconds = props.settleSeconds ?? 30;
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds < 0) {
      throw new BlueGreenError({ fleet: '(any)', field: 'SchedulingRouter.settleSeconds', value: show(props.settleSeconds), rule: 'settleSeconds is a whole number of seconds, 0 or more', fix: 'settleSeconds: 30' });
    }
  }

  /** Whether the router cordons a pool in this step: every pool that is not serving. */
  public static isCordoned(lifecycle: string, weight: number): boolean {
    return !(lifecycle === UnitLifecycle.SERVING && weight > 0);
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
    if (!SchedulingRouter.isCordoned(target.lifecycle, target.weight)) return 'schedulable (workload labels, no cordon)';
    return target.lifecycle === UnitLifecycle.CANDIDATE ? 'cordoned while validated (NoSchedule)' : 'cordoned (NoSchedule)';
  }

  /**
   * Adds one `kubernetes_nodes` look-up and one `kubernetes_node_taint` per node (for_each over the
   * node names) for every cordoned pool. Serving pools get nothing, so giving weight back to a
   * standby pool removes its taints (rollback).
   */
  public bindTraffic(scope: Construct, context: SchedulingRouterContext, pools: SchedulingPool[]): void {
    const stack = TerraformStack.of(scope);
    for (const pool of pools) {
      if (!SchedulingRouter.isCordoned(pool.lifecycle, pool.weight)) continue;
      const nodes = new DataKubernetesNodes(scope, `nodes-${pool.unitName}`, {
        provider: context.provider,
        metadata: { labels: { [context.nodeLabelKey]: pool.poolName } },
      });
      const names = TerraformIterator.fromList(Token.asList(ref(`data.kubernetes_nodes.${nodes.friendlyUniqueId}.nodes[*].metadata[0].name`, stack)));
      new NodeTaint(scope, `cordon-${pool.unitName}`, {
        provider: context.provider,
        forEach: names,
        metadata: { name: names.value },
        taint: [{ key: this.taintKey, value: pool.unitName, effect: 'NoSchedule' }],
        fieldManager: 'cdktf-bluegreen',
      });
    }
  }
}
