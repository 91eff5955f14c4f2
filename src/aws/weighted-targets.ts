import { BlueGreenError, show } from '../core/errors';
import { RouterTarget } from '../routing/router';

/** What an AWS router can express: how many entries, and the range of one weight. */
export interface AwsWeightLimits {
  /** Human name of the router. */
  readonly router: string;
  /** What one entry is called ("weighted record", "target group", "endpoint"). */
  readonly entry: string;
  /** Most entries. */
  readonly maxEntries: number;
  /** Largest weight of one entry (the smallest is 0 = no traffic). */
  readonly maxWeight: number;
  /** Why all-zero weights are refused (what the provider would do). */
  readonly allZero: string;
}

/**
 * AWS front doors take 0 as "no traffic", so the fleet's 0-100 shares map onto their weights
 * directly: the split is exact and the plan report shows the same numbers.
 */
export function awsWeight(target: RouterTarget): number {
  return target.weight;
}

/** Refuses targets an AWS router cannot express. */
export function checkAwsTargets(fleet: string, targets: RouterTarget[], limits: AwsWeightLimits): void {
  if (targets.length > limits.maxEntries) {
    throw new BlueGreenError({
      fleet, field: 'units', value: `${targets.length} units that are not retired (${targets.map((t) => t.slot).join(', ')})`,
      rule: `${limits.router} takes at most ${limits.maxEntries} ${limits.entry}s, one per unit that is not retired`,
      fix: `retire units until at most ${limits.maxEntries} remain`,
    });
  }
  for (const t of targets) {
    const w = awsWeight(t);
    if (!Number.isInteger(w) || w < 0 || w > limits.maxWeight) {
      throw new BlueGreenError({
        fleet, unit: t.slot, field: 'weight', value: show(t.weight),
        rule: `a ${limits.router} ${limits.entry} weight is a whole number from 0 to ${limits.maxWeight}`,
        fix: `weight: ${Number.isFinite(w) ? Math.min(limits.maxWeight, Math.max(0, Math.round(w))) : 0}`,
      });
    }
  }
  if (targets.length > 0 && !targets.some((t) => awsWeight(t) > 0)) {
    throw new BlueGreenError({
      fleet, field: 'units[*].weight', value: show(targets.map((t) => `${t.slot}=${t.weight}`).join(', ')),
      rule: `all-zero weights are refused: ${limits.allZero}`,
      fix: 'give at least one validated, serving unit weight > 0 (the weights add up to 100)',
    });
  }
}
