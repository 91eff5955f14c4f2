// The world store under concurrent OS processes: every increment of every child survives, the
// action log stays gap-free, a lock left by a dead process is broken, waits are bounded.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { emptyWorld } from '../../rehearsal/world/model';
import { WorldBusyError, WorldStore } from '../../rehearsal/world/store';
import { tempDir } from '../support/temp';

const WORLD_DIR = path.join(__dirname, '..', '..', 'rehearsal', 'world');

let dir: string;
beforeEach(() => {
  dir = tempDir('world-store-');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The store compiled to plain JS (esbuild, as the engine bundles the world), so children start with bare `node`. */
function compileStore(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require(require.resolve('esbuild', { paths: [require.resolve('tsx')] })) as { transformSync(src: string, o: object): { code: string } };
  const out = path.join(dir, 'js');
  fs.mkdirSync(out);
  for (const f of ['store.ts', 'model.ts']) {
    const src = fs.readFileSync(path.join(WORLD_DIR, f), 'utf8');
    fs.writeFileSync(path.join(out, f.replace(/\.ts$/, '.js')), esbuild.transformSync(src, { loader: 'ts', format: 'cjs', target: 'node20' }).code);
  }
  return out;
}

function run(script: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('error', reject);
    p.on('exit', (code) => resolve(code ?? -1));
  });
}

test('three processes incrementing one world concurrently lose nothing', async () => {
  const js = compileStore();
  const file = path.join(dir, 'world.json');
  const child = path.join(dir, 'child.js');
  fs.writeFileSync(child, `
    const { WorldStore } = require(${JSON.stringify(path.join(js, 'store.js'))});
    const [file, who, n] = process.argv.slice(2);
    const store = new WorldStore(file);
    for (let i = 0; i < Number(n); i++) {
      store.update((w) => {
        w.ext.counter = (w.ext.counter || 0) + 1;
        w.log.push({ seq: ++w.seq, clock: w.clock, stack: who, provider: 'test', type: 't', action: 'inc', id: String(i), name: who });
      });
    }
  `);
  // No speed bound here: a lock never released shows as a hang, which jest's per-test timeout catches.
  const codes = await Promise.all(['a', 'b', 'c'].map((who) => run(child, [file, who, '20'])));
  expect(codes).toEqual([0, 0, 0]);
  const w = new WorldStore(file).read();
  expect(w.ext.counter).toBe(60);
  expect(w.log.map((l) => l.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  for (const who of ['a', 'b', 'c']) expect(w.log.filter((l) => l.stack === who)).toHaveLength(20);
  expect(fs.existsSync(`${file}.lock`)).toBe(false);
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('a lock left by a process that no longer exists is broken', () => {
  const file = path.join(dir, 'world.json');
  // pid 2^22+1 is above Linux's pid_max default: no such process
  fs.writeFileSync(`${file}.lock`, `${2 ** 22 + 1} 0 stale`);
  const store = new WorldStore(file, { lockTimeoutMs: 2000 });
  store.update((w) => {
    w.clock = 42;
  });
  expect(store.read().clock).toBe(42);
  expect(fs.existsSync(`${file}.lock`)).toBe(false);
});

test('a lock held by a live process is waited for, boundedly', () => {
  const file = path.join(dir, 'world.json');
  const held = `${process.pid} ${Date.now()} held`;
  fs.writeFileSync(`${file}.lock`, held);
  const store = new WorldStore(file, { lockTimeoutMs: 150, staleLockMs: 60000 });
  let ran = false;
  const t0 = Date.now();
  // Bounded: it gives up with WorldBusyError naming its timeout (a wait without bound would hang, caught by jest's timeout).
  expect(() => store.update(() => { ran = true; })).toThrow(new WorldBusyError(`world store ${file} stayed locked for 150 ms (lock file ${file}.lock)`));
  // Waited for: the whole timeout passed first (a lower bound, which load can only help), the
  // update never ran, and the live holder's lock was neither broken nor replaced.
  expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
  expect(ran).toBe(false);
  expect(fs.readFileSync(`${file}.lock`, 'utf8')).toBe(held);
});

test('a simulated failure keeps the world it changed; a bug does not', () => {
  const file = path.join(dir, 'world.json');
  const store = new WorldStore(file);
  store.reset(emptyWorld());
  const simulated = Object.assign(new Error('fault consumed'), { keepWorld: true as const });
  expect(() => store.update((w) => { w.clock = 7; throw simulated; })).toThrow('fault consumed');
  expect(store.read().clock).toBe(7);
  expect(() => store.update((w) => { w.clock = 99; throw new Error('bug'); })).toThrow('bug');
  expect(store.read().clock).toBe(7);
});
