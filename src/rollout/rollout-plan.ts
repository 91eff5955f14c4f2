import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { IConstruct } from 'constructs';
import { FleetPlan, PlanPreviousUnit, planToJson, planToMarkdown } from '../core/plan-report';
import { UnitDeclaration } from '../core/rollout-model';
import { IRouter } from '../routing/router';

/** A fleet whose rollout step can be reported. */
export interface IRolloutFleet extends IConstruct {
  /** The rollout plan of this step. */
  readonly plan: FleetPlan;
}

/**
 * The previous step as the plan report shows it (its "before"), from a fleet's `previousUnits`;
 * undefined when they are not declared, so the report says "unknown" instead of guessing.
 * @internal
 */
export function previousPlanUnits(previous: UnitDeclaration[] | undefined, router: IRouter): PlanPreviousUnit[] | undefined {
  return previous?.map((u) => ({
    slot: u.slot, lifecycle: u.lifecycle, weight: u.weight ?? 0,
    routerWeight: u.lifecycle === 'retired' ? 'removed' : router.describeWeight({ unitName: u.slot, slot: u.slot, lifecycle: u.lifecycle, weight: u.weight ?? 0, originHost: '' }),
  }));
}

const FLEETS = Symbol.for('cdktf-bluegreen.fleets');

/** Records a fleet on its app, so the plan report finds it. Called by every fleet construct. */
export function registerFleet(fleet: IRolloutFleet): void {
  const app = App.of(fleet) as unknown as { [FLEETS]?: IRolloutFleet[] };
  (app[FLEETS] ??= []).push(fleet);
}

/** Where {@link RolloutPlan.write} put the report. */
export interface RolloutPlanFiles {
  /** Path of the Markdown report. */
  readonly markdown: string;
  /** Path of the JSON report. */
  readonly json: string;
}

/**
 * The rollout plan report of every fleet in an app: what a reviewer reads in the pull request,
 * since `cdktf diff` takes one stack at a time and cannot plan stacks whose upstream is not deployed.
 */
export class RolloutPlan {
  /** The plans of every fleet in `app`, in declaration order. */
  public static plansOf(app: App): FleetPlan[] {
    const fleets = (app as unknown as { [FLEETS]?: IRolloutFleet[] })[FLEETS] ?? [];
    return fleets.map((f) => f.plan);
  }

  /** The report as Markdown. */
  public static markdown(app: App): string {
    return planToMarkdown(RolloutPlan.plansOf(app));
  }

  /** The report as JSON. */
  public static json(app: App): string {
    return planToJson(RolloutPlan.plansOf(app));
  }

  /**
   * Writes `rollout-plan.md` and `rollout-plan.json` into `outdir` (default: the app's output folder).
   *
   * TypeScript apps do not call this: their one documented entry point is `synthesizeRollout(build)`,
   * which builds, synthesizes and then calls it (and prints a refusal without a stack trace). It is
   * public for the jsii languages (Python, Java, C#, Go), which do not get `synthesizeRollout`: there,
   * call `app.synth()` and then `RolloutPlan.write(app)`.
   */
  public static write(app: App, outdir?: string): RolloutPlanFiles {
    const dir = outdir ?? app.outdir;
    fs.mkdirSync(dir, { recursive: true });
    const markdown = path.join(dir, 'rollout-plan.md');
    const json = path.join(dir, 'rollout-plan.json');
    fs.writeFileSync(markdown, RolloutPlan.markdown(app));
    fs.writeFileSync(json, RolloutPlan.json(app));
    return { markdown, json };
  }
}
