// The mutant catalogue stays aimed at the code: every mutant is one exact, unique replacement in an
// existing file of src/, on one line, naming a scenario that exists; every promise has a mutant.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MUTANTS, PROMISES } from '../../rehearsal/mutants/catalog';
import { ciSubset, plant } from '../../rehearsal/mutants/run';
import { SCENARIOS } from '../../rehearsal/scenarios/catalog';

const ROOT = path.resolve(__dirname, '..', '..');

describe('the mutant catalogue', () => {
  test('holds at least 20 mutants with unique ids', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(MUTANTS.map((m) => m.id)).size).toBe(MUTANTS.length);
  });

  test.each(MUTANTS.map((m) => [m.id, m] as const))('%s is one line of src/ that occurs exactly once and changes it', (_id, m) => {
    expect(m.file.startsWith('src/')).toBe(true);
    const text = fs.readFileSync(path.join(ROOT, m.file), 'utf8');
    expect(text.split(m.find).length - 1).toBe(1);
    expect(m.find).not.toContain('\n');
    expect(m.replace).not.toContain('\n');
    expect(m.replace).not.toBe(m.find);
    expect(SCENARIOS.some((s) => s.id === m.scenario)).toBe(true);
  });

  test('every promise has a mutant', () => {
    for (const p of PROMISES) expect(MUTANTS.filter((m) => m.promise === p).map((m) => m.id)).not.toEqual([]);
  });

  test('planting changes exactly the one file, and refuses a text that is not there', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plant-'));
    const m = MUTANTS[0];
    fs.mkdirSync(path.join(dir, path.dirname(m.file)), { recursive: true });
    const original = fs.readFileSync(path.join(ROOT, m.file), 'utf8');
    fs.writeFileSync(path.join(dir, m.file), original);
    expect(plant(dir, m)).toBeUndefined();
    const planted = fs.readFileSync(path.join(dir, m.file), 'utf8');
    expect(planted).toContain(m.replace);
    expect(planted).not.toContain(m.find);
    expect(planted.length - original.length).toBe(m.replace.length - m.find.length);
    expect(plant(dir, m)).toMatch(/occurs 0 times/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("CI's rotating subset fits its budget, differs from day to day and covers the catalogue over a cycle", () => {
    const seen = new Set<string>();
    for (let day = 0; day < MUTANTS.length; day++) {
      const subset = ciSubset(MUTANTS, day, 420);
      expect(subset.length).toBeGreaterThan(0);
      for (const m of subset) seen.add(m.id);
    }
    expect(ciSubset(MUTANTS, 0, 420).map((m) => m.id)).not.toEqual(ciSubset(MUTANTS, 1, 420).map((m) => m.id));
    // Mutants whose scenario alone exceeds the budget are never picked in CI (they run in the full catalogue).
    const cheap = MUTANTS.filter((m) => ciSubset([m], 0, 420).length === 1).map((m) => m.id);
    expect([...seen].sort()).toEqual(cheap.sort());
  });
});

describe('judging a mutant', () => {
  test('a rehearsal that could not run is no kill', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { CANNOT_RUN } = require('../../rehearsal/mutants/run');
    expect(CANNOT_RUN.test('FAIL R15 a healthy canary …: the simulated providers could not start: Command failed')).toBe(true);
    expect(CANNOT_RUN.test('FAIL R1 …: the group could not start: npm pack failed (exit 1)')).toBe(true);
    expect(CANNOT_RUN.test("FAIL R15 …: step 1 (start 1.34): fleet r15fd: green has weight 0 but received 0.10 % of 10,000 requests")).toBe(false);
  });
});
