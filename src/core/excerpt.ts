// Values from state files and command lines reach terminals and CI logs that post them on pull
// requests: never echo more than a short excerpt, and never a raw control character (an ANSI or
// OSC escape could recolour, retitle or forge a line).

/** The longest excerpt of a value a message shows, in characters. */
export const EXCERPT_LENGTH = 60;

// C0 controls but newline, DEL, C1 controls, the Unicode line separators, bidi marks and overrides,
// and invisible characters (soft hyphen, zero-width spaces and joiners, word joiner, byte-order mark).
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

/** Escapes every control character of `text` except newline (`\u001b` → `\u001b` as six visible characters). */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Escapes control characters including newline: for text that must stay on one line. */
export function escapeLine(text: string): string {
  return escapeControls(text).replace(/\n/g, '\\n');
}

/**
 * A value as the user wrote it, shortened and escaped: strings quoted, at most `max` characters,
 * with the full length stated when cut (`"GITHUB_TOK…" (52,400 characters)`).
 */
export function excerpt(value: unknown, max = EXCERPT_LENGTH): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value.length > max * 2 ? value.slice(0, max * 2) : value);
  else if (value === undefined) return '(not set)';
  else if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  else if (typeof value === 'object' && value !== null) text = shape(value);
  else text = String(JSON.stringify(value));
  text = escapeLine(text);
  const full = typeof value === 'string' ? value.length : text.length;
  if (text.length <= max && (typeof value !== 'string' || value.length <= max * 2)) return text;
  return `${text.slice(0, max)}…${typeof value === 'string' ? '"' : ''} (${full.toLocaleString('en-US')} characters)`;
}

/** A short rendering of an object or array: its top level only, so deep or huge values cost nothing. */
function shape(value: object): string {
  if (Array.isArray(value)) {
    const head = value.slice(0, 3).map((v) => (typeof v === 'object' && v !== null ? (Array.isArray(v) ? '[…]' : '{…}') : JSON.stringify(v) ?? 'null'));
    return `[${head.join(', ')}${value.length > 3 ? `, … ${value.length} items` : ''}]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  return `{ ${keys.slice(0, 4).map((k) => JSON.stringify(k.length > 20 ? `${k.slice(0, 20)}…` : k)).join(', ')}${keys.length > 4 ? `, … ${keys.length} keys` : ''} }`;
}

/** Text already rendered for a message (e.g. a value shown by `show`), escaped and cut to `max` characters. */
export function shortText(text: string, max = EXCERPT_LENGTH + 20): string {
  const cut = text.length > max * 2 ? text.slice(0, max * 2) : text;
  const escaped = escapeLine(cut);
  return escaped.length <= max && cut.length === text.length ? escaped : `${escaped.slice(0, max)}… (${text.length.toLocaleString('en-US')} characters)`;
}
