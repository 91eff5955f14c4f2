// No credential in Terraform state (DESIGN.md invariant 8; issue 10 item 13): the kubernetes provider
// reaches a cluster with credentials fetched per call (exec plugins), so no state file of the app may
// hold a cluster token the world issued. The simulated `aws_eks_cluster_auth` signs tokens in the
// documented `k8s-aws-v1.` form (aws-iam-authenticator token format), which is what this looks for.
import * as fs from 'fs';
import * as path from 'path';

/** Token prefixes the world issues for cluster access (see rehearsal/world/rules/aws.ts, eks_cluster_auth). */
const TOKEN_PATTERNS: Array<{ what: string; re: RegExp }> = [
  { what: 'an EKS cluster token (k8s-aws-v1.…)', re: /k8s-aws-v1\.[A-Za-z0-9_-]{8,}/ },
];

/** Every state file of the app that holds a cluster credential, as "file: what" lines. */
export function credentialsInState(appDir: string, stackPrefixes: string[]): string[] {
  const found: string[] = [];
  for (const file of stateFiles(appDir)) {
    const base = path.basename(file);
    if (stackPrefixes.length && !stackPrefixes.some((p) => base.includes(p))) continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const p of TOKEN_PATTERNS) {
      if (p.re.test(text)) found.push(`${path.relative(appDir, file)} holds ${p.what}: credentials must never reach Terraform state`);
    }
  }
  return found;
}

function stateFiles(dir: string, depth = 0): string[] {
  if (depth > 4 || !fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === '.terraform') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...stateFiles(p, depth + 1));
    else if (/\.tfstate(\.backup)?$/.test(e.name)) out.push(p);
  }
  return out;
}
