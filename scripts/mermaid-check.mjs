// Renders every ```mermaid block of the Markdown files named on the command line to SVG with the
// Mermaid library itself (scripts/mermaid-render.mjs: jsdom, no browser, text sizes approximated),
// as GitHub's renderer would draw it. Prints one line per diagram and exits 1 if any fails to parse
// or render. With --json, prints instead a JSON array: { file, index, type, svg } or { file, index, error }.
import { readFileSync } from 'node:fs';
import { mermaidBlocks, renderMermaid } from './mermaid-render.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const results = [];
for (const file of args.filter((a) => a !== '--json')) {
  for (const [i, block] of mermaidBlocks(readFileSync(file, 'utf8')).entries()) {
    const head = block.split('\n').find((l) => l.includes('subgraph'))?.trim() ?? block.split('\n')[0];
    try {
      const { type, svg } = await renderMermaid(block);
      const nodes = (svg.match(/<g class="node /g) ?? []).length;
      const edges = (svg.match(/<path [^>]*class="[^"]*flowchart-link/g) ?? []).length;
      results.push({ file, index: i + 1, head, type, svg, nodes, edges });
    } catch (e) {
      results.push({ file, index: i + 1, head, error: String(e && e.message ? e.message : e).split('\n').slice(0, 4).join(' ') });
    }
  }
}
const failed = results.filter((r) => r.error).length;
if (json) {
  process.stdout.write(JSON.stringify(results));
} else {
  for (const r of results) {
    console.log(r.error ? `FAIL ${r.file} #${r.index}: ${r.head}: ${r.error}` : `ok ${r.file} #${r.index} ${r.type}, ${r.nodes} nodes, ${r.edges} edges, ${r.svg.length} bytes of SVG: ${r.head}`);
  }
  console.log(`mermaid: ${results.length - failed} rendered, ${failed} failed`);
}
// exitCode, not exit(): a large JSON report on a pipe must be flushed first.
process.exitCode = failed || results.length === 0 ? 1 : 0;
