import { BlueGreenError, show } from './errors';

/**
 * Metric gates, without cdktf: how a gate's query is templated for one unit, which unit is the
 * baseline, what threshold applies, and how a measured value is judged. The validation check
 * (src/kubernetes/metric-gate-check.ts) turns the same decisions into Terraform conditions; the
 * in-unit Job runs them in Python; both follow `judgeGate` below, which the tests pin down.
 */

/** Which way a gate's value must stay. */
export enum GateDirection {
  /** The value must stay at or below the threshold (latency, error rate, burn rate). */
  AT_MOST = 'at-most',
  /** The value must stay at or above the threshold (availability, readiness). */
  AT_LEAST = 'at-least',
}

/** A gate's limits, before they meet a unit. */
export interface GateLimits {
  readonly direction: GateDirection;
  /** An absolute threshold. @default - none */
  readonly threshold?: number;
  /** A multiple of the baseline unit's value (p95 ≤ 1.2 × baseline). @default - none */
  readonly baselineFactor?: number;
  /** An offset from the baseline unit's value (evictions < baseline + 0.01). @default - none */
  readonly baselineOffset?: number;
  /**
   * With a baseline factor: the threshold never falls below this (a baseline of 0 errors would
   * otherwise fail a canary on its first 5xx). @default - no floor
   */
  readonly baselineFloor?: number;
}

/** A unit of the step, as a gate sees it. */
export interface GateUnit {
  readonly unitName: string;
  readonly slot: string;
  readonly weight: number;
  readonly lifecycle: string;
}

/** The values a gate's query template may use. */
export interface GateTemplateValues {
  readonly fleet: string;
  readonly unit: string;
  readonly slot: string;
  /** PromQL range, e.g. `10m`. */
  readonly window: string;
  /** The rendered unit selector, e.g. `bluegreen_unit="green-1-34-ejqurb"`. */
  readonly selector: string;
}

const PLACEHOLDER = /\{\{\s*([a-z]+)\s*\}\}/g;
const KNOWN_PLACEHOLDERS = ['fleet', 'unit', 'slot', 'window', 'selector'];
const WINDOW = /^[1-9][0-9]{0,3}[smh]$/;

/** Whether the limits compare with a baseline unit. */
export function needsBaseline(limits: GateLimits): boolean {
  return limits.baselineFactor !== undefined || limits.baselineOffset !== undefined;
}

/** A PromQL string literal: double quotes, with `\` and `"` escaped (https://prometheus.io/docs/prometheus/latest/querying/basics/#string-literals). */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Renders `{{fleet}}`, `{{unit}}`, `{{slot}}`, `{{window}}` and `{{selector}}` in a template. */
export function renderTemplate(template: string, values: GateTemplateValues): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => (values as unknown as Record<string, string>)[name]);
}

/** Checks a query template and returns the placeholders it uses; throws a BlueGreenError naming the gate. */
export function checkTemplate(gate: string, field: string, template: unknown): string[] {
  if (typeof template !== 'string' || template.trim() === '' || template.length > 2000) {
    throw new BlueGreenError({ fleet: '(any)', field: `MetricGate(${gate}).${field}`, value: show(typeof template === 'string' ? template.slice(0, 80) : template), rule: 'a query is a PromQL expression of 1-2000 characters', fix: `${field}: 'sum(rate(http_requests_total{{{selector}}}[{{window}}]))'` });
  }
  const used: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (!KNOWN_PLACEHOLDERS.includes(m[1])) {
      throw new BlueGreenError({ fleet: '(any)', field: `MetricGate(${gate}).${field}`, value: show(m[0]), rule: `the placeholders are ${KNOWN_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`, fix: 'use {{selector}} for the unit\'s label matcher' });
    }
    used.push(m[1]);
  }
  if (!used.includes('selector') && !used.includes('unit') && !used.includes('slot')) {
    throw new BlueGreenError({ fleet: '(any)', field: `MetricGate(${gate}).${field}`, value: show(template.slice(0, 80)), rule: 'a gate\'s query names the unit it judges ({{selector}}, {{unit}} or {{slot}}), or every unit would be judged by the same numbers', fix: 'add {{selector}} to the metric\'s label matchers, e.g. up{{{selector}}}' });
  }
  return used;
}

/** Checks a PromQL range duration. */
export function checkWindow(gate: string, window: unknown): string {
  if (typeof window !== 'string' || !WINDOW.test(window)) {
    throw new BlueGreenError({ fleet: '(any)', field: `MetricGate(${gate}).window`, value: show(window), rule: 'a window is a PromQL duration: a whole number of s, m or h (at most 4 digits)', fix: "window: '10m'" });
  }
  return window;
}

/** Checks a gate's limits. */
export function checkLimits(gate: string, limits: GateLimits): void {
  const refuse = (field: string, value: unknown, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet: '(any)', field: `MetricGate(${gate}).${field}`, value: show(value), rule, fix });
  };
  for (const [k, v] of [['threshold', limits.threshold], ['baselineOffset', limits.baselineOffset], ['baselineFloor', limits.baselineFloor]] as const) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) refuse(k, v, 'a limit is a finite number', `${k}: 0.01`);
  }
  if (limits.baselineFactor !== undefined && (typeof limits.baselineFactor !== 'number' || !Number.isFinite(limits.baselineFactor) || limits.baselineFactor <= 0)) {
    refuse('baselineFactor', limits.baselineFactor, 'a baseline factor is a positive number', 'baselineFactor: 1.2');
  }
  if (limits.threshold === undefined && !needsBaseline(limits)) {
    refuse('threshold', limits.threshold, 'a gate compares with an absolute threshold, the baseline unit (baselineFactor / baselineOffset), or both', 'threshold: 0.999');
  }
  if (limits.baselineFactor !== undefined && limits.baselineOffset !== undefined) {
    refuse('baselineOffset', limits.baselineOffset, 'a gate compares with the baseline by a factor or by an offset, not both', 'remove baselineOffset');
  }
  if (limits.baselineFloor !== undefined && limits.baselineFactor === undefined) {
    refuse('baselineFloor', limits.baselineFloor, 'a floor applies to a threshold that is a multiple of the baseline', 'remove baselineFloor, or set baselineFactor');
  }
}

