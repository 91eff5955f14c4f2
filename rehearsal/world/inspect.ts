// `node -r tsx/cjs rehearsal/world/inspect.ts <world.json> [fleet …]`: prints a world's action log,
// what each unit still owns, and the traffic split of the given fleets — for reading a failed run.
import { WorldStore } from './store';
import { simulateTraffic } from './traffic';

function main(argv: string[]): number {
  const [file, ...fleets] = argv;
  if (!file) {
    process.stderr.write('usage: inspect.ts <world.json> [fleet …]\n');
    return 2;
  }
  const w = new WorldStore(file).read();
  process.stdout.write(`clock ${w.clock} s · ${w.log.length} actions · ${Object.keys(w.objects).length} objects · ${w.faults.length} faults\n`);
  for (const l of w.log) {
    process.stdout.write(`${String(l.seq).padStart(5)} t=${String(l.clock).padStart(5)} ${l.action.padEnd(15)} ${l.type.padEnd(40)} ${l.name} ${l.unit ? `[${l.unit}]` : ''} ${l.detail ?? ''} (${l.stack})\n`);
  }
  const byUnit = new Map<string, string[]>();
  for (const o of Object.values(w.objects)) {
    const k = o.unit ?? '(no unit)';
    byUnit.set(k, [...(byUnit.get(k) ?? []), `${o.type} ${o.name}`]);
  }
  for (const [unit, objs] of byUnit) process.stdout.write(`\n${unit}: ${objs.length} objects\n  ${objs.sort().join('\n  ')}\n`);
  for (const fleet of fleets) {
    const t = simulateTraffic(w, fleet);
    process.stdout.write(`\ntraffic ${fleet} (${t.router}): ${Object.entries(t.shares).map(([u, s]) => `${u} ${(s * 100).toFixed(1)} %`).join(', ')}; dropped ${t.dropped}\n  ${t.notes.join('\n  ')}\n`);
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
