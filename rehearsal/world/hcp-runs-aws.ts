// An HCP Terraform run's AWS dynamic credentials: the run presents its workload identity token
// (issuer `https://<hostname>`, audience `aws.workload.identity`, the same subject as on Azure) to
// STS AssumeRoleWithWebIdentity for the role in TFC_AWS_RUN_ROLE_ARN (TFC_AWS_PLAN_ROLE_ARN for
// plans), and STS grants it only when the account trusts the issuer (an IAM OIDC provider) and the
// role's trust policy matches audience and subject. HCP's AWS page writes the subject condition with
// `StringLike`, whose `*` matches any run of characters and `?` one character:
// https://developer.hashicorp.com/terraform/cloud-docs/dynamic-provider-credentials/aws-configuration#configure-aws ,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String ,
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html (AccessDenied, InvalidIdentityToken).
import { SimError } from './errors';
import { hcpBackends } from './hcp-runs';
import { WorldOps } from './ops';
import { HCP_ORGANIZATIONS } from './rules/tfe';

/** A role made by hand before any deploy, with its trust policy's conditions on HCP's token. */
export interface HcpAwsRole {
  readonly issuerHost: string;
  readonly audience: string;
  /** StringLike patterns of the `sub` condition. */
  readonly subjectLike: readonly string[];
}

/** Accounts' IAM OIDC providers for HCP (issuer hosts) and the roles HCP runs assume. */
export const HCP_AWS_OIDC_PROVIDERS: readonly string[] = ['app.terraform.io'];
export const HCP_AWS_ROLES: Readonly<Record<string, HcpAwsRole>> = {
  'arn:aws:iam::123456789012:role/hcp-terraform-runs': {
    issuerHost: 'app.terraform.io',
    audience: 'aws.workload.identity',
    // One pattern per fleet (R25HE's EKS cluster fleet and its EKS node-pool fleet): `bg-r25he-*` does not match `bg-r25hep-…`.
    subjectLike: [
      'organization:bluegreen-rehearsal:project:platform-bluegreen:workspace:bg-r25he-*:run_phase:*',
      'organization:bluegreen-rehearsal:project:platform-bluegreen:workspace:bg-r25hep-*:run_phase:*',
    ],
  },
};

/** IAM's StringLike: `*` any run of characters, `?` exactly one, everything else literal, case-sensitive. */
export function stringLike(pattern: string, value: string): boolean {
  const re = new RegExp(`^${[...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 's');
  return re.test(value);
}

/** Like hcpRunAzureCheck, for the aws provider's calls of a stack held by a workspace. */
export function hcpRunAwsCheck(ops: WorldOps, stack: string, phase: 'plan' | 'apply', worldFile?: string): string | undefined {
  const backend = hcpBackends(worldFile)[stack];
  if (!backend) return undefined;
  const where = `HCP Terraform run (${phase} phase) of workspace ${backend.workspace}: configuring Terraform AWS Provider`;
  const ws = ops.find('tfe_workspace', (o) => o.attrs.organization === backend.organization && o.attrs.name === backend.workspace);
  if (!ws) throw new SimError(`${where}: no valid credential sources found`, `workspace ${backend.workspace} does not exist in organization ${backend.organization}; terraform init would create it with the organization's defaults (remote execution, no dynamic credentials)`);
  const mode = String(ops.find('tfe_workspace_settings', (o) => o.attrs.workspace_id === ws.id)?.attrs.execution_mode ?? 'remote');
  if (mode === 'local') return undefined;
  const env = Object.fromEntries(ops.all('tfe_variable', (o) => o.attrs.workspace_id === ws.id && o.attrs.category === 'env').map((o) => [String(o.attrs.key), o.attrs.value]));
  if (env.TFC_AWS_PROVIDER_AUTH !== 'true') throw new SimError(`${where}: no valid credential sources found`, `the workspace runs in ${mode} mode without TFC_AWS_PROVIDER_AUTH=true: no dynamic credentials, and static ones are refused`);
  const roleArn = String((phase === 'plan' ? env.TFC_AWS_PLAN_ROLE_ARN : undefined) ?? env.TFC_AWS_RUN_ROLE_ARN ?? '');
  const project = HCP_ORGANIZATIONS[backend.organization]?.projects[String(ws.attrs.project_id)] ?? '';
  const subject = `organization:${backend.organization}:project:${project}:workspace:${backend.workspace}:run_phase:${phase}`;
  const denied = (why: string) => new SimError(`${where}: operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity`, `role ${roleArn.slice(0, 120)}, subject '${subject}': ${why}`);
  if (!HCP_AWS_OIDC_PROVIDERS.includes(backend.hostname)) throw new SimError(`${where}: operation error STS: AssumeRoleWithWebIdentity, api error InvalidIdentityToken: No OpenIDConnect provider found in your account for https://${backend.hostname}`, 'the account has no IAM OIDC provider for this HCP host');
  const role = HCP_AWS_ROLES[roleArn];
  if (!role) throw denied('no such role in the account');
  if (role.issuerHost !== backend.hostname || role.audience !== 'aws.workload.identity') throw denied('the trust policy names another issuer or audience');
  if (!role.subjectLike.some((p) => stringLike(p, subject))) throw denied(`no StringLike pattern of the trust policy matches (${role.subjectLike.join(', ')})`);
  return `STS credentials for the ${phase} run of ${backend.workspace} as ${roleArn}`;
}
