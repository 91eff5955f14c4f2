import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { parseRolloutStateText } from '../src/core/state-file';
import { legalNextSteps, transitionViolations } from '../src/core/transitions';
import { cli, gitRepo, markDeployed, recordDeploy, tempDir } from './support/git-repo';
import { runs } from './support/depth';

const read = (dir: string, file = 'rollout/shop.json') => fs.readFileSync(path.join(dir, file), 'utf8');

function fleetDir(): string {
  const dir = tempDir();
  expect(cli(dir, ['init', 'shop', '1.33', '--fingerprint', 'nljqy2']).code).toBe(0);
  return dir;
}

describe('cdktf-bluegreen commands (in-process)', () => {
  test('a full upgrade, one command per pull request: start → promote → shift × 3 → promote → retire → forget', () => {
    const dir = fleetDir();
    const steps: Array<[string[], string]> = [
      [['start', '1.34', '--fingerprint', 'ejqurb'], 'shop step 0 → 1: green (1.34) new candidate'],
      [['promote'], 'shop step 1 → 2: blue serving 100 → 90, green candidate → serving 10'],
      [['shift'], 'blue serving 90 → 65, green serving 10 → 35'],
      [['shift'], 'blue serving 65 → 40, green serving 35 → 60'],
      [['shift'], 'blue serving 40 → 15, green serving 60 → 85'],
      [['promote'], 'shop step 5 → 6: blue serving 15 → standby, green serving 85 → 100'],
      [['retire'], 'shop step 6 → 7: blue standby → retired'],
      [['forget'], 'shop step 7 → 8: blue (1.33) forgotten'],
    ];
    for (const [argv, change] of steps) {
      // CI deploys every merged step through `record`; forget reads that record of the retirement.
      if (argv[0] === 'forget') expect(recordDeploy(dir, ['shop-traffic']).code).toBe(0);
      const r = cli(dir, argv);
      expect({ argv, code: r.code, err: r.err }).toEqual({ argv, code: 0, err: '' });
      expect(r.out).toContain(change);
    }
    expect(read(dir)).toBe(`{
  "version": 1,
  "fleet": "shop",
  "step": 8,
  "policy": {
    "canaryWeight": 10,
    "maxWeightStep": 25
  },
  "units": [
    { "slot": "green", "kubernetesVersion": "1.34", "lifecycle": "serving", "weight": 100, "fingerprint": "ejqurb", "since": 2, "peakWeight": 100 }
  ]
}
`);
  });

  test('a refused step exits 1, leaves the file as it was, and prints the rule and the legal next steps', () => {
    const dir = fleetDir();
    cli(dir, ['start', '1.34']);
    cli(dir, ['promote']);
    const before = read(dir);
    const r = cli(dir, ['shift', '--weight', '80']);
    expect(r.code).toBe(1);
    expect(read(dir)).toBe(before);
    expect(r.err).toContain('refused: rollout/shop.json: fleet "shop": step 2 → 3 is refused (1 rule broken).');
    expect(r.err).toContain('✗ rule weight-step (green: serving 10 → serving 80)');
    expect(r.err).toMatch(/Legal next steps from step 2:\n\s+cdktf-bluegreen shift\s+blue serving 90 → 65, green serving 10 → 35\n\s+cdktf-bluegreen rollback\s+blue serving 90 → 100, green serving 10 → standby/);
    const p = cli(dir, ['retire']);
    expect(p.code).toBe(1);
    expect(p.err).toContain('no unit stands by (blue serving 90, green serving 10)');
  });

  test('usage errors exit 2 and say what was expected', () => {
    const dir = fleetDir();
    const cases: Array<[string[], RegExp]> = [
      [[], /no command given/],
      [['deploy'], /unknown command "deploy"/],
      [['shift', '--wieght', '5'], /unknown option --wieght/],
      [['shift', '--weight', 'ten'], /--weight ten: a weight is a whole number from 0 to 100/],
      [['check'], /check needs --base <git-ref>, e.g. --base origin\/main/],
      [['start'], /usage: cdktf-bluegreen start <version>/],
      [['status', '--weight', '5'], /status takes no --weight/],
      [['status', '--dir', 'nowhere'], /no rollout state file in nowhere\//],
    ];
    for (const [argv, message] of cases) {
      const r = cli(dir, argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.err).toMatch(message);
    }
    cli(dir, ['init', 'cart', '1.33']);
    const two = cli(dir, ['shift']);
    expect(two.code).toBe(2);
    expect(two.err).toContain('rollout/ holds 2 state files (cart, shop); name the fleet with --fleet <name>');
    expect(cli(dir, ['start', '1.34', '--fleet', 'cart']).code).toBe(0);
  });

  test('status: aligned columns, plain without colour, coloured lifecycles with colour', () => {
    const dir = fleetDir();
    cli(dir, ['start', '1.34']);
    cli(dir, ['promote']);
    const plain = cli(dir, ['status']).out;
    expect(plain).not.toContain('\u001b[');
    const lines = plain.split('\n');
    const head = lines.find((l) => l.includes('SLOT'))!;
    const blue = lines.find((l) => l.trimStart().startsWith('blue '))!;
    const green = lines.find((l) => l.trimStart().startsWith('green '))!;
    // Columns line up: every row has its lifecycle under LIFECYCLE and its weight right-aligned under WEIGHT.
    expect(blue.indexOf('serving')).toBe(head.indexOf('LIFECYCLE'));
    expect(green.indexOf('serving')).toBe(head.indexOf('LIFECYCLE'));
    expect(blue.indexOf('90') + 2).toBe(head.indexOf('WEIGHT') + 'WEIGHT'.length);
    expect(green.indexOf('10') + 2).toBe(head.indexOf('WEIGHT') + 'WEIGHT'.length);
    expect(plain).toContain('green  run its checks, then give it 10 % of the traffic');
    expect(plain).toMatch(/Legal next steps \(each one pull request\):\n\s+cdktf-bluegreen shift\s+blue serving 90 → 65/);
    const coloured = cli(dir, ['status'], true).out;
    expect(coloured).toContain('\u001b[32mserving\u001b[39m');
    expect(cli(dir, ['status', '--no-color'], true).out).toBe(plain);
  });

  test('rollback: during a canary the old unit takes all the traffic back; after the rollout, the unit that stood by', () => {
    const dir = fleetDir();
    for (const a of [['start', '1.34'], ['promote'], ['shift']]) cli(dir, a);
    expect(cli(dir, ['rollback']).out).toContain('shop step 3 → 4: blue serving 65 → 100, green serving 35 → standby');
    const done = fleetDir();
    for (const a of [['start', '1.34'], ['promote'], ['shift'], ['shift'], ['shift'], ['promote']]) cli(done, a);
    expect(cli(done, ['rollback']).out).toContain('shop step 6 → 7: blue standby → serving 100, green serving 100 → standby');
    // Once blue is retired there is nothing to roll back to.
    const gone = fleetDir();
    for (const a of [['start', '1.34'], ['promote'], ['shift'], ['shift'], ['shift'], ['promote'], ['retire']]) cli(gone, a);
    const r = cli(gone, ['rollback']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('there is nothing to roll back to: no unit stands by and one unit serves alone');
  });

  test('--dry-run shows the step without writing it', () => {
    const dir = fleetDir();
    const before = read(dir);
    const r = cli(dir, ['start', '1.34', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('(dry run: rollout/shop.json not written)');
    expect(read(dir)).toBe(before);
  });

  test('property: every state a random sequence of CLI calls writes is valid and a legal successor; every listed next step is accepted', () => {
    const argv: fc.Arbitrary<string[]> = fc.oneof(
      fc.constantFrom<string[]>(['start', '1.34'], ['start', '1.33.7'], ['promote'], ['shift'], ['retire'], ['rollback'], ['forget'], ['retire', 'green']),
      fc.integer({ min: 0, max: 100 }).map((w) => ['shift', '--weight', String(w)]),
      fc.integer({ min: 1, max: 100 }).map((w) => ['rollback', '--weight', String(w)]),
    );
    fc.assert(fc.property(fc.array(argv, { minLength: 3, maxLength: 12 }), (calls) => {
      const dir = fleetDir();
      for (const a of [['start', '1.34'], ...calls]) {
        const before = read(dir);
        const r = cli(dir, a);
        expect([0, 1]).toContain(r.code);
        const after = read(dir);
        if (r.code === 1) { expect(after).toBe(before); continue; }
        const b = parseRolloutStateText(before, 'base');
        const s = parseRolloutStateText(after, 'head');
        expect(transitionViolations(b, s)).toEqual([]);
        // CI deploys the merged step through `record` (a forget waits for that record).
        markDeployed(dir);
        for (const next of legalNextSteps(s)) {
          const n = cli(dir, [...next.command.split(' ').slice(1), '--dry-run']);
          expect({ next: next.command, code: n.code, err: n.err }).toEqual({ next: next.command, code: 0, err: '' });
        }
      }
    }), { numRuns: runs(40) });
  });

  test('check --base: a legal step passes; a file new at head is checked on its own; a deleted file with live units is refused', () => {
    const repo = gitRepo();
    expect(cli(repo.dir, ['init', 'shop', '1.33']).code).toBe(0);
    repo.write('rollout/old.json', read(repo.dir).replace(/"shop"/, '"old"'));
    repo.commit('fleets');
    expect(cli(repo.dir, ['start', '1.34', '--fleet', 'shop']).code).toBe(0);
    expect(cli(repo.dir, ['init', 'cart', '1.34']).code).toBe(0);
    let r = cli(repo.dir, ['check', '--base', 'main']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/✓\s+cart\s+step 0\s+new\s/);
    expect(r.out).toMatch(/✓\s+shop\s+step 0 → 1\s+legal\s+green \(1.34\) new candidate/);
    fs.rmSync(path.join(repo.dir, 'rollout/old.json'));
    r = cli(repo.dir, ['check', '--base', 'main']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('fleet "old": rollout/old.json = (deleted) is refused: a fleet\'s state file is deleted only when every unit was retired in the base state');
    const plan = cli(repo.dir, ['plan', '--base', 'main', '--json']);
    expect(plan.code).toBe(1);
    expect(JSON.parse(plan.out).fleets.map((f: any) => [f.fleet, f.verdict])).toEqual([['cart', 'new'], ['old', 'refused'], ['shop', 'legal']]);
    expect(cli(repo.dir, ['check', '--base', 'nope']).code).toBe(2);
    // A file named after another fleet, and a file that is not JSON: refused, never a crash.
    repo.write('rollout/old.json', read(repo.dir).replace(/"shop"/, '"old"'));
    repo.write('rollout/cart.json', read(repo.dir));
    repo.write('rollout/broken.json', '{');
    r = cli(repo.dir, ['check', '--base', 'main']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗\s+broken\s+—\s+refused/);
    expect(r.err).toContain('fleet "shop": rollout/cart.json: file name = "cart.json" is refused: a fleet\'s state file is named <fleet>.json');
    expect(r.err).toContain('rollout/broken.json: fleet "(unknown)": (root) = "{" is refused: a rollout state file is JSON');
    expect(r.err).toContain('2 of 4 state file(s) refused against main.');
  });

  test('plan --base: a Markdown report with weights before → after, the ordered deploy and the checks that gate each action', () => {
    const repo = gitRepo();
    cli(repo.dir, ['init', 'shop', '1.33', '--fingerprint', 'nljqy2']);
    cli(repo.dir, ['start', '1.34', '--fingerprint', 'ejqurb']);
    repo.commit('green');
    cli(repo.dir, ['promote']);
    const r = cli(repo.dir, ['plan', '--base', 'main']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('## Fleet `shop` — step 1 → 2 — ✅ legal step');
    expect(r.out).toContain('| `green-1-34-ejqurb` | 1.34 | `ejqurb` | candidate → serving | 0 → 10 |');
    expect(r.out).toContain('| `blue-1-33-nljqy2` | 1.33 | `nljqy2` | serving | 100 → 90 |');
    const actions = r.out.split('\n').filter((l) => /^\d+\. `/.test(l));
    expect(actions.map((l) => l.split(' ')[1])).toEqual([
      '`shop-shared`', '`shop-unit-blue-1-33-nljqy2`', '`shop-unit-green-1-34-ejqurb`', '`shop-validate-blue-1-33-nljqy2`', '`shop-validate-green-1-34-ejqurb`', '`shop-traffic`',
    ]);
    expect(actions[5]).toContain('set weights at the router: blue 100 → 90, green 0 → 10; the drain timer does not run again (no unit lost traffic or was retired) _(after `shop-shared`, `shop-validate-blue-1-33-nljqy2`, `shop-validate-green-1-34-ejqurb`)_');
    // A state file names no cloud, router or check: no words of one cloud for another.
    expect(r.out).not.toMatch(/resource group|front door|smoke job/i);
    expect(r.out).toContain('```mermaid\nflowchart LR');
  });
});
