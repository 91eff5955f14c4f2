// Runs `terraform validate` on every stack the reference deployment and every example synthesize,
// against the simulated providers: proves the derived schemas accept everything the library emits.
//   node -r tsx/cjs rehearsal/provider/validate-emitted.ts
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { installProviders } from './install';

const REPO = path.resolve(__dirname, '..', '..');

function main(): number {
  const inst = installProviders();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-validate-'));
  const env: NodeJS.ProcessEnv = { ...inst.env(path.join(root, 'world.json')), NO_COLOR: '1' };
  const apps: Array<[string, string, string]> = [['reference', path.join(REPO, 'stacks', 'main.ts'), 'buildReference']];
  for (const d of fs.readdirSync(path.join(REPO, 'examples')).sort()) {
    const f = path.join(REPO, 'examples', d, 'main.ts');
    if (fs.existsSync(f)) apps.push([d, f, 'build']);
  }
  let failed = 0;
  let count = 0;
  for (const [name, file, fn] of apps) {
    fs.mkdirSync(path.join(root, name, 'out'), { recursive: true });
    const app = new App({ outdir: path.join(root, name, 'out'), skipValidation: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(file)[fn](app);
    for (const c of app.node.children) {
      if (!TerraformStack.isStack(c)) continue;
      const dir = path.join(root, name, c.node.id);
      fs.mkdirSync(dir, { recursive: true });
      const json = JSON.parse(Testing.synth(c));
      delete json.terraform?.backend; // validate needs no state
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(json));
      const init = spawnSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8' });
      const val = init.status === 0 ? spawnSync('terraform', ['validate', '-no-color'], { cwd: dir, env, encoding: 'utf8' }) : init;
      count++;
      if (val.status !== 0) {
        failed++;
        console.log(`FAIL ${name}/${c.node.id}\n${`${val.stdout}${val.stderr}`.trim().split('\n').slice(0, 20).join('\n')}`);
      }
    }
  }
  console.log(`${count - failed} of ${count} synthesized stacks validate against the simulated providers`);
  inst.stop();
  fs.rmSync(inst.dir, { recursive: true, force: true });
  if (!failed) fs.rmSync(root, { recursive: true, force: true });
  return failed ? 1 : 0;
}

process.exit(main());
