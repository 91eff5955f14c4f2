import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** A toleration a check's pods carry (node-pool units: the router's cordon taint). */
export interface CheckToleration {
  /** Taint key. */
  readonly key: string;
  /** `Exists` or `Equal`. @default 'Exists' */
  readonly operator?: string;
  /** Taint value, with operator `Equal`. @default - any value */
  readonly value?: string;
  /** Taint effect. @default - every effect */
  readonly effect?: string;
}

/** A unit of the rollout step, as checks that compare units see it (metric gates: the baseline). */
export interface CheckUnit {
  /** Unit name. */
  readonly unitName: string;
  /** Slot. */
  readonly slot: string;
  /** Share of the traffic in this step, 0-100. */
  readonly weight: number;
  /** Lifecycle in this step (`candidate`, `serving`, `standby`, `retired`). */
  readonly lifecycle: string;
}

/**
 * Everything a validation check knows about the unit it checks, in one rollout step.
 */
export interface CheckContext {
  /** Fleet name. */
  readonly fleet: string;
  /** Unit name. */
  readonly unitName: string;
  /** Rollout step fingerprint: checks name their resources with it so each step runs them again. */
  readonly step: string;
  /** Kubernetes version the unit's nodes must run (`1.31` matches any 1.31 patch). */
  readonly kubernetesVersion: string;
  /** The kubernetes provider that reaches the unit. */
  readonly provider: KubernetesProvider;
  /** Host name of the unit's own origin. */
  readonly originHost: string;
  /** Namespace the checks run their workloads in (created by the validation stack). */
  readonly namespace: string;
  /** Labels for every check resource (fleet, unit, step). */
  readonly labels: { [key: string]: string };
  /** The unit has at least this many nodes when healthy. */
  readonly minimumNodes: number;
  /** Node labels that select the unit's nodes. @default - all nodes of the cluster */
  readonly nodeSelector?: { [key: string]: string };
  /** Tolerations the check's pods need to run on the unit's nodes. @default - none */
  readonly tolerations?: CheckToleration[];
  /**
   * Seconds a check waits for what it checks to become ready before it fails (the fleet's
   * `readinessSeconds`). @default 600
   */
  readonly readinessSeconds?: number;
  /**
   * What the check must wait for before it runs (the fleet's GitOps sync and access checks, which
   * come first: build, sync, access, then the other checks). Checks that read at plan time (data
   * sources) depend on these, so they are read only after them. @default - nothing
   */
  readonly after?: ITerraformDependable[];
  /**
   * Headers a request to the unit's origin carries to be let in, as the router would send them
   * (Front Door: `X-Azure-FDID`). @default - none
   */
  readonly originHeaders?: { [key: string]: string };
  /** The slot of the unit checked. @default - unknown */
  readonly slot?: string;
  /** Every unit of the step (metric gates find the baseline among them). @default - unknown: gates that need a baseline refuse to bind */
  readonly units?: CheckUnit[];
}

/**
 * When a check runs within a unit's validation: the phases run in this order, and every check of
 * a phase waits for all checks of the earlier phases (build, then sync, then access, then the
 * other checks; traffic moves only after all of them passed).
 */
export enum CheckPhase {
  /** The unit's GitOps sync reports ready (its workloads have arrived). */
  SYNC = 'sync',
  /** The workloads' cloud access works (workload identity, secrets). */
  ACCESS = 'access',
  /** Everything else: nodes, smoke Jobs, the HTTP probe of the origin. */
  VALIDATION = 'validation',
}

/**
 * A pluggable validation check. `bind` adds resources or data sources to the validation stack
 * that fail the deploy (postcondition, Job that does not complete, ...) when the unit is not
 * healthy. A failed check stops `cdktf deploy '*'` before the traffic stack, so blue keeps serving.
 */
export interface IValidationCheck {
  /** A short, unique name (lowercase letters, digits, "-"): part of construct ids and resource names. */
  readonly checkName: string;
  /** What the check proves, for the rollout plan report. */
  readonly description: string;
  /** When the check runs, see {@link CheckPhase}. @default CheckPhase.VALIDATION */
  readonly phase?: CheckPhase;
  /** Adds the check to the validation stack. */
  bind(scope: Construct, context: CheckContext): void;
}
