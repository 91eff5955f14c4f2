/**
 * The program the in-unit gate Job runs. It reads its settings from the env var GATE (JSON, no
 * secret in it), runs the unit's and the baseline's queries against `/api/v1/query`, judges them as
 * `judgeGate` in src/core/metric-gates.ts does, prints one line, and exits 1 on a breach (the Job
 * fails, so the validation stack fails and nothing shifts). No credential is printed or written.
 * Authentication is left to maintained libraries in the gate image, never written here:
 *
 * - Prometheus HTTP API, instant query and its JSON answer:
 *   https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries
 * - Azure Monitor workspace: a Microsoft Entra token for https://prometheus.monitor.azure.com
 *   (https://learn.microsoft.com/azure/azure-monitor/essentials/prometheus-api-promql) from
 *   `azure.identity.WorkloadIdentityCredential`, which reads what the AKS workload identity webhook
 *   injects (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST),
 *   exchanges it, caches and refreshes the token and retries transient failures:
 *   https://learn.microsoft.com/python/api/azure-identity/azure.identity.workloadidentitycredential
 * - Every query URL is sent with its query string percent-encoded as RFC 3986 says (`(` as `%28`):
 *   that is the form SigV4 signs (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html,
 *   "CanonicalQueryString"), and botocore signs the query exactly as it is given, so a URL whose
 *   PromQL keeps `(` or `)` literal would be refused by Amazon Managed Prometheus as a signature
 *   mismatch. A Prometheus server reads either form.
 * - Amazon Managed Service for Prometheus: every query signed with SigV4, service `aps`
 *   (https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-onboard-query-APIs.html), by
 *   `botocore.auth.SigV4Auth` with the credentials of botocore's default chain — EKS Pod Identity's
 *   container credential provider (AWS_CONTAINER_CREDENTIALS_FULL_URI), web identity (IRSA) or any
 *   other source, refreshed before they expire:
 *   https://boto3.amazonaws.com/v1/documentation/api/latest/guide/credentials.html ,
 *   https://docs.aws.amazon.com/eks/latest/userguide/pod-id-minimum-sdk.html
 */
export const METRIC_GATE_SCRIPT = String.raw`
import json, math, os, sys, time, urllib.error, urllib.parse, urllib.request
g = json.loads(os.environ["GATE"])

def rfc3986(url):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.urlencode(urllib.parse.parse_qsl(parts.query, keep_blank_values=True), quote_via=urllib.parse.quote)
    return urllib.parse.urlunsplit(parts._replace(query=query))

def authorizer():
    if g["auth"] == "azure":
        from azure.identity import WorkloadIdentityCredential
        credential = WorkloadIdentityCredential()
        return lambda url: {"Authorization": "Bearer " + credential.get_token("https://prometheus.monitor.azure.com/.default").token}
    if g["auth"] == "amp":
        import botocore.session
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        credentials = botocore.session.get_session().get_credentials()
        if credentials is None:
            raise SystemExit("gate " + g["gate"] + ": no AWS credentials (no pod identity association or IRSA for this service account)")
        def sign(url):
            request = AWSRequest(method="GET", url=url)
            SigV4Auth(credentials, "aps", g["region"]).add_auth(request)
            return dict(request.headers.items())
        return sign
    return lambda url: {}

headers_for = authorizer()

def http(url):
    url = rfc3986(url)
    for attempt in range(3):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers_for(url)), timeout=20) as r:
                return r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            if e.code < 500 or attempt == 2:
                raise
        except urllib.error.URLError:
            if attempt == 2:
                raise
        time.sleep(2 ** attempt)

def value(url):
    doc = json.loads(http(url))
    if doc.get("status") != "success":
        raise SystemExit("gate " + g["gate"] + ": the query failed: " + str(doc.get("error"))[:200])
    result = doc["data"]["result"]
    if not result:
        return None
    v = float(result[0]["value"][1])
    return None if math.isnan(v) else v

v = value(g["url"])
b = value(g["baselineUrl"]) if g.get("baselineUrl") else None
lim, base = g["limits"], g.get("isBaseline")
fmt = lambda n: "no data" if n is None else "%.4g" % n
def threshold():
    rel = None
    if not base and "baselineFactor" in lim and b is not None:
        rel = b * lim["baselineFactor"]
        if "baselineFloor" in lim:
            rel = max(rel, lim["baselineFloor"]) if lim["direction"] == "at-most" else min(rel, lim["baselineFloor"])
    if not base and "baselineOffset" in lim and b is not None:
        rel = b + lim["baselineOffset"]
    if rel is None:
        return lim.get("threshold") if (base or not g["needsBaseline"]) else None
    if "threshold" not in lim:
        return rel
    return min(lim["threshold"], rel) if lim["direction"] == "at-most" else max(lim["threshold"], rel)
if v is None:
    ok = (not base) and b is not None
    t = None
else:
    t = threshold()
    ok = t is not None and (v <= t if lim["direction"] == "at-most" else v >= t)
line = "[%s/%s] SLO gate %s: %s = %s, threshold %s %s (%s), baseline %s = %s" % (g["fleet"], g["unit"], g["gate"], g["query"], fmt(v),
    "<=" if lim["direction"] == "at-most" else ">=", fmt(t), g["limitsText"], g.get("baselineUnit") or "-", fmt(b))
print(("PASS " if ok else "BREACH ") + line + ("" if ok else "; nothing shifts"))
sys.exit(0 if ok else 1)
`;
