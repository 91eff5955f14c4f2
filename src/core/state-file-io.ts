import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { BlueGreenError } from './errors';
import { escapeLine, shortText } from './excerpt';
import { STATE_FILE_MAX_BYTES } from './state-file';

// State files are committed by many hands and read by CI jobs that post what they print: a state
// file is read only if it is a regular file inside the repository (never through a symlink, never
// a device or FIFO), and written so that no concurrent writer's update is lost.

/** Why a state file could not be read or written. */
export enum StateFileProblem {
  /** No file at that path. */
  MISSING = 'missing',
  /** The path or one of its folders leads outside the directory the command runs in. */
  OUTSIDE = 'outside',
  /** The file is a symbolic link. */
  SYMLINK = 'symlink',
  /** A directory, FIFO, device or socket where a file should be. */
  NOT_A_FILE = 'not-a-file',
  /** Over the size limit. */
  TOO_LARGE = 'too-large',
  /** The process may not read it (permissions). */
  UNREADABLE = 'unreadable',
  /** Not UTF-8 text. */
  NOT_TEXT = 'not-text',
  /** Another command holds the file's lock, or the file changed after it was read: re-run. */
  BUSY = 'busy',
  /** The file or its folder cannot be written (read-only, permissions, disk). */
  UNWRITABLE = 'unwritable',
}

/** A state file that cannot be read or written safely; `problem` says why. */
export class StateFileAccessError extends BlueGreenError {
  public readonly problem: StateFileProblem;
  public readonly file: string;
  constructor(problem: StateFileProblem, file: string, value: string, rule: string, fix: string) {
    const shown = shortText(file, 120);
    super({ fleet: shortText(path.basename(file).replace(/\.json$/, ''), 40), field: shown, value, rule, fix });
    this.name = 'StateFileAccessError';
    this.problem = problem;
    this.file = shown;
  }
}

/** A state file's text and what a safe rewrite must keep. */
export interface StateFileText {
  readonly text: string;
  /** Permission bits, kept on rewrite. */
  readonly mode: number;
}

/** `file` as messages show it: relative to `root` when inside it, never an absolute path of the machine. */
export function displayPath(root: string, file: string): string {
  const abs = path.resolve(root, file);
  const rel = path.relative(root, abs);
  const shown = rel === '' ? '.' : !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : `(outside)/${path.basename(abs)}`;
  return escapeLine(shown);
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? 'EIO';
}

/**
 * Where `file` really is: its folder resolved through symlinks, which must lie inside `root`; the
 * file name itself is not followed. Throws `StateFileAccessError`.
 */
export function resolveInside(root: string, file: string, contain = true): { real: string; shown: string } {
  const shown = displayPath(root, file);
  const abs = path.resolve(root, file);
  let rootReal: string;
  let dirReal: string;
  try {
    rootReal = fs.realpathSync(root);
    dirReal = fs.realpathSync(path.dirname(abs));
  } catch (e) {
    const code = errno(e);
    if (code === 'ENOENT') throw new StateFileAccessError(StateFileProblem.MISSING, shown, '(no such file)', 'the state file must exist', 'create it with `cdktf-bluegreen init <fleet> <version>`, or name an existing one with --file');
    if (code === 'ENOTDIR') throw new StateFileAccessError(StateFileProblem.NOT_A_FILE, shown, '(a folder on the way is a file)', 'a state file lies in a folder of the repository', 'name the file with its real path');
    throw new StateFileAccessError(StateFileProblem.UNREADABLE, shown, `(unreadable: ${code})`, 'the CLI must be able to read the state file\'s folder', 'fix the folder\'s permissions');
  }
  if (contain && !isInside(rootReal, dirReal)) {
    throw new StateFileAccessError(StateFileProblem.OUTSIDE, shown, '(outside the repository)', 'a state file lies inside the directory the command runs in (its folders resolved through symbolic links)', 'run the command from the repository root and keep state files in rollout/');
  }
  return { real: path.join(dirReal, path.basename(abs)), shown };
}

