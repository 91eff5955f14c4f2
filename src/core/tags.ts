/** Tag keys the library puts on everything it creates, so cost reports can tell units and steps apart. */
export const TAG_FLEET = 'bluegreen-fleet';
/** @see TAG_FLEET */
export const TAG_UNIT = 'bluegreen-unit';
/** @see TAG_FLEET */
export const TAG_STEP = 'bluegreen-step';
/** @see TAG_FLEET */
export const TAG_MANAGED_BY = 'managed-by';

/** Tags of a unit's own resources: never the step, so a live unit's resources never change. */
export function unitTags(fleet: string, unit: string, extra: { [key: string]: string } = {}): { [key: string]: string } {
  return { ...extra, [TAG_FLEET]: fleet, [TAG_UNIT]: unit, [TAG_MANAGED_BY]: 'cdktf-bluegreen' };
}

/** Tags of per-step resources (checks, router entries, timers). */
export function stepTags(fleet: string, step: string, extra: { [key: string]: string } = {}): { [key: string]: string } {
  return { ...extra, [TAG_FLEET]: fleet, [TAG_STEP]: step, [TAG_MANAGED_BY]: 'cdktf-bluegreen' };
}
