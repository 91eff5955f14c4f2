// Synth benchmark: library vs floor (a plain cdktf program creating the same provider resources),
// for fleets of 10, 50 and 100 units. Each measurement runs in its own process; library and floor
// alternate, and the median of REPEAT runs is reported, so both see the same machine load.
//   npm run bench                  (all clouds with cases present)
//   REPEAT=5 SIZES=10,100 npm run bench
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

interface Sample { ms: number; maxRssMb: number; stacks: number }

const REPEAT = Number(process.env.REPEAT ?? 3);
const SIZES = (process.env.SIZES ?? '10,50,100').split(',').map(Number);
const CLOUDS = ['aks', 'eks'].filter((c) => fs.existsSync(path.join(__dirname, `${c}-cases.ts`)));

function measure(cloud: string, kind: string, units: number): Sample {
  const out = execFileSync(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'case.ts'), cloud, kind, String(units)], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pad = (s: string | number, n: number) => String(s).padStart(n);

let failed = false;
for (const cloud of CLOUDS) {
  console.log(`\n${cloud.toUpperCase()} fleets — median of ${REPEAT} runs, each in a fresh process`);
  console.log(`${pad('units', 5)} ${pad('stacks', 6)} ${pad('lib ms', 8)} ${pad('floor ms', 8)} ${pad('time ×', 7)} ${pad('lib MB', 7)} ${pad('floor MB', 8)} ${pad('mem ×', 6)} ${pad('lib ms/unit', 11)}`);
  const perUnit: Record<number, number> = {};
  for (const n of SIZES) {
    const lib: Sample[] = [];
    const floor: Sample[] = [];
    for (let r = 0; r < REPEAT; r++) {
      lib.push(measure(cloud, 'library', n));
      floor.push(measure(cloud, 'floor', n));
    }
    const lt = median(lib.map((s) => s.ms));
    const ft = median(floor.map((s) => s.ms));
    const lm = median(lib.map((s) => s.maxRssMb));
    const fm = median(floor.map((s) => s.maxRssMb));
    perUnit[n] = lt / n;
    console.log(`${pad(n, 5)} ${pad(lib[0].stacks, 6)} ${pad(lt.toFixed(0), 8)} ${pad(ft.toFixed(0), 8)} ${pad((lt / ft).toFixed(2), 7)} ${pad(lm.toFixed(0), 7)} ${pad(fm.toFixed(0), 8)} ${pad((lm / fm).toFixed(2), 6)} ${pad(perUnit[n].toFixed(1), 11)}`);
    if (n === 100 && (lt / ft > 1.3 || lm / fm > 1.3)) failed = true;
  }
  if (perUnit[10] && perUnit[100]) {
    const scaling = perUnit[100] / perUnit[10];
    console.log(`time per unit at 100 ÷ at 10: ${scaling.toFixed(2)} (goal ≤ 1.20)`);
    if (scaling > 1.2) failed = true;
  }
}
console.log(`\ngoals (library ÷ floor ≤ 1.3 at 100 units; per-unit time at 100 ≤ 1.2 × at 10): ${failed ? 'NOT MET' : 'met'}`);