const KIND = (st: fs.Stats): string => (st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file');

/**
 * Reads a state file safely: a regular file (not a symlink, device, FIFO or directory) inside
 * `root` (unless `contain` is false: a path the app's own code names), at most
 * STATE_FILE_MAX_BYTES, UTF-8. Throws `StateFileAccessError` otherwise; never
 * blocks on a FIFO and never reads more than the limit.
 */
export function readStateFileText(root: string, file: string, contain = true): StateFileText {
  const { real, shown } = resolveInside(root, file, contain);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(real);
  } catch (e) {
    if (errno(e) === 'ENOENT') throw new StateFileAccessError(StateFileProblem.MISSING, shown, '(no such file)', 'the state file must exist', 'create it with `cdktf-bluegreen init <fleet> <version>`, or name an existing one with --file');
    if (errno(e) === 'ENOTDIR') throw new StateFileAccessError(StateFileProblem.NOT_A_FILE, shown, '(a folder on the way is a file)', 'a state file lies in a folder of the repository', 'name the file with its real path');
    throw new StateFileAccessError(StateFileProblem.UNREADABLE, shown, `(unreadable: ${errno(e)})`, 'the CLI must be able to read the state file', 'fix the file\'s permissions');
  }
  if (st.isSymbolicLink()) {
    throw new StateFileAccessError(StateFileProblem.SYMLINK, shown, '(a symbolic link)', 'a state file is a regular file; a link is never followed (it could point at secrets outside the repository)', 'replace the link with the file itself');
  }
  checkRegular(st, shown);
  let fd: number;
  try {
    // O_NOFOLLOW closes the gap between lstat and open; O_NONBLOCK keeps a FIFO swapped in meanwhile from hanging the open.
    fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = errno(e);
    if (code === 'ELOOP') throw new StateFileAccessError(StateFileProblem.SYMLINK, shown, '(a symbolic link)', 'a state file is a regular file; a link is never followed', 'replace the link with the file itself');
    if (code === 'ENOENT') throw new StateFileAccessError(StateFileProblem.MISSING, shown, '(no such file)', 'the state file must exist', 'create it with `cdktf-bluegreen init <fleet> <version>`');
    throw new StateFileAccessError(StateFileProblem.UNREADABLE, shown, `(unreadable: ${code})`, 'the CLI must be able to read the state file', 'fix the file\'s permissions (e.g. chmod u+r)');
  }
  try {
    const fst = fs.fstatSync(fd);
    checkRegular(fst, shown);
    const buf = Buffer.alloc(Math.min(fst.size, STATE_FILE_MAX_BYTES) + 1);
    let n = 0;
    for (;;) {
      const r = fs.readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n === buf.length) break;
    }
    if (n > STATE_FILE_MAX_BYTES) tooLarge(shown);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf.subarray(0, n));
    } catch {
      throw new StateFileAccessError(StateFileProblem.NOT_TEXT, shown, '(bytes that are not UTF-8)', 'a state file is JSON text in UTF-8', 'save it as UTF-8');
    }
    return { text, mode: fst.mode & 0o7777 };
  } catch (e) {
    if (e instanceof StateFileAccessError) throw e;
    throw new StateFileAccessError(StateFileProblem.UNREADABLE, shown, `(unreadable: ${errno(e)})`, 'the CLI must be able to read the state file', 'fix the file\'s permissions');
  } finally {
    fs.closeSync(fd);
  }
}

function checkRegular(st: fs.Stats, shown: string): void {
  if (!st.isFile()) {
    throw new StateFileAccessError(StateFileProblem.NOT_A_FILE, shown, `(${KIND(st)})`, 'a state file is a regular file', `put the fleet's JSON state file at ${shown}, or name another with --file`);
  }
  if (st.size > STATE_FILE_MAX_BYTES) tooLarge(shown, st.size);
}

