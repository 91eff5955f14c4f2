import { BlueGreenError, show } from '../core/errors';

/**
 * Azure workload identity for runs in HCP Terraform or on its agents ("dynamic provider
 * credentials"): the run exchanges its signed identity token for an Entra ID token of this
 * application, so no client secret exists anywhere.
 * https://developer.hashicorp.com/terraform/cloud-docs/dynamic-provider-credentials/azure-configuration#configure-hcp-terraform
 */
export interface HcpAzureDynamicCredentials {
  /** Client id of the app registration / managed identity that plans and applies (`TFC_AZURE_RUN_CLIENT_ID`). */
  readonly runClientId: string;
  /** A read-only identity for plans, e.g. a PR's speculative plan (`TFC_AZURE_PLAN_CLIENT_ID`). @default - runClientId */
  readonly planClientId?: string;
  /**
   * Entra ID tenant (`ARM_TENANT_ID`). Required: the library's azurerm provider sets the
   * subscription but not the tenant, and HCP's page asks for both.
   */
  readonly tenantId: string;
  /**
   * Resource id of the user-assigned managed identity whose client id is `runClientId`
   * (`/subscriptions/.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`). Given,
   * {@link HcpWorkspaces} manages its federated identity credentials with the workspaces: Entra
   * matches an HCP run's subject exactly, so every workspace that runs on Azure needs one credential
   * per run phase (`organization:<org>:project:<project>:workspace:<ws>:run_phase:apply`, and `plan`
   * unless `planIdentityId` takes the plans), and synth refuses more than the 20 an identity holds.
   * @see https://developer.hashicorp.com/terraform/cloud-docs/dynamic-provider-credentials/azure-configuration#configure-microsoft-entra-id
   * @default - none: the credentials are yours to create, one per workspace and run phase
   */
  readonly runIdentityId?: string;
  /** Resource id of the identity behind `planClientId`, which then holds the plan-phase credentials. @default - runIdentityId */
  readonly planIdentityId?: string;
}

/**
 * AWS workload identity for runs in HCP Terraform or on its agents: the run assumes this role with
 * its signed identity token (`AssumeRoleWithWebIdentity`), so no access key exists anywhere.
 * https://developer.hashicorp.com/terraform/cloud-docs/dynamic-provider-credentials/aws-configuration#configure-hcp-terraform
 */
export interface HcpAwsDynamicCredentials {
  /** Role that plans and applies (`TFC_AWS_RUN_ROLE_ARN`). */
  readonly runRoleArn: string;
  /** A read-only role for plans, e.g. a PR's speculative plan (`TFC_AWS_PLAN_ROLE_ARN`). @default - runRoleArn */
  readonly planRoleArn?: string;
}

/** A non-secret workspace variable (an environment variable of every run). */
export interface HcpWorkspaceVariable {
  /** Environment variable name, e.g. `ARM_SUBSCRIPTION_ID`. */
  readonly key: string;
  /** Its value: an id or a setting, never a secret. */
  readonly value: string;
}

