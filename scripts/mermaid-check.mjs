// Parses every ```mermaid block of the Markdown files named on the command line with the Mermaid
// library itself (under jsdom, no browser), as GitHub's renderer would before drawing it.
// Prints one line per diagram and exits 1 if any fails to parse.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const key of ['DOMParser', 'Element', 'HTMLElement', 'SVGElement', 'Node', 'navigator']) {
  if (!(key in globalThis)) Object.defineProperty(globalThis, key, { value: dom.window[key], configurable: true });
}
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

let ok = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const blocks = [...text.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  for (const [i, block] of blocks.entries()) {
    const head = block.split('\n').find((l) => l.includes('subgraph'))?.trim() ?? block.split('\n')[0];
    try {
      const result = await mermaid.parse(block);
      if (!result) throw new Error('not a diagram');
      console.log(`ok ${file} #${i + 1} ${result.diagramType}: ${head}`);
      ok++;
    } catch (e) {
      console.log(`FAIL ${file} #${i + 1}: ${head}: ${String(e && e.message ? e.message : e).split('\n').slice(0, 4).join(' ')}`);
      failed++;
    }
  }
}
console.log(`mermaid: ${ok} parsed, ${failed} failed`);
process.exit(failed || ok === 0 ? 1 : 0);
