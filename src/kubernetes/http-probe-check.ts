import { DataHttp } from '@cdktf/provider-http/lib/data-http';
import { HttpProvider } from '@cdktf/provider-http/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { CheckContext, IValidationCheck } from './check';
import { SmokeJobCheck } from './smoke-job-check';

/** Where an {@link HttpProbeCheck} sends its request from. */
export enum HttpProbeSource {
  /** The machine that runs the deploy (the `http` data source): for origins with a public address. */
  DEPLOY_MACHINE = 'deploy-machine',
  /**
   * A Job inside the unit (a pinned busybox `wget` loop): for origins reachable only from inside
   * the network, such as the internal load balancers behind Global Accelerator.
   */
  IN_CLUSTER = 'in-cluster',
}

/** Options of an {@link HttpProbeCheck}. */
export interface HttpProbeCheckProps {
  /** Path probed on the unit's own origin. @default '/healthz' */
  readonly path?: string;
  /** Expected HTTP status. @default 200 */
  readonly expectedStatus?: number;
  /** Scheme. @default 'https' */
  readonly scheme?: string;
  /**
   * Attempts before the check fails, one every 10 s. @default - enough to cover the fleet's
   * readiness window (`readinessSeconds` / 10)
   */
  readonly attempts?: number;
  /** Where the request is sent from. @default HttpProbeSource.DEPLOY_MACHINE */
  readonly source?: HttpProbeSource;
}

/** Seconds between two attempts of the probe. */
const POLL_MS = 10000;

/**
 * Probes the unit's own origin (not the front door) from the machine that runs the deploy, with
 * the `http` provider's data source and a postcondition on the status code. The data source is
 * read whenever the validation stack is planned, which `cdktf deploy '*'` does only after the
 * unit's stack is deployed.
 *
 * A new unit's origin answers only once the team's GitOps has installed the ingress, so the probe
 * polls within the fleet's readiness window: the provider's `retry` block repeats a failed request
 * (attempts, with a fixed 10 s delay) before the data source gives up, and the postcondition then
 * names the unit, the URL and the last status it saw.
 * @see https://registry.terraform.io/providers/hashicorp/http/latest/docs/data-sources/http#retry
 * @see https://developer.hashicorp.com/terraform/language/expressions/custom-conditions#postconditions
 */
export class HttpProbeCheck implements IValidationCheck {
  public readonly checkName = 'http-probe';
  public readonly description: string;
  private readonly path: string;

  constructor(private readonly props: HttpProbeCheckProps = {}) {
    this.path = props.path ?? '/healthz';
    if (!this.path.startsWith('/')) {
      throw new BlueGreenError({ fleet: '(any)', field: 'HttpProbeCheck.path', value: show(this.path), rule: 'a probe path starts with "/"', fix: `path: ${show('/' + this.path)}` });
    }
    const status = props.expectedStatus ?? 200;
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new BlueGreenError({ fleet: '(any)', field: 'HttpProbeCheck.expectedStatus', value: show(status), rule: 'an HTTP status is 100-599', fix: 'expectedStatus: 200' });
    }
    this.description = `${props.scheme ?? 'https'} GET ${this.path} on the unit's origin answers ${status}`;
  }

  public bind(scope: Construct, context: CheckContext): void {
    const stack = TerraformStack.of(scope);
    if (!stack.node.tryFindChild('http-provider')) new HttpProvider(stack, 'http-provider');
    const status = this.props.expectedStatus ?? 200;
    const url = `${this.props.scheme ?? 'https'}://${context.originHost}${this.path}`;
    const window = context.readinessSeconds ?? 600;
    const attempts = this.props.attempts ?? Math.ceil((window * 1000) / POLL_MS);
    if ((this.props.source ?? HttpProbeSource.DEPLOY_MACHINE) === HttpProbeSource.IN_CLUSTER) {
      // busybox wget fails on any status >= 400, so the loop ends at the first good answer.
      const missing = `[${context.fleet}/${context.unitName}] ${url} did not answer within the ${window} s readiness window`;
      new SmokeJobCheck({
        name: this.checkName,
        image: 'busybox:1.37.0',
        command: ['sh', '-c', `i=0; while [ $i -lt ${attempts} ]; do wget -q -T 10 -O /dev/null '${url}' && exit 0; i=$((i+1)); sleep ${POLL_MS / 1000}; done; echo '${missing}: the unit origin is not serving yet'; exit 1`],
        timeoutMinutes: Math.ceil((attempts * (POLL_MS / 1000 + 10)) / 60) + 1,
        backoffLimit: 0,
      }).bind(scope, context);
      return;
    }
    new DataHttp(scope, `probe-${context.step}`, {
      url,
      method: 'GET',
      requestHeaders: context.originHeaders,
      requestTimeoutMs: 10000,
      retry: { attempts, minDelayMs: POLL_MS, maxDelayMs: POLL_MS },
      // After the GitOps sync and access checks, when the fleet has them: read at apply, not at plan.
      dependsOn: context.after?.length ? context.after : undefined,
      lifecycle: {
        postcondition: [{
          condition: `\${self.status_code == ${status}}`,
          errorMessage: `[${context.fleet}/${context.unitName}] ${url} still answered \${self.status_code} (expected ${status}) at the end of the ${window} s readiness window: the unit's origin is not serving yet (ingress not installed, or the Service not bound to the origin?). The traffic stack does not run, so the serving units keep the traffic.`,
        }],
      },
    });
  }
}
