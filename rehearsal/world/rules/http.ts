// http 3.5: the `http` data source makes a real request to the unit's origin.
// https://registry.terraform.io/providers/hashicorp/http/3.5.0/docs/data-sources/http — with a
// `retry` block it retries connection errors and 5xx (except 501), `attempts` retries after the
// first try; without it there is no retry. Delays follow go-retryablehttp's DefaultBackoff
// (min_delay × 2^attempt, capped at max_delay): https://pkg.go.dev/github.com/hashicorp/go-retryablehttp#DefaultBackoff
// When retries run out the client gives up with an error ("giving up after N attempt(s)"); a
// non-retryable status (2xx–4xx, 501) is returned in `status_code` for the postcondition to judge.
// The data source turns the client's error into "Error making request" (provider source,
// internal/provider/data_source_http.go at v3.5.0).
import { SimError } from '../errors';
import { answerQuery, METRICS_HOST } from '../metrics';
import { answer, resolveHost } from '../origins';
import { unitFromStack } from '../units';
import { block, num, str } from '../values';
import { DataRule } from './rule';

function retryable(status: number | undefined): boolean {
  return status === undefined || (status >= 500 && status !== 501);
}

const httpData: DataRule = {
  name(c) {
    return str(c.url) ?? 'http';
  },
  read(call, c) {
    const url = str(c.url) ?? '';
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      throw new SimError('Error creating request', `Error creating request: parse "${url}": invalid URL`);
    }
    if (host === METRICS_HOST) {
      // The Prometheus-compatible query API of the SLO gates (metrics.ts); one request, as without retry.
      const a = answerQuery(call.ops, new URL(url));
      call.ops.log({ stack: call.ctx.stack, provider: 'http', type: 'http', action: 'query', id: url, name: host, unit: a.unit, detail: `${a.status}: ${a.detail}` });
      return {
        id: url, status_code: a.status, response_body: a.body, body: a.body,
        response_body_base64: Buffer.from(a.body).toString('base64'), response_headers: { 'Content-Type': a.status === 404 ? 'text/plain' : 'application/json' },
      };
    }
    const retry = block(c.retry);
    const retries = retry ? num(retry.attempts) ?? 0 : 0;
    const minDelay = (retry ? num(retry.min_delay_ms) ?? 1000 : 1000) / 1000;
    const maxDelay = (retry ? num(retry.max_delay_ms) ?? 30000 : 30000) / 1000;
    const target = resolveHost(call.ops, host);
    const unit = target?.unit ?? unitFromStack(call.ctx.stack);
    let last: { status?: number; why: string } = { why: '' };
    let tries = 0;
    for (let attempt = 0; attempt <= retries; attempt++) {
      tries++;
      last = target ? answer(call.ops, target.unit, target.createdAt, true) : { why: `dial tcp: lookup ${host}: no such host` };
      call.ops.log({ stack: call.ctx.stack, provider: 'http', type: 'http', action: 'probe', id: url, name: host, unit, detail: `attempt ${tries}: ${last.status ?? 'no answer'} (${last.why})` });
      if (!retryable(last.status)) break;
      if (attempt < retries) call.ops.advance(Math.min(maxDelay, minDelay * 2 ** attempt));
    }
    const ok = last.status !== undefined && !retryable(last.status);
    if (!ok) {
      call.ops.log({ stack: call.ctx.stack, provider: 'http', type: 'http', action: 'check-fail', id: url, name: host, unit, detail: last.why });
      // go-retryablehttp's Client.Do without an ErrorHandler: once CheckRetry still asks for a retry and
      // RetryMax is used up, it returns an error instead of the response (also when RetryMax is 0).
      throw new SimError('Error making request', `Error making request: GET ${url} giving up after ${tries} attempt(s)${last.status === undefined ? `: ${last.why}` : ''}`);
    }
    const status = last.status as number;
    call.ops.log({ stack: call.ctx.stack, provider: 'http', type: 'http', action: status === 200 ? 'check-pass' : 'check-fail', id: url, name: host, unit, detail: `status ${status}` });
    const body = status === 200 ? 'ok' : `status ${status}`;
    return {
      id: url,
      status_code: status,
      response_body: body,
      body,
      response_body_base64: Buffer.from(body).toString('base64'),
      response_headers: { 'Content-Type': 'text/plain' },
    };
  },
};

export const httpDataRules: Record<string, DataRule> = { http: httpData };
