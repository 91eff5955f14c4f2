// Rewrites the pinned fingerprints of every complete TypeScript block in the README and docs/
// (and the unit names built from them in the prose) to the ones the shown spec produces. Run it when
// the fingerprint computation or a shown spec changes: `node -r tsx/cjs scripts/readme-fingerprints.ts`.
// test/readme.test.ts fails until the docs agree with the code.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { RolloutPlan } from '../src';
import { docsWithCode, runCompleteBlock, typescriptBlocks } from '../test/support/readme-blocks';

const PIN = /(slot: '([a-z0-9]+)'[^\n]*?fingerprint: ')([a-z2-7]+)(')/g;

for (const doc of docsWithCode()) {
  let text = fs.readFileSync(doc, 'utf8');
  const renames = new Map<string, string>();
  for (const block of typescriptBlocks(doc).filter((b) => b.kind === 'complete')) {
    const unpinned = { ...block, code: block.code.replace(/,\s*fingerprint: '[a-z2-7]+'/g, '') };
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'readme-fp-')), skipValidation: true });
    const log = console.log;
    console.log = () => undefined;
    try {
      runCompleteBlock(unpinned, app);
    } finally {
      console.log = log;
    }
    const bySlot = new Map<string, { name: string; fingerprint: string }>();
    for (const plan of RolloutPlan.plansOf(app)) {
      for (const u of plan.units) {
        if (bySlot.has(u.slot)) throw new Error(`${block.file}:${block.line}: slot ${u.slot} is in two fleets; pin its fingerprints by hand`);
        bySlot.set(u.slot, u);
      }
    }
    const code = block.code.replace(PIN, (all, head: string, slot: string, old: string, tail: string) => {
      const unit = bySlot.get(slot);
      if (!unit) return all;
      renames.set(unit.name.replace(/[a-z2-7]+$/, old), unit.name);
      return `${head}${unit.fingerprint}${tail}`;
    });
    text = text.replace(block.code, code);
  }
  for (const [from, to] of renames) text = text.split(from).join(to);
  fs.writeFileSync(doc, text);
  console.log(`${path.relative(path.join(__dirname, '..'), doc)}: ${[...renames].map(([a, b]) => (a === b ? `${a} (unchanged)` : `${a} → ${b}`)).join(', ') || 'no pinned units'}`);
}
