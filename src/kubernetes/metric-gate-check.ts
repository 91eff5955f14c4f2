import { DataHttp } from '@cdktf/provider-http/lib/data-http';
import { HttpProvider } from '@cdktf/provider-http/lib/provider';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { checkLimits, checkTemplate, checkWindow, chooseBaseline, describeLimits, GateDirection, GateLimits, GateUnit, needsBaseline, promString, renderTemplate } from '../core/metric-gates';
import { PlanGate } from '../core/plan-report';
import { CheckContext, IValidationCheck } from './check';
import { GATE_IMAGE, MetricsAccess, MetricsSource } from './metrics-source';
import { METRIC_GATE_SCRIPT } from './private/metric-gate-script';
import { jobNamePrefix } from './private/job-name';

/** Options of a {@link MetricGate}. */
export interface MetricGateProps {
  /** Check name: 1-20 lowercase letters, digits and "-" (e.g. `slo-latency-p95`). */
  readonly name: string;
  /** Where the metrics are, and how the query authenticates. */
  readonly source: MetricsSource;
  /**
   * PromQL that returns one sample for one unit. Placeholders: `{{selector}}` (the unit's label
   * matcher, e.g. `bluegreen_unit="green-1-34-ejqurb"`), `{{unit}}`, `{{slot}}`, `{{fleet}}`,
   * `{{window}}`.
   */
  readonly query: string;
  /** Whether the value must stay at most or at least the threshold. */
  readonly direction: GateDirection;
  /** Absolute threshold. @default - none (then a baseline comparison is required) */
  readonly threshold?: number;
  /** The unit's value is at most (or at least) this multiple of the baseline unit's. @default - none */
  readonly baselineFactor?: number;
  /** The unit's value is at most (or at least) the baseline unit's plus this. @default - none */
  readonly baselineOffset?: number;
  /** With `baselineFactor`: the threshold never goes below (at-most) or above (at-least) this. @default - no floor */
  readonly baselineFloor?: number;
  /**
   * The range the query looks back over (`{{window}}`). Keep it at most the policy's soak, so a
   * step judges only traffic of the previous step. @default '10m'
   */
  readonly window?: string;
  /**
   * The slot of the baseline unit. @default - the serving unit with the most weight in the step
   */
  readonly baselineSlot?: string;
  /** What the gate proves, for the plan. @default - the query and its threshold */
  readonly description?: string;
  /**
   * Container image of the in-unit Job. A plain Prometheus needs Python 3 only. A managed service
   * needs its maintained SDK in the image, pinned by digest (`<image>@sha256:<64 hex digits>`), so
   * every unit runs the same code: `azure-identity` for Azure Monitor (workload identity), `botocore`
   * (or `boto3`) for Amazon Managed Prometheus (SigV4 with the default credential chain, EKS Pod
   * Identity included). docs/slo-gates.md has a Dockerfile.
   * @default - the source's `gateImage` for a managed service; 'python:3.13.1-alpine3.21' for a plain Prometheus
   */
  readonly jobImage?: string;
}

/** A check that judges a unit by metrics and lists its thresholds in the rollout plan. */
export interface IGateCheck extends IValidationCheck {
  /** The gates this check applies to the unit of `context`, as the plan shows them. */
  describeGates(context: CheckContext): PlanGate[];
}

/** Whether a check is a metric gate (it lists its thresholds in the plan). */
export function isGateCheck(check: IValidationCheck): check is IGateCheck {
  return typeof (check as Partial<IGateCheck>).describeGates === 'function';
}

const NAME = /^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/;
/** The service account the in-unit Job runs as (its federated credential / IRSA trust names it). */
export const METRIC_GATE_SERVICE_ACCOUNT = 'bluegreen-metric-gates';

