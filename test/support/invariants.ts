import { App, TerraformStack, Testing } from 'cdktf';
import { FleetPlan } from '../../src';

export interface InMemorySynth {
  readonly stacks: Record<string, any>;
  readonly deps: Record<string, string[]>;
}

/** Synthesizes every stack of an app in memory (no files): JSON and dependencies by stack name. */
export function synthInMemory(app: App): InMemorySynth {
  const stacks: Record<string, any> = {};
  const deps: Record<string, string[]> = {};
  for (const c of app.node.children) {
    if (!TerraformStack.isStack(c)) continue;
    stacks[c.node.id] = JSON.parse(Testing.synth(c));
    deps[c.node.id] = c.dependencies.map((d) => d.node.id);
  }
  return { stacks, deps };
}

function resources(json: any): any[] {
  return Object.values<any>(json.resource ?? {}).flatMap((byName) => Object.values<any>(byName));
}

/**
 * Asserts every invariant of DESIGN.md that can be seen in a synthesized fleet; returns a list of
 * broken ones (empty when all hold), so property tests can report which.
 */
export function brokenInvariants(plan: FleetPlan, out: InMemorySynth): string[] {
  const broken: string[] = [];
  const f = plan.fleet;
  const total = plan.units.reduce((s, u) => s + u.weight, 0);
  if (total !== 100) broken.push(`1: weights add up to ${total}`);
  if (!plan.units.some((u) => u.lifecycle === 'serving' && u.weight > 0)) broken.push('1: nothing serves');
  const traffic = `${f}-traffic`;
  if (!out.stacks[traffic]) broken.push('traffic stack missing');
  if (!(out.deps[traffic] ?? []).includes(`${f}-shared`)) broken.push('traffic does not depend on shared');
  for (const u of plan.units) {
    const unitStack = `${f}-unit-${u.name}`;
    const validate = `${f}-validate-${u.name}`;
    const json = out.stacks[unitStack];
    if (!json) { broken.push(`unit stack ${unitStack} missing`); continue; }
    if (!(out.deps[unitStack] ?? []).includes(`${f}-shared`)) broken.push(`${unitStack} does not depend on shared`);
    if (u.weight > 0) {
      if (!out.stacks[validate]) broken.push(`2: ${u.name} has weight but no validation stack`);
      if (!(out.deps[traffic] ?? []).includes(validate)) broken.push(`2: traffic does not wait for ${validate}`);
    }
    if (out.stacks[validate] && !(out.deps[validate] ?? []).includes(unitStack)) broken.push(`${validate} does not depend on its unit`);
    const res = resources(json);
    if (u.lifecycle === 'retired') {
      if (res.length !== 0) broken.push(`5: retired ${u.name} still has ${res.length} resources`);
      if (!(out.deps[unitStack] ?? []).includes(traffic)) broken.push(`5: retired ${u.name} does not wait for traffic`);
      if (out.stacks[validate]) broken.push(`retired ${u.name} still has a validation stack`);
    } else {
      if (res.length === 0) broken.push(`unit ${u.name} has no resources`);
      for (const r of res) if (r.lifecycle?.prevent_destroy !== true) broken.push(`3: a resource of ${u.name} lacks prevent_destroy`);
      // A node pool going to standby writes its cordon taint only after the traffic stack drained it.
      const drainedFirst = plan.unitKind === 'node-pool' && u.lifecycle === 'standby';
      if (!drainedFirst && (out.deps[unitStack] ?? []).includes(traffic)) broken.push(`live ${u.name} waits for traffic`);
    }
  }
  for (const [name, json] of Object.entries(out.stacks)) {
    if (json.output && Object.keys(json.output).length > 0) broken.push(`8: ${name} has outputs`);
  }
  return broken;
}
