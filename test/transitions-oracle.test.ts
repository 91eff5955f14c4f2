import { compareWithOracle, rng, randomBase } from './support/random-edits';
import { oracleRefusal } from './support/transition-oracle';
import { parseRolloutStateText } from '../src/core/state-file';
import { transitionViolations } from '../src/core/transitions';

// `check` against an oracle written from docs/cli.md alone, over random hand edits (2,000 here;
// `npm run stress` runs 50,000).
describe('check agrees with the documented rules (independent oracle)', () => {
  test('2,000 random hand edits: no illegal edit accepted, no legal edit refused, and both kinds are common', () => {
    const r = compareWithOracle(2_000, 20261122);
    expect({ illegalAccepted: r.illegalAccepted, legalRefused: r.legalRefused, examples: r.examples }).toEqual({ illegalAccepted: 0, legalRefused: 0, examples: [] });
    // Enough of each kind that a disagreement on either side would show.
    expect(r.legal).toBeGreaterThan(500);
    expect(r.illegal).toBeGreaterThan(500);
  });

  test('the dodge the issue found: widening maximumKubernetesVersion and adding a unit beyond the old range in one PR is refused by both', () => {
    const base = parseRolloutStateText(JSON.stringify({ version: 1, fleet: 'shop', step: 3, policy: { maximumKubernetesVersion: '1.35' }, units: [{ slot: 'blue', kubernetesVersion: '1.34', lifecycle: 'serving', weight: 100, since: 0, peakWeight: 100 }] }), 'base');
    const head = { ...base, step: 4, policy: { maximumKubernetesVersion: '1.37' }, units: [...base.units, { slot: 'green', kubernetesVersion: '1.37', lifecycle: 'candidate', weight: 0, since: 4, peakWeight: 0 }] };
    expect(oracleRefusal(base, head)).toBe('new-unit (base range)');
    expect(transitionViolations(base, parseRolloutStateText(JSON.stringify(head), 'head')).map((v) => [v.rule, v.slot])).toEqual([['new-unit', 'green']]);
    // The same unit within the base's range is legal; the wider range applies from the next PR on.
    const within = { ...head, units: [...base.units, { ...head.units[1], kubernetesVersion: '1.35' }] };
    expect(oracleRefusal(base, within)).toBeUndefined();
    expect(transitionViolations(base, parseRolloutStateText(JSON.stringify(within), 'head'))).toEqual([]);
  });

  test('bases from random walks are valid by the oracle too', () => {
    const r = rng(7);
    for (let i = 0; i < 100; i++) {
      const b = randomBase(r);
      expect(oracleRefusal(b, b)).toBeUndefined();
    }
  });
});
