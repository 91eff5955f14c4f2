import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { Sleep } from '@cdktf/provider-time/lib/sleep';
import { TerraformResource } from 'cdktf';
import { UnitLifecycle } from '../../core/rollout-model';
import { FleetDefinition } from './fleet-parts';
import { FleetPlanning } from './plan-phase';
import { StackMaker } from './stack-maker';
import { FleetStacks } from './stacks-phase';

/**
 * Phase 3, wiring (DESIGN.md, "Stack topology"): unit → shared; validate-u → unit-u; traffic →
 * shared, validate-u for every unit with weight > 0 and unit-u for every unit that is not retired;
 * a retired unit's (empty) stack → traffic; then the drain timer in the traffic stack.
 */
export function wireStacks(maker: StackMaker, p: FleetPlanning, def: FleetDefinition<any>, s: FleetStacks): void {
  const standbyAfterTraffic = def.router.standbyAfterTraffic ?? false;
  for (const u of p.planned) maker.depend(s.units[u.name], s.shared);
  for (const name of Object.keys(s.validations)) maker.depend(s.validations[name], s.units[name]);
  maker.depend(s.traffic, s.shared);
  for (const u of p.planned.filter((x) => x.weight > 0)) maker.depend(s.traffic, s.validations[u.name]);
  // Every router names or looks up every live unit (candidates too), and `cdktf deploy '*'` starts
  // every stack whose dependencies are done at once: without this edge a lookup races the build.
  // A scheduling router's standby pool is the exception: its stack waits for the drain instead.
  for (const u of p.live) {
    if (!(standbyAfterTraffic && u.lifecycle === UnitLifecycle.STANDBY)) maker.depend(s.traffic, s.units[u.name]);
  }
  bindDrainTimer(p, s);
  for (const u of p.planned) if (u.lifecycle === UnitLifecycle.RETIRED) maker.depend(s.units[u.name], s.traffic);
  // A pool that stops serving keeps its spec until the traffic stack drained it: its cordon taint is
  // applied after the drain, so a failed drain leaves the schedulable set as it was.
  if (standbyAfterTraffic) {
    for (const u of p.planned.filter((x) => x.lifecycle === UnitLifecycle.STANDBY)) maker.depend(s.units[u.name], s.traffic);
  }
}

/** The drain timer: re-created (so it waits again) whenever a unit loses its traffic or is retired. */
function bindDrainTimer(p: FleetPlanning, s: FleetStacks): void {
  const drained = p.planned.filter((u) => u.lifecycle === UnitLifecycle.STANDBY || u.lifecycle === UnitLifecycle.RETIRED).map((u) => `${u.name}:${u.lifecycle}`).sort();
  new TimeProvider(s.traffic, 'time');
  new Sleep(s.traffic, 'drain-timer', {
    createDuration: `${p.drainSeconds}s`,
    triggers: { fleet: p.fleet, drained: drained.join(',') || 'none' },
    dependsOn: s.router.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c)),
  });
}
