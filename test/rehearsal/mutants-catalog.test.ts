// The mutant catalogue stays aimed at the code: every mutant is one exact, unique replacement in an
// existing file of src/, on one line, naming a scenario that exists; every promise has a mutant.
import * as fs from 'fs';
import * as path from 'path';
import { MUTANTS, PROMISES } from '../../rehearsal/mutants/catalog';
import { ciCycle, ciSubset, plant, repinFixtures, scenarioSeconds } from '../../rehearsal/mutants/run';
import { SCENARIOS } from '../../rehearsal/scenarios/catalog';
import { tempDir } from '../support/temp';

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
    const dir = tempDir('plant-');
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

  test.each([360, 420])("CI's rotation at a budget of %i s: each day fits, consecutive days differ, a cycle covers every mutant that fits once", (budget) => {
    const cycle = ciCycle(MUTANTS, budget);
    const cheap = MUTANTS.filter((m) => scenarioSeconds(m) <= budget).map((m) => m.id);
    expect(cycle.length).toBeGreaterThan(1);
    const seen: string[] = [];
    for (let day = 20_000; day < 20_000 + cycle.length; day++) {
      const today = ciSubset(MUTANTS, day, budget);
      const tomorrow = ciSubset(MUTANTS, day + 1, budget);
      expect(today.length).toBeGreaterThan(0);
      expect(today.reduce((a, m) => a + scenarioSeconds(m), 0)).toBeLessThanOrEqual(budget);
      expect(today.filter((m) => tomorrow.includes(m))).toEqual([]);
      seen.push(...today.map((m) => m.id));
    }
    // every mutant whose scenario fits, exactly once per cycle; the cycle repeats
    expect([...seen].sort()).toEqual([...cheap].sort());
    expect(ciSubset(MUTANTS, 20_000 + cycle.length, budget)).toEqual(ciSubset(MUTANTS, 20_000, budget));
    // mutants whose scenario alone exceeds the budget are never picked in CI (they run in the full catalogue)
    expect(MUTANTS.filter((m) => scenarioSeconds(m) > budget).some((m) => seen.includes(m.id))).toBe(false);
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

describe('a mutant that moves pinned fingerprints', () => {
  // What the engine's synth of the examples printed with M25 planted (the library's immutability guard).
  const REFUSAL = 'BlueGreenError: fleet "shop-slo-weu": units[*].fingerprint = blue="vadjnt", green="udlt5x" is refused: a unit is immutable, but the spec it is built from now has fingerprint blue: "it6pxt", green: "lbikak" (changing a unit\'s spec makes a new unit). Fix: …';

  test("is judged: the runner re-pins the example's units in its copy, and only those", () => {
    const dir = tempDir('repin-');
    const file = path.join(dir, 'examples', 'aks-slo-canary', 'main.ts');
    const other = path.join(dir, 'examples', 'other', 'main.ts');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.mkdirSync(path.dirname(other), { recursive: true });
    fs.writeFileSync(file, "{ slot: 'blue', fingerprint: 'vadjnt' },\n{ slot: 'green', fingerprint: 'udlt5x' },\n");
    fs.writeFileSync(other, "{ slot: 'blue', fingerprint: 'uih7uj' },\n");
    expect(repinFixtures(dir, `noise\n${REFUSAL}\nmore`)).toEqual(['examples/aks-slo-canary/main.ts: blue vadjnt → it6pxt', 'examples/aks-slo-canary/main.ts: green udlt5x → lbikak']);
    expect(fs.readFileSync(file, 'utf8')).toBe("{ slot: 'blue', fingerprint: 'it6pxt' },\n{ slot: 'green', fingerprint: 'lbikak' },\n");
    expect(fs.readFileSync(other, 'utf8')).toContain("'uih7uj'");
    // one unit refused
    expect(repinFixtures(dir, 'fleet "f", unit "other": fingerprint = "uih7uj" is refused: a unit is immutable, but the spec it is built from now has fingerprint other: "zzzzzz" (changing …')).toEqual([]);
    expect(repinFixtures(dir, 'fleet "f", unit "blue": fingerprint = "uih7uj" is refused: a unit is immutable, but the spec it is built from now has fingerprint blue: "zzzzzz" (changing …')).toEqual(['examples/other/main.ts: blue uih7uj → zzzzzz']);
    // any other failure: nothing to re-pin
    expect(repinFixtures(dir, 'the simulated providers could not start: Command failed')).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
