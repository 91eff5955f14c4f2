import * as path from 'path';
import { BlueGreenError } from '../core/errors';
import { escapeLine } from '../core/excerpt';
import { judgeSoak, SoakError } from '../core/soak';
import { FileComparison } from './commands';
import { lastChangeAt } from './git';
import { recordedTrafficChange } from './record';

/**
 * Holds each legal step to its soak (src/core/soak.ts): a step that comes too soon after the last
 * traffic change on the base branch becomes a refusal with the time left. `now` is seconds since
 * the epoch, passed in (the CLI's clock, or `--at`).
 */
export function withSoak(comparisons: FileComparison[], base: string, cwd: string, now: number, env?: { [key: string]: string | undefined }): FileComparison[] {
  return comparisons.map((c) => {
    if (c.error || !c.before || !c.after) return c;
    // One git call, and only for a step whose kind has a soak in the base's policy.
    const first = judgeSoak(c.before, c.after, undefined, now);
    if (first.required === 0) return c;
    // Deploy records, where the base keeps them, say when the traffic really changed (src/cli/record.ts).
    let recorded;
    try { recorded = recordedTrafficChange(base, c.file, c.before, cwd, env); } catch (e) { return { ...c, error: e as Error }; }
    const last = recorded ?? lastChangeAt(base, c.path ?? path.relative(cwd, path.resolve(cwd, c.file)), cwd, env, now);
    const verdict = judgeSoak(c.before, c.after, last, now);
    if (!last) {
      // The file is at the base, so git must name the commit that last changed it: without it the soak cannot be judged.
      return { ...c, error: new BlueGreenError({
        fleet: c.before.fleet, field: `${c.file}: last change at ${escapeLine(base.slice(0, 80))}`, value: '(no commit found)',
        rule: 'a step with a soak is judged from the base commit that last changed the file; git named none (a shallow or partial clone)',
        fix: 'fetch the base branch with its history (fetch-depth: 0) and re-run the check',
      }) };
    }
    return verdict.ok ? c : { ...c, error: new SoakError(c.file, c.before, c.after, verdict, last) };
  });
}
