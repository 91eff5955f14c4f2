import * as fs from 'fs';
import * as path from 'path';
import { docsWithCode, ROOT, typescriptBlocks } from './support/readme-blocks';

// One entry-point style in every doc and example: `synthesizeRollout(build)`. The other style
// (`new App()`, `app.synth()`, `RolloutPlan.write(app)`) is for jsii languages only and never
// appears in TypeScript a user copies from this repository.
const OTHER_STYLE: Array<[RegExp, string]> = [
  [/\bRolloutPlan\.write\s*\(/, 'RolloutPlan.write(...)'],
  [/\.synth\s*\(\s*\)/, 'app.synth()'],
  [/\bnew App\s*\(/, 'new App(...)'],
];

/** Where a piece of TypeScript uses the other style: "file:line: what". */
function otherStyle(where: string, firstLine: number, code: string): string[] {
  return code.split('\n').flatMap((line, i) => OTHER_STYLE.filter(([re]) => re.test(line)).map(([, what]) => `${where}:${firstLine + i}: ${what}`));
}

const rel = (f: string) => path.relative(ROOT, f);
const exampleFiles = fs.readdirSync(path.join(ROOT, 'examples')).sort().flatMap((d) => {
  const dir = path.join(ROOT, 'examples', d);
  return fs.readdirSync(dir).filter((f) => /\.(ts|md)$/.test(f)).map((f) => path.join(dir, f));
});
const markdown = [...docsWithCode(), ...exampleFiles.filter((f) => f.endsWith('.md'))];
const programs = [...exampleFiles.filter((f) => f.endsWith('main.ts')), path.join(ROOT, 'stacks', 'main.ts')];

describe('one entry-point style: synthesizeRollout(build)', () => {
  test('the check sees the other style (so a pass means something)', () => {
    const code = "import { App } from 'cdktf';\nconst app = new App();\nbuild(app);\napp.synth();\nRolloutPlan.write(app);\n";
    expect(otherStyle('x.ts', 1, code)).toEqual(['x.ts:2: new App(...)', 'x.ts:4: app.synth()', 'x.ts:5: RolloutPlan.write(...)']);
  });

  test('no TypeScript block of README.md, docs/ or an example README uses the other style', () => {
    const blocks = markdown.flatMap(typescriptBlocks);
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    expect(blocks.flatMap((b) => otherStyle(b.file, b.line + 1, b.code))).toEqual([]);
  });

  test('no example program and no reference deployment uses the other style; each enters through synthesizeRollout', () => {
    expect(programs.length).toBeGreaterThanOrEqual(10);
    expect(programs.flatMap((f) => otherStyle(rel(f), 1, fs.readFileSync(f, 'utf8')))).toEqual([]);
    expect(programs.filter((f) => !/\bsynthesizeRollout\(\w+\)/.test(fs.readFileSync(f, 'utf8'))).map(rel)).toEqual([]);
  });

  test('every complete main.ts in the docs enters through synthesizeRollout', () => {
    const complete = markdown.flatMap(typescriptBlocks).filter((b) => b.kind === 'complete');
    expect(complete.map((b) => b.file).sort()).toEqual(['README.md', 'docs/aws.md', 'docs/node-pools.md']);
    expect(complete.filter((b) => !/\bsynthesizeRollout\(/.test(b.code)).map((b) => `${b.file}:${b.line}`)).toEqual([]);
  });
});
