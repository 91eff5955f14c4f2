// One benchmark measurement, in a fresh process so peak memory is this case's alone.
// Usage: node -r tsx/cjs bench/case.ts <aks|eks> <library|floor> <units>
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';

const [cloud, kind, unitsArg] = process.argv.slice(2);
const units = Number(unitsArg);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cases = require(`./${cloud}-cases`);
const build = kind === 'library'
  ? cases[`build${cloud === 'aks' ? 'Aks' : 'Eks'}LibraryApp`]
  : cases[`build${cloud === 'aks' ? 'Aks' : 'Eks'}FloorApp`];
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-bench-'));
const start = process.hrtime.bigint();
const app = new App({ outdir, skipValidation: true });
build(app, units);
app.synth();
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const stacks = Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).stacks).length;
fs.rmSync(outdir, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ cloud, kind, units, ms, maxRssMb: process.resourceUsage().maxRSS / 1024, stacks }) + '\n');
