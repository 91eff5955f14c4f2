import { BlueGreenError } from '../core/errors';
import { GateDirection } from '../core/metric-gates';
import { IValidationCheck } from './check';
import { MetricGate } from './metric-gate-check';
import { MetricsSource } from './metrics-source';

/** What every ready-made SLO gate takes. */
export interface SloGateOptions {
  /** Where the metrics are. */
  readonly source: MetricsSource;
  /** The range each query looks back over; at most the policy's soak. @default '10m' */
  readonly window?: string;
  /** The baseline unit's slot. @default - the serving unit with the most weight */
  readonly baselineSlot?: string;
  /** Your own PromQL instead of the default (same placeholders: `{{selector}}`, `{{window}}` …). @default - the gate's default query */
  readonly query?: string;
}

/** Options of {@link SloGates.apiAvailability}. */
export interface ApiAvailabilityGateOptions extends SloGateOptions {
  /** Lowest share of Kubernetes API requests that succeed (not 5xx). @default 0.999 */
  readonly minimumSuccessRatio?: number;
}

/** Options of {@link SloGates.nodeReadiness}. */
export interface NodeReadinessGateOptions extends SloGateOptions {
  /** Lowest share of the unit's nodes that are Ready. @default 1 */
  readonly minimumReadyRatio?: number;
}

/** Options of {@link SloGates.podEvictions}. */
export interface PodEvictionsGateOptions extends SloGateOptions {
  /** Most share of evicted pods above the baseline unit's share. @default 0.01 */
  readonly maximumAboveBaseline?: number;
}

/** Options of {@link SloGates.latencyP95}. */
export interface LatencyGateOptions extends SloGateOptions {
  /** The unit's p95 is at most this multiple of the baseline's. @default 1.2 */
  readonly maximumBaselineFactor?: number;
}

/** Options of {@link SloGates.errorRate}. */
export interface ErrorRateGateOptions extends SloGateOptions {
  /** The unit's 5xx rate is at most this multiple of the baseline's. @default 2 */
  readonly maximumBaselineFactor?: number;
  /** …but never less than this share of requests (a baseline at 0 would fail the first 5xx). @default 0.001 */
  readonly floor?: number;
}

/** Options of {@link SloGates.errorBudgetBurn}. */
export interface ErrorBudgetBurnGateOptions extends SloGateOptions {
  /** The availability objective whose budget burns. @default 0.999 */
  readonly objective?: number;
  /** Highest burn rate (1 = the budget lasts exactly its period). @default 2 */
  readonly maximumBurnRate?: number;
}

/** Options of {@link SloGates.all}. */
export interface SloGatesOptions {
  /** Where the metrics are. */
  readonly source: MetricsSource;
  /** The range each query looks back over. @default '10m' */
  readonly window?: string;
  /** The baseline unit's slot. @default - the serving unit with the most weight */
  readonly baselineSlot?: string;
}

// The default queries. Requests: the http_requests_total / http_request_duration_seconds convention
// of Prometheus client libraries (https://prometheus.io/docs/practices/naming/); nodes and pods:
// kube-state-metrics (https://github.com/kubernetes/kube-state-metrics/tree/main/docs/metrics);
// the API server's own apiserver_request_total
// (https://kubernetes.io/docs/reference/instrumentation/metrics/).
const REQUESTS = 'http_requests_total';
/** API server requests that did not fail with 5xx, as a share of all. */
export const API_AVAILABILITY_QUERY = 'sum(rate(apiserver_request_total{{{selector}},code!~"5.."}[{{window}}])) / sum(rate(apiserver_request_total{{{selector}}}[{{window}}]))';
/** Ready nodes as a share of the unit's nodes. */
export const NODE_READINESS_QUERY = 'sum(kube_node_status_condition{{{selector}},condition="Ready",status="true"}) / count(kube_node_info{{{selector}}})';
/** Pods evicted by the kubelet (node pressure: unplanned; a drain deletes pods instead) as a share of the unit's pods. */
export const POD_EVICTIONS_QUERY = 'sum(kube_pod_status_reason{{{selector}},reason="Evicted"}) / count(kube_pod_info{{{selector}}})';
/** p95 request latency in seconds. */
export const LATENCY_P95_QUERY = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{{selector}}}[{{window}}])))';
/** 5xx responses as a share of all. */
export const ERROR_RATE_QUERY = `sum(rate(${REQUESTS}{{{selector}},code=~"5.."}[{{window}}])) / sum(rate(${REQUESTS}{{{selector}}}[{{window}}]))`;

