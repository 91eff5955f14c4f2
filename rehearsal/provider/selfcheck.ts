// The engine's own proof that the real Terraform talks to the simulated providers:
//  1. a tiny hand-written stack goes through init, plan, apply, a no-change plan, a planned
//     replacement, a failed update that keeps the object in the state, and destroy
//     against a fresh world file;
//  2. the simulated azurerm provider refuses an argument its real schema does not have
//     (`bogus_argument` on azurerm_resource_group) with Terraform's own message, while the same
//     resource without it validates (so the refusal is about that argument alone).
// Run: node -r tsx/cjs rehearsal/provider/selfcheck.ts   (exit 0 = all good; prints one line per step)
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { injectFault } from '../world/faults';
import { Installation, installProviders } from './install';
import { REFUSAL, REFUSAL_JSON } from './refusal';

export interface StepResult {
  readonly step: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail: string;
}

const HEADER = `terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = "4.55.0" }
    time    = { source = "hashicorp/time", version = "0.13.1" }
  }
}

provider "azurerm" {
  features {}
}
`;

const GOOD = `${HEADER}
resource "azurerm_resource_group" "check" {
  name     = "rg-engine-selfcheck"
  location = "westeurope"
  tags     = { purpose = "selfcheck" }
}

resource "time_sleep" "wait" {
  create_duration = "30s"
  triggers        = { rg = azurerm_resource_group.check.id }
}

output "rg_id" {
  value = azurerm_resource_group.check.id
}
`;

const BOGUS = `${HEADER}
resource "azurerm_resource_group" "check" {
  name           = "rg-engine-selfcheck"
  location       = "westeurope"
  bogus_argument = 1
}
`;


const BOGUS_JSON = JSON.stringify({
  terraform: { required_providers: { azurerm: { source: 'hashicorp/azurerm', version: '4.55.0' } } },
  provider: { azurerm: [{ features: [{}] }] },
  resource: { azurerm_resource_group: { check: { name: 'rg-engine-selfcheck', location: 'westeurope', bogus_argument: 1 } } },
}, null, 2);

