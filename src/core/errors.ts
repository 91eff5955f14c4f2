import type { RefusalDetails } from './refusal';

/**
 * The single error type the library throws for bad input. Its message is one readable paragraph:
 * where (fleet, unit, field), what (the bad value), why (the rule) and how to fix it.
 */
export class BlueGreenError extends Error {
  /** Builds the message of a refusal. */
  public static format(d: RefusalDetails): string {
    const where = d.unit === undefined ? `fleet "${d.fleet}"` : `fleet "${d.fleet}", unit "${d.unit}"`;
    return `${where}: ${d.field} = ${d.value} is refused: ${d.rule}. Fix: ${d.fix}.`;
  }

  /** The fleet the bad input belongs to. */
  public readonly fleet: string;
  /** The unit the bad input belongs to, if any. */
  public readonly unit?: string;
  /** The field holding the bad value. */
  public readonly field: string;
  /** The bad value. */
  public readonly value: string;
  /** The rule the value breaks. */
  public readonly rule: string;
  /** A value that would pass. */
  public readonly fix: string;

  constructor(details: RefusalDetails) {
    super(BlueGreenError.format(details));
    this.name = 'BlueGreenError';
    this.fleet = details.fleet;
    this.unit = details.unit;
    this.field = details.field;
    this.value = details.value;
    this.rule = details.rule;
    this.fix = details.fix;
  }
}

/** Renders any value as the user would have written it. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return '(not set)';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
}
