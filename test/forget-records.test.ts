// Issue 21 item 8: `forget` cannot orphan a cluster. A retired unit leaves its state file only when
// a deploy record (written by `cdktf-bluegreen record` in the deploy workflow) shows a successful
// deploy of its retirement: no records folder, a failed deploy, a record of another step or of
// another fleet, or a record the pull request itself adds is no proof.
import * as fs from 'fs';
import * as path from 'path';
import { DeployOutcome, formatDeployRecords, parseDeployRecords } from '../src/core/deploy-record';
import { parseRolloutStateText } from '../src/core/state-file';
import { cli, gitRepo, recordDeploy, tempDir } from './support/git-repo';

const STACKS = ['shop-shared', 'shop-unit-blue', 'shop-unit-green', 'shop-validate-green', 'shop-traffic'];
const UPGRADE = [['start', '1.34', '--fingerprint', 'ejqurb'], ['promote'], ['shift'], ['shift'], ['shift'], ['promote']];
const FAILED = ['shop-unit-blue  │ Error: deleting Kubernetes Cluster: unexpected status 409 (Conflict)'];

/** A fleet at step 6 (blue standby, green 100), each step deployed; `retire` not yet run. */
function fleetBeforeRetire(dir: string): void {
  expect(cli(dir, ['init', 'shop', '1.33', '--fingerprint', 'nljqy2']).code).toBe(0);
  expect(recordDeploy(dir, STACKS).code).toBe(0);
  for (const c of UPGRADE) {
    expect(cli(dir, c).code).toBe(0);
    expect(recordDeploy(dir, STACKS).code).toBe(0);
  }
}

const stateText = (dir: string) => fs.readFileSync(path.join(dir, 'rollout/shop.json'), 'utf8');

