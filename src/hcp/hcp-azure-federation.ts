import type * as FederatedIdentityCredentialModule from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import type * as AzurermProviderModule from '@cdktf/provider-azurerm/lib/provider';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { Sleep } from '@cdktf/provider-time/lib/sleep';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { fitName, NameRule } from '../core/naming';
import { HcpAzureDynamicCredentials } from './hcp-credentials';

/** Federated identity credentials one managed identity may hold (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations). */
export const HCP_MAX_FEDERATED_CREDENTIALS = 20;
/**
 * How long a new federated credential may go unused by Entra: token requests "might fail for a
 * couple of minutes" after one is added, while Entra's cache refreshes (taken as 120 s).
 * https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster
 */
export const HCP_FEDERATION_PROPAGATION_SECONDS = 120;
const IDENTITY_ID = /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/([^/]{1,90})\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]{3,128})$/i;
const FIC_NAME: NameRule = { what: 'federated identity credential name', minLength: 3, maxLength: 120, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/, description: '3-120 letters, digits, "-" and "_", starting with a letter or digit', replacement: '-', lowercase: false };

/** One federated credential an HCP run needs: a workspace and a run phase, on an identity. */
export interface HcpFederation {
  readonly fleet: string;
  readonly field: string;
  readonly identityId: string;
  readonly workspace: string;
  readonly phase: 'plan' | 'apply';
}

/** The subject of an HCP run's identity token (HCP "dynamic provider credentials" workload identity page). */
export function hcpRunSubject(organization: string, project: string, workspace: string, phase: string): string {
  return `organization:${organization}:project:${project}:workspace:${workspace}:run_phase:${phase}`;
}

/** The federated credentials of one workspace whose runs use Azure dynamic credentials (none without identity ids). */
export function hcpFederationsOf(fleet: string, index: number, azure: HcpAzureDynamicCredentials, workspace: string): HcpFederation[] {
  if (azure.runIdentityId === undefined && azure.planIdentityId === undefined) return [];
  const check = (field: string, v: unknown): string => {
    if (typeof v !== 'string' || !IDENTITY_ID.test(v)) {
      throw new BlueGreenError({
        fleet, field: `fleets[${index}].azure.${field}`, value: show(typeof v === 'string' ? v.slice(0, 160) : v),
        rule: 'an identity is the resource id of a user-assigned managed identity', fix: `${field}: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/hcp-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/hcp-${fleet}'`,
      });
    }
    return v;
  };
  const run = check('runIdentityId', azure.runIdentityId);
  const plan = azure.planIdentityId !== undefined ? check('planIdentityId', azure.planIdentityId) : run;
  return [
    { fleet, field: `fleets[${index}].azure.${azure.planIdentityId !== undefined ? 'planIdentityId' : 'runIdentityId'}`, identityId: plan, workspace, phase: 'plan' },
    { fleet, field: `fleets[${index}].azure.runIdentityId`, identityId: run, workspace, phase: 'apply' },
  ];
}

/**
 * Creates the federated credentials of HCP runs next to the workspaces (the bootstrap stack), so
 * every workspace is trusted for its plan and apply phases before a run of it starts; refuses what
 * Entra would: more than 20 on one identity, counted over every fleet of this construct.
 */
export function bindHcpFederations(scope: Construct, federations: HcpFederation[], hostname: string, organization: string, project: string): void {
  if (federations.length === 0) return;
  const perIdentity = new Map<string, HcpFederation[]>();
  for (const f of federations) perIdentity.set(f.identityId.toLowerCase(), [...(perIdentity.get(f.identityId.toLowerCase()) ?? []), f]);
  for (const list of perIdentity.values()) {
    if (list.length > HCP_MAX_FEDERATED_CREDENTIALS) {
      const fleets = [...new Set(list.map((f) => f.fleet))];
      throw new BlueGreenError({
        fleet: fleets.join(', '), field: list[0].field, value: show(list[0].identityId),
        rule: `HCP matches a run's subject exactly, so each workspace needs one federated credential per run phase: ${new Set(list.map((f) => f.workspace)).size} workspaces need ${list.length} on this identity, more than the ${HCP_MAX_FEDERATED_CREDENTIALS} Entra allows`,
        fix: fleets.length > 1 ? 'give each fleet its own identity (azure.runIdentityId)' : 'a separate planIdentityId for the plan phase, or fewer units at once',
      });
    }
  }
  // Loaded only when Azure runs are federated: a team on AWS installs HcpWorkspaces without the azurerm bindings.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { FederatedIdentityCredential } = require('@cdktf/provider-azurerm/lib/federated-identity-credential') as typeof FederatedIdentityCredentialModule;
  const { AzurermProvider } = require('@cdktf/provider-azurerm/lib/provider') as typeof AzurermProviderModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const subscriptions = [...new Set(federations.map((f) => IDENTITY_ID.exec(f.identityId)![1].toLowerCase()))];
  const stack = TerraformStack.of(scope);
  if (!stack.node.tryFindChild('azurerm-hcp-identities')) {
    // The identities' subscription; the bootstrap stack's run (local, in CI) signs in as the CI job does.
    new AzurermProvider(stack, 'azurerm-hcp-identities', { features: [{}], subscriptionId: subscriptions[0] });
  }
  if (subscriptions.length > 1) {
    throw new BlueGreenError({ fleet: federations[0].fleet, field: 'azure.runIdentityId', value: show(subscriptions.join(', ')), rule: 'the HCP run identities of one HcpWorkspaces live in one subscription', fix: 'create the run identities in one subscription' });
  }
  const credentials = federations.map((f) => {
    const [, , rg] = IDENTITY_ID.exec(f.identityId)!;
    return new FederatedIdentityCredential(scope, `hcp-${f.workspace}-${f.phase}`, {
      name: fitName(FIC_NAME, ['hcp', f.workspace, f.phase]),
      resourceGroupName: rg,
      parentId: f.identityId,
      issuer: `https://${hostname}`,
      subject: hcpRunSubject(organization, project, f.workspace, f.phase),
      audience: ['api://AzureADTokenExchange'],
    });
  });
  // The fleet stacks run right after this stack (they depend on it): its apply ends only once
  // Entra can use every credential. Triggers name them all, so a step that adds a workspace waits again.
  if (!stack.node.tryFindChild('time')) new TimeProvider(stack, 'time');
  new Sleep(scope, 'hcp-federation-propagation', {
    createDuration: `${HCP_FEDERATION_PROPAGATION_SECONDS}s`,
    triggers: { credentials: credentials.map((c) => c.nameInput ?? '').join(',') },
    dependsOn: credentials,
  });
}
