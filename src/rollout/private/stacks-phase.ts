import { ITerraformDependable, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { PlanGate, StackRole } from '../../core/plan-report';
import { PlannedUnit, UnitLifecycle } from '../../core/rollout-model';
import { FleetDefinition } from './fleet-parts';
import { FleetPlanning } from './plan-phase';
import { StackMaker } from './stack-maker';
import { bindChecks, isChecking } from './validation-checks';

/** Phase 2, stacks: one per role, each holding what its parts bind. Dependencies come in phase 3. */
export interface FleetStacks {
  readonly shared: TerraformStack;
  readonly units: { [unit: string]: TerraformStack };
  readonly validations: { [unit: string]: TerraformStack };
  readonly traffic: TerraformStack;
  /** The traffic stack's router entries (the drain timer waits for them). */
  readonly router: Construct;
  /** Metric gates each unit's checks run, for the plan. */
  readonly gates: Map<string, PlanGate[]>;
}

/** Makes every stack of the fleet's step, in the order the plan lists them. */
export function makeStacks(maker: StackMaker, p: FleetPlanning, def: FleetDefinition<any>): FleetStacks {
  const shared = makeShared(maker, p, def);
  const units: { [unit: string]: TerraformStack } = {};
  for (const u of p.planned) units[u.name] = makeUnit(maker, p, def, u);
  const validations: { [unit: string]: TerraformStack } = {};
  const gates = new Map<string, PlanGate[]>();
  for (const u of p.live.filter((x) => x.validated)) {
    validations[u.name] = makeValidation(maker, p, def, u, gates);
  }
  const traffic = maker.stack(`${p.fleet}-traffic`, StackRole.TRAFFIC, undefined,
    `set weights ${p.live.map((u) => `${u.slot}=${u.weight}`).join(', ')} at ${def.router.router.routerName}; then wait the ${p.drainSeconds} s drain timer if traffic left a unit`);
  const router = new Construct(traffic, 'router');
  def.router.bindTraffic(router, p.step, p.targets, p.planned);
  return { shared, units, validations, traffic, router, gates };
}

function makeShared(maker: StackMaker, p: FleetPlanning, def: FleetDefinition<any>): TerraformStack {
  const shared = maker.stack(`${p.fleet}-shared`, StackRole.SHARED, undefined, `keep the fleet's long-lived resources (${def.cloud.sharedDescription})`);
  def.cloud.bindShared(shared);
  const candidates = p.planned.filter((u) => u.lifecycle === UnitLifecycle.CANDIDATE);
  for (const c of def.capabilities) c.bindShared?.(shared, candidates);
  return shared;
}

function makeUnit(maker: StackMaker, p: FleetPlanning, def: FleetDefinition<any>, u: PlannedUnit): TerraformStack {
  const action = u.lifecycle === UnitLifecycle.RETIRED
    ? `destroy ${u.name}: its stack is empty; runs after the traffic stack and its ${p.drainSeconds} s drain timer`
    : u.lifecycle === UnitLifecycle.CANDIDATE
      ? `build ${u.name} (${def.cloud.name} ${u.kubernetesVersion}, fingerprint ${u.fingerprint}) if it does not exist; prevent_destroy`
      : `keep ${u.name} exactly as built (prevent_destroy); no change expected`;
  const stack = maker.stack(`${p.fleet}-unit-${u.name}`, StackRole.UNIT, u.name, action);
  if (u.lifecycle === UnitLifecycle.RETIRED) return stack;
  const built = def.unitKind.build(stack, u);
  // The unit's own capabilities (grants, GitOps): built with it, identical while it lives, removed with it.
  let after: ITerraformDependable[] = [];
  for (const c of def.capabilities) after = [...after, ...(c.bindUnit?.(stack, u, built, after) ?? [])];
  return stack;
}

function makeValidation(maker: StackMaker, p: FleetPlanning, def: FleetDefinition<any>, u: PlannedUnit, gates: Map<string, PlanGate[]>): TerraformStack {
  const checking = isChecking(u);
  const stack = maker.stack(`${p.fleet}-validate-${u.name}`, StackRole.VALIDATE, u.name, checking
    ? `check ${u.name}: ${p.checks.map((c) => c.checkName).join(', ')} (named for step ${p.step}, so they run again)`
    : `remove ${u.name}'s checks while it stands by (the unit itself is kept for rollback)`);
  const access = def.unitKind.access(stack, u);
  // Kept while the unit stands by too (its workloads stay synced for a rollback).
  const bootstrap = def.capabilities.flatMap((c) => c.bindValidated?.(stack, u, access.provider) ?? []);
  if (checking) {
    const described = bindChecks(stack, p, def, u, access, bootstrap);
    if (described !== undefined) gates.set(u.name, described);
  }
  return stack;
}
