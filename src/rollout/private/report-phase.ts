import { Annotations } from 'cdktf';
import { FleetPlan, PlanStack } from '../../core/plan-report';
import { UnitLifecycle } from '../../core/rollout-model';
import { FleetDefinition } from './fleet-parts';
import { FleetPlanning } from './plan-phase';
import { FleetStacks } from './stacks-phase';
import { isChecking } from './validation-checks';
import { previousPlanUnits } from '../rollout-plan';

/** Phase 4, report: the rollout plan of the step, and its warnings (also synth annotations). */
export function reportPlan(p: FleetPlanning, def: FleetDefinition<any>, s: FleetStacks, rows: PlanStack[]): FleetPlan {
  return {
    fleet: p.fleet, cloud: def.cloud.name, unitKind: def.unitKind.name, router: def.router.router.routerName, step: p.step, drainSeconds: p.drainSeconds,
    units: p.planned.map((u) => {
      const t = p.targets.find((x) => x.unitName === u.name);
      return {
        name: u.name, slot: u.slot, kubernetesVersion: u.kubernetesVersion.toString(), fingerprint: u.fingerprint, pinned: u.pinned,
        lifecycle: u.lifecycle, weight: u.weight,
        routerWeight: t ? def.router.router.describeWeight(t) : 'removed',
        checks: s.validations[u.name] && isChecking(u) ? p.checks.map((c) => c.checkName) : [],
        ...(s.gates.has(u.name) ? { gates: s.gates.get(u.name) } : {}),
      };
    }),
    stacks: rows,
    warnings: warn(p, def, s),
    previous: previousPlanUnits(def.settings.previousUnits, def.router.router),
    checkDetails: { checks: p.checks.map((c) => ({ name: c.checkName, description: c.description })), readinessSeconds: p.readinessSeconds },
  };
}

function warn(p: FleetPlanning, def: FleetDefinition<any>, s: FleetStacks): string[] {
  const warnings: string[] = [];
  const add = (unit: string, msg: string) => {
    warnings.push(msg);
    Annotations.of(s.units[unit]).addWarning(`[${p.fleet}] ${msg}`);
  };
  for (const u of p.planned.filter((x) => x.lifecycle === UnitLifecycle.SERVING)) {
    for (const c of def.capabilities) {
      const late = c.warning?.(u);
      if (late) add(u.name, late);
    }
  }
  for (const u of p.planned) {
    if (!u.pinned && u.lifecycle !== UnitLifecycle.CANDIDATE) {
      add(u.name, `unit ${u.slot} (${u.name}) has no pinned fingerprint: a change to its spec would replace it. Pin it with fingerprint: '${u.fingerprint}'.`);
    }
  }
  return warnings;
}