/** One environment variable the library writes on a workspace. */
export interface EnvVariable {
  readonly key: string;
  readonly value: string;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ROLE_ARN = /^arn:aws(-cn|-us-gov|-iso[a-z]?)?:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;

/** The environment variables of Azure dynamic credentials (names from the page above, "Configure HCP Terraform"). */
export function azureCredentialVariables(fleet: string, c: HcpAzureDynamicCredentials): EnvVariable[] {
  const guid = (field: string, v: unknown) => {
    if (typeof v !== 'string' || !GUID.test(v)) {
      throw new BlueGreenError({ fleet, field: `azure.${field}`, value: show(v), rule: 'an Entra ID client or tenant id is a GUID', fix: `azure: { ${field}: '00000000-0000-0000-0000-000000000000' }` });
    }
  };
  guid('runClientId', c.runClientId);
  if (c.planClientId !== undefined) guid('planClientId', c.planClientId);
  guid('tenantId', c.tenantId);
  const vars: EnvVariable[] = [
    { key: 'TFC_AZURE_PROVIDER_AUTH', value: 'true' },
    { key: 'TFC_AZURE_RUN_CLIENT_ID', value: c.runClientId },
  ];
  // The plan-phase id overrides the run id for plans only; applies keep the run id.
  if (c.planClientId) vars.push({ key: 'TFC_AZURE_PLAN_CLIENT_ID', value: c.planClientId });
  vars.push({ key: 'ARM_TENANT_ID', value: c.tenantId });
  return vars;
}

/** The environment variables of AWS dynamic credentials (names from the page above, "Configure HCP Terraform"). */
export function awsCredentialVariables(fleet: string, c: HcpAwsDynamicCredentials): EnvVariable[] {
  const arn = (field: string, v: unknown) => {
    if (typeof v !== 'string' || !ROLE_ARN.test(v)) {
      throw new BlueGreenError({ fleet, field: `aws.${field}`, value: show(v), rule: 'an IAM role ARN is arn:aws:iam::<12-digit account>:role/<name>', fix: `aws: { ${field}: 'arn:aws:iam::123456789012:role/hcp-terraform-deployer' }` });
    }
  };
  arn('runRoleArn', c.runRoleArn);
  if (c.planRoleArn !== undefined) arn('planRoleArn', c.planRoleArn);
  const vars: EnvVariable[] = [
    { key: 'TFC_AWS_PROVIDER_AUTH', value: 'true' },
    { key: 'TFC_AWS_RUN_ROLE_ARN', value: c.runRoleArn },
  ];
  if (c.planRoleArn) vars.push({ key: 'TFC_AWS_PLAN_ROLE_ARN', value: c.planRoleArn });
  return vars;
}

/**
 * Variable names that hold a static credential: the azurerm provider's client secret and
 * certificate, storage keys, AWS access keys, GCP keys, Kubernetes client credentials and HCP's
 * own API tokens. Anything named like a secret is refused too.
 */
const STATIC_CREDENTIALS = new Set([
  'ARM_CLIENT_SECRET', 'ARM_CLIENT_CERTIFICATE', 'ARM_CLIENT_CERTIFICATE_PATH', 'ARM_CLIENT_CERTIFICATE_PASSWORD',
  'ARM_ACCESS_KEY', 'ARM_SAS_TOKEN', 'ARM_OIDC_TOKEN', 'ARM_OIDC_REQUEST_TOKEN',
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_WEB_IDENTITY_TOKEN_FILE',
  'GOOGLE_CREDENTIALS', 'GOOGLE_APPLICATION_CREDENTIALS',
  'KUBECONFIG', 'KUBE_CONFIG_PATH', 'KUBE_TOKEN', 'KUBE_CLIENT_KEY_DATA', 'KUBE_CLIENT_CERT_DATA', 'KUBE_PASSWORD',
  'TFE_TOKEN', 'ATLAS_TOKEN',
]);
const SECRET_LIKE = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_KEY|ACCESS_KEY|CLIENT_KEY|CREDENTIAL)/i;
// HCP's Azure page: with dynamic credentials, set none of these (they would override the exchange).
const AZURE_CONFLICTS = new Set(['ARM_CLIENT_ID', 'ARM_USE_OIDC']);

/**
 * Why a workspace variable is refused, or undefined when it may be written. Static credentials
 * would sit in the workspace and in the bootstrap stack's state; `TFC_*` variables are the
 * library's (set through `azure` / `aws`).
 */
export function refusedVariable(key: string, sensitive: boolean, library = false): { rule: string; fix: string } | undefined {
  const upper = key.toUpperCase();
  if (sensitive) {
    return { rule: 'a workspace variable never holds a secret (a sensitive value would also sit in the bootstrap stack\'s state)', fix: 'use dynamic provider credentials (azure: { runClientId } or aws: { runRoleArn }) and drop the variable' };
  }
  if (STATIC_CREDENTIALS.has(upper) || upper.startsWith('TF_TOKEN_') || SECRET_LIKE.test(upper)) {
    return { rule: 'static credentials are never workspace variables: runs get short-lived credentials through workload identity', fix: 'drop the variable and pass azure: { runClientId } or aws: { runRoleArn }' };
  }
  if (AZURE_CONFLICTS.has(upper)) {
    return { rule: `${upper} interferes with dynamic provider credentials, which supply the client id themselves`, fix: 'drop the variable; azure: { runClientId } sets TFC_AZURE_RUN_CLIENT_ID' };
  }
  if (upper.startsWith('TFC_') && !library) {
    return { rule: 'TFC_* variables are written by the library from the azure / aws options', fix: 'set azure: { runClientId } or aws: { runRoleArn } instead' };
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(key)) {
    return { rule: 'an environment variable name is letters, digits and "_", not starting with a digit', fix: "key: 'ARM_SUBSCRIPTION_ID'" };
  }
  return undefined;
}
