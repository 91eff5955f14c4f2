// A Prometheus-compatible query API for the SLO gates of issue 15, served at METRICS_HOST by the
// `http` data source rule (rules/http.ts). It does not evaluate PromQL: it recognizes the queries
// of the library's ready-made gates (src/kubernetes/slo-gates.ts) by their metric names, finds the
// unit in the label matcher `bluegreen_unit="<unit>"`, and answers that unit's series now.
//
// - Answer shape of an instant query, `{"status":"success","data":{"resultType":"vector","result":
//   [{"metric":{…},"value":[<unix time>,"<value>"]}]}}`; an expression that selects no series
//   answers an empty `result`: https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries
// - Sample values travel as strings, and 0/0 is NaN (a rate ratio over a window without requests):
//   https://prometheus.io/docs/prometheus/latest/querying/api/#expression-query-result-formats ,
//   https://prometheus.io/docs/prometheus/latest/querying/operators/#arithmetic-binary-operators
// - An unparsable or unknown expression is a 400 with `"status":"error"` and an errorType:
//   https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview
//
// Series are scripted per unit: healthy defaults below, and `metric-value` faults (faults.ts) that
// set one signal of one unit (slot or name) for a step. Request-based signals (latency, error rate,
// burn) have no requests when the unit's router gave it no share of the traffic: NaN.
import { activeFaults } from './faults';
import { WorldOps } from './ops';
import { simulateTraffic } from './traffic';

/** The host name the scenarios' MetricsSource.prometheus points at. */
export const METRICS_HOST = 'prometheus.rehearsal.internal';

/** The signals of the ready-made gates. */
export type MetricSignal = 'api-availability' | 'node-readiness' | 'pod-evictions' | 'latency-p95' | 'error-rate';
export const METRIC_SIGNALS: readonly MetricSignal[] = ['api-availability', 'node-readiness', 'pod-evictions', 'latency-p95', 'error-rate'];

/** A healthy unit's series (a stable service: 0.02 % API errors, p95 180 ms, 0.04 % 5xx). */
const HEALTHY: Record<MetricSignal, number> = {
  'api-availability': 0.9998, 'node-readiness': 1, 'pod-evictions': 0, 'latency-p95': 0.18, 'error-rate': 0.0004,
};
/** Signals that exist only while the unit receives requests through its router. */
const REQUEST_SIGNALS: MetricSignal[] = ['latency-p95', 'error-rate'];

/** Which signal a ready-made gate's query asks for (by its metric names), and a trailing `/ <n>` (the burn rate's budget). */
export function recognize(query: string): { signal: MetricSignal; divisor: number } | undefined {
  const divisor = /\)\s*\/\s*([0-9.]+(?:e-?[0-9]+)?)\s*$/.exec(query);
  const d = divisor && query.trimStart().startsWith('(') ? Number(divisor[1]) : 1;
  if (query.includes('apiserver_request_total')) return { signal: 'api-availability', divisor: 1 };
  if (query.includes('kube_node_status_condition')) return { signal: 'node-readiness', divisor: 1 };
  if (query.includes('kube_pod_status_reason')) return { signal: 'pod-evictions', divisor: 1 };
  if (query.includes('http_request_duration_seconds_bucket')) return { signal: 'latency-p95', divisor: 1 };
  if (query.includes('http_requests_total') && query.includes('code=~"5..')) return { signal: 'error-rate', divisor: d };
  return undefined;
}

/**
 * Azure Monitor managed Prometheus (a workspace's query endpoint): the default scrape labels every
 * series with the cluster alias `cluster` (the AKS cluster's name unless an alias is configured)
 * and writes no other label that names a unit, so a `bluegreen_unit` matcher selects nothing:
 * https://learn.microsoft.com/azure/azure-monitor/containers/prometheus-metrics-scrape-configuration#cluster-alias ,
 * https://learn.microsoft.com/azure/azure-monitor/containers/prometheus-metrics-scrape-default .
 * Every other endpoint (the rehearsal's Prometheus, Amazon Managed Prometheus fed by the team's
 * collector) carries the label the team's scrape configuration writes: `bluegreen_unit`.
 */
const MANAGED_PROMETHEUS = /\.prometheus\.monitor\.azure\.com$/;

/** The unit a query selects: by `cluster` on Azure Monitor workspaces, by `bluegreen_unit` elsewhere. */
function unitOfQuery(ops: WorldOps, url: URL, query: string): string | undefined {
  if (!MANAGED_PROMETHEUS.test(url.hostname)) return /bluegreen_unit="([^"]+)"/.exec(query)?.[1];
  const alias = /(?:^|[{,\s])cluster="([^"]+)"/.exec(query)?.[1];
  if (!alias) return undefined;
  return ops.find('azurerm_kubernetes_cluster', (o) => o.name === alias)?.unit ?? `(no cluster ${alias})`;
}

export interface MetricsAnswer {
  readonly status: number;
  readonly body: string;
  /** For the action log. */
  readonly detail: string;
  readonly unit?: string;
}

/** Answers `GET /api/v1/query?query=…` at `clock` (seconds). */
export function answerQuery(ops: WorldOps, url: URL): MetricsAnswer {
  const query = url.searchParams.get('query') ?? '';
  const bad = (why: string): MetricsAnswer => ({ status: 400, body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: why }), detail: why });
  // Amazon Managed Prometheus serves the API under /workspaces/<id>/api/v1/query (AMP-onboard-query-APIs).
  if (!/^(?:\/workspaces\/[^/]+)?\/api\/v1\/query$/.test(url.pathname)) return { status: 404, body: '404 page not found', detail: `no API at ${url.pathname}` };
  const r = recognize(query);
  if (!r) return bad(`the simulated API knows the ready-made gates' queries only: ${query.slice(0, 80)}`);
  const unit = unitOfQuery(ops, url, query);
  if (!unit && MANAGED_PROMETHEUS.test(url.hostname)) {
    return { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }), detail: `${r.signal}: no series (managed Prometheus labels series by cluster alias, not ${/([a-z_]+)="/.exec(query)?.[1] ?? 'this label'})` };
  }
  if (!unit) return bad('no bluegreen_unit matcher in the query');
  const result = (v: number | undefined) => JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: v === undefined ? [] : [{ metric: {}, value: [ops.clock, Number.isNaN(v) ? 'NaN' : String(v)] }] },
  });
  // A unit that does not exist in the world has no series at all.
  const exists = ops.all(undefined, (o) => o.unit === unit).length > 0;
  if (!exists) return { status: 200, body: result(undefined), detail: `${r.signal}: no series for ${unit}`, unit };
  const scripted = activeFaults(ops, 'metric-value', unit).filter((f) => f.metric === r.signal).pop();
  let value = scripted?.value ?? HEALTHY[r.signal];
  let note = scripted ? `scripted ${value}` : `healthy ${value}`;
  if (REQUEST_SIGNALS.includes(r.signal)) {
    const fleet = ops.all(undefined, (o) => o.unit === unit && o.fleet !== undefined)[0]?.fleet;
    const share = fleet ? simulateTraffic(ops.world, fleet, 1000, 1).shares[unit] ?? 0 : 0;
    if (share === 0) { value = NaN; note = 'no requests (no share of the traffic): NaN'; }
  }
  const v = Number.isNaN(value) ? NaN : value / r.divisor;
  return { status: 200, body: result(v), detail: `${r.signal} ${unit}: ${note}${r.divisor !== 1 ? ` / ${r.divisor}` : ''}`, unit };
}