describe('forget waits for a deploy record of the retirement', () => {
  test('noncompliance: no records at all (no .deploys folder) is refused, naming fleet, unit, rule and the command to run', () => {
    const dir = tempDir();
    expect(cli(dir, ['init', 'shop', '1.33']).code).toBe(0);
    for (const c of [...UPGRADE.map((x) => x.filter((a) => !a.startsWith('--') && a !== 'ejqurb')), ['retire']]) expect(cli(dir, c).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'rollout/.deploys'))).toBe(false);
    const before = stateText(dir);
    const r = cli(dir, ['forget']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('refused: fleet "shop", unit "blue": command = "forget" is refused: rule forget: blue was retired at step 7, and no deploy record says a deploy of step 7 or later succeeded with blue (1.33) retired (there is no deploy record for this fleet); until one has, blue\'s cluster may still exist, and dropping it from the file would orphan it (deploy records in rollout/.deploys/shop.jsonl)');
    expect(r.err).toContain("Fix: deploy the current step through `cdktf-bluegreen record -- npx cdktf deploy '*' --auto-approve` (as the deploy workflow does), commit the record, then forget");
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(stateText(dir)).toBe(before);
    // The way out for a repository that never kept records: deploy the current step once through record.
    expect(recordDeploy(dir, ['shop-unit-blue', 'shop-traffic']).code).toBe(0);
    expect(cli(dir, ['forget'])).toMatchObject({ code: 0, err: '' });
  });

  test('noncompliance: a failed retirement deploy is refused; the successful deploy after it allows forget', () => {
    const dir = tempDir();
    fleetBeforeRetire(dir);
    expect(cli(dir, ['retire']).code).toBe(0);
    expect(recordDeploy(dir, STACKS, 1, FAILED).code).toBe(1);
    const r = cli(dir, ['forget']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/rule forget: blue was retired at step 7, and no deploy record says a deploy of step 7 or later succeeded with blue \(1\.33\) retired \(the last record is step 7, failed, at \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\)/);
    // An interrupted deploy (cut off before every stack ran, no error) does not count either.
    expect(recordDeploy(dir, STACKS, 1, ['shop-shared  Apply complete! Resources: 0 added, 0 changed, 0 destroyed.']).code).toBe(1);
    expect(cli(dir, ['forget']).err).toContain(', interrupted, at ');
    expect(recordDeploy(dir, STACKS).code).toBe(0);
    const ok = cli(dir, ['forget']);
    expect(ok).toMatchObject({ code: 0, err: '' });
    expect(ok.out).toContain('shop step 7 → 8: blue (1.33) forgotten');
  });

  test('noncompliance: a successful record of another step (the one before the retirement) does not count', () => {
    const dir = tempDir();
    fleetBeforeRetire(dir);
    // Step 6 was deployed successfully; retire (step 7) was merged but never deployed.
    expect(cli(dir, ['retire']).code).toBe(0);
    const r = cli(dir, ['forget']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('no deploy record says a deploy of step 7 or later succeeded with blue (1.33) retired (the last record is step 6, succeeded');
  });

  test('noncompliance: a record whose step is right but whose units are not (another unit in the slot, or blue not retired) does not count', () => {
    const dir = tempDir();
    fleetBeforeRetire(dir);
    expect(cli(dir, ['retire']).code).toBe(0);
    expect(recordDeploy(dir, STACKS).code).toBe(0);
    const file = path.join(dir, 'rollout/.deploys/shop.jsonl');
    const records = parseDeployRecords(fs.readFileSync(file, 'utf8'), 'shop.jsonl', 'shop');
    const last = records[records.length - 1];
    for (const units of [
      last.units.map((u) => (u.slot === 'blue' ? { ...u, version: '1.32' } : u)),
      last.units.map((u) => (u.slot === 'blue' ? { ...u, lifecycle: 'standby' } : u)),
      last.units.filter((u) => u.slot !== 'blue'),
    ]) {
      fs.writeFileSync(file, formatDeployRecords([...records.slice(0, -1), { ...last, units }]));
      expect(cli(dir, ['forget']).code).toBe(1);
    }
    // A record of a step the file has not reached (another history, or a forged future) does not count.
    fs.writeFileSync(file, formatDeployRecords([...records.slice(0, -1), { ...last, step: 9, outcome: DeployOutcome.SUCCEEDED }].map((r, i, a) => (i === a.length - 2 ? { ...r, outcome: DeployOutcome.FAILED } : r))));
    expect(cli(dir, ['forget']).code).toBe(1);
    fs.writeFileSync(file, formatDeployRecords(records));
    expect(cli(dir, ['forget']).code).toBe(0);
  });

  test('noncompliance: a record of another fleet does not count for this one', () => {
    const dir = tempDir();
    fleetBeforeRetire(dir);
    // A second fleet, "bank", whose blue (1.33) was retired and deployed: its record is in bank.jsonl.
    expect(cli(dir, ['init', 'bank', '1.33', '--fingerprint', 'nljqy2']).code).toBe(0);
    const bank = parseRolloutStateText(stateText(dir).replace('"fleet": "shop"', '"fleet": "bank"'), 'bank');
    fs.writeFileSync(path.join(dir, 'rollout/bank.json'), stateText(dir).replace('"fleet": "shop"', '"fleet": "bank"'));
    expect(bank.fleet).toBe('bank');
    expect(cli(dir, ['retire', '--fleet', 'bank']).code).toBe(0);
    expect(cli(dir, ['retire', '--fleet', 'shop']).code).toBe(0);
    expect(recordDeploy(dir, ['bank-shared', 'bank-traffic', 'shop-shared', 'shop-traffic'], 1, ['shop-traffic  │ Error: boom', 'bank-shared  Apply complete! Resources: 0 added, 0 changed, 0 destroyed.', 'bank-traffic  Apply complete! Resources: 0 added, 1 changed, 0 destroyed.']).code).toBe(1);
    expect(cli(dir, ['forget', '--fleet', 'bank']).code).toBe(0);
    const shop = cli(dir, ['forget', '--fleet', 'shop']);
    expect(shop.code).toBe(1);
    expect(shop.err).toContain('fleet "shop", unit "blue"');
    // A line of bank's pasted into shop's file is refused as a record of another fleet.
    const bankLine = fs.readFileSync(path.join(dir, 'rollout/.deploys/bank.jsonl'), 'utf8').trimEnd().split('\n').pop() as string;
    fs.appendFileSync(path.join(dir, 'rollout/.deploys/shop.jsonl'), `${bankLine}\n`);
    expect(cli(dir, ['forget', '--fleet', 'shop']).err).toContain('is refused: a record in shop.jsonl is about fleet shop');
  });
});

