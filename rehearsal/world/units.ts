// Which unit and fleet a world object belongs to, for the action log and for faults:
// the `bluegreen-unit` / `bluegreen-fleet` tags, the `bluegreen.cdktf.io/unit` label, or the
// stack name the library gives unit and validation stacks (`<fleet>-unit-<unit>`, `<fleet>-validate-<unit>`).
import { Attrs, block, strMap } from './values';

const UNIT_STACK = /^(.+)-(?:unit|validate)-(.+)$/;
const FLEET_STACK = /^(.+)-(?:shared|traffic)$/;

export function unitFromStack(stack: string): string | undefined {
  return UNIT_STACK.exec(stack)?.[2];
}

export function fleetFromStack(stack: string): string | undefined {
  return UNIT_STACK.exec(stack)?.[1] ?? FLEET_STACK.exec(stack)?.[1];
}

/** Tags, labels and node labels an object carries (merged). */
function marks(attrs: Attrs): Record<string, string> {
  const meta = block(attrs.metadata);
  return {
    ...strMap(meta?.labels),
    ...strMap(attrs.node_labels),
    ...strMap(attrs.labels),
    ...strMap(attrs.tags_all),
    ...strMap(attrs.tags),
  };
}

export function unitFromAttrs(attrs: Attrs): string | undefined {
  const m = marks(attrs);
  return m['bluegreen-unit'] ?? m['bluegreen.cdktf.io/unit'];
}

export function fleetFromAttrs(attrs: Attrs): string | undefined {
  const m = marks(attrs);
  return m['bluegreen-fleet'] ?? m['bluegreen.cdktf.io/fleet'];
}

/** True when a fault's target (unit name or slot such as `green`) designates `unit`. */
export function targets(target: string | undefined, unit: string | undefined): boolean {
  if (target === undefined) return true;
  if (unit === undefined) return false;
  return unit === target || unit.startsWith(`${target}-`);
}
