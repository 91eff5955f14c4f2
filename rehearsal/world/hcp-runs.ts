// An HCP Terraform run's Azure dynamic credentials (issue 19 item 4): the run presents its workload
// identity token (issuer `https://<hostname>`, audience `api://AzureADTokenExchange`, subject
// `organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>`), and Entra
// exchanges it only when a federated identity credential of the identity matches issuer, subject and
// audience exactly — HCP's Azure page: one credential per workspace and run phase
// (https://developer.hashicorp.com/terraform/cloud-docs/dynamic-provider-credentials/azure-configuration#configure-microsoft-entra-id ,
// https://developer.hashicorp.com/terraform/cloud-docs/dynamic-provider-credentials/workload-identity-tokens#token-structure).
// A new credential is used only after its propagation (pod-identity.ts, FIC_PROPAGATION_SECONDS).
// On AWS the role's trust policy may use StringLike wildcards on the same subject
// (…/dynamic-provider-credentials/aws-configuration), so a pattern covers many workspaces: hcp-runs-aws.ts.
import * as fs from 'fs';
import { SimError } from './errors';
import { WorldOps } from './ops';
import { CloudAccess, FIC_PROPAGATION_SECONDS } from './pod-identity';
import { HCP_ORGANIZATIONS } from './rules/tfe';

export interface HcpRun {
  readonly hostname: string;
  readonly organization: string;
  readonly project: string;
  readonly workspace: string;
  readonly phase: 'plan' | 'apply';
  /** The managed identity the run's client id belongs to (resource id), when the world should check it. */
  readonly identityId?: string;
}

/** Whether Entra exchanges this HCP run's token now. */
export function hcpRunAzureAccess(ops: WorldOps, run: HcpRun): CloudAccess {
  const issuer = `https://${run.hostname}`;
  const subject = `organization:${run.organization}:project:${run.project}:workspace:${run.workspace}:run_phase:${run.phase}`;
  const fic = ops.all('azurerm_federated_identity_credential', (o) => o.attrs.issuer === issuer && o.attrs.subject === subject
    && Array.isArray(o.attrs.audience) && o.attrs.audience.includes('api://AzureADTokenExchange')
    && (run.identityId === undefined || String(o.attrs.parent_id).toLowerCase() === run.identityId.toLowerCase()))[0];
  if (!fic) return { ok: false, detail: `AADSTS700213: No matching federated identity record found for presented assertion subject '${subject}' (issuer ${issuer})` };
  const age = ops.clock - fic.createdAt;
  if (age < FIC_PROPAGATION_SECONDS) return { ok: false, detail: `AADSTS700213: No matching federated identity record found for presented assertion subject '${subject}' (credential ${fic.name} was added ${Math.round(age)} s ago)` };
  return { ok: true, detail: `Entra token for the ${run.phase} run of ${run.workspace} through ${fic.name}` };
}

/**
 * Where a stack's state would live in HCP Terraform: the `remote` backend the library wrote, which
 * the rehearsal replaces by a local one (no HCP to talk to) and records here, per stack, in a file
 * next to the world file (`<world>.hcp-backends.json`, written by the scenario app at synth).
 */
export interface HcpBackend {
  readonly hostname: string;
  readonly organization: string;
  readonly workspace: string;
}

export function hcpBackendsFile(worldFile: string): string {
  return `${worldFile}.hcp-backends.json`;
}

let cached: { file: string; mtimeMs: number; backends: Record<string, HcpBackend> } | undefined;

/** Every recorded HCP backend of the current world (REHEARSAL_WORLD), re-read only when the file changed. */
export function hcpBackends(worldFile: string | undefined = process.env.REHEARSAL_WORLD): Record<string, HcpBackend> {
  if (!worldFile) return {};
  const file = hcpBackendsFile(worldFile);
  let mtimeMs: number;
  try { mtimeMs = fs.statSync(file).mtimeMs; } catch { return {}; }
  if (cached?.file !== file || cached.mtimeMs !== mtimeMs) cached = { file, mtimeMs, backends: JSON.parse(fs.readFileSync(file, 'utf8')) };
  return cached.backends;
}