function tooLarge(shown: string, size?: number): never {
  throw new StateFileAccessError(StateFileProblem.TOO_LARGE, shown, `(${size === undefined ? 'over' : size.toLocaleString('en-US')} bytes)`,
    `a state file is at most ${STATE_FILE_MAX_BYTES.toLocaleString('en-US')} bytes (a fleet at its maximum number of units needs far less)`, 'forget retired units, or check that this is the right file');
}

function tempName(real: string): string {
  // Unpredictable, so nobody can plant a symlink at the name in advance; created exclusively anyway.
  return path.join(path.dirname(real), `.${path.basename(real)}.${randomBytes(12).toString('hex')}.tmp`);
}

function unwritable(shown: string, e: unknown, what: string): StateFileAccessError {
  const code = errno(e);
  return new StateFileAccessError(StateFileProblem.UNWRITABLE, shown, `(cannot ${what}: ${code})`,
    code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'the CLI writes a state file by creating a new file beside it and renaming it, so the folder must be writable' : 'the state file could not be written; nothing was changed',
    'make the folder writable (or free disk space), then re-run the command');
}

/** Creates the folder of a new state file, if missing; the nearest existing folder must lie inside `root`. */
function makeFolderInside(root: string, file: string): void {
  const dir = path.dirname(path.resolve(root, file));
  let existing = dir;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  if (existing === dir) return;
  resolveInside(root, path.join(existing, 'x'));
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw unwritable(displayPath(root, file), e, 'create its folder');
  }
}

/**
 * The lock's name: `.<name>.<inode>.lock`, after the file's inode (or its folder's, for a file not
 * created yet). Every rewrite renames a new file into place, so the name changes with each write and
 * cannot be known in advance: a lock file committed to the repository never blocks a command (it
 * would, with a fixed name, e.g. CI's automatic rollback).
 */
export function lockPathOf(real: string): string {
  let id: string;
  try {
    id = String(fs.lstatSync(real).ino);
  } catch {
    try { id = `d${fs.lstatSync(path.dirname(real)).ino}`; } catch { id = 'new'; }
  }
  return path.join(path.dirname(real), `.${path.basename(real)}.${id}.lock`);
}

