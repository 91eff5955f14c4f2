import { App } from 'cdktf';
import { AksFleet, FrontDoorRouter, GateDirection, IValidationCheck, MetricGate, MetricsSource, RolloutPlan, SloGates, UnitLifecycle } from '../src';
import { BlueGreenError } from '../src/core/errors';
import { judgeGate } from '../src/core/metric-gates';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { stackJson, testApp } from './support/synth';

const PROM = MetricsSource.prometheus({ url: 'http://prometheus.monitoring.internal:9090' });
const GATES_IDENTITY = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/gates';
const GATE_IMAGE = `registry.example.com/gate@sha256:${'a'.repeat(64)}`;
const units = [
  { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90 },
  { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10 },
];

function fleet(app: App, checks: IValidationCheck[], declared = units): AksFleet {
  return new AksFleet(app, 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), router: new FrontDoorRouter(), checks, units: declared });
}

/** The http data sources of one gate in a validation stack: the unit's query and (if any) the baseline's. */
function gateSources(json: any, gate: string): { query?: any; baseline?: any } {
  const out: { query?: any; baseline?: any } = {};
  for (const [id, body] of Object.entries<any>(json.data?.http ?? {})) {
    if (!id.startsWith(`gate_${gate.replace(/-/g, '_')}_`)) continue;
    if (id.endsWith('_baseline')) out.baseline = body; else out.query = body;
  }
  return out;
}
const queryOf = (ds: any) => decodeURIComponent(String(ds.url).split('?query=')[1]);

