import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { App } from 'cdktf';

/**
 * TypeScript blocks of a Markdown file. A block a user can paste as a whole program is preceded by
 * `<!-- complete: main.ts -->`; any other TypeScript block by `<!-- fragment -->`.
 */
export interface CodeBlock {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly kind: 'complete' | 'fragment' | 'unmarked';
  readonly code: string;
}

export const ROOT = path.join(__dirname, '..', '..');

/** The Markdown a user copies code from: README.md and docs/ (not docs/api.md, which jsii-docgen writes). */
export function docsWithCode(): string[] {
  const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md') && f !== 'api.md').sort();
  return [path.join(ROOT, 'README.md'), ...docs.map((f) => path.join(ROOT, 'docs', f))];
}

export function typescriptBlocks(file: string): CodeBlock[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    const marker = lines.slice(Math.max(0, i - 2), i).join('\n');
    const kind = /<!-- complete: main\.ts -->/.test(marker) ? 'complete' : /<!-- fragment -->/.test(marker) ? 'fragment' : 'unmarked';
    out.push({ file: path.relative(ROOT, file), line: i + 1, kind, code: lines.slice(i + 1, end).join('\n') + '\n' });
    i = end;
  }
  return out;
}

/**
 * Runs a complete block in this process, as its own module: `cdktf-bluegreen` resolves to the
 * sources, and `synthesizeRollout(build)` synthesizes into `app` instead of `./cdktf.out`.
 * Returns what the block's synthesizeRollout returned (undefined: it printed a refusal).
 */
export function runCompleteBlock(block: CodeBlock, app: App): { files: unknown; calls: number } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require('../../src');
  let files: unknown;
  let calls = 0;
  const shim = { ...lib, synthesizeRollout: (build: (a: App) => void) => { calls++; files = lib.synthesizeRollout(build, app); return files; } };
  for (const name of Object.keys(lib)) if (!(name in shim)) Object.defineProperty(shim, name, { get: () => lib[name] });
  const js = ts.transpileModule(block.code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: false } }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (id: string) => (id === 'cdktf-bluegreen' ? shim : require(id));
  const mod = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', '__filename', '__dirname', js)(load, mod, mod.exports, path.join(ROOT, 'main.ts'), ROOT);
  return { files, calls };
}

/** Unit names (`<slot>-<major>-<minor>-<fingerprint>`) written in a Markdown file's prose and diagrams. */
export function unitNamesIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\b([a-z][a-z0-9]{0,9}-1-\d{2}-[a-z2-7]{6})\b/g)].map((m) => m[1]))];
}
