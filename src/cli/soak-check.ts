import * as path from 'path';
import { judgeSoak, SoakError } from '../core/soak';
import { FileComparison } from './commands';
import { lastChangeAt } from './git';

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
    const last = lastChangeAt(base, path.relative(cwd, path.resolve(cwd, c.file)), cwd, env);
    const verdict = judgeSoak(c.before, c.after, last, now);
    return verdict.ok || !last ? c : { ...c, error: new SoakError(c.file, c.before, c.after, verdict, last) };
  });
}
