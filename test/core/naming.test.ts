import fc from 'fast-check';
import { fingerprint } from '../../src/core/fingerprint';
import { fitName, fitsRule, NAME_RULES } from '../../src/core/naming';
import { runs } from '../support/depth';

describe('provider names', () => {
  test('fitName always produces a name that fits, whatever the parts', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(NAME_RULES)), fc.array(fc.string({ minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 4 }), fc.stringMatching(/^[a-z0-9]{6}$/), (rule, parts, fp) => {
        const name = fitName(rule, [...parts, fp]);
        expect({ rule: rule.what, name, fits: fitsRule(rule, name) }).toEqual({ rule: rule.what, name, fits: true });
      }),
      { numRuns: runs(2000) },
    );
  });

  test('a long name keeps its fingerprint (the last part) whole', () => {
    expect(fitName(NAME_RULES.albTargetGroup, ['payments-production-westeurope', 'green-1-34', 'abc123'])).toMatch(/-abc123$/);
    expect(fitName(NAME_RULES.aksLinuxPool, ['Apps-1'])).toBe('apps1');
  });

  test('fingerprints are stable, short and key-order independent', () => {
    expect(fingerprint({ a: 1, b: [1, 2] })).toBe(fingerprint({ b: [1, 2], a: 1 }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
    expect(fingerprint({ a: 1 })).toMatch(/^[a-z2-7]{6}$/);
    expect(fingerprint('x', 12)).toHaveLength(12);
  });
});
