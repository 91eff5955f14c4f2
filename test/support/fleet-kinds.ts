import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { GlobalAcceleratorRouter, RolloutPlan, UnitLifecycle } from '../../src';
import { eksFleet } from '../aws/eks-fixtures';
import { testApp } from './synth';

const root = path.join(__dirname, '..', '..');

/** Providers whose resources live inside a cluster or on the deploy machine: no cloud permission. */
const NOT_CLOUD = /^(data\.)?(kubernetes_|time_|http|tfe_)/;

/**
 * The cloud resource and data-source types each fleet kind synthesizes ("EKS cluster", "AKS node-pool"...),
 * over the reference deployment, every example, and an EKS fleet behind Global Accelerator (the one
 * router neither uses).
 */
export function cloudTypesByKind(): { [kind: string]: string[] } {
  const byKind: { [kind: string]: Set<string> } = {};
  const scan = (build: (app: App) => void) => {
    const app = testApp();
    build(app);
    const plans = RolloutPlan.plansOf(app);
    for (const c of app.node.children) {
      if (!TerraformStack.isStack(c)) continue;
      const plan = plans.find((p) => c.node.id.startsWith(`${p.fleet}-`));
      if (!plan) continue;
      const json = JSON.parse(Testing.synth(c));
      const types = (byKind[`${plan.cloud} ${plan.unitKind}`] ??= new Set());
      for (const t of Object.keys(json.resource ?? {})) types.add(t);
      for (const t of Object.keys(json.data ?? {})) types.add(`data.${t}`);
    }
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  scan(require(path.join(root, 'stacks/main')).buildReference);
  for (const d of fs.readdirSync(path.join(root, 'examples')).sort()) {
    const main = path.join(root, 'examples', d, 'main.ts');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (fs.existsSync(main)) scan(require(main).build);
  }
  scan((app) => eksFleet(app, 'ga', [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }], { router: new GlobalAcceleratorRouter() }));
  const out: { [kind: string]: string[] } = {};
  for (const [k, s] of Object.entries(byKind)) out[k] = [...s].filter((t) => !NOT_CLOUD.test(t)).sort();
  return out;
}
