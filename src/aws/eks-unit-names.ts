import { createHash } from 'crypto';
import { BlueGreenError, show } from '../core/errors';
import { fingerprint } from '../core/fingerprint';
import { fitName, fitsRule, NAME_RULES } from '../core/naming';

/**
 * Names the resources of an EKS unit will have; deterministic, so other stacks (validation,
 * traffic) look them up by name with data sources instead of reading outputs.
 */
export class EksUnitNames {
  /** The EKS cluster name, `<fleet>-<unit>`. */
  public static clusterName(fleet: string, unitName: string): string {
    return fitName(NAME_RULES.eksCluster, [fleet, unitName]);
  }

  /** Name of one of the unit's IAM roles (`cluster` or `node`). */
  public static roleName(fleet: string, unitName: string, role: string): string {
    return fitName(NAME_RULES.iamRole, [EksUnitNames.clusterName(fleet, unitName), role]);
  }

  /**
   * Name of the unit's target group and (for {@link AwsUnitOrigin.LOAD_BALANCER}) its load balancer:
   * `<prefix>-<unit>` within the 32-character ALB limit. Without an explicit prefix the fleet name
   * is shortened (and suffixed with a hash, so fleets stay apart) when it does not fit; an explicit
   * prefix that does not fit is refused.
   */
  public static originName(fleet: string, unitName: string, prefix?: string): string {
    const r = NAME_RULES.albTargetGroup;
    if (prefix !== undefined) {
      const name = `${prefix}-${unitName}`;
      if (!fitsRule(r, name)) {
        const budget = r.maxLength - unitName.length - 1;
        throw new BlueGreenError({
          fleet, unit: unitName, field: 'origin.namePrefix', value: show(prefix),
          rule: `the unit's target group and load balancer are named "${name}" (${name.length} characters), but an ${r.what} is ${r.description}`,
          fix: `namePrefix: ${show(fitName(r, [prefix]).slice(0, Math.max(budget, 1)).replace(/-+$/, ''))} (at most ${budget} characters), or leave it unset`,
        });
      }
      return name;
    }
    const full = `${fleet}-${unitName}`;
    if (fitsRule(r, full)) return full;
    const hash = fingerprint(fleet, 4);
    const head = fleet.slice(0, Math.max(1, r.maxLength - unitName.length - 1 - hash.length)).replace(/-+$/, '');
    return fitName(r, [`${head}${hash}`, unitName]);
  }

  /** Name of the fleet's shared ALB (ALB router only), in the shared stack. */
  public static sharedLoadBalancerName(fleet: string): string {
    return fitName(NAME_RULES.albTargetGroup, [fleet, 'alb']);
  }

  /** The unit's own origin host name, `<unit>.<domain>`. */
  public static originHost(unitName: string, domainName: string): string {
    return `${unitName}.${domainName.replace(/\.$/, '')}`;
  }

  /** Name of a node group's launch template. */
  public static launchTemplateName(fleet: string, unitName: string, nodeGroup: string): string {
    return fitName(NAME_RULES.launchTemplate, [EksUnitNames.clusterName(fleet, unitName), nodeGroup]);
  }

  /**
   * Priority of the unit's host-header rule on the fleet's shared ALB listener (1-49999, derived
   * from the unit name; the fleet refuses two live units with the same priority).
   */
  public static listenerRulePriority(unitName: string): number {
    return 1 + (createHash('sha256').update(unitName).digest().readUInt32BE(0) % 49999);
  }
}
