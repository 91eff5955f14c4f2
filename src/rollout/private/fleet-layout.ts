import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { FleetPlan } from '../../core/plan-report';
import { PlannedUnit } from '../../core/rollout-model';
import { checkCapabilities, FleetKind } from './capability-matrix';
import { FleetDefinition } from './fleet-parts';
import { planFleet } from './plan-phase';
import { reportPlan } from './report-phase';
import { StackMaker } from './stack-maker';
import { makeStacks } from './stacks-phase';
import { wireStacks } from './wiring-phase';

export { DEFAULT_READINESS_SECONDS } from './plan-phase';
export { CHECK_NAMESPACE } from './validation-checks';

/** The laid-out stacks of a fleet. */
export interface FleetLayout {
  readonly shared: TerraformStack;
  readonly traffic: TerraformStack;
  readonly units: { [unit: string]: TerraformStack };
  readonly validations: { [unit: string]: TerraformStack };
  readonly planned: PlannedUnit[];
  readonly step: string;
  readonly plan: FleetPlan;
}

/**
 * The one engine behind every fleet kind, in four phases: plan (units, rules, the step's
 * fingerprint) → stacks (one per role) → wiring (dependencies, the drain timer) → report (the
 * rollout plan). `kind` and `props` let the capability matrix refuse what the kind does not support.
 */
export function layoutFleet<B>(scope: Construct, fleet: string, kind: FleetKind, props: object, def: FleetDefinition<B>): FleetLayout {
  checkCapabilities(fleet, kind, props, def.capabilities);
  const planning = planFleet(fleet, def);
  const maker = new StackMaker(scope, planning, def);
  const stacks = makeStacks(maker, planning, def);
  wireStacks(maker, planning, def, stacks);
  const plan = reportPlan(planning, def, stacks, maker.rows);
  return { shared: stacks.shared, traffic: stacks.traffic, units: stacks.units, validations: stacks.validations, planned: planning.planned, step: planning.step, plan };
}
