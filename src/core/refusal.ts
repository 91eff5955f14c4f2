import { BlueGreenError } from './errors';

/**
 * What a refusal is about: every error the library raises at synth names these.
 */
export interface RefusalDetails {
  /** The fleet the bad input belongs to. */
  readonly fleet: string;
  /** The unit (or pool, router, ...) the bad input belongs to; omit for fleet-wide rules. */
  readonly unit?: string;
  /** The field that holds the bad value, as the user wrote it (e.g. `weight`, `kubernetesVersion`). */
  readonly field: string;
  /** The bad value, rendered for humans. */
  readonly value: string;
  /** The rule that the value breaks. */
  readonly rule: string;
  /** A value (or change) that would pass. */
  readonly fix: string;
}

/**
 * Recognises the library's refusals (bad input rejected at synth). Entry points catch them and
 * print the message alone, without a stack trace:
 *
 * ```ts
 * try { build(app); app.synth(); } catch (e) { if (Refusal.isRefusal(e)) { console.error(Refusal.messageOf(e)); process.exit(1); } throw e; }
 * ```
 */
export class Refusal {
  /** Whether `error` is a refusal of this library. */
  public static isRefusal(error: any): boolean {
    return error instanceof BlueGreenError || (error instanceof Error && error.name === 'BlueGreenError');
  }

  /** The one-paragraph message of a refusal (or of any error). */
  public static messageOf(error: any): string {
    return error instanceof Error ? error.message : String(error);
  }

  private constructor() {}
}
