import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { RolloutState } from '../src/rollout/rollout-state';
import { tempDir } from './support/git-repo';

// The library's loader (what `cdktf synth` runs) reads state files as safely as the CLI does.
describe('RolloutState.load reads only a regular state file', () => {
  const dir = tempDir('bg-load-');
  const good = JSON.stringify({ version: 1, fleet: 'shop', step: 0, units: [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: 'serving', weight: 100, since: 0 }] });
  fs.writeFileSync(path.join(dir, 'secret.env'), 'GITHUB_TOKEN=ghp_LOADSECRET');

  test('a symlink (to secrets or to a good file), a FIFO and a folder are refused by kind, without their content; a regular file loads', () => {
    fs.symlinkSync(path.join(dir, 'secret.env'), path.join(dir, 'link.json'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.json')]);
    fs.mkdirSync(path.join(dir, 'folder.json'));
    fs.writeFileSync(path.join(dir, 'shop.json'), good);
    fs.symlinkSync(path.join(dir, 'shop.json'), path.join(dir, 'good-link.json'));
    const refusal = (f: string) => { try { RolloutState.load(path.join(dir, f), 'shop'); } catch (e) { return (e as Error).message; } return 'loaded'; };
    expect(refusal('link.json')).toMatch(/the file must exist and be readable \(\(a symbolic link\): a state file is a regular file; a link is never followed/);
    expect(refusal('link.json')).not.toContain('LOADSECRET');
    expect(refusal('good-link.json')).toContain('(a symbolic link)');
    expect(refusal('fifo.json')).toContain('((a FIFO): a state file is a regular file)');
    expect(refusal('folder.json')).toContain('((a directory): a state file is a regular file)');
    expect(refusal('shop.json')).toBe('loaded');
    expect(RolloutState.unitsOf(path.join(dir, 'shop.json'), 'shop')).toEqual([{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: 'serving', weight: 100 }]);
  });
});