function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): { code: number; out: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync('terraform', [...args, '-no-color'], { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`, ms: Date.now() - t0 };
}

/** Runs every step; never throws for a failed step (each is reported). */
export function selfCheck(inst: Installation = installProviders(), log: (line: string) => void = () => undefined): StepResult[] {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-selfcheck-'));
  const worldFile = path.join(root, 'world.json');
  const env: NodeJS.ProcessEnv = { ...inst.env(worldFile), NO_COLOR: '1' };
  // Terraform starting the providers itself from the mirror (go-plugin handshake, auto-mTLS).
  const spawned: NodeJS.ProcessEnv = { ...env };
  delete spawned.TF_REATTACH_PROVIDERS;
  const results: StepResult[] = [];
  const step = (name: string, cwd: string, args: string[], expect: (r: { code: number; out: string }) => string | undefined, e = env): boolean => {
    const r = terraform(args, cwd, e);
    const why = expect(r);
    const res = { step: name, ok: !why, ms: r.ms, detail: why ? `${why}\n${r.out.trim().split('\n').slice(-15).join('\n')}` : '' };
    results.push(res);
    log(`${res.ok ? 'ok  ' : 'FAIL'} ${name} (${(r.ms / 1000).toFixed(1)} s)${why ? `: ${res.detail}` : ''}`);
    return res.ok;
  };
  const exit0 = (r: { code: number }) => (r.code === 0 ? undefined : `exit ${r.code}, expected 0`);

  const good = path.join(root, 'good');
  fs.mkdirSync(good);
  fs.writeFileSync(path.join(good, 'main.tf'), GOOD);
  const lifecycle =
    step('init (filesystem mirror, real source addresses)', good, ['init', '-input=false'], (r) =>
      exit0(r) ?? (/Installing hashicorp\/azurerm v4\.55\.0/.test(r.out) ? undefined : 'init did not install hashicorp/azurerm v4.55.0 from the mirror'), spawned) &&
    step('plan with provider processes Terraform starts (2 to add)', good, ['plan', '-input=false'], (r) =>
      exit0(r) ?? (/Plan: 2 to add, 0 to change, 0 to destroy/.test(r.out) ? undefined : 'plan is not "2 to add"'), spawned) &&
    step(`plan${env.TF_REATTACH_PROVIDERS ? ' attached to the long-lived provider process' : ''} (2 to add)`, good, ['plan', '-input=false'], (r) =>
      exit0(r) ?? (/Plan: 2 to add, 0 to change, 0 to destroy/.test(r.out) ? undefined : 'plan is not "2 to add"')) &&
    step('apply', good, ['apply', '-auto-approve', '-input=false'], (r) => exit0(r) ?? (/Apply complete! Resources: 2 added/.test(r.out) ? undefined : 'apply did not add 2')) &&
    step('plan after apply has no changes', good, ['plan', '-detailed-exitcode', '-input=false'], (r) => (r.code === 0 ? undefined : `exit ${r.code}: the applied state does not match the configuration`)) &&
    (fs.writeFileSync(path.join(good, 'main.tf'), GOOD.replace('rg-engine-selfcheck', 'rg-engine-selfcheck-2')), true) &&
    step('renaming the resource group plans a replacement (force-new table)', good, ['plan', '-input=false'], (r) =>
      exit0(r) ?? (/# forces replacement/.test(r.out) && /Plan: 2 to add, 0 to change, 2 to destroy/.test(r.out) ? undefined : 'no "forces replacement" of the group and its dependent sleep')) &&
    (fs.writeFileSync(path.join(good, 'main.tf'), GOOD.replace('purpose = "selfcheck"', 'purpose = "selfcheck-2"')), true) &&
    (injectFault(worldFile, { kind: 'apply-error', type: 'azurerm_resource_group', name: 'rg-engine-selfcheck', attempts: 1 }), true) &&
    step('a failed in-place update (apply-error fault) fails the apply with the world\'s message', good, ['apply', '-auto-approve', '-input=false'], (r) =>
      r.code === 0 ? 'apply succeeded despite the fault' : /simulated update error on azurerm_resource_group/.test(r.out) ? undefined : 'failed without the simulated error') &&
    step('... and the object stays in the state', good, ['state', 'list'], (r) =>
      exit0(r) ?? (/azurerm_resource_group\.check/.test(r.out) ? undefined : 'the resource group was dropped from the state')) &&
    step('the same apply succeeds once the fault is spent', good, ['apply', '-auto-approve', '-input=false'], (r) =>
      exit0(r) ?? (/0 added, 1 changed, 0 destroyed/.test(r.out) ? undefined : 'apply did not update in place')) &&
    (fs.writeFileSync(path.join(good, 'main.tf'), GOOD), true) &&
    step('destroy', good, ['destroy', '-auto-approve', '-input=false'], (r) => exit0(r) ?? (/Destroy complete! Resources: 2 destroyed/.test(r.out) ? undefined : 'destroy did not remove 2'));

  const bogus = path.join(root, 'bogus');
  fs.mkdirSync(bogus);
  fs.writeFileSync(path.join(bogus, 'main.tf'), BOGUS);
  const refusal =
    step('init (bogus)', bogus, ['init', '-input=false', '-backend=false'], exit0, spawned) &&
    step('validate refuses bogus_argument on azurerm_resource_group', bogus, ['validate'], (r) =>
      r.code === 0 ? 'validate accepted bogus_argument' : REFUSAL.test(r.out) ? undefined : 'refused, but not with "An argument named "bogus_argument" is not expected here"') &&
    step('validate accepts the same resource without it', good, ['validate'], exit0) &&
    (fs.writeFileSync(path.join(bogus, 'main.tf'), ''), fs.writeFileSync(path.join(bogus, 'main.tf.json'), BOGUS_JSON), true) &&
    step('validate refuses it in JSON configuration too (what cdktf synthesizes)', bogus, ['validate'], (r) =>
      r.code === 0 ? 'validate accepted bogus_argument' : REFUSAL_JSON.test(r.out) ? undefined : 'refused, but not with "No argument or block type is named "bogus_argument""');

  if (lifecycle && refusal) fs.rmSync(root, { recursive: true, force: true });
  else log(`self-check files kept in ${root}`);
  return results;
}

if (require.main === module) {
  const t0 = Date.now();
  const inst = installProviders();
  console.log(`installed in ${Date.now() - t0} ms (${JSON.stringify(inst.timings)})`);
  const results = selfCheck(inst, (l) => console.log(l));
  const failed = results.filter((r) => !r.ok);
  console.log(failed.length ? `self-check FAILED: ${failed.map((f) => f.step).join('; ')}` : `self-check passed (${results.length} steps, ${Date.now() - t0} ms)`);
  fs.rmSync(inst.dir, { recursive: true, force: true });
  process.exit(failed.length ? 1 : 0);
}
