import { BlueGreenError } from './errors';

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