/** Terraform template text: `${` and `%{` in literal text are escaped. */
function literal(text: string): string {
  return text.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

/**
 * A service-level gate: a PromQL query against a Prometheus-compatible API
 * (https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries), rendered for the
 * unit, compared with an absolute threshold and/or with the same query on the baseline unit (the
 * serving unit with the most weight). It is evaluated when the validation stack deploys, before
 * the traffic stack: a breach fails the stack, so no traffic moves.
 *
 * From the deploy machine it is an `http` data source read at plan time, with a postcondition whose
 * error message names the query, the value, the threshold and the baseline's value (Terraform
 * evaluates `error_message` as an expression: https://github.com/hashicorp/terraform/pull/30613).
 * Inside the unit it is a Job that fails with the same line in its log.
 *
 * A unit without samples (no traffic yet) passes only while the baseline has samples; the
 * baseline itself is judged only by an absolute threshold.
 */
export class MetricGate implements IGateCheck {
  public readonly checkName: string;
  public readonly description: string;
  private readonly limits: GateLimits;
  private readonly window: string;

  constructor(private readonly props: MetricGateProps) {
    if (typeof props.name !== 'string' || !NAME.test(props.name)) {
      throw new BlueGreenError({ fleet: '(any)', field: 'MetricGate.name', value: show(props.name), rule: 'a check name is 1-20 lowercase letters, digits and "-", starting with a letter', fix: "name: 'slo-latency-p95'" });
    }
    if (!(props.source instanceof MetricsSource)) {
      throw new BlueGreenError({ fleet: '(any)', field: `MetricGate(${props.name}).source`, value: show(typeof props.source), rule: 'a gate reads its metrics from a MetricsSource', fix: "source: MetricsSource.prometheus({ url: 'http://prometheus.monitoring.internal:9090' })" });
    }
    if (props.direction !== GateDirection.AT_MOST && props.direction !== GateDirection.AT_LEAST) {
      throw new BlueGreenError({ fleet: '(any)', field: `MetricGate(${props.name}).direction`, value: show(props.direction), rule: 'a gate keeps its value at most or at least the threshold', fix: 'direction: GateDirection.AT_MOST' });
    }
    if (props.source.auth !== 'none' && props.jobImage !== undefined && (typeof props.jobImage !== 'string' || !GATE_IMAGE.test(props.jobImage))) {
      throw new BlueGreenError({
        fleet: '(any)', field: `MetricGate(${props.name}).jobImage`, value: show(typeof props.jobImage === 'string' ? props.jobImage.slice(0, 120) : props.jobImage),
        rule: `a gate on ${props.source.kind} runs ${props.source.auth === 'azure' ? 'azure-identity' : 'botocore'} in the unit, from an image pinned by digest (<image>@sha256:<64 hex digits>; docs/slo-gates.md, "The gate image")`,
        fix: 'leave jobImage out to use the source\'s gateImage, or pin it: <image>@sha256:<digest of your build>',
      });
    }
    checkTemplate(props.name, 'query', props.query);
    this.window = checkWindow(props.name, props.window ?? '10m');
    this.limits = {
      direction: props.direction, threshold: props.threshold, baselineFactor: props.baselineFactor,
      baselineOffset: props.baselineOffset, baselineFloor: props.baselineFloor,
    };
    checkLimits(props.name, this.limits);
    if (props.baselineSlot !== undefined && (typeof props.baselineSlot !== 'string' || !/^[a-z][a-z0-9]{0,9}$/.test(props.baselineSlot))) {
      throw new BlueGreenError({ fleet: '(any)', field: `MetricGate(${props.name}).baselineSlot`, value: show(props.baselineSlot), rule: 'a slot is 1-10 lowercase letters and digits, starting with a letter', fix: "baselineSlot: 'blue'" });
    }
    this.checkName = props.name;
    this.description = props.description ?? `${props.query} ${describeLimits(this.limits)} over ${this.window}`;
  }

  /** Where the gate reads its metrics (the fleet grants its in-unit identity from it). */
  public get source(): MetricsSource {
    return this.props.source;
  }

  /** The query rendered for one unit. */
  public queryFor(fleet: string, unit: string, slot: string): string {
    const selector = `${this.props.source.unitLabel}=${promString(this.props.source.unitLabelValue(fleet, unit))}`;
    return renderTemplate(this.props.query, { fleet, unit, slot, window: this.window, selector });
  }

  public describeGates(context: CheckContext): PlanGate[] {
    const r = this.resolve(context);
    if (!r) return [];
    const runs = this.props.source.access === MetricsAccess.IN_UNIT ? 'in the unit (Job, workload identity)' : 'deploy machine (http data source)';
    return [{
      gate: this.checkName, query: r.query, runs,
      passesWhen: r.isBaseline ? `${describeLimits({ direction: this.limits.direction, threshold: this.limits.threshold })} (this unit is the baseline)` : describeLimits(this.limits, r.baseline?.unitName),
      ...(r.baseline && !r.isBaseline ? { baseline: r.baseline.unitName } : {}),
    }];
  }

  public bind(scope: Construct, context: CheckContext): void {
    const r = this.resolve(context);
    if (!r) return;
    if (this.props.source.access === MetricsAccess.IN_UNIT) this.bindJob(scope, context, r);
    else this.bindHttp(scope, context, r);
  }

  /** The unit's query, its baseline and whether it is the baseline; undefined when the gate does not judge this unit. */
  private resolve(context: CheckContext): { query: string; baseline?: GateUnit; baselineQuery?: string; isBaseline: boolean } | undefined {
    const units = context.units;
    const baseline = units ? chooseBaseline(units, this.props.baselineSlot) : undefined;
    if (needsBaseline(this.limits) && !baseline) {
      const serving = (units ?? []).filter((u) => u.lifecycle === 'serving' && u.weight > 0).map((u) => u.slot);
      throw new BlueGreenError({
        fleet: context.fleet, unit: context.unitName, field: `checks: MetricGate(${this.checkName})${this.props.baselineSlot !== undefined ? '.baselineSlot' : ''}`,
        value: this.props.baselineSlot !== undefined ? show(this.props.baselineSlot) : units ? '(no serving unit)' : '(no units given to the check)',
        rule: `gate ${this.checkName} compares with a baseline unit (${describeLimits(this.limits)}), which must serve in this step${this.props.baselineSlot !== undefined ? ` (slot ${this.props.baselineSlot} does not; serving: ${serving.join(', ') || 'none'})` : ''}; without one the gate would prove nothing`,
        fix: serving.length ? `baselineSlot: '${serving[0]}', or leave baselineSlot out to compare with the unit serving the most` : 'bind the gate through a fleet, or give it an absolute threshold instead of baselineFactor/baselineOffset',
      });
    }
    const isBaseline = baseline?.unitName === context.unitName;
    // A purely relative gate has nothing to say about the baseline itself.
    if (isBaseline && this.limits.threshold === undefined) return undefined;
    const slot = context.slot ?? units?.find((u) => u.unitName === context.unitName)?.slot ?? context.unitName;
    return {
      query: this.queryFor(context.fleet, context.unitName, slot), isBaseline,
      baseline: baseline, baselineQuery: baseline && !isBaseline ? this.queryFor(context.fleet, baseline.unitName, baseline.slot) : undefined,
    };
  }

  private baseUrl(context: CheckContext, unit: string, slot: string): string {
    return renderTemplate(this.props.source.url, { fleet: context.fleet, unit, slot, window: this.window, selector: '' });
  }

  private bindHttp(scope: Construct, context: CheckContext, r: { query: string; baseline?: GateUnit; baselineQuery?: string; isBaseline: boolean }): void {
    const stack = TerraformStack.of(scope);
    if (!stack.node.tryFindChild('http-provider')) new HttpProvider(stack, 'http-provider');
    const id = `gate_${this.checkName.replace(/-/g, '_')}_${context.step}`;
    const value = (body: string) => `try(tonumber(jsondecode(${body}).data.result[0].value[1]), null)`;
    const raw = (body: string) => `try(jsondecode(${body}).data.result[0].value[1], "no data")`;
    const op = this.limits.direction === GateDirection.AT_MOST ? '<=' : '>=';
    const pick = this.limits.direction === GateDirection.AT_MOST ? 'min' : 'max';
    const slot = context.slot ?? context.unitName;
    let condition: string;
    let thresholdText: string;
    let baselineText = '-';
    if (r.baselineQuery !== undefined) {
      const base = new DataHttp(scope, `baseline-${context.step}`, {
        url: `${this.baseUrl(context, r.baseline!.unitName, r.baseline!.slot)}/api/v1/query?query=${encodeURIComponent(r.baselineQuery)}`,
        method: 'GET', requestTimeoutMs: 10000, dependsOn: context.after,
      });
      base.overrideLogicalId(`${id}_baseline`);
      const B = value(`data.http.${id}_baseline.response_body`);
      const rel = this.limits.baselineFactor !== undefined
        ? (this.limits.baselineFloor !== undefined ? `${pick === 'min' ? 'max' : 'min'}(${B} * ${this.limits.baselineFactor}, ${this.limits.baselineFloor})` : `${B} * ${this.limits.baselineFactor}`)
        : this.limits.baselineOffset !== undefined ? `${B} + ${this.limits.baselineOffset}` : undefined;
      const T = rel === undefined ? `${this.limits.threshold}` : this.limits.threshold === undefined ? rel : `${pick}(${this.limits.threshold}, ${rel})`;
      // No samples on this unit (no traffic yet) passes only while the baseline has samples; every
      // comparison sits in try() because HCL's && does not short-circuit on null.
      condition = `${value('self.response_body')} == null ? ${B} != null : try(${value('self.response_body')} ${op} ${T}, false)`;
      thresholdText = `try(format("%.4g", ${T}), "n/a")`;
      baselineText = `\${${raw(`data.http.${id}_baseline.response_body`)}}`;
    } else {
      condition = `try(${value('self.response_body')} ${op} ${this.limits.threshold}, false)`;
      thresholdText = `"${this.limits.threshold}"`;
    }
    const limitsText = r.isBaseline ? describeLimits({ direction: this.limits.direction, threshold: this.limits.threshold }) : describeLimits(this.limits, r.baseline?.unitName);
    const ds = new DataHttp(scope, `query-${context.step}`, {
      url: `${this.baseUrl(context, context.unitName, slot)}/api/v1/query?query=${encodeURIComponent(r.query)}`,
      method: 'GET', requestTimeoutMs: 10000, dependsOn: context.after,
      lifecycle: {
        postcondition: [{
          condition: `\${self.status_code == 200 ? (${condition}) : false}`,
          errorMessage: literal(`[${context.fleet}/${context.unitName}] SLO gate ${this.checkName} failed: ${r.query} = `) + `\${${raw('self.response_body')}}`
            + literal(`, threshold ${op} `) + `\${${thresholdText}}` + literal(` (${limitsText}), baseline ${r.baselineQuery !== undefined ? r.baseline!.unitName : '-'} = `) + baselineText
            + literal(`; HTTP status `) + '${self.status_code}' + literal('. Nothing shifts; roll back (cdktf-bluegreen rollback) or fix forward.'),
        }],
      },
    });
    ds.overrideLogicalId(id);
  }

  private bindJob(scope: Construct, context: CheckContext, r: { query: string; baseline?: GateUnit; baselineQuery?: string; isBaseline: boolean }): void {
    const src = this.props.source;
    const stack = TerraformStack.of(scope);
    // One service account per validation stack, shared by its gates: the identity the cloud trusts.
    let sa = stack.node.tryFindChild('metric-gates-service-account') as ServiceAccountV1 | undefined;
    if (!sa) {
      sa = new ServiceAccountV1(stack, 'metric-gates-service-account', {
        provider: context.provider,
        metadata: {
          name: METRIC_GATE_SERVICE_ACCOUNT, namespace: context.namespace, labels: context.labels,
          // Azure: the webhook's client id. AWS: nothing; an IRSA role annotation would come first in
          // the SDK's credential chain and shadow the unit's pod identity association.
          annotations: src.auth === 'azure' ? { 'azure.workload.identity/client-id': src.clientId! } : undefined,
        },
        automountServiceAccountToken: false,
      });
    }
    const slot = context.slot ?? context.unitName;
    const query = (q: string, unit: string, s: string) => `${this.baseUrl(context, unit, s)}/api/v1/query?query=${encodeURIComponent(q)}`;
    const limits: Record<string, unknown> = { direction: this.limits.direction };
    for (const k of ['threshold', 'baselineFactor', 'baselineOffset', 'baselineFloor'] as const) if (this.limits[k] !== undefined) limits[k] = this.limits[k];
    const gate = {
      gate: this.checkName, fleet: context.fleet, unit: context.unitName, query: r.query, auth: src.auth, region: src.region,
      url: query(r.query, context.unitName, slot), baselineUrl: r.baselineQuery !== undefined ? query(r.baselineQuery, r.baseline!.unitName, r.baseline!.slot) : undefined,
      baselineUnit: r.baselineQuery !== undefined ? r.baseline!.unitName : undefined, isBaseline: r.isBaseline, needsBaseline: needsBaseline(this.limits),
      limits, limitsText: r.isBaseline ? describeLimits({ direction: this.limits.direction, threshold: this.limits.threshold }) : describeLimits(this.limits, r.baseline?.unitName),
    };
    const labels = { ...context.labels, 'bluegreen.cdktf.io/check': this.checkName, ...(src.auth === 'azure' ? { 'azure.workload.identity/use': 'true' } : {}) };
    new JobV1(scope, `job-${context.step}`, {
      provider: context.provider,
      metadata: { generateName: jobNamePrefix(`${this.checkName}-${context.step}`), namespace: context.namespace, labels },
      waitForCompletion: true,
      timeouts: { create: '5m', update: '5m' },
      dependsOn: [sa, ...(context.after ?? [])],
      spec: {
        backoffLimit: 1,
        activeDeadlineSeconds: 300,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: METRIC_GATE_SERVICE_ACCOUNT,
            // The workload identity webhooks mount their own projected token; the API token is not needed.
            automountServiceAccountToken: false,
            nodeSelector: context.nodeSelector,
            toleration: context.tolerations?.map((t) => ({ key: t.key, operator: t.operator ?? 'Exists', value: t.value, effect: t.effect })),
            securityContext: { runAsNonRoot: true, runAsUser: '65532', seccompProfile: { type: 'RuntimeDefault' } },
            container: [{
              name: 'gate',
              image: this.props.jobImage ?? src.gateImage ?? 'python:3.13.1-alpine3.21',
              command: ['python3', '-c', literal(METRIC_GATE_SCRIPT)],
              env: [{ name: 'GATE', value: literal(JSON.stringify(gate)) }, { name: 'PYTHONDONTWRITEBYTECODE', value: '1' }],
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              resources: { limits: { cpu: '200m', memory: '128Mi' }, requests: { cpu: '50m', memory: '32Mi' } },
            }],
          },
        },
      },
    });
  }
}