/**
 * The baseline of a step: the serving unit with the most weight (the first declared on a tie), or
 * the serving unit in `slot` when one is named.
 */
export function chooseBaseline(units: GateUnit[], slot?: string): GateUnit | undefined {
  const serving = units.filter((u) => u.lifecycle === 'serving' && u.weight > 0);
  if (slot !== undefined) return serving.find((u) => u.slot === slot);
  let best: GateUnit | undefined;
  for (const u of serving) if (!best || u.weight > best.weight) best = u;
  return best;
}

/** The threshold for a unit, given the baseline's value (undefined when the limits need a baseline value that is missing). */
export function thresholdFor(limits: GateLimits, baselineValue?: number): number | undefined {
  const relative = limits.baselineFactor !== undefined
    ? (baselineValue === undefined ? undefined : baselineValue * limits.baselineFactor)
    : limits.baselineOffset !== undefined ? (baselineValue === undefined ? undefined : baselineValue + limits.baselineOffset) : undefined;
  const floored = relative !== undefined && limits.baselineFloor !== undefined
    ? (limits.direction === GateDirection.AT_MOST ? Math.max(relative, limits.baselineFloor) : Math.min(relative, limits.baselineFloor))
    : relative;
  if (needsBaseline(limits) && floored === undefined) return undefined;
  if (limits.threshold === undefined) return floored;
  if (floored === undefined) return limits.threshold;
  // Both given: the stricter one applies.
  return limits.direction === GateDirection.AT_MOST ? Math.min(limits.threshold, floored) : Math.max(limits.threshold, floored);
}

/** How a gate's threshold reads in the plan and in failure messages, e.g. `≤ max(1.2 × baseline, 0.001)`. */
export function describeLimits(limits: GateLimits, baselineUnit?: string): string {
  const op = limits.direction === GateDirection.AT_MOST ? '≤' : '≥';
  const base = baselineUnit === undefined ? 'baseline' : `baseline ${baselineUnit}`;
  const parts: string[] = [];
  if (limits.baselineFactor !== undefined) {
    const rel = `${limits.baselineFactor} × ${base}`;
    parts.push(limits.baselineFloor !== undefined ? `${limits.direction === GateDirection.AT_MOST ? 'max' : 'min'}(${rel}, ${limits.baselineFloor})` : rel);
  }
  if (limits.baselineOffset !== undefined) parts.push(`${base} ${limits.baselineOffset < 0 ? '-' : '+'} ${Math.abs(limits.baselineOffset)}`);
  if (limits.threshold !== undefined) parts.push(`${limits.threshold}`);
  return parts.length === 1 ? `${op} ${parts[0]}` : `${op} ${parts.join(' and ')}`;
}

/** The outcome of one gate on one unit. */
export interface GateVerdict {
  readonly pass: boolean;
  /** Why, in one line (value, threshold, baseline value). */
  readonly reason: string;
}

/**
 * Judges a measured value. `value` / `baselineValue` are undefined when the query returned no
 * sample (an empty vector, or NaN: no requests in the window).
 *
 * - A unit without samples passes only when it is not the baseline and the baseline has samples:
 *   it carried no traffic in the window yet (a canary entering service), and the query is proven
 *   to select data. A query that selects nothing anywhere fails instead of passing silently.
 * - Otherwise the value is compared with the threshold (absolute, relative to the baseline, or
 *   both); a relative threshold without a baseline value fails.
 */
export function judgeGate(limits: GateLimits, value: number | undefined, baselineValue: number | undefined, isBaseline: boolean): GateVerdict {
  const fmt = (n: number | undefined) => (n === undefined ? 'no data' : `${Number(n.toPrecision(4))}`);
  if (value === undefined) {
    if (!isBaseline && baselineValue !== undefined) return { pass: true, reason: `no samples for this unit in the window (no traffic yet); the baseline has ${fmt(baselineValue)}` };
    return { pass: false, reason: isBaseline ? 'the query returned no samples for the unit serving the most (is the unit selector right?)' : 'the query returned no samples for this unit nor for the baseline (is the unit selector right?)' };
  }
  // The baseline is judged by the absolute threshold only (never against itself).
  const effective: GateLimits = isBaseline ? { direction: limits.direction, threshold: limits.threshold } : limits;
  if (isBaseline && limits.threshold === undefined) return { pass: true, reason: 'the baseline itself is not compared with itself' };
  const threshold = thresholdFor(effective, baselineValue);
  if (threshold === undefined) {
    return { pass: false, reason: `value ${fmt(value)}, but the baseline has no samples to compare with` };
  }
  const ok = limits.direction === GateDirection.AT_MOST ? value <= threshold : value >= threshold;
  return { pass: ok, reason: `value ${fmt(value)}, threshold ${limits.direction === GateDirection.AT_MOST ? '≤' : '≥'} ${fmt(threshold)}, baseline ${fmt(baselineValue)}` };
}
