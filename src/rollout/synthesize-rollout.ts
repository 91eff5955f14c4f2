import { App } from 'cdktf';
import { Refusal } from '../core/refusal';
import { RolloutPlan, RolloutPlanFiles } from './rollout-plan';

/**
 * The entry point of a cdktf app that uses this library: builds the fleets, synthesizes, writes
 * the rollout plan report next to the stacks and prints where it is. A refusal (bad input) prints
 * its one-line message, without a stack trace, and exits with status 1.
 *
 * ```ts
 * export function build(app: App): void { new AksFleet(app, 'shop-prod-weu', { ... }); }
 * if (require.main === module) synthesizeRollout(build);
 * ```
 *
 * The one entry point every doc and example uses (a test keeps it so). TypeScript only: jsii
 * languages call `app.synth()` and then `RolloutPlan.write(app)` themselves.
 */
export function synthesizeRollout(build: (app: App) => void, app: App = new App()): RolloutPlanFiles | undefined {
  try {
    build(app);
    app.synth();
    const files = RolloutPlan.write(app);
    console.log(`Rollout plan: ${files.markdown} and ${files.json}`);
    return files;
  } catch (e) {
    if (!Refusal.isRefusal(e)) throw e;
    console.error(Refusal.messageOf(e));
    process.exitCode = 1;
    return undefined;
  }
}
