import { RolloutStateFile, RolloutStateUnit, UnitLifecycle } from '../../src';

/** A state file value from a terse unit list: `['blue', '1.33', 'serving', 90]`. */
export function state(step: number, units: Array<[string, string, string, number, Partial<RolloutStateUnit>?]>, policy: RolloutStateFile['policy'] = {}): RolloutStateFile {
  return {
    version: 1, fleet: 'shop', step, policy,
    units: units.map(([slot, kubernetesVersion, lifecycle, weight, extra]) => ({
      slot, kubernetesVersion, lifecycle: lifecycle as UnitLifecycle, weight, since: 0, ...extra,
    })),
  };
}

/** The next state after a hand edit: step + 1, `since` and `peakWeight` kept truthful. */
export function edit(before: RolloutStateFile, units: RolloutStateUnit[], step = before.step + 1): RolloutStateFile {
  return {
    ...before, step,
    units: units.map((u) => {
      const b = before.units.find((x) => x.slot === u.slot);
      const peak = Math.max(b?.peakWeight ?? 0, b?.weight ?? 0, u.weight ?? 0);
      return { ...u, since: !b || b.lifecycle !== u.lifecycle ? step : b.since, peakWeight: b ? peak : u.peakWeight };
    }),
  };
}
