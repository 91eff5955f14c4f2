// How an AWS endpoint checks a request signed with Signature Version 4 (the world's side of the
// check: the gate script signs with botocore, never with code of this repository). It follows
// "Create a signed AWS API request" (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)
// and "Elements of an AWS API request signature" (https://docs.aws.amazon.com/IAM/latest/UserGuide/signing-elements.html):
// - the canonical request is the method, the URI-encoded path, the query string with every name
//   and value URI-encoded (RFC 3986 unreserved characters A-Z a-z 0-9 - _ . ~ left as they are,
//   everything else %XY in upper case) and sorted by name, the signed headers (lower case, values
//   trimmed), their names, and the SHA-256 of the payload;
// - the signing key is HMAC-SHA256 chained over the date, region, service and "aws4_request",
//   starting from "AWS4" + the secret access key;
// - a request whose time is more than 5 minutes away from the service's is refused
//   (SignatureDoesNotMatch "Signature expired"; https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html).
// The service compares against its own wall clock, so this check does too (botocore signs with it).
import * as crypto from 'crypto';

export interface IssuedCredential {
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Who the credential was issued to, for the log. */
  readonly principal: string;
}

export interface SigV4Request {
  readonly method: string;
  /** Path and query as sent (`/workspaces/ws-1/api/v1/query?query=up`). */
  readonly target: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface SigV4Result {
  readonly ok: boolean;
  readonly status: number;
  /** The service's error message, or who signed. */
  readonly message: string;
  readonly principal?: string;
}

/** RFC 3986 percent-encoding as SigV4 wants it. */
function uriEncode(s: string, keepSlash = false): string {
  return Array.from(Buffer.from(s, 'utf8')).map((b) => {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.~-]/.test(c) || (keepSlash && c === '/')) return c;
    return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
}

function canonicalQuery(query: string): string {
  if (!query) return '';
  return query.split('&').filter((p) => p.length).map((p) => {
    const i = p.indexOf('=');
    const [k, v] = i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
    return [uriEncode(decode(k)), uriEncode(decode(v))];
  }).sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
}

const hmac = (key: Buffer | string, data: string) => crypto.createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: string) => crypto.createHash('sha256').update(data, 'utf8').digest('hex');

const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * Verifies `req` for `service` in `region` against the credentials the world issued. Unknown keys
 * are 403 "The security token included in the request is invalid." (UnrecognizedClientException).
 */
export function verifySigV4(req: SigV4Request, service: string, region: string, issued: ReadonlyMap<string, IssuedCredential>, now = Date.now()): SigV4Result {
  const header = (name: string): string => {
    const v = req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(',') : v ?? '';
  };
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(header('authorization'));
  if (!auth) return { ok: false, status: 403, message: 'Missing Authentication Token' };
  const [, keyId, date, scopeRegion, scopeService, signedHeaders, signature] = auth;
  const cred = issued.get(keyId);
  if (!cred) return { ok: false, status: 403, message: 'The security token included in the request is invalid.' };
  if (header('x-amz-security-token') !== cred.sessionToken) return { ok: false, status: 403, message: 'The security token included in the request is invalid.' };
  if (scopeService !== service) return { ok: false, status: 403, message: `Credential should be scoped to correct service: '${service}'.` };
  if (scopeRegion !== region) return { ok: false, status: 403, message: `Credential should be scoped to a valid region, not '${scopeRegion}'.` };
  const amzDate = header('x-amz-date');
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m || !amzDate.startsWith(date)) return { ok: false, status: 403, message: SIGNATURE_MISMATCH };
  const signedAt = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (Math.abs(now - signedAt) > 5 * 60 * 1000) return { ok: false, status: 403, message: 'Signature expired: the request time is more than 5 minutes away from the service time.' };
  const names = signedHeaders.split(';');
  if (!names.includes('host')) return { ok: false, status: 403, message: SIGNATURE_MISMATCH };
  const q = req.target.indexOf('?');
  const path = q < 0 ? req.target : req.target.slice(0, q);
  const query = q < 0 ? '' : req.target.slice(q + 1);
  const canonical = [
    req.method.toUpperCase(),
    uriEncode(path, true),
    canonicalQuery(query),
    names.map((n) => `${n}:${header(n).trim().replace(/\s+/g, ' ')}\n`).join(''),
    signedHeaders,
    header('x-amz-content-sha256') || sha256(req.body),
  ].join('\n');
  const scope = `${date}/${scopeRegion}/${scopeService}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${cred.secretAccessKey}`, date), scopeRegion), scopeService), 'aws4_request');
  const expected = crypto.createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return { ok: false, status: 403, message: SIGNATURE_MISMATCH };
  return { ok: true, status: 200, message: `signed by ${keyId}`, principal: cred.principal };
}
