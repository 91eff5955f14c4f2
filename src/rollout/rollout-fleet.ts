import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { refusePlaceholders } from '../core/placeholders';
import { FleetPlan } from '../core/plan-report';
import { FleetLayout } from './private/fleet-layout';
import { IRolloutFleet, registerFleet } from './rollout-plan';

/**
 * What every fleet construct (whole clusters or node pools, any cloud) exposes once its stacks are
 * laid out. The stacks are created at the root of the app, named `<fleet>-shared`,
 * `<fleet>-unit-<unit>`, `<fleet>-validate-<unit>` and `<fleet>-traffic`.
 */
export abstract class RolloutFleet extends Construct implements IRolloutFleet {
  private layout?: FleetLayout;

  /**
   * @param props the fleet's properties: a `<…>` placeholder left in any of them is refused first
   */
  protected constructor(scope: Construct, id: string, props?: any) {
    super(scope, id);
    if (props !== undefined) refusePlaceholders(id, props);
  }

  /** The fleet's long-lived stack (front door, or the cluster of a node-pool fleet). */
  public get sharedStack(): TerraformStack {
    return this.laidOut().shared;
  }

  /** The stack that holds the router entries, weights and the drain timer. */
  public get trafficStack(): TerraformStack {
    return this.laidOut().traffic;
  }

  /** Unit stacks by unit name (retired units' stacks are empty). */
  public get unitStacks(): { [unit: string]: TerraformStack } {
    return this.laidOut().units;
  }

  /** Validation stacks by unit name. */
  public get validationStacks(): { [unit: string]: TerraformStack } {
    return this.laidOut().validations;
  }

  /** The rollout step's fingerprint. */
  public get step(): string {
    return this.laidOut().step;
  }

  /** The rollout plan of this step. */
  public get plan(): FleetPlan {
    return this.laidOut().plan;
  }

  /**
   * Records the laid-out stacks and registers the fleet for the rollout plan report.
   * @internal
   */
  protected _adopt(layout: FleetLayout): void {
    this.layout = layout;
    registerFleet(this);
  }

  private laidOut(): FleetLayout {
    if (!this.layout) throw new Error(`fleet ${this.node.id} was read before its stacks were laid out`);
    return this.layout;
  }
}
