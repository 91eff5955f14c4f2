import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { RolloutPlan } from '../src';
import { docsWithCode, runCompleteBlock, ROOT, typescriptBlocks, unitNamesIn } from './support/readme-blocks';
import { testApp, warningsBesideSupport } from './support/synth';
import { tempDir } from './support/temp';

// The README's TypeScript must run as shown: a block marked `<!-- complete: main.ts -->` is the whole
// main.ts of a user's project, synthesized here in-process (the packed library runs the same block
// in a fresh project in scripts/package-test.sh).
const DOCS = docsWithCode();
const blocks = DOCS.flatMap(typescriptBlocks);
const complete = blocks.filter((b) => b.kind === 'complete');

/** Fleet ids a TypeScript program declares (`new XxxFleet(app, 'id', ...)`). */
const fleetIds = (code: string) => [...code.matchAll(/new \w+Fleet\(\s*\w+,\s*'([^']+)'/g)].map((m) => m[1]);

describe('README and docs/ code blocks', () => {
  test('every TypeScript block says whether it is complete or a fragment', () => {
    expect(blocks.filter((b) => b.kind === 'unmarked').map((b) => `${b.file}:${b.line}`)).toEqual([]);
    expect(complete.length).toBeGreaterThanOrEqual(1);
  });

  const produced = new Set<string>();
  test.each(complete.map((b) => [`${b.file}:${b.line}`, b] as const))('%s synthesizes as shown, its pinned fingerprints are the ones its spec produces', (_, block) => {
    const app = testApp();
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: unknown) => { errors.push(String(m)); });
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const exitCode = process.exitCode;
    try {
      const run = runCompleteBlock(block, app);
      // A refusal (e.g. a stale pinned fingerprint) is printed, not thrown: show it as the failure.
      expect(errors).toEqual([]);
      expect(run.calls).toBe(1);
      expect(run.files).toBeDefined();
    } finally {
      spy.mockRestore();
      log.mockRestore();
      process.exitCode = exitCode;
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, 'manifest.json'), 'utf8'));
    const plans = RolloutPlan.plansOf(app);
    expect(plans.map((p) => p.fleet).sort()).toEqual(fleetIds(block.code).sort());
    for (const plan of plans) {
      expect(warningsBesideSupport(plan)).toEqual([]);
      for (const u of plan.units) {
        expect(u.pinned).toBe(true);
        produced.add(u.name);
        expect(Object.keys(manifest.stacks)).toContain(`${plan.fleet}-unit-${u.name}`);
      }
    }
    expect(fs.existsSync(path.join(app.outdir, 'rollout-plan.md'))).toBe(true);
  });

  test('every complete block type-checks as a user\'s main.ts (strict), against the local sources', () => {
    // One program over all the blocks, each its own file; only the blocks' own diagnostics are read.
    const dir = tempDir('bluegreen-blocks-');
    const files = complete.map((b, i) => {
      const file = path.join(dir, `block${i}.ts`);
      fs.writeFileSync(file, b.code);
      return { file, where: `${b.file}:${b.line}` };
    });
    const program = ts.createProgram(files.map((f) => f.file), {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true,
      types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')], baseUrl: ROOT, paths: { 'cdktf-bluegreen': ['./src/index.ts'] },
    });
    const errors = files.flatMap(({ file, where }) => ts.getPreEmitDiagnostics(program, program.getSourceFile(file))
      .map((d) => `${where} (+${d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : '?'}): ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`));
    expect(errors).toEqual([]);
  });

  test('unit names written in the docs are the ones the shown code (or the reference deployment) produces', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildReference } = require('../stacks/main');
    const app = testApp();
    buildReference(app);
    for (const plan of RolloutPlan.plansOf(app)) for (const u of plan.units) produced.add(u.name);
    // The README and the CDK Terrain guide, whose prose follows their code (other docs quote CLI and test output).
    const written = ['README.md', 'docs/cdktn.md'].flatMap((f) => unitNamesIn(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(written.filter((n) => !produced.has(n))).toEqual([]);
  });

  test('fleet ids are unique across the README and the examples', () => {
    const owners = new Map<string, string[]>();
    const add = (id: string, where: string) => owners.set(id, [...(owners.get(id) ?? []), where]);
    for (const b of complete) for (const id of fleetIds(b.code)) add(id, `${b.file}:${b.line}`);
    const examples = path.join(ROOT, 'examples');
    for (const dir of fs.readdirSync(examples)) {
      const main = path.join(examples, dir, 'main.ts');
      if (fs.existsSync(main)) for (const id of fleetIds(fs.readFileSync(main, 'utf8'))) add(id, `examples/${dir}`);
    }
    expect(owners.size).toBeGreaterThanOrEqual(complete.length + 5);
    expect([...owners].filter(([, w]) => w.length > 1)).toEqual([]);
  });
});
