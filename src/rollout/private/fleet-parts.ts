import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { StackRole } from '../../core/plan-report';
import { PlannedUnit, StepCheckOptions, UnitDeclaration } from '../../core/rollout-model';
import { CheckToleration, IValidationCheck } from '../../kubernetes/check';
import { IRouter, RouterTarget } from '../../routing/router';
import { IBackendFactory } from '../backends';
import { FleetCapability } from './capability-matrix';

/** How one validation stack reaches its unit. */
export interface UnitAccess {
  readonly provider: KubernetesProvider;
  readonly minimumNodes: number;
  readonly nodeSelector?: { [key: string]: string };
  /** Tolerations the checks' pods need on the unit's nodes. @default - none */
  readonly tolerations?: CheckToleration[];
}

/** A cloud: the providers of every stack and the fleet's long-lived resources. Internal. */
export interface FleetCloud {
  /** "AKS", "EKS". */
  readonly name: string;
  /** What the shared stack keeps, for the plan report. */
  readonly sharedDescription: string;
  /** Providers of a stack: the same in every step, so a unit's stack never changes while it lives. */
  configureProviders(stack: TerraformStack): void;
  /** The fleet's long-lived resources (resource group, front door profile, a node-pool fleet's cluster). */
  bindShared(stack: TerraformStack): void;
}

/**
 * A unit kind: what a unit stack holds. The engine derives the unit's fingerprint from `identity`
 * (and the capabilities' identities): everything that reaches the unit's stack, except what is
 * declared to vary by lifecycle. `B` is what a built unit hands its capabilities (its cluster). Internal.
 */
export interface UnitKind<B = unknown> {
  /** "cluster", "node-pool". */
  readonly name: string;
  /** Everything of this unit that reaches its stack, with defaults filled in (hashed into its fingerprint). */
  identity(u: UnitDeclaration): object;
  /** Checks of one planned unit (spec, names); throws BlueGreenError. */
  check(u: PlannedUnit): void;
  /** Fleet-wide checks once every unit passed. */
  checkAll?(units: PlannedUnit[]): void;
  /** The unit's resources in its own stack (never called for a retired unit). */
  build(stack: TerraformStack, u: PlannedUnit): B;
  /** How a validation stack reaches the unit. */
  access(stack: TerraformStack, u: PlannedUnit): UnitAccess;
  /** The host the router sends the unit's traffic to (a node pool: its pool name). */
  originHost(u: PlannedUnit): string;
  /** The router's name of the unit's origin, when the router needs one. @default - none */
  originId?(u: PlannedUnit): string | undefined;
  /** The namespace a unit's checks run in. @default CHECK_NAMESPACE */
  checkNamespace?(u: PlannedUnit): string;
}

/** A router: turns weights into entries in the traffic stack. Internal. */
export interface RouterPart {
  readonly router: IRouter;
  bindTraffic(scope: Construct, step: string, targets: RouterTarget[], units: PlannedUnit[]): void;
  /** The headers a validation request to the unit's origin carries. @default - none */
  originHeaders?(stack: TerraformStack, u: PlannedUnit): { [key: string]: string } | undefined;
  /**
   * A unit going to standby changes its stack only after the traffic stack, and the traffic stack
   * does not wait for it (a scheduling router drains a pool before its cordon taint is applied).
   * @default false
   */
  readonly standbyAfterTraffic?: boolean;
  /** The plan's description of a stack's action, given the default one. @default - the default */
  describe?(role: StackRole, unit: PlannedUnit | undefined, defaultAction: string, units: PlannedUnit[]): string;
}

/** Fleet-wide settings every fleet kind has (FleetOptions, checked by the plan phase). Internal. */
export interface FleetSettings {
  readonly units: UnitDeclaration[];
  readonly checks: IValidationCheck[];
  readonly backend?: IBackendFactory;
  readonly drainSeconds?: number;
  readonly readinessSeconds?: number;
  readonly versionOptions: StepCheckOptions;
  /** The units of the previous step, when known: transitions are checked at synth. @default - not checked */
  readonly previousUnits?: UnitDeclaration[];
}

/** One fleet kind, composed of parts: what the engine lays out. Internal. */
export interface FleetDefinition<B = unknown> {
  readonly settings: FleetSettings;
  readonly cloud: FleetCloud;
  readonly unitKind: UnitKind<B>;
  readonly router: RouterPart;
  /** The capabilities this fleet composes (each allowed for its kind by the capability matrix). */
  readonly capabilities: FleetCapability<B>[];
}