/** Takes the file's lock (`lockPathOf`, created exclusively) or throws BUSY; returns its release. */
function lock(real: string, shown: string): () => void {
  const lockPath = lockPathOf(real);
  let fd: number;
  try {
    fd = fs.openSync(lockPath, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    if (errno(e) !== 'EEXIST') throw unwritable(shown, e, 'create its lock');
    let age = '';
    try { age = ` (${Math.round((Date.now() - fs.lstatSync(lockPath).mtimeMs) / 1000)} s old)`; } catch { /* released meanwhile */ }
    throw new StateFileAccessError(StateFileProblem.BUSY, shown, '(locked)',
      `another cdktf-bluegreen command is writing this file right now (its lock ${displayPath(path.dirname(real), lockPath)} exists${age}); two writers at once would lose one update`,
      `re-run the command when the other one is done (if none is running, delete the lock file ${escapeLine(path.join(path.dirname(shown), path.basename(lockPath)))})`);
  }
  try { fs.writeSync(fd, `${process.pid}\n`); } finally { fs.closeSync(fd); }
  return () => { try { fs.unlinkSync(lockPath); } catch { /* already gone */ } };
}

/**
 * Replaces a state file with `text`, safely under concurrency: under the file's exclusive lock,
 * the file must still hold `expected` (the text the change was computed from), else the writer
 * lost a race and is refused (re-run); the new text goes to an exclusively created temp file with
 * an unpredictable name, is fsynced, gets the old file's mode, and is renamed over the file.
 * With `expected` undefined the file is created and must not exist.
 */
export function writeStateFileText(root: string, file: string, text: string, expected?: string): void {
  if (expected === undefined) makeFolderInside(root, file);
  const { real, shown } = resolveInside(root, file);
  const release = lock(real, shown);
  let tmp: string | undefined;
  try {
    let mode = 0o644;
    if (expected !== undefined) {
      const now = readStateFileText(root, file);
      if (now.text !== expected) {
        throw new StateFileAccessError(StateFileProblem.BUSY, shown, '(changed since it was read)', 'the file changed while this command worked on it (another command or an editor wrote it); writing now would lose that change', 're-run the command on the file as it is now');
      }
      if ((now.mode & 0o222) === 0) {
        throw new StateFileAccessError(StateFileProblem.UNWRITABLE, shown, `(read-only, mode ${(now.mode & 0o777).toString(8)})`, 'the CLI keeps a file\'s mode and does not replace a read-only file', 'make it writable (chmod u+w) if the change is meant, then re-run');
      }
      mode = now.mode;
    } else {
      let exists = true;
      try { fs.lstatSync(real); } catch { exists = false; }
      if (exists) throw new StateFileAccessError(StateFileProblem.BUSY, shown, '(exists)', 'a fleet has one state file, and init never overwrites one', 'use the existing file (cdktf-bluegreen status), or name another with --file');
    }
    tmp = tempName(real);
    let fd: number;
    try {
      fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
    } catch (e) {
      tmp = undefined;
      throw unwritable(shown, e, 'create a file in its folder');
    }
    try {
      const buf = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
      fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } catch (e) {
      throw unwritable(shown, e, 'write');
    } finally {
      fs.closeSync(fd);
    }
    try {
      if (expected === undefined) {
        // link() fails if the name exists: a create that never clobbers, with the whole text in place at once.
        fs.linkSync(tmp, real);
        fs.unlinkSync(tmp);
      } else {
        fs.renameSync(tmp, real);
      }
      tmp = undefined;
    } catch (e) {
      throw unwritable(shown, e, 'replace the file');
    }
    try {
      const dfd = fs.openSync(path.dirname(real), 'r');
      try { fs.fsyncSync(dfd); } finally { fs.closeSync(dfd); }
    } catch { /* a folder that cannot be fsynced (some file systems): the rename itself is atomic */ }
  } finally {
    if (tmp !== undefined) { try { fs.unlinkSync(tmp); } catch { /* never created */ } }
    release();
  }
}

/**
 * Writes an output file (e.g. `plan --out`): into an existing folder, never through a symlink or
 * over something that is not a regular file, via an exclusive temp file and a rename.
 */
export function writeOutputFile(root: string, file: string, text: string): void {
  const abs = path.resolve(root, file);
  const shown = displayPath(root, file);
  let dirReal: string;
  try {
    dirReal = fs.realpathSync(path.dirname(abs));
    if (!fs.statSync(dirReal).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (e) {
    throw new StateFileAccessError(StateFileProblem.MISSING, shown, `(folder ${escapeLine(displayPath(root, path.dirname(abs)))} ${errno(e) === 'ENOENT' ? 'does not exist' : 'is not a folder'})`, 'the report is written into an existing folder', 'create the folder first, or give another path with --out');
  }
  const real = path.join(dirReal, path.basename(abs));
  try {
    const st = fs.lstatSync(real);
    if (st.isSymbolicLink() || !st.isFile()) {
      throw new StateFileAccessError(StateFileProblem.NOT_A_FILE, shown, st.isSymbolicLink() ? '(a symbolic link)' : `(${KIND(st)})`, 'the report replaces a regular file only; a link is never followed', 'remove it, or give another path with --out');
    }
  } catch (e) {
    if (e instanceof StateFileAccessError) throw e;
  }
  const tmp = tempName(real);
  let fd: number;
  try {
    fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
  } catch (e) {
    throw unwritable(shown, e, 'create a file in its folder');
  }
  try {
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, real);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* gone */ }
    throw unwritable(shown, e, 'write');
  }
}
