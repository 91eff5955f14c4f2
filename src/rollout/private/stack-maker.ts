import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../../core/errors';
import { PlanStack, StackRole } from '../../core/plan-report';
import { LocalBackendFactory } from '../backends';
import { FleetDefinition } from './fleet-parts';
import { FleetPlanning } from './plan-phase';

/**
 * Makes a fleet's stacks at the root of the app (each with its backend and providers) and records
 * each one, with its dependencies, as a row of the rollout plan.
 */
export class StackMaker {
  public readonly rows: PlanStack[] = [];
  private readonly app: App;

  constructor(scope: Construct, private readonly planning: FleetPlanning, private readonly def: FleetDefinition<any>) {
    this.app = App.of(scope);
  }

  /** A new stack of the fleet, described in the plan by `action` (or the router's description of it). */
  public stack(name: string, role: StackRole, unit: string | undefined, action: string): TerraformStack {
    if (this.app.node.tryFindChild(name)) {
      throw new BlueGreenError({ fleet: this.planning.fleet, unit, field: 'stack name', value: show(name), rule: 'every stack name in an app is unique (two fleets share a name?)', fix: 'give each fleet its own name' });
    }
    const stack = new TerraformStack(this.app, name);
    (this.def.settings.backend ?? new LocalBackendFactory()).bind(stack, name);
    this.def.cloud.configureProviders(stack);
    const unitOf = unit === undefined ? undefined : this.planning.planned.find((x) => x.name === unit);
    const described = this.def.router.describe ? this.def.router.describe(role, unitOf, action, this.planning.planned) : action;
    this.rows.push({ name, role, unit, dependsOn: [], action: described });
    return stack;
  }

  /** `from` is deployed after `to` (manifest.json and the plan's row). */
  public depend(from: TerraformStack, to: TerraformStack): void {
    from.addDependency(to);
    const row = this.rows.find((r) => r.name === from.node.id);
    (row!.dependsOn as string[]).push(to.node.id);
  }
}
