// Issue 19 item 4 / issue 20 item 4: a fleet whose stacks run in HCP Terraform workspaces (HcpWorkspaces,
// agent execution, Azure dynamic credentials). The world serves the tfe provider (world/rules/tfe.ts)
// and judges every azurerm call of a fleet stack as its workspace's run, plan or apply phase, with
// Entra's exact-subject match and propagation (world/hcp-runs.ts).
import { HcpRuns } from './app-fleets';
import { trafficStack, unitStack } from './checks';
import { ScenarioDef, StepView } from './model';

const HCP: HcpRuns = {
  organization: 'bluegreen-rehearsal',
  workspacePrefix: 'bg-',
  projectId: 'prj-PlatformBlueGreen1',
  projectName: 'platform-bluegreen',
  agentPoolId: 'apool-RehearsalAgents01',
  runClientId: '44444444-4444-4444-4444-444444444444',
  tenantId: '33333333-3333-3333-3333-333333333333',
  runIdentityId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/hcp-identities-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/hcp-runs',
};

/**
 * The world saw a granted run of each of these stacks' workspaces: its log's `hcp-run` rows (written
 * by the world when Entra exchanged the run's token), not the library's files. Plan phase for every
 * stack; apply phase where the apply changes Azure objects (a validation stack only reads Azure:
 * the world judges calls, not the provider's configuration, so its apply phase is not seen).
 */
function ranInWorkspaces(v: StepView, stacks: string[]): string[] {
  const problems: string[] = [];
  for (const stack of stacks) {
    for (const phase of stack.includes('-validate-') ? ['plan'] : ['plan', 'apply']) {
      const run = v.actions.find((a) => a.action === 'hcp-run' && a.stack === stack && a.name === phase);
      if (!run) problems.push(`no granted HCP ${phase} run of ${stack}'s workspace in the world's log`);
      else if (!String(run.detail).includes(`run of ${HCP.workspacePrefix}${stack} through`)) problems.push(`the ${phase} run of ${stack} was granted for another workspace: ${String(run.detail)}`);
    }
  }
  return problems;
}

function unitStacks(v: StepView, fleet: string, slot: string): string[] {
  const name = v.unitNames(fleet)[slot];
  return name ? [unitStack(fleet, name), `${fleet}-validate-${name}`] : [`(no unit in slot ${slot})`];
}

export const HCP_SCENARIOS: ScenarioDef[] = [
  {
    id: 'R25H',
    text: "AKS behind Front Door with every stack in an HCP Terraform workspace (agent runs, Azure dynamic credentials): the workspaces, their settings and variables are applied to the simulated tfe provider, and every run's plan and apply token is exchanged by Entra through the credential the library made for that workspace and phase",
    fleets: [{ name: 'r25h', kind: 'aks-frontdoor', version: '1.33', policy: { canaryWeight: 10, maxWeightStep: 40 }, hcp: HCP }],
    steps: [
      { label: 'first deploy: blue 1.33 serves 100; the bootstrap stack makes its workspaces first', verify: (v) => ranInWorkspaces(v, ['r25h-shared', trafficStack('r25h'), ...unitStacks(v, 'r25h', 'blue')]) },
      { label: "start 1.34: green candidate, its two new workspaces' runs", cli: [['r25h', 'start', '1.34']], verify: (v) => ranInWorkspaces(v, unitStacks(v, 'r25h', 'green')) },
    ],
  },
];
