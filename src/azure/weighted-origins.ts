import { BlueGreenError, show } from '../core/errors';
import { RouterTarget } from '../routing/router';

/**
 * Azure Front Door origins and Traffic Manager endpoints take weights 1-1000 and have no 0: a unit
 * without traffic is a disabled entry. A fleet share of 1-100 maps to 10-1000.
 */
export function azureWeight(target: RouterTarget): { enabled: boolean; weight: number } {
  return target.weight > 0 ? { enabled: true, weight: target.weight * 10 } : { enabled: false, weight: 1 };
}

/** Refuses a step in which no entry would be enabled, or more entries than the router allows. */
export function checkAzureTargets(router: string, fleet: string, targets: RouterTarget[], maxEntries: number): void {
  if (targets.length > maxEntries) {
    throw new BlueGreenError({
      fleet, field: 'units', value: `${targets.length} units that are not retired`,
      rule: `${router} takes at most ${maxEntries} entries per fleet`,
      fix: `retire units until at most ${maxEntries} remain`,
    });
  }
  if (!targets.some((t) => t.weight > 0)) {
    throw new BlueGreenError({
      fleet, field: 'units[*].weight', value: show(targets.map((t) => `${t.slot}=${t.weight}`).join(', ')),
      rule: `${router} has no weight 0: a unit without traffic is a disabled entry, so all-zero weights would disable every entry and serve nothing`,
      fix: 'give at least one validated unit weight > 0 (the weights add up to 100)',
    });
  }
}
