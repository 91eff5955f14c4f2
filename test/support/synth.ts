import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { tempDir } from './temp';

/** The synthesized Terraform JSON of one stack. */
export function stackJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

/** A fresh app that writes to a temp folder (never the repo's cdktf.out). */
export function testApp(): App {
  return new App({ outdir: tempDir('bluegreen-test-'), skipValidation: true });
}

/** Synthesizes the whole app and returns its manifest and every stack's JSON, by stack name. */
export function synthAll(app: App): { manifest: any; stacks: Record<string, any>; deps: Record<string, string[]> } {
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, 'manifest.json'), 'utf8'));
  const stacks: Record<string, any> = {};
  const deps: Record<string, string[]> = {};
  for (const [name, s] of Object.entries<any>(manifest.stacks)) {
    stacks[name] = JSON.parse(fs.readFileSync(path.join(app.outdir, s.synthesizedStackPath), 'utf8'));
    deps[name] = s.dependencies;
  }
  return { manifest, stacks, deps };
}

/** Every resource of a synthesized stack as [type, name, body]. */
export function resourcesOf(json: any): Array<[string, string, any]> {
  const out: Array<[string, string, any]> = [];
  for (const [type, byName] of Object.entries<any>(json.resource ?? {})) {
    for (const [name, body] of Object.entries<any>(byName)) out.push([type, name, body]);
  }
  return out;
}

/**
 * A plan's warnings without the support-calendar ones. Those depend on the day the test runs (the
 * calendar's default `asOf` is today), so an example on a minor nearing its end of support would start
 * failing a "no warnings" test on a date; they are asserted with pinned dates in real-cloud.test.ts.
 */
export function warningsBesideSupport(plan: { readonly warnings: readonly string[] }): string[] {
  return plan.warnings.filter((w) => !/ serves on (AKS|EKS) \d+\.\d+, whose (extended )?support (ends|ended) on /.test(w));
}
