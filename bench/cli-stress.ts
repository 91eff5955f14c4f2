// Stress proofs of the CLI too slow for `npm test`: 100 racing pairs of writing commands in two
// real processes, and the transition oracle (written from docs/cli.md) against `check` over
// 50,000 random hand edits. Prints the figures; exits 1 if any lost update or disagreement.
//   npm run stress                 PAIRS=100 EDITS=50000 SEED=1
import { race } from '../test/support/race';
import { compareWithOracle } from '../test/support/random-edits';

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
  if (f.lostUpdates || f.unexplained.length || f.leftovers || o.illegalAccepted || o.legalRefused) process.exitCode = 1;
}

void stress();
