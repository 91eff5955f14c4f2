/**
 * The program the in-unit gate Job runs (Python 3 standard library only, so a pinned stock
 * `python` image serves). It reads its settings from the env var GATE (JSON, no secret in it),
 * gets a token from the pod's workload identity where the service needs one, runs the unit's and
 * the baseline's queries against `/api/v1/query`, judges them as `judgeGate` in
 * src/core/metric-gates.ts does, prints one line, and exits 1 on a breach (the Job fails, so the
 * validation stack fails and nothing shifts). No credential is printed or written anywhere.
 *
 * - Prometheus HTTP API, instant query and its JSON answer:
 *   https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries
 * - Azure Monitor workspace: a Microsoft Entra token for https://prometheus.monitor.azure.com,
 *   https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/prometheus-api-promql ; the
 *   pod gets it through AKS workload identity (AZURE_CLIENT_ID, AZURE_TENANT_ID,
 *   AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST injected by the webhook), exchanged as a client
 *   assertion: https://learn.microsoft.com/en-us/azure/aks/workload-identity-overview
 * - Amazon Managed Service for Prometheus: every query is signed with SigV4 (service `aps`),
 *   https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-onboard-query-APIs.html ; the
 *   pod's credentials come from IRSA (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE) through STS
 *   AssumeRoleWithWebIdentity: https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html ,
 *   signing per https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv4-create-signed-request.html
 */
export const METRIC_GATE_SCRIPT = String.raw`
import datetime, hashlib, hmac, json, math, os, sys, urllib.parse, urllib.request, xml.etree.ElementTree as ET
g = json.loads(os.environ["GATE"])

def http(url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(req, timeout=20) as r:
        return r.read().decode("utf-8")

def azure_token():
    with open(os.environ["AZURE_FEDERATED_TOKEN_FILE"]) as f:
        assertion = f.read().strip()
    host = os.environ.get("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.com/").rstrip("/")
    body = urllib.parse.urlencode({"client_id": os.environ["AZURE_CLIENT_ID"], "grant_type": "client_credentials",
        "scope": "https://prometheus.monitor.azure.com/.default",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion": assertion}).encode()
    return json.loads(http(host + "/" + os.environ["AZURE_TENANT_ID"] + "/oauth2/v2.0/token", body))["access_token"]

def aws_credentials():
    with open(os.environ["AWS_WEB_IDENTITY_TOKEN_FILE"]) as f:
        token = f.read().strip()
    q = urllib.parse.urlencode({"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": os.environ["AWS_ROLE_ARN"],
        "RoleSessionName": "bluegreen-metric-gate", "WebIdentityToken": token})
    x = ET.fromstring(http("https://sts." + g["region"] + ".amazonaws.com/?" + q))
    find = lambda n: next(e.text for e in x.iter() if e.tag.endswith(n))
    return find("AccessKeyId"), find("SecretAccessKey"), find("SessionToken")

def sigv4_headers(url, creds):
    key, secret, session = creds
    u = urllib.parse.urlsplit(url)
    now = datetime.datetime.now(datetime.timezone.utc)
    stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    pairs = sorted(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
    query = "&".join(urllib.parse.quote(k, safe="-_.~") + "=" + urllib.parse.quote(v, safe="-_.~") for k, v in pairs)
    headers = {"host": u.netloc, "x-amz-date": stamp, "x-amz-security-token": session}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(["GET", urllib.parse.quote(u.path, safe="/-_.~"), query, "".join(k + ":" + headers[k] + "\n" for k in sorted(headers)), signed, hashlib.sha256(b"").hexdigest()])
    scope = day + "/" + g["region"] + "/aps/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (day, g["region"], "aps", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    return {"x-amz-date": stamp, "x-amz-security-token": session,
        "Authorization": "AWS4-HMAC-SHA256 Credential=" + key + "/" + scope + ", SignedHeaders=" + signed + ", Signature=" + sig}

auth = {"azure": azure_token, "amp": aws_credentials}.get(g["auth"], lambda: None)()

def value(url):
    headers = {"Authorization": "Bearer " + auth} if g["auth"] == "azure" else sigv4_headers(url, auth) if g["auth"] == "amp" else {}
    doc = json.loads(http(url, headers=headers))
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