/** The stack whose state a workspace holds (its recorded backend), if any. */
export function hcpStackOfWorkspace(organization: string, workspace: string): string | undefined {
  return Object.entries(hcpBackends()).find(([, b]) => b.organization === organization && b.workspace === workspace)?.[0];
}

/**
 * Entra app registrations that exist before any deploy (made by hand, like the organization): the
 * client id HCP runs present (`TFC_AZURE_RUN_CLIENT_ID` / `TFC_AZURE_PLAN_CLIENT_ID`) → the
 * user-assigned managed identity it belongs to, whose federated credentials decide the exchange.
 */
export const HCP_RUN_IDENTITIES: Readonly<Record<string, string>> = {
  '44444444-4444-4444-4444-444444444444': '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/hcp-identities-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/hcp-runs',
  '55555555-5555-5555-5555-555555555555': '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/hcp-identities-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/hcp-runs-pools',
};

/**
 * An azurerm call made by a run of an HCP workspace (the stack's recorded backend names it): the
 * run's phase presents its identity token and Entra must exchange it, else the azurerm provider
 * cannot authenticate and the run fails with Entra's answer. A workspace that does not exist, that
 * runs in `local` mode (the CI job's own login: not checked) or whose runs have no Azure dynamic
 * credentials follows HCP's Azure page ("Configure HCP Terraform": TFC_AZURE_PROVIDER_AUTH,
 * TFC_AZURE_RUN_CLIENT_ID, TFC_AZURE_PLAN_CLIENT_ID overriding it for plans).
 * Returns what the run was granted (for the log), or undefined when the stack is no HCP run.
 */
export function hcpRunAzureCheck(ops: WorldOps, stack: string, phase: 'plan' | 'apply', worldFile?: string): string | undefined {
  const backend = hcpBackends(worldFile)[stack];
  if (!backend) return undefined;
  const where = `HCP Terraform run (${phase} phase) of workspace ${backend.workspace}`;
  const ws = ops.find('tfe_workspace', (o) => o.attrs.organization === backend.organization && o.attrs.name === backend.workspace);
  // The remote backend would create it with the organization's defaults (remote execution, no
  // variables): such a run has no Azure credentials at all.
  if (!ws) throw new SimError(`${where}: building AzureRM Client: no credentials`, `workspace ${backend.workspace} does not exist in organization ${backend.organization}; terraform init would create it with the organization's defaults (remote execution, no dynamic credentials)`);
  const mode = String(ops.find('tfe_workspace_settings', (o) => o.attrs.workspace_id === ws.id)?.attrs.execution_mode ?? 'remote');
  if (mode === 'local') return undefined;
  const env = Object.fromEntries(ops.all('tfe_variable', (o) => o.attrs.workspace_id === ws.id && o.attrs.category === 'env').map((o) => [String(o.attrs.key), o.attrs.value]));
  if (env.TFC_AZURE_PROVIDER_AUTH !== 'true') throw new SimError(`${where}: building AzureRM Client: no credentials`, `the workspace runs in ${mode} mode without TFC_AZURE_PROVIDER_AUTH=true: no dynamic credentials, and static ones are refused`);
  const clientId = String((phase === 'plan' ? env.TFC_AZURE_PLAN_CLIENT_ID : undefined) ?? env.TFC_AZURE_RUN_CLIENT_ID ?? '');
  const identityId = HCP_RUN_IDENTITIES[clientId];
  if (!identityId) throw new SimError(`${where}: AADSTS700016: Application with identifier '${clientId.slice(0, 40)}' was not found in the directory`, 'the client id of the run is no app registration or managed identity of the tenant');
  const project = HCP_ORGANIZATIONS[backend.organization]?.projects[String(ws.attrs.project_id)] ?? '';
  const access = hcpRunAzureAccess(ops, { hostname: backend.hostname, organization: backend.organization, project, workspace: backend.workspace, phase, identityId });
  if (!access.ok) throw new SimError(`${where}: ${access.detail}`, 'HCP matches the subject of a run exactly: each workspace needs one federated identity credential per run phase');
  return access.detail;
}
