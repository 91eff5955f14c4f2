// Collects every resource and data-source type the library emits, by synthesizing the reference
// deployment (stacks/main.ts) and every examples/*/main.ts in memory (as test/examples.test.ts
// does), plus the required_providers versions they pin. Prints JSON on stdout.
//   node -r tsx/cjs rehearsal/provider/collect-types.ts
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';

export interface EmittedTypes {
  readonly resources: string[];
  readonly dataSources: string[];
  readonly requiredProviders: Record<string, { source: string; version: string }>;
}

export function collectEmittedTypes(repo: string): EmittedTypes {
  const resources = new Set<string>();
  const dataSources = new Set<string>();
  const requiredProviders: Record<string, { source: string; version: string }> = {};
  const scan = (app: App): void => {
    for (const c of app.node.children) {
      if (!TerraformStack.isStack(c)) continue;
      const j = JSON.parse(Testing.synth(c));
      for (const t of Object.keys(j.resource ?? {})) resources.add(t);
      for (const t of Object.keys(j.data ?? {})) dataSources.add(t);
      Object.assign(requiredProviders, j.terraform?.required_providers ?? {});
    }
  };
  const fresh = (): App => new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-types-')), skipValidation: true });
  const apps: Array<[string, string]> = [[path.join(repo, 'stacks', 'main.ts'), 'buildReference']];
  for (const d of fs.readdirSync(path.join(repo, 'examples')).sort()) {
    const f = path.join(repo, 'examples', d, 'main.ts');
    if (fs.existsSync(f)) apps.push([f, 'build']);
  }
  for (const [file, fn] of apps) {
    const app = fresh();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(file)[fn](app);
    scan(app);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
  return { resources: [...resources].sort(), dataSources: [...dataSources].sort(), requiredProviders };
}

if (require.main === module) {
  process.stdout.write(JSON.stringify(collectEmittedTypes(path.resolve(__dirname, '..', '..'))) + '\n');
}
