import { UnitDeclaration } from '../core/rollout-model';
import { KubernetesSupportCalendar } from '../core/support-calendar';
import { IClusterAccess } from '../kubernetes/cluster-access';
import { SchedulingRouter } from '../kubernetes/node-pool-scheduling-router';
import { FleetOptions } from './fleet-options';

/**
 * Options every node-pool fleet shares, whatever the cloud: the control plane upgraded in place,
 * and the previous step that transition rules compare against.
 */
export interface NodePoolFleetOptions extends FleetOptions {
  /**
   * Version of the cluster's control plane in this step. It is upgraded in place, one minor per
   * step, before any pool of the step is built; every pool is at most 3 minors older (2 below 1.25)
   * and never newer.
   */
  readonly controlPlaneVersion: string;
  /**
   * The control plane's version in the previous step (the PR's base), so the one-minor rule is
   * checked at synth. @default - not checked (declare it whenever controlPlaneVersion changes)
   */
  readonly previousControlPlaneVersion?: string;
  /**
   * The units of the previous step (the PR's base). With it, transitions are checked: a pool is
   * retired only after a standby (cordoned) step, a new pool starts as a candidate, a pool leaves
   * the list only after being retired. Retiring a pool requires it.
   * @default - only single-step rules are checked, and no pool may be retired
   */
  readonly previousUnits?: UnitDeclaration[];
  /** The scheduling router. @default new SchedulingRouter() */
  readonly router?: SchedulingRouter;
  /** How validation and traffic stacks reach the cluster. @default - the cloud's access (AksAccess, EksNodePoolAccess) */
  readonly access?: IClusterAccess;
  /**
   * When each Kubernetes minor leaves the cloud's support: the rollout plan warns when a serving
   * pool is within 60 days of it. @default - the cloud's shipped calendar (KubernetesSupportCalendar.aks() or .eks()), today
   */
  readonly supportCalendar?: KubernetesSupportCalendar;
}
