// One side of the race: a real process that loads the CLI once, then runs its command of each
// pair at the same moment as the other side (a two-party barrier on files, spinning, so both
// start within a fraction of a millisecond), and prints what each command returned as JSON.
//   node -r tsx/cjs test/support/race-runner.ts <A|B> <plan.json>
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli/main';

interface Plan { sync: string; pairs: Array<{ dir: string; a: string[]; b: string[] }> }

const [role, planFile] = process.argv.slice(2);
const other = role === 'A' ? 'B' : 'A';
const plan: Plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
const results: Array<{ code: number; out: string; err: string }> = [];
const deadline = Date.now() + 120_000;

plan.pairs.forEach((pair, i) => {
  fs.writeFileSync(path.join(plan.sync, `${role}-${i}`), '');
  while (!fs.existsSync(path.join(plan.sync, `${other}-${i}`))) {
    if (Date.now() > deadline) throw new Error('the other side never arrived');
  }
  let out = '';
  let err = '';
  const code = main(role === 'A' ? pair.a : pair.b, { cwd: pair.dir, out: (s) => { out += s; }, err: (s) => { err += s; }, color: false, env: process.env });
  results.push({ code, out, err });
});
process.stdout.write(JSON.stringify(results));
