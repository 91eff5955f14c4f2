import { UnitDeclaration } from '../core/rollout-model';
import { IValidationCheck } from '../kubernetes/check';
import { IBackendFactory } from './backends';

/**
 * Options every fleet shares, whatever the cloud or the unit kind.
 */
export interface FleetOptions {
  /** The units of this rollout step. */
  readonly units: UnitDeclaration[];
  /**
   * Seconds the traffic stack waits after traffic left a unit, before a retired unit's stack may
   * be destroyed. At least the router's propagation + 2 × its TTL.
   * @default the router's `propagationSeconds` + 2 × its TTL
   */
  readonly drainSeconds?: number;
  /** Backend of every stack. @default LocalBackendFactory */
  readonly backend?: IBackendFactory;
  /**
   * Checks run against every candidate and serving unit, named per step.
   * @default [new NodesReadyCheck(), SmokeJobCheck.clusterDns(), new HttpProbeCheck()]
   */
  readonly checks?: IValidationCheck[];
  /** Oldest minor a new unit may use. @default '1.29' */
  readonly minimumKubernetesVersion?: string;
  /** Newest minor a new unit may use. @default '1.37' */
  readonly maximumKubernetesVersion?: string;
  /**
   * Seconds the checks wait for a unit to become ready before they fail: a new unit's origin
   * answers only once the team's GitOps has installed the ingress, so a probe polls (every 10 s)
   * within this window instead of failing the first deploy. 10 to 3600.
   * @default 600
   */
  readonly readinessSeconds?: number;
  /** Extra tags on every resource. @default - fleet, unit and step tags only */
  readonly tags?: { [key: string]: string };
}
