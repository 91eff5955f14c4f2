import { BlueGreenError, show } from '../../core/errors';
import { fingerprint } from '../../core/fingerprint';
import { checkSomethingServes, checkWeights, planUnits, PlannedUnit, stepFingerprint, UnitDeclaration, UnitLifecycle } from '../../core/rollout-model';
import { checkStandbyBeforeRetire } from '../../core/transitions';
import { CheckPhase, IValidationCheck } from '../../kubernetes/check';
import { RouterTarget } from '../../routing/router';
import { FleetDefinition } from './fleet-parts';

/** The readiness window of the checks when the fleet sets none. */
export const DEFAULT_READINESS_SECONDS = 600;

/** Phase 1, plan: the units, the rules of one step, and the step's fingerprint. */
export interface FleetPlanning {
  readonly fleet: string;
  readonly planned: PlannedUnit[];
  /** Units that are not retired. */
  readonly live: PlannedUnit[];
  readonly targets: RouterTarget[];
  readonly step: string;
  readonly drainSeconds: number;
  readonly readinessSeconds: number;
  /** Every check of the fleet: the capabilities' SYNC-phase checks, the fleet's, then the capabilities' others. */
  readonly checks: IValidationCheck[];
}

/**
 * A unit's fingerprint, derived by the engine from its identity: what the unit kind and every
 * capability put in the unit's stack. No fleet kind computes its own, so none can leave an input out.
 */
export function unitFingerprint(def: FleetDefinition<any>, u: UnitDeclaration): string {
  const identity: { [key: string]: unknown } = { ...def.unitKind.identity(u) };
  for (const c of def.capabilities) Object.assign(identity, c.identity?.(u) ?? {});
  return fingerprint(identity);
}

/** Plans one fleet's step: every single-step rule, checked before any stack exists. */
export function planFleet(fleet: string, def: FleetDefinition<any>): FleetPlanning {
  const { settings, unitKind } = def;
  const planned = planUnits(fleet, settings.units, (u) => unitFingerprint(def, u), settings.versionOptions);
  for (const u of planned) unitKind.check(u);
  unitKind.checkAll?.(planned);
  for (const c of def.capabilities) c.checkAll?.(planned);
  const live = planned.filter((u) => u.lifecycle !== UnitLifecycle.RETIRED);
  const targets: RouterTarget[] = live.map((u) => ({
    unitName: u.name, slot: u.slot, lifecycle: u.lifecycle, weight: u.weight,
    originHost: unitKind.originHost(u), originId: unitKind.originId?.(u),
  }));
  checkSomethingServes(fleet, planned);
  checkStandbyBeforeRetire(fleet, settings.units, settings.previousUnits);
  def.router.router.checkTargets(fleet, targets);
  checkWeights(fleet, planned);
  const checks = fleetChecks(def);
  checkCheckNames(fleet, checks);
  return {
    fleet, planned, live, targets, checks,
    step: stepFingerprint(fleet, planned),
    drainSeconds: checkedDrainSeconds(fleet, def),
    readinessSeconds: checkedReadinessSeconds(fleet, settings.readinessSeconds),
  };
}

function fleetChecks(def: FleetDefinition<any>): IValidationCheck[] {
  const added = def.capabilities.flatMap((c) => c.checks ?? []);
  const sync = (c: IValidationCheck) => (c.phase ?? CheckPhase.VALIDATION) === CheckPhase.SYNC;
  return [...added.filter(sync), ...def.settings.checks, ...added.filter((c) => !sync(c))];
}

function checkedDrainSeconds(fleet: string, def: FleetDefinition<any>): number {
  const router = def.router.router;
  const ttl = router.ttlSeconds;
  const propagation = router.propagationSeconds ?? 0;
  const minDrain = propagation + 2 * ttl;
  const drainSeconds = def.settings.drainSeconds ?? minDrain;
  if (!Number.isInteger(drainSeconds) || drainSeconds < minDrain) {
    throw new BlueGreenError({
      fleet, field: 'drainSeconds', value: show(drainSeconds),
      rule: `the drain timer is a whole number of seconds, at least the ${router.routerName} propagation of ${propagation} s + 2 × its TTL of ${ttl} s, so the weight change reaches every client and long-lived connections leave a unit before it is destroyed`,
      fix: `drainSeconds: ${minDrain}`,
    });
  }
  return drainSeconds;
}

function checkedReadinessSeconds(fleet: string, declared: number | undefined): number {
  const readinessSeconds = declared ?? DEFAULT_READINESS_SECONDS;
  if (!Number.isInteger(readinessSeconds) || readinessSeconds < 10 || readinessSeconds > 3600) {
    throw new BlueGreenError({
      fleet, field: 'readinessSeconds', value: show(declared),
      rule: 'the readiness window is a whole number of seconds from 10 to 3600 (checks poll every 10 s within it)',
      fix: `readinessSeconds: ${DEFAULT_READINESS_SECONDS}`,
    });
  }
  return readinessSeconds;
}

function checkCheckNames(fleet: string, checks: IValidationCheck[]): void {
  const names = new Set<string>();
  for (const c of checks) {
    if (names.has(c.checkName)) {
      throw new BlueGreenError({ fleet, field: 'checks', value: show(c.checkName), rule: 'check names are unique in a fleet', fix: 'give the second check another name' });
    }
    names.add(c.checkName);
  }
}
