import { BlueGreenError } from '../core/errors';
import { excerpt } from '../core/excerpt';
import { checkAgainstHistory } from '../core/state-history';
import { readStateFileText, StateFileAccessError, StateFileProblem } from '../core/state-file-io';
import { UnitDeclaration } from '../core/rollout-model';
import { declarationOf, parseRolloutStateText, RolloutPolicy, RolloutStateFile, RolloutStateUnit } from '../core/state-file';

/**
 * A fleet's rollout state, read from the JSON file committed in the infra repo and moved one step
 * per pull request by the `cdktf-bluegreen` CLI. A fleet reads its units from it:
 *
 * ```ts
 * new AksFleet(app, 'shop-prod-weu', { ..., units: RolloutState.unitsOf('rollout/shop-prod-weu.json') });
 * ```
 */
export class RolloutState {
  /**
   * Reads and checks a state file. A relative path is resolved from the current directory (where
   * `cdktf synth` runs the app). Throws a `RolloutStateError` naming the file, the JSON path of the
   * bad value, the rule and a value that passes.
   * @param file path of the state file, e.g. `rollout/shop-prod-weu.json`
   * @param fleet when given, the fleet the file must belong to (the fleet construct's id)
   */
  public static load(file: string, fleet?: string): RolloutState {
    let text: string;
    try {
      // The same safe read as the CLI's (a regular file, no symlink, FIFO or device, size-limited);
      // the app's code names the path, so it may lie outside the directory synth runs in.
      text = readStateFileText(process.cwd(), file, false).text;
    } catch (e) {
      if (!(e instanceof StateFileAccessError)) throw e;
      const code = e.problem === StateFileProblem.MISSING ? 'ENOENT' : e.value;
      throw new BlueGreenError({
        fleet: fleet ?? '(unknown)', field: 'rollout state file', value: excerpt(file, 120),
        rule: `the file must exist and be readable (${code}: ${e.rule}); a regular file, never a link, FIFO or device; relative paths start in the directory where cdktf synth runs`,
        fix: 'create it with `npx cdktf-bluegreen init <fleet> <version>`, or give the path from the directory where cdktf synth runs',
      });
    }
    const parsed = parseRolloutStateText(text, file);
    const state = new RolloutState(parsed);
    if (fleet !== undefined && state.fleet !== fleet) {
      throw new BlueGreenError({
        fleet, field: `${excerpt(file, 120).slice(1, -1)}: fleet`, value: excerpt(state.fleet),
        rule: 'a fleet reads its own state file', fix: `"fleet": ${excerpt(fleet)}, or load the file of fleet ${excerpt(state.fleet)}`,
      });
    }
    // The previous step, when git knows it: synth never builds an illegal one (src/core/state-history.ts).
    checkAgainstHistory(file, parsed, text);
    return state;
  }

  /** The unit declarations of a state file, ready for a fleet's `units`. */
  public static unitsOf(file: string, fleet?: string): UnitDeclaration[] {
    return RolloutState.load(file, fleet).units;
  }

  /** The fleet the state belongs to. */
  public readonly fleet: string;
  /** The rollout step. */
  public readonly step: number;
  /** The fleet's rollout policy. @default - the defaults */
  public readonly policy?: RolloutPolicy;
  /** The unit declarations of this step (without the history fields). */
  public readonly units: UnitDeclaration[];
  /** The units with their history (since, peakWeight). */
  public readonly stateUnits: RolloutStateUnit[];

  private constructor(state: RolloutStateFile) {
    this.fleet = state.fleet;
    this.step = state.step;
    this.policy = state.policy;
    this.units = state.units.map(declarationOf);
    this.stateUnits = state.units;
  }
}
