import { race, RACE_PAIRS } from './support/race';

// Two real processes run writing commands on the same state file at the same moment (10 pairs
// here; `npm run stress` runs 100). The same harness finds lost updates in the CLI as it was
// (3 of 16 pairs: both commands reported success, one change was gone).
describe('concurrent writers of one state file', () => {
  test('10 racing pairs: no lost update, every command that did not succeed was refused (as the loser, "re-run", or by the rules), no temp or lock file left', async () => {
    const f = await race(10);
    expect({ lostUpdates: f.lostUpdates, unexplained: f.unexplained, leftovers: f.leftovers }).toEqual({ lostUpdates: 0, unexplained: [], leftovers: 0 });
    expect(f.bothSucceeded + f.oneRefusedAsLoser + f.oneRefusedByRules).toBe(10);
    expect(RACE_PAIRS.length).toBeLessThanOrEqual(10);
  });
});