describe('the six ready-made SLO gates, from a plain Prometheus (one synth)', () => {
  const app = testApp();
  const f = fleet(app, SloGates.all({ source: PROM }));
  const green = stackJson(f.validationStacks[f.plan.units.find((u) => u.slot === 'green')!.name]);
  const blue = stackJson(f.validationStacks[f.plan.units.find((u) => u.slot === 'blue')!.name]);
  const G = `bluegreen_unit="${f.plan.units[1].name}"`;
  const B = `bluegreen_unit="${f.plan.units[0].name}"`;

  test.each([
    ['slo-api-availability', /^sum\(rate\(apiserver_request_total\{bluegreen_unit="green-[^"]+",code!~"5\.\."\}\[10m\]\)\) \/ sum\(rate\(apiserver_request_total\{bluegreen_unit="green-[^"]+"\}\[10m\]\)\)$/, '>= 0.999', false],
    ['slo-node-readiness', /^sum\(kube_node_status_condition\{bluegreen_unit="green-[^"]+",condition="Ready",status="true"\}\) \/ count\(kube_node_info\{bluegreen_unit="green-[^"]+"\}\)$/, '>= 1', false],
    ['slo-pod-evictions', /^sum\(kube_pod_status_reason\{bluegreen_unit="green-[^"]+",reason="Evicted"\}\) \/ count\(kube_pod_info\{bluegreen_unit="green-[^"]+"\}\)$/, '<= try(tonumber(jsondecode(data.http.gate_slo_pod_evictions_', true],
    ['slo-latency-p95', /^histogram_quantile\(0\.95, sum by \(le\) \(rate\(http_request_duration_seconds_bucket\{bluegreen_unit="green-[^"]+"\}\[10m\]\)\)\)$/, '* 1.2', true],
    ['slo-error-rate', /^sum\(rate\(http_requests_total\{bluegreen_unit="green-[^"]+",code=~"5\.\."\}\[10m\]\)\) \/ sum\(rate\(http_requests_total\{bluegreen_unit="green-[^"]+"\}\[10m\]\)\)$/, 'max(try(tonumber(jsondecode(data.http.gate_slo_error_rate_', true],
    ['slo-burn-rate', /^\(sum\(rate\(http_requests_total\{bluegreen_unit="green-[^"]+",code=~"5\.\."\}\[10m\]\)\) \/ sum\(rate\(http_requests_total\{bluegreen_unit="green-[^"]+"\}\[10m\]\)\)\) \/ 0\.001$/, '<= 2', false],
  ])('%s: the canary\'s query, its threshold, and the baseline query on blue', (gate, query, threshold, relative) => {
    const { query: ds, baseline } = gateSources(green, gate);
    expect(queryOf(ds)).toMatch(query);
    expect(ds.url).toMatch(/^http:\/\/prometheus\.monitoring\.internal:9090\/api\/v1\/query\?query=/);
    const post = ds.lifecycle.postcondition[0];
    expect(post.condition).toContain(threshold);
    expect(post.condition).toMatch(/^\$\{self\.status_code == 200 \? \(/);
    // The failure names the query, the value, the threshold and the baseline's value.
    expect(post.error_message).toContain(`SLO gate ${gate} failed: ${queryOf(ds).replace(/\$\{/g, '$${')} = \${try(jsondecode(self.response_body).data.result[0].value[1], "no data")}`);
    expect(post.error_message).toMatch(/threshold (<=|>=) \$\{try\(format\("%\.4g"/);
    expect(post.error_message).toMatch(/baseline blue-1-33-[a-z2-7]{6} = \$\{try\(jsondecode\(data\.http\.gate_/);
    // Every gate of the canary also reads blue (the unit serving the most), for the baseline or the no-traffic rule.
    expect(queryOf(baseline)).toBe(queryOf(ds).split(G).join(B));
    expect(relative).toBe(/baseline/.test(post.condition.replace(/self/g, '')) && !/<= 2\b|>= 0\.999|>= 1\b/.test(post.condition));
  });

  test('the thresholds: p95 ≤ 1.2 × baseline, 5xx ≤ max(2 × baseline, 0.001), evictions ≤ baseline + 0.01', () => {
    const cond = (g: string) => gateSources(green, g).query.lifecycle.postcondition[0].condition as string;
    const B_ = (g: string) => `try(tonumber(jsondecode(data.http.gate_${g}_${f.step}_baseline.response_body).data.result[0].value[1]), null)`;
    expect(cond('slo-latency-p95')).toContain(`<= ${B_('slo_latency_p95')} * 1.2, false)`);
    expect(cond('slo-error-rate')).toContain(`<= max(${B_('slo_error_rate')} * 2, 0.001), false)`);
    expect(cond('slo-pod-evictions')).toContain(`<= ${B_('slo_pod_evictions')} + 0.01, false)`);
    // A canary without samples (no traffic yet) passes only while the baseline has samples.
    expect(cond('slo-latency-p95')).toContain(`== null ? ${B_('slo_latency_p95')} != null : try(`);
  });

  test('the baseline (blue, serving the most) is judged by absolute thresholds only; relative gates skip it', () => {
    expect(Object.keys(blue.data.http).sort()).toEqual([`gate_slo_api_availability_${f.step}`, `gate_slo_burn_rate_${f.step}`, `gate_slo_node_readiness_${f.step}`]);
    expect(blue.data.http[`gate_slo_burn_rate_${f.step}`].lifecycle.postcondition[0].condition).toBe(
      '${self.status_code == 200 ? (try(try(tonumber(jsondecode(self.response_body).data.result[0].value[1]), null) <= 2, false)) : false}');
  });

  test('the rollout plan lists every gate per unit with its threshold', () => {
    const plan = RolloutPlan.plansOf(app)[0];
    const g = plan.units.find((u) => u.slot === 'green')!;
    expect(g.gates!.map((x) => `${x.gate} ${x.passesWhen}`)).toEqual([
      'slo-api-availability ≥ 0.999',
      'slo-node-readiness ≥ 1',
      `slo-pod-evictions ≤ baseline ${plan.units[0].name} + 0.01`,
      `slo-latency-p95 ≤ 1.2 × baseline ${plan.units[0].name}`,
      `slo-error-rate ≤ max(2 × baseline ${plan.units[0].name}, 0.001)`,
      'slo-burn-rate ≤ 2',
    ]);
    expect(plan.units.find((u) => u.slot === 'blue')!.gates!.map((x) => x.passesWhen)).toEqual(['≥ 0.999 (this unit is the baseline)', '≥ 1 (this unit is the baseline)', '≤ 2 (this unit is the baseline)']);
  });
});

describe('overrides and sources', () => {
  test('a gate\'s default can be overridden (window, factor, query)', () => {
    const gate = SloGates.latencyP95({ source: PROM, window: '30m', maximumBaselineFactor: 1.5 });
    expect(gate.queryFor('shop', 'green-1-34-abcdef', 'green')).toBe('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{bluegreen_unit="green-1-34-abcdef"}[30m])))');
    expect(gate.description).toBe("p95 latency at most 1.2 × the baseline unit's".replace('1.2', '1.2'));
    const own = SloGates.errorRate({ source: MetricsSource.prometheus({ url: 'http://p:9090', unitLabel: 'cluster' }), query: 'sum(rate(x{{{selector}},code="500"}[{{window}}]))' });
    expect(own.queryFor('shop', 'green-1-34-abcdef', 'green')).toBe('sum(rate(x{cluster="green-1-34-abcdef",code="500"}[10m]))');
  });

  test('managed services: the gate runs as a Job in the unit with workload identity, and no credential is in the configuration', () => {
    const app = testApp();
    const azure = MetricsSource.azureMonitorWorkspace({ queryEndpoint: 'https://amw.westeurope.prometheus.monitor.azure.com', clientId: '22222222-2222-2222-2222-222222222222', managedIdentityId: GATES_IDENTITY, gateImage: GATE_IMAGE, unitLabel: 'bluegreen_unit' });
    const f = fleet(app, [SloGates.errorRate({ source: azure })]);
    const green = stackJson(f.validationStacks[f.plan.units[1].name]);
    const job = Object.values<any>(green.resource.kubernetes_job_v1)[0];
    const sa = Object.values<any>(green.resource.kubernetes_service_account_v1)[0];
    expect(sa.metadata.annotations).toEqual({ 'azure.workload.identity/client-id': '22222222-2222-2222-2222-222222222222' });
    expect(job.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(job.spec.template.spec.service_account_name).toBe('bluegreen-metric-gates');
    const gate = JSON.parse(job.spec.template.spec.container[0].env[0].value);
    expect(gate).toMatchObject({ gate: 'slo-error-rate', auth: 'azure', isBaseline: false, limits: { direction: 'at-most', baselineFactor: 2, baselineFloor: 0.001 } });
    expect(gate.url).toMatch(/^https:\/\/amw\.westeurope\.prometheus\.monitor\.azure\.com\/api\/v1\/query\?query=sum/);
    expect(gate.baselineUrl).toContain(encodeURIComponent('bluegreen_unit="blue-1-33-'));
    // Identifiers only: no client secret, token, key or password anywhere in the configuration.
    expect(JSON.stringify(green)).not.toMatch(/client_secret|Bearer ey|AKIA[0-9A-Z]{16}|password/i);
    expect(Object.keys(sa.metadata.annotations)).toEqual(['azure.workload.identity/client-id']);
    expect(green.data?.http).toBeUndefined();

    const amp = MetricsSource.amazonManagedPrometheus({ workspaceId: 'ws-0123abcd-4567-89ef-0123-456789abcdef', region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/gates', gateImage: GATE_IMAGE });
    expect(amp.url).toBe('https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0123abcd-4567-89ef-0123-456789abcdef');
    expect(amp.auth).toBe('amp');
  });

  test('a URL with credentials in it is refused', () => {
    expect(() => MetricsSource.prometheus({ url: 'https://admin:hunter2@prom.example.com' })).toThrow(/without credentials in it/);
  });
});

describe('refusals at synth', () => {
  test('a gate that needs a baseline and has none is refused, naming fleet, unit, gate, the serving slots and a fix', () => {
    const app = testApp();
    let err: unknown;
    try {
      fleet(app, [SloGates.latencyP95({ source: PROM, baselineSlot: 'purple' })]);
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(BlueGreenError);
    expect((err as Error).message).toMatch(/^fleet "shop", unit "blue-1-33-[a-z2-7]{6}": checks: MetricGate\(slo-latency-p95\)\.baselineSlot = "purple" is refused: gate slo-latency-p95 compares with a baseline unit \(≤ 1\.2 × baseline\), which must serve in this step \(slot purple does not; serving: blue, green\); without one the gate would prove nothing\. Fix: baselineSlot: 'blue'/);
  });

  test('a relative gate bound outside a fleet (no units to find a baseline among) is refused', () => {
    const gate = SloGates.errorRate({ source: PROM });
    expect(() => gate.bind(testApp(), { fleet: 'shop', unitName: 'green-1-34-abcdef', step: 's', kubernetesVersion: '1.34', provider: undefined as any, originHost: 'x', namespace: 'n', labels: {}, minimumNodes: 1 }))
      .toThrow(/\(no units given to the check\) is refused: gate slo-error-rate compares with a baseline unit/);
  });

  test('a gate without any threshold, a template without a unit selector, a bad window are refused', () => {
    expect(() => new MetricGate({ name: 'g', source: PROM, query: 'up{{{selector}}}', direction: GateDirection.AT_MOST })).toThrow(/compares with an absolute threshold, the baseline unit/);
    expect(() => new MetricGate({ name: 'g', source: PROM, query: 'sum(up)', direction: GateDirection.AT_MOST, threshold: 1 })).toThrow(/names the unit it judges/);
    expect(() => new MetricGate({ name: 'g', source: PROM, query: 'up{{{selector}}}', direction: GateDirection.AT_MOST, threshold: 1, window: '10 minutes' })).toThrow(/window = "10 minutes" is refused/);
  });
});

describe('judging a value (the rule the Terraform condition and the in-unit Job follow)', () => {
  const latency = { direction: GateDirection.AT_MOST, baselineFactor: 1.2 };
  test.each([
    ['canary within 1.2 × baseline', latency, 0.23, 0.2, false, true],
    ['canary over 1.2 × baseline (breach)', latency, 0.25, 0.2, false, false],
    ['canary without samples, baseline with samples (no traffic yet)', latency, undefined, 0.2, false, true],
    ['no samples anywhere (wrong selector)', latency, undefined, undefined, false, false],
    ['canary with samples, baseline without', latency, 0.2, undefined, false, false],
    ['the baseline itself, relative gate', latency, 0.5, undefined, true, true],
    ['5xx baseline 0: the 0.001 floor holds', { direction: GateDirection.AT_MOST, baselineFactor: 2, baselineFloor: 0.001 }, 0.0008, 0, false, true],
    ['availability below 0.999', { direction: GateDirection.AT_LEAST, threshold: 0.999 }, 0.995, 1, false, false],
    ['the baseline without samples fails an absolute gate', { direction: GateDirection.AT_LEAST, threshold: 0.999 }, undefined, undefined, true, false],
  ])('%s', (_name, limits, value, baseline, isBaseline, pass) => {
    expect(judgeGate(limits, value, baseline, isBaseline).pass).toBe(pass);
  });
});
