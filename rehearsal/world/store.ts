// The world file, safe under concurrent OS processes: Terraform starts several provider processes
// per plan and cdktf deploys independent stacks in parallel, all against one world.
// Protocol: take `<file>.lock` (created exclusively), read, modify, write a temp file, rename it
// over the world file (atomic on POSIX), release the lock. Readers without the lock always see a
// whole file thanks to the rename. Waits are bounded; a lock whose owner died is broken.
import * as fs from 'fs';
import * as path from 'path';
import { emptyWorld, World } from './model';

export interface StoreOptions {
  /** Give up taking the lock after this long. @default 30000 */
  readonly lockTimeoutMs?: number;
  /** A lock older than this is considered abandoned even if its pid looks alive. @default 15000 */
  readonly staleLockMs?: number;
}

/** Raised when the world cannot be locked in time (a bounded wait, never a hang). */
export class WorldBusyError extends Error {}

/** Errors a transaction throws on purpose: the world is still written (faults consumed, failures logged). */
export interface KeepsWorld {
  readonly keepWorld: true;
}
function keepsWorld(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as Partial<KeepsWorld>).keepWorld === true;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

let tmpCounter = 0;

export class WorldStore {
  readonly lockFile: string;
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;

  constructor(readonly file: string, options: StoreOptions = {}) {
    this.lockFile = `${file}.lock`;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30000;
    this.staleLockMs = options.staleLockMs ?? 15000;
  }

  /** A consistent snapshot (no lock needed: writers replace the file atomically). */
  read(): World {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyWorld();
      throw e;
    }
    if (text.trim() === '') return emptyWorld();
    const w = JSON.parse(text) as World;
    // Files written by an older version may miss newer top-level fields.
    return { ...emptyWorld(), ...w };
  }

  /**
   * Runs `fn` on the current world under the lock and writes the result. If `fn` throws an error
   * marked `keepWorld` (a simulated failure), the world is still written and the error rethrown;
   * any other error leaves the world as it was.
   */
  update<T>(fn: (world: World) => T): T {
    this.lock();
    try {
      const world = this.read();
      let result: T;
      try {
        result = fn(world);
      } catch (e) {
        if (keepsWorld(e)) this.write(world);
        throw e;
      }
      this.write(world);
      return result;
    } finally {
      this.unlock();
    }
  }

  /** Replaces the whole world (used to reset between scenarios). */
  reset(world: World = emptyWorld()): void {
    this.update((w) => {
      for (const k of Object.keys(w)) delete (w as unknown as Record<string, unknown>)[k];
      Object.assign(w, world);
    });
  }

  private write(world: World): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${++tmpCounter}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(world));
    fs.renameSync(tmp, this.file);
  }

  private lock(): void {
    const deadline = Date.now() + this.lockTimeoutMs;
    const token = `${process.pid} ${Date.now()} ${Math.random().toString(36).slice(2)}`;
    let delay = 1;
    fs.mkdirSync(path.dirname(this.lockFile), { recursive: true });
    for (;;) {
      try {
        fs.writeFileSync(this.lockFile, token, { flag: 'wx' });
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      this.breakIfStale();
      if (Date.now() > deadline) {
        throw new WorldBusyError(`world store ${this.file} stayed locked for ${this.lockTimeoutMs} ms (lock file ${this.lockFile})`);
      }
      sleepMs(delay + Math.floor(Math.random() * delay));
      delay = Math.min(delay * 2, 8);
    }
  }

  private unlock(): void {
    try {
      fs.unlinkSync(this.lockFile);
    } catch {
      // already broken by someone who judged it stale: nothing to release
    }
  }

  /** Breaks a lock whose owner process is gone or which is older than `staleLockMs`. */
  private breakIfStale(): void {
    let content: string;
    let mtime: number;
    try {
      content = fs.readFileSync(this.lockFile, 'utf8');
      mtime = fs.statSync(this.lockFile).mtimeMs;
    } catch {
      return; // released meanwhile
    }
    const pid = Number(content.split(' ')[0]);
    const ownerGone = Number.isInteger(pid) && pid > 0 && !processAlive(pid);
    const tooOld = Date.now() - mtime > this.staleLockMs;
    if (!ownerGone && !tooOld) return;
    // Move it aside atomically; only one waiter can move a given file. If what we moved is not the
    // lock we judged (it was replaced meanwhile), put it back.
    const aside = `${this.lockFile}.stale.${process.pid}.${++tmpCounter}`;
    try {
      fs.renameSync(this.lockFile, aside);
    } catch {
      return;
    }
    const moved = safeRead(aside);
    if (moved !== content) {
      try {
        fs.linkSync(aside, this.lockFile);
      } catch {
        // someone else holds a new lock now; the moved one was fresh, but its owner's unlink will
        // simply find nothing: the store stays consistent because writes are whole-file renames.
      }
    }
    try {
      fs.unlinkSync(aside);
    } catch {
      // ignore
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function safeRead(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
