// Start-up cost of the simulated providers: plan / apply / destroy of a one-resource stack with
// provider processes Terraform starts itself (mirror, handshake, auto-mTLS) versus attached to the
// long-lived process (TF_REATTACH_PROVIDERS). Prints medians; counts provider process starts.
//   node -r tsx/cjs rehearsal/provider/bench.ts [rounds=3]
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { installProviders } from './install';

const STACK = `terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = "4.55.0" }
  }
}
provider "azurerm" {
  features {}
}
resource "azurerm_resource_group" "one" {
  name     = "rg-bench"
  location = "westeurope"
}
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const rounds = Number(process.argv[2] ?? 3);
  const inst = installProviders({ only: { resources: ['azurerm_resource_group'], dataSources: [] } });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-bench-'));
  const log = path.join(root, 'provider.log');
  const attached: NodeJS.ProcessEnv = { ...inst.env(path.join(root, 'world.json')), NO_COLOR: '1', REHEARSAL_PROVIDER_LOG: log };
  const spawned: NodeJS.ProcessEnv = { ...attached };
  delete spawned.TF_REATTACH_PROVIDERS;
  const dir = path.join(root, 'stack');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'main.tf'), STACK);
  const tf = (args: string[], env: NodeJS.ProcessEnv): number => {
    const t0 = Date.now();
    const r = spawnSync('terraform', [...args, '-no-color', '-input=false'], { cwd: dir, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`terraform ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
    return Date.now() - t0;
  };
  tf(['init'], spawned);
  const starts = (): number => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter((l) => / start azurerm /.test(l)).length : 0);
  for (const [mode, env] of [['spawned', spawned], ['attached', attached]] as const) {
    const t: Record<string, number[]> = { plan: [], apply: [], destroy: [] };
    const before = starts();
    for (let i = 0; i < rounds; i++) {
      t.plan.push(tf(['plan'], env));
      t.apply.push(tf(['apply', '-auto-approve'], env));
      t.destroy.push(tf(['destroy', '-auto-approve'], env));
    }
    const per = (starts() - before) / rounds;
    console.log(`${mode.padEnd(8)} plan ${median(t.plan)} ms · apply ${median(t.apply)} ms · destroy ${median(t.destroy)} ms (medians of ${rounds}; ${per} provider process starts per plan+apply+destroy)`);
  }
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  inst.stop();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(inst.dir, { recursive: true, force: true });
}

main();
