// The SLO-gate scenarios of issue 15: the fleets deploy the library's six ready-made gates
// (SloGates.all) against the world's Prometheus-compatible API (rehearsal/world/metrics.ts).
import { trafficStack } from './checks';
import { FaultSpec, ScenarioDef, StepView, WorldAction } from './model';

const FROM = '1.33';
const TO = '1.34';
const POLICY = { canaryWeight: 10, maxWeightStep: 40 };

/**
 * Gate reads of this deploy: the metrics API's answers per unit — rows of the http rule at the
 * metrics host (deploy machine), or the queries of gate Jobs whose pod obtained its cloud token
 * (in the unit: world/rules/gate-jobs.ts).
 */
function gateReads(v: StepView, fleet: string): WorldAction[] {
  return v.actions.filter((a) => a.stack.startsWith(`${fleet}-validate-`)
    && ((a.provider === 'http' && String(a.name ?? '').startsWith('prometheus.')) || (a.provider === 'kubernetes' && a.type === 'metrics')));
}

/** In-unit gates: every gate Job's pod got its token from the cloud (no refusal left standing) and the Job passed. */
function gateJobsPassed(v: StepView, fleet: string): string[] {
  const jobs = v.actions.filter((a) => a.stack.startsWith(`${fleet}-validate-`) && a.type === 'kubernetes_job_v1' && ['token', 'check-fail'].includes(a.action) && String(a.id ?? '').includes('/slo-'));
  const problems = jobs.filter((a) => a.action === 'check-fail').map((a) => `fleet ${fleet}: gate Job ${a.id} failed: ${String(a.detail ?? '').slice(0, 200)}`);
  if (!jobs.some((a) => a.action === 'token')) problems.push(`fleet ${fleet}: no gate Job obtained a cloud token in this deploy`);
  return problems;
}

/** Every serving unit of the step was judged by the gates, and every gate read passed. */
function gatesJudged(v: StepView, fleet: string, slots: string[]): string[] {
  const names = v.unitNames(fleet);
  const reads = gateReads(v, fleet);
  const problems: string[] = [];
  for (const s of slots) {
    const n = reads.filter((r) => r.action === 'query' && r.stack === `${fleet}-validate-${names[s]}`).length;
    if (n === 0) problems.push(`fleet ${fleet}: no SLO gate query for ${s} (${names[s]}) in this deploy`);
  }
  return problems;
}

/** The failed deploy's traffic stack changed nothing, and the failure names the gate, the query, the value, the threshold and the baseline value. */
function breachStoppedTraffic(v: StepView, fleet: string, gate: string): string[] {
  const problems: string[] = [];
  const t = trafficStack(fleet);
  const changed = v.actions.filter((a) => a.stack === t && a.action !== 'read');
  if (changed.length || v.deploy.appliedStacks.includes(t)) problems.push(`fleet ${fleet}: the traffic stack was applied although gate ${gate} failed`);
  const text = Object.values(v.deploy.errors).flat().join('\n');
  const want = new RegExp(`SLO gate ${gate} failed: .*bluegreen_unit="green-[^"]+".* = [0-9.]+, threshold <= [0-9.]+ \\(≤ [^)]*baseline blue-[^)]*\\), baseline blue-[a-z0-9-]+ = [0-9.]+`);
  if (!want.test(text.replace(/\s*\n\s*│?\s*/g, ' '))) problems.push(`fleet ${fleet}: the deploy's error does not name gate ${gate} with its query, value, threshold and baseline value: ${text.slice(0, 300)}`);
  const shares = v.world.shares(fleet);
  const before = v.sharesBefore(fleet);
  for (const [u, s] of Object.entries(before)) if (Math.abs((shares[u] ?? 0) - s) > 2) problems.push(`fleet ${fleet}: ${u}'s share moved ${s} → ${shares[u]} % although the deploy failed`);
  return problems;
}

const breach = (fleet: string, metric: string, value: number): FaultSpec => ({ label: `green ${metric} ${value}`, fleet, slot: 'green', fault: { kind: 'metric-value', metric, value } as never });

