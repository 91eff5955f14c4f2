// Terminal output: aligned tables, and colour only when a person is looking (a TTY, without NO_COLOR or TERM=dumb).

/** Where the CLI writes, and whether it may use colour. */
export interface CliIo {
  /** The directory relative paths start from. */
  readonly cwd: string;
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Whether to colour standard output (its own terminal-ness; NO_COLOR and TERM=dumb are applied on top). */
  readonly color: boolean;
  /** Whether to colour standard error. @default - as `color` */
  readonly errColor?: boolean;
  /** The clock, in milliseconds since the epoch (tests pass their own). @default Date.now */
  readonly now?: () => number;
  /** Environment of git and other child processes. @default process.env */
  readonly env?: { [key: string]: string | undefined };
}

const CODES: { [name: string]: [number, number] } = {
  bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], gray: [90, 39],
};

/**
 * Whether the environment allows colour at all: `NO_COLOR` set to anything but the empty string
 * (https://no-color.org) or `TERM=dumb` turn it off.
 */
export function colorAllowed(env: { [key: string]: string | undefined } | undefined): boolean {
  const e = env ?? process.env;
  return !(e.NO_COLOR !== undefined && e.NO_COLOR !== '') && e.TERM !== 'dumb';
}

/** A painter: `p.green('ok')` colours when colour is on, and returns the text as is otherwise. */
export type Paint = Record<'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'gray', (s: string) => string>;

export function painter(color: boolean): Paint {
  const p: { [name: string]: (s: string) => string } = {};
  for (const [name, [on, off]] of Object.entries(CODES)) p[name] = (s: string) => (color ? `\u001b[${on}m${s}\u001b[${off}m` : s);
  return p as unknown as Paint;
}

/** Visible width of a string (ANSI escapes do not count). */
export function width(s: string): number {
  return [...s.replace(/\u001b\[[0-9;]*m/g, '')].length;
}

/**
 * Aligned columns, two spaces apart. Columns listed in `right` are right-aligned (numbers).
 */
export function textTable(head: string[], rows: string[][], opts: { right?: number[]; indent?: string; paint?: Paint } = {}): string {
  const cols = head.length;
  const widths = Array.from({ length: cols }, (_, i) => Math.max(width(head[i]), ...rows.map((r) => width(r[i] ?? ''))));
  const pad = (s: string, i: number) => {
    const gap = ' '.repeat(widths[i] - width(s));
    return opts.right?.includes(i) ? gap + s : s + gap;
  };
  const line = (r: string[]) => (opts.indent ?? '') + r.map((c, i) => pad(c ?? '', i)).join('  ').replace(/\s+$/, '');
  const h = line(head);
  return [opts.paint ? opts.paint.bold(h) : h, ...rows.map(line)].join('\n');
}

/** A bar of `weight` (0-100) in 20 cells. */
export function bar(weight: number): string {
  return '█'.repeat(Math.round(weight / 5)) || (weight > 0 ? '▏' : '');
}