/**
 * Ready-made gates for the signals that should gate each step of a canary, with the starting
 * targets of the upgrade practice this library follows; every threshold and query can be changed.
 *
 * | gate | check name | passes when |
 * |---|---|---|
 * | API availability | `slo-api-availability` | API success ratio ≥ 0.999 |
 * | node readiness | `slo-node-readiness` | Ready nodes ≥ 100 % |
 * | pod disruption | `slo-pod-evictions` | evicted share ≤ baseline + 0.01 |
 * | request latency | `slo-latency-p95` | p95 ≤ 1.2 × baseline |
 * | error rate | `slo-error-rate` | 5xx share ≤ max(2 × baseline, 0.001) |
 * | error budget | `slo-burn-rate` | burn rate ≤ 2 (objective 0.999) |
 */
export class SloGates {
  /** All six gates with their defaults. */
  public static all(options: SloGatesOptions): IValidationCheck[] {
    return [
      SloGates.apiAvailability(options), SloGates.nodeReadiness(options), SloGates.podEvictions(options),
      SloGates.latencyP95(options), SloGates.errorRate(options), SloGates.errorBudgetBurn(options),
    ];
  }

  /** Kubernetes API success ratio (not 5xx) at least 0.999 over the window. */
  public static apiAvailability(o: ApiAvailabilityGateOptions): MetricGate {
    return new MetricGate({
      name: 'slo-api-availability', source: o.source, window: o.window, baselineSlot: o.baselineSlot,
      query: o.query ?? API_AVAILABILITY_QUERY, direction: GateDirection.AT_LEAST, threshold: o.minimumSuccessRatio ?? 0.999,
      description: 'API success rate at least 99.9 % over the window',
    });
  }

  /** Every node of the unit Ready. */
  public static nodeReadiness(o: NodeReadinessGateOptions): MetricGate {
    return new MetricGate({
      name: 'slo-node-readiness', source: o.source, window: o.window, baselineSlot: o.baselineSlot,
      query: o.query ?? NODE_READINESS_QUERY, direction: GateDirection.AT_LEAST, threshold: o.minimumReadyRatio ?? 1,
      description: "100 % of the unit's nodes Ready",
    });
  }

  /** Unplanned evictions at most 1 % (of pods) above the baseline unit's. */
  public static podEvictions(o: PodEvictionsGateOptions): MetricGate {
    return new MetricGate({
      name: 'slo-pod-evictions', source: o.source, window: o.window, baselineSlot: o.baselineSlot,
      query: o.query ?? POD_EVICTIONS_QUERY, direction: GateDirection.AT_MOST, baselineOffset: o.maximumAboveBaseline ?? 0.01,
      description: 'unplanned evictions less than 1 % above the baseline unit',
    });
  }

  /** p95 latency at most 1.2 × the baseline unit's. */
  public static latencyP95(o: LatencyGateOptions): MetricGate {
    return new MetricGate({
      name: 'slo-latency-p95', source: o.source, window: o.window, baselineSlot: o.baselineSlot,
      query: o.query ?? LATENCY_P95_QUERY, direction: GateDirection.AT_MOST, baselineFactor: o.maximumBaselineFactor ?? 1.2,
      description: "p95 latency at most 1.2 × the baseline unit's",
    });
  }

  /** 5xx rate at most 2 × the baseline unit's (never less than 0.1 % of requests). */
  public static errorRate(o: ErrorRateGateOptions): MetricGate {
    return new MetricGate({
      name: 'slo-error-rate', source: o.source, window: o.window, baselineSlot: o.baselineSlot,
      query: o.query ?? ERROR_RATE_QUERY, direction: GateDirection.AT_MOST, baselineFactor: o.maximumBaselineFactor ?? 2, baselineFloor: o.floor ?? 0.001,
      description: "5xx rate at most 2 × the baseline unit's",
    });
  }

  /** Error-budget burn rate at most 2 × the sustainable rate over the window. */
  public static errorBudgetBurn(o: ErrorBudgetBurnGateOptions): MetricGate {
    const objective = o.objective ?? 0.999;
    if (!(typeof objective === 'number' && objective > 0 && objective < 1)) {
      throw new BlueGreenError({ fleet: '(any)', field: 'SloGates.errorBudgetBurn.objective', value: String(objective), rule: 'an objective is a share between 0 and 1 (exclusive)', fix: 'objective: 0.999' });
    }
    const budget = Number((1 - objective).toPrecision(6));
    return new MetricGate({
      name: 'slo-burn-rate', source: o.source, window: o.window, baselineSlot: o.baselineSlot,
      query: o.query ?? `(${ERROR_RATE_QUERY}) / ${budget}`, direction: GateDirection.AT_MOST, threshold: o.maximumBurnRate ?? 2,
      description: `error budget (objective ${objective}) burns at most 2 × the sustainable rate`,
    });
  }
}