export const SLO_SCENARIOS: ScenarioDef[] = [
  {
    id: 'R15', text: 'a healthy canary passes the SLO gates (Azure Monitor, from the unit with workload identity) at every step to 100 %',
    fleets: [{ name: 'r15fd', kind: 'aks-frontdoor', version: FROM, policy: POLICY, sloGates: 'managed' }],
    steps: [
      { label: `first deploy: blue ${FROM} serves 100, judged by the absolute gates`, verify: (v) => [...gatesJudged(v, 'r15fd', ['blue']), ...gateJobsPassed(v, 'r15fd')] },
      { label: `start ${TO}: green candidate (no traffic yet: passes while blue has samples)`, cli: [['r15fd', 'start', TO]], verify: (v) => [...gatesJudged(v, 'r15fd', ['blue', 'green']), ...gateJobsPassed(v, 'r15fd')] },
      { label: 'promote: green canary 10', cli: [['r15fd', 'promote']], verify: (v) => gatesJudged(v, 'r15fd', ['blue', 'green']) },
      { label: 'shift: green 50 (green judged on its 10 % against blue)', cli: [['r15fd', 'shift']], verify: (v) => gatesJudged(v, 'r15fd', ['blue', 'green']) },
      { label: 'shift: green 90', cli: [['r15fd', 'shift']], verify: (v) => gatesJudged(v, 'r15fd', ['blue', 'green']) },
      {
        label: 'promote: green 100, blue standby', cli: [['r15fd', 'promote']],
        verify: (v) => {
          const names = v.unitNames('r15fd');
          const share = v.world.shares('r15fd')[names.green] ?? 0;
          return [...gatesJudged(v, 'r15fd', ['green']), ...(share === 100 ? [] : [`green serves ${share} %, not 100 %`])];
        },
      },
    ],
  },
  {
    id: 'R15E', text: 'EKS: a new unit\'s SLO gates (Amazon Managed Prometheus, from the unit with EKS Pod Identity) get credentials and pass',
    fleets: [{ name: 'r15eks', kind: 'eks-route53', version: FROM, policy: POLICY, sloGates: 'managed' }],
    steps: [
      { label: `first deploy: blue ${FROM} serves 100, judged by the absolute gates`, verify: (v) => [...gatesJudged(v, 'r15eks', ['blue']), ...gateJobsPassed(v, 'r15eks')] },
      { label: `start ${TO}: green candidate, its gates run right after its unit stack`, cli: [['r15eks', 'start', TO]], verify: (v) => [...gatesJudged(v, 'r15eks', ['blue', 'green']), ...gateJobsPassed(v, 'r15eks')] },
      { label: 'promote: green canary 10', cli: [['r15eks', 'promote']], verify: (v) => [...gatesJudged(v, 'r15eks', ['blue', 'green']), ...gateJobsPassed(v, 'r15eks')] },
    ],
  },
  {
    id: 'R16', text: 'a latency breach at 10 % fails the deploy before 50 %, nothing shifts; the rollback returns 100 % to blue',
    fleets: [{ name: 'r16fd', kind: 'aks-frontdoor', version: FROM, policy: { ...POLICY, onGateFailure: 'rollback' }, sloGates: true }],
    steps: [
      { label: 'first deploy' },
      { label: `start ${TO}`, cli: [['r16fd', 'start', TO]] },
      { label: 'promote: green canary 10', cli: [['r16fd', 'promote']] },
      {
        label: 'shift to 50 while green\'s p95 is 0.31 s against blue\'s 0.18 s: the deploy fails, green stays at 10 %',
        cli: [['r16fd', 'shift']], faults: [breach('r16fd', 'latency-p95', 0.31)], expect: { r16fd: 'failed' }, standard: false,
        verify: (v) => breachStoppedTraffic(v, 'r16fd', 'slo-latency-p95'),
      },
      {
        label: 'rollback (CI, onGateFailure: rollback): blue 100, green standby', cli: [['r16fd', 'rollback', '--on-gate-failure']],
        verify: (v) => {
          const names = v.unitNames('r16fd');
          const share = v.world.shares('r16fd')[names.blue] ?? 0;
          return share === 100 ? [] : [`after the rollback blue serves ${share} %, not 100 %`];
        },
      },
    ],
  },
  {
    id: 'R17', text: 'a step merged before its soak is refused by check with the time left, and accepted after it',
    fleets: [{ name: 'r17fd', kind: 'aks-frontdoor', version: FROM, policy: { ...POLICY, shiftSoakMinutes: 30 } }],
    steps: [
      { label: 'first deploy' },
      { label: `start ${TO}`, cli: [['r17fd', 'start', TO]] },
      { label: 'promote: green canary 10', cli: [['r17fd', 'promote']] },
      { label: 'shift merged 12 min after the canary: check refuses it, 18 min left (not deployed)', cli: [['r17fd', 'shift']], mergedAfterMinutes: 12, checkRefused: '18 min left' },
      {
        label: 'the same shift merged 31 min after the canary: accepted, green 50', mergedAfterMinutes: 31,
        verify: (v) => {
          const share = v.world.shares('r17fd')[v.unitNames('r17fd').green] ?? 0;
          return Math.abs(share - 50) <= 2 ? [] : [`green serves ${share} %, not 50 %`];
        },
      },
    ],
  },
];
