import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cli, GIT_ENV, gitRepo } from './support/git-repo';

// The real binary, as `npx cdktf-bluegreen` runs it: a few process starts only (each costs ~0.3-1 s).
const BIN = path.join(__dirname, '..', 'bin', 'cdktf-bluegreen.js');

function run(cwd: string, ...argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd, env: { ...GIT_ENV, NO_COLOR: '' }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cdktf-bluegreen binary on a git repository', () => {
  const repo = gitRepo();
  beforeAll(() => {
    cli(repo.dir, ['init', 'shop-prod', '1.33', '--fingerprint', 'nljqy2']);
    repo.commit('shop-prod serves 1.33');
    repo.git('checkout', '-q', '-b', 'upgrade');
    cli(repo.dir, ['start', '1.34', '--fingerprint', 'ejqurb']);
    repo.commit('start 1.34');
  });

  test('check --base main passes a legal step (exit 0), with plain output when piped', () => {
    const r = run(repo.dir, 'check', '--base', 'main');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/✓\s+shop-prod\s+step 0 → 1\s+legal\s+green \(1.34\) new candidate/);
    expect(r.stdout).not.toContain('\u001b[');
  });

  test('check --base main fails a hand edit that skips the canary (exit 1), naming the rule, both states and the legal next steps', () => {
    const file = path.join(repo.dir, 'rollout/shop-prod.json');
    const text = fs.readFileSync(file, 'utf8')
      .replace('"lifecycle": "serving", "weight": 100', '"lifecycle": "serving", "weight": 50')
      .replace('"lifecycle": "candidate", "weight": 0, "fingerprint": "ejqurb", "since": 1, "peakWeight": 0', '"lifecycle": "serving", "weight": 50, "fingerprint": "ejqurb", "since": 1, "peakWeight": 50');
    fs.writeFileSync(file, text);
    repo.commit('jump');
    const r = run(repo.dir, 'check', '--base', 'main');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗\s+shop-prod\s+step 0 → 1\s+refused/);
    expect(r.stderr).toContain('rollout/shop-prod.json: fleet "shop-prod": step 0 → 1 is refused (1 rule broken).');
    expect(r.stderr).toContain('✗ rule new-unit (green: (absent) → serving 50)');
    expect(r.stderr).toMatch(/Legal next steps from step 0:\n\s+cdktf-bluegreen start 1.34\s+green \(1.34\) new candidate/);
  });

  test('a usage error exits 2: a base ref that does not exist', () => {
    const r = run(repo.dir, 'check', '--base', 'origin/main');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--base origin/main: no such commit');
    expect(r.stderr).toContain('fetch-depth: 0');
  });
});
