// time 0.13: time_sleep records the wait on the simulated clock instead of sleeping.
// https://registry.terraform.io/providers/hashicorp/time/0.13.1/docs/resources/sleep — create waits
// `create_duration`, destroy waits `destroy_duration`, `triggers` changes re-run the delays (the
// provider marks triggers RequiresReplace, see force-new.ts); id = RFC 3339 timestamp.
import { str } from '../values';
import { parseGoDuration, timestamp } from './common';
import { ResourceRule } from './rule';

const sleep: ResourceRule = {
  name(a) {
    const t = a.triggers && typeof a.triggers === 'object' ? (a.triggers as Record<string, unknown>) : {};
    return str(t.fleet) ? `drain-timer ${String(t.fleet)}` : 'time_sleep';
  },
  create(call, a) {
    const seconds = parseGoDuration(str(a.create_duration));
    call.ops.advance(seconds);
    call.ops.log({ stack: call.ctx.stack, provider: 'time', type: 'time_sleep', action: 'sleep', id: '', name: 'create_duration', detail: `${seconds}s ${JSON.stringify(a.triggers ?? {})}` });
    a.id = timestamp(call.ops.clock);
  },
  delete(call, obj) {
    const seconds = parseGoDuration(str(obj.attrs.destroy_duration));
    call.ops.advance(seconds);
    if (seconds > 0) call.ops.log({ stack: call.ctx.stack, provider: 'time', type: 'time_sleep', action: 'sleep', id: obj.id, name: 'destroy_duration', detail: `${seconds}s` });
  },
};

export const timeResources: Record<string, ResourceRule> = { time_sleep: sleep };
