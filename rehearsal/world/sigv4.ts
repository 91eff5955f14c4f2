// How an AWS endpoint checks a request signed with Signature Version 4 (the world's side of the
// check: the gate script signs with botocore, never with code of this repository). The signature
// itself is computed by the maintained @smithy/signature-v4 (the AWS SDK for JavaScript's signer,
// pinned in package.json), never by code of ours; this file only says what the service does
// around it, following "Create a signed AWS API request"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html) and "Elements of
// an AWS API request signature" (https://docs.aws.amazon.com/IAM/latest/UserGuide/signing-elements.html):
// - the service canonicalizes the query string itself: every name and value URI-encoded (RFC 3986
//   unreserved characters A-Z a-z 0-9 - _ . ~ left as they are, everything else %XY in upper
//   case) and sorted by name. So the query is decoded here and handed to the signer, which
//   re-encodes it that way: a client that signed "(" literally does not match;
// - only the headers the client named in SignedHeaders are signed, and "host" must be one of them;
// - the signature is recomputed with the secret the world issued for the access key, for the
//   date, region and service of the credential scope, and compared in constant time;
// - a request whose time is more than 5 minutes away from the service's is refused
//   (SignatureDoesNotMatch "Signature expired"; https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html).
// The service compares against its own wall clock, so this check does too (botocore signs with it).
import * as crypto from 'crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

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

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
}

/** The query as the service reads it: names and values decoded (the signer re-encodes them). */
function parseQuery(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const p of query.split('&').filter((x) => x.length)) {
    const i = p.indexOf('=');
    const k = decode(i < 0 ? p : p.slice(0, i));
    const v = decode(i < 0 ? '' : p.slice(i + 1));
    const prev = Object.prototype.hasOwnProperty.call(out, k) ? out[k] : undefined;
    out[k] = prev === undefined ? v : ([] as string[]).concat(prev, v);
  }
  return out;
}

const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * Verifies `req` for `service` in `region` against the credentials the world issued. Unknown keys
 * are 403 "The security token included in the request is invalid." (UnrecognizedClientException).
 */
export async function verifySigV4(req: SigV4Request, service: string, region: string, issued: ReadonlyMap<string, IssuedCredential>, now = Date.now()): Promise<SigV4Result> {
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
  // The request as received, with only the headers the client signed (the signer sets
  // x-amz-date itself, from the signing date, to the same value).
  const request = new HttpRequest({
    method: req.method.toUpperCase(),
    hostname: header('host'),
    path: q < 0 ? req.target : req.target.slice(0, q),
    query: q < 0 ? {} : parseQuery(req.target.slice(q + 1)),
    headers: Object.fromEntries(names.filter((n) => n !== 'x-amz-date').map((n) => [n, header(n)])),
    body: req.body,
  });
  const signer = new SignatureV4({
    service: scopeService,
    region: scopeRegion,
    // The session token travels in the request's own (signed) x-amz-security-token header.
    credentials: { accessKeyId: keyId, secretAccessKey: cred.secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    // the payload hash is the client's x-amz-content-sha256 if it sent one, else computed; never added
    applyChecksum: false,
  });
  const expected = await signer.sign(request, { signingDate: new Date(signedAt), signableHeaders: new Set(names) });
  const ours = /SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(String(expected.headers.authorization ?? ''));
  if (!ours || ours[1] !== signedHeaders) return { ok: false, status: 403, message: SIGNATURE_MISMATCH };
  if (!crypto.timingSafeEqual(Buffer.from(ours[2]), Buffer.from(signature))) return { ok: false, status: 403, message: SIGNATURE_MISMATCH };
  return { ok: true, status: 200, message: `signed by ${keyId}`, principal: cred.principal };
}
