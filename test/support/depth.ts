/**
 * How many runs a property test makes.
 *
 * `npm test` is the developer's loop, and it must stay under a minute on a loaded 2-core machine. So by
 * default each property runs a quarter of the count its test names (at least 5 runs), with fast-check's
 * seed as the test sets it. `.ci/run` sets `BLUEGREEN_TEST_DEPTH=full`, and every property then runs
 * the full count. Any other value is refused, so a typo cannot quietly mean "quick".
 */
export function runs(full: number): number {
  return fullDepth() ? full : Math.max(5, Math.round(full / 4));
}

/** True when `BLUEGREEN_TEST_DEPTH=full`: tests that sample a matrix (the rendered diagrams) then draw all of it. */
export function fullDepth(): boolean {
  const depth = process.env.BLUEGREEN_TEST_DEPTH ?? 'quick';
  if (depth !== 'full' && depth !== 'quick') throw new Error(`BLUEGREEN_TEST_DEPTH=${JSON.stringify(depth.slice(0, 40))} is not a depth: use "quick" (the default) or "full"`);
  return depth === 'full';
}
