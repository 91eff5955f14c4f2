// An HCP Terraform run's Azure dynamic credentials (issue 19 item 4): the run presents its workload
// identity token (issuer `https://<hostname>`, audience `api://AzureADTokenExchange`, subject
// `organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>`), and Entra
// exchanges it only when a federated identity credential of the identity matches issuer, subject and
// audience exactly — HCP's Azure page: one credential per workspace and run phase
// (https://developer.hashicorp.com/terraform/cloud-docs/dynamic-provider-credentials/azure-configuration#configure-microsoft-entra-id ,
// https://developer.hashicorp.com/terraform/cloud-docs/dynamic-provider-credentials/workload-identity-tokens#token-structure).
// A new credential is used only after its propagation (pod-identity.ts, FIC_PROPAGATION_SECONDS).
// On AWS the role's trust policy may use StringLike wildcards on the same subject
// (…/dynamic-provider-credentials/aws-configuration), so a pattern covers many workspaces: not refused here.
import { WorldOps } from './ops';
import { CloudAccess, FIC_PROPAGATION_SECONDS } from './pod-identity';

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