describe('record --at', () => {
  test('dates a replayed deploy at the given instant (start and finish), and refuses a time that is not one', () => {
    const dir = tempDir();
    expect(cli(dir, ['init', 'shop', '1.33']).code).toBe(0);
    expect(recordDeploy(dir, STACKS, 0, [], ['--at', '2027-01-15T14:00:00Z']).code).toBe(0);
    const [r] = parseDeployRecords(fs.readFileSync(path.join(dir, 'rollout/.deploys/shop.jsonl'), 'utf8'), 'shop.jsonl', 'shop');
    expect({ startedAt: r.startedAt, finishedAt: r.finishedAt, outcome: r.outcome }).toEqual({ startedAt: '2027-01-15T14:00:00Z', finishedAt: '2027-01-15T14:00:00Z', outcome: DeployOutcome.SUCCEEDED });
    const bad = recordDeploy(dir, STACKS, 0, [], ['--at', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--at "yesterday": a time is ISO 8601 with a zone');
  });
});

describe('check --base reads the records at the base only', () => {
  /** main: the retire step merged, its deploy recorded with `code`; a branch that forgets blue by hand. */
  function repoWithRetire(code: number, keepRecords = true) {
    const r = gitRepo();
    expect(cli(r.dir, ['init', 'shop', '1.33', '--fingerprint', 'nljqy2']).code).toBe(0);
    for (const c of [...UPGRADE, ['retire']]) expect(cli(r.dir, c).code).toBe(0);
    if (keepRecords) expect(recordDeploy(r.dir, STACKS, code, code ? FAILED : []).code).toBe(code);
    r.commit('step 7, its deploy recorded');
    r.git('checkout', '-q', '-b', 'forget-blue');
    const s = parseRolloutStateText(stateText(r.dir), 'x');
    r.write('rollout/shop.json', `${JSON.stringify({ version: 1, fleet: 'shop', step: 8, policy: s.policy, units: s.units.filter((u) => u.slot !== 'blue') }, null, 2)}\n`);
    return r;
  }

  test('noncompliance: a base that keeps no records refuses the forget (no bypass)', () => {
    const c = cli(repoWithRetire(0, false).dir, ['check', '--base', 'main']);
    expect(c.code).toBe(1);
    expect(c.err).toContain('rule forget: blue was retired at step 7, and no deploy record says a deploy of step 7 or later succeeded with blue (1.33) retired (there is no deploy record for this fleet)');
    expect(c.err).toContain("run through `cdktf-bluegreen record -- npx cdktf deploy '*' --auto-approve` and its record is on main, then forget it");
  });

  test('noncompliance: a successful record forged in the same pull request as the forget is refused (records count only at the base)', () => {
    const r = repoWithRetire(1);
    // The pull request also "records" a successful retirement deploy (the real record command, a fake deploy).
    expect(recordDeploy(r.dir, STACKS).code).toBe(0);
    const c = cli(r.dir, ['check', '--base', 'main']);
    expect(c.code).toBe(1);
    expect(c.err).toContain('rule forget: blue was retired at step 7, and no deploy record says a deploy of step 7 or later succeeded with blue (1.33) retired (the last record is step 7, failed');
    expect(c.err).toContain('(deploy records at main)');
  });

  test('compliance: the successful retirement deploy recorded on the base lets the forget through', () => {
    expect(cli(repoWithRetire(0).dir, ['check', '--base', 'main'])).toMatchObject({ code: 0, err: '' });
  });
});
