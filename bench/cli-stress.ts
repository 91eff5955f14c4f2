// Stress proofs of the CLI too slow for `npm test`: 100 racing pairs of writing commands in two
// real processes, the transition oracle (written from docs/cli.md) against `check` over 50,000
// random hand edits, and 300+ hostile pull requests over every class of issue 21 plus one with
// 47,000 fleet files. Prints the figures; exits 1 if any lost update, disagreement, bypass, stack
// trace, hang, silent change, write outside the repository or unescaped Markdown.
//   npm run stress                 PAIRS=100 EDITS=50000 HOSTILE=264 FILES=47000 SEED=1
import { race } from '../test/support/race';
import { compareWithOracle } from '../test/support/random-edits';
import { runHostilePrs } from '../test/support/hostile-prs';

async function stress(): Promise<void> {
  const pairs = Number(process.env.PAIRS ?? 100);
  const edits = Number(process.env.EDITS ?? 50_000);
  const seed = Number(process.env.SEED ?? 1);
  const f = await race(pairs);
  console.log(`racing pairs: ${f.pairs} in ${(f.ms / 1000).toFixed(1)} s — both succeeded ${f.bothSucceeded}, loser refused ("re-run") ${f.oneRefusedAsLoser}, second refused by the rules ${f.oneRefusedByRules}; ${f.lostUpdates} lost updates, ${f.unexplained.length} unexplained, ${f.leftovers} leftover temp/lock files`);
  for (const u of f.unexplained) console.log(u);
  const t = Date.now();
  const o = compareWithOracle(edits, seed);
  console.log(`oracle: ${edits.toLocaleString('en-US')} random hand edits (seed ${seed}) in ${((Date.now() - t) / 1000).toFixed(1)} s — ${o.legal.toLocaleString('en-US')} legal, ${o.illegal.toLocaleString('en-US')} illegal; ${o.illegalAccepted} illegal accepted, ${o.legalRefused} legal refused`);
  for (const e of o.examples) console.log(e);
  const h0 = Date.now();
  const h = runHostilePrs(Number(process.env.HOSTILE ?? 264), seed, { bigFiles: Number(process.env.FILES ?? 47_000), hangBoundMs: 10_000 });
  const zeros = { bypasses: h.bypasses, 'stack traces': h.stackTraces, hangs: h.hangs, 'silent changes': h.silentChanges, 'writes outside the repository': h.writesOutside, 'unescaped Markdown': h.unescapedMarkdown };
  console.log(`hostile pull requests: ${h.inputs} inputs in ${((Date.now() - h0) / 1000).toFixed(1)} s (${Object.entries(h.byClass).map(([c, k]) => `${c} ${k}`).join(', ')}) — ${Object.entries(zeros).map(([k, v]) => `${v.length} ${k}`).join(', ')}`);
  console.log(`  slowest command ${h.slowest} ms${h.bigFilesMs !== undefined ? `; check beside ${process.env.FILES ?? 47_000} fleet files ${(h.bigFilesMs / 1000).toFixed(1)} s` : ''}`);
  for (const list of Object.values(zeros)) for (const x of list.slice(0, 5)) console.log(`  ${x}`);
  const hostileBad = Object.values(zeros).some((v) => v.length > 0) || h.inputs < 300;
  if (f.lostUpdates || f.unexplained.length || f.leftovers || o.illegalAccepted || o.legalRefused || hostileBad) process.exitCode = 1;
}

void stress();
