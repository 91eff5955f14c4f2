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
 * by the world when Entra or STS exchanged the run's token), not the library's files. Plan phase for
 * every stack that called the cloud in this deploy; apply phase for every stack whose deploy changed
 * an object of the cloud (a validation stack, or a node-pool fleet's traffic stack, only reads it:
 * the world judges calls, not the provider's sign-in, so their apply phase is not seen).
 */
function ranInWorkspaces(v: StepView, stacks: string[], cloud = 'azurerm'): string[] {
  const problems: string[] = [];
  for (const stack of stacks) {
    const calls = v.actions.filter((a) => a.stack === stack && a.provider === cloud && a.action !== 'error');
    if (!calls.length) continue; // no call of the cloud in this deploy (EKS's shared stack on its first step): no token needed
    const changedCloud = calls.some((a) => ['create', 'update', 'delete'].includes(a.action));
    for (const phase of changedCloud ? ['plan', 'apply'] : ['plan']) {
      const run = v.actions.find((a) => a.action === 'hcp-run' && a.stack === stack && a.name === phase);
      if (!run) problems.push(`no granted HCP ${phase} run of ${stack}'s workspace in the world's log`);
      else if (!String(run.detail).includes(`run of ${HCP.workspacePrefix}${stack} `)) problems.push(`the ${phase} run of ${stack} was granted for another workspace: ${String(run.detail)}`);
    }
  }
  return problems;
}

function unitStacks(v: StepView, fleet: string, slot: string): string[] {
  const name = v.unitNames(fleet)[slot];
  return name ? [unitStack(fleet, name), `${fleet}-validate-${name}`] : [`(no unit in slot ${slot})`];
}

/** The node-pool fleet's own identity: one identity holds at most 20 credentials, and both fleets together need 24. */
const HCP_POOLS: HcpRuns = {
  ...HCP,
  runClientId: '55555555-5555-5555-5555-555555555555',
  runIdentityId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/hcp-identities-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/hcp-runs-pools',
};

/** Both AWS fleets of R25HE run as the team's one deployer role (its trust policy has a pattern per fleet). */
const HCP_AWS: HcpRuns = { ...HCP, awsRunRoleArn: 'arn:aws:iam::123456789012:role/hcp-terraform-runs' };

export const HCP_SCENARIOS: ScenarioDef[] = [
  {
    id: 'R25H',
    text: "AKS behind Front Door, and AKS node pools, with every stack in an HCP Terraform workspace (agent runs, Azure dynamic credentials): the workspaces, their settings and variables are applied to the simulated tfe provider, and every run's plan and apply token is exchanged by Entra through the credential the library made for that workspace and phase",
    fleets: [
      { name: 'r25h', kind: 'aks-frontdoor', version: '1.33', policy: { canaryWeight: 10, maxWeightStep: 40 }, hcp: HCP },
      { name: 'r25hp', kind: 'aks-pools', version: '1.33', controlPlane: '1.33', policy: { maxWeightStep: 100 }, hcp: HCP_POOLS },
    ],
    steps: [
      {
        label: 'first deploy: blue 1.33 serves 100 (cluster fleet; node-pool fleet on control plane 1.33); the bootstrap stacks make their workspaces first',
        verify: (v) => ranInWorkspaces(v, ['r25h-shared', trafficStack('r25h'), ...unitStacks(v, 'r25h', 'blue'), 'r25hp-shared', trafficStack('r25hp'), ...unitStacks(v, 'r25hp', 'blue')]),
      },
      {
        label: "start 1.34 in both fleets (the pools' control plane 1.33 → 1.34 first): green candidates, their new workspaces' runs",
        cli: [['r25h', 'start', '1.34'], ['r25hp', 'start', '1.34']],
        controlPlane: { r25hp: '1.34' },
        verify: (v) => ranInWorkspaces(v, [...unitStacks(v, 'r25h', 'green'), ...unitStacks(v, 'r25hp', 'green')]),
      },
    ],
  },
  {
    id: 'R25HE',
    text: "EKS behind Route 53, and EKS node pools, with every stack in an HCP Terraform workspace (agent runs, AWS dynamic credentials): every run's plan and apply token is exchanged by STS for the deployer role, whose trust policy matches each fleet's workspaces with StringLike (the role is the team's, made once)",
    fleets: [
      { name: 'r25he', kind: 'eks-route53', version: '1.33', policy: { canaryWeight: 10, maxWeightStep: 40 }, hcp: HCP_AWS },
      { name: 'r25hep', kind: 'eks-pools', version: '1.33', controlPlane: '1.33', policy: { maxWeightStep: 100 }, hcp: HCP_AWS },
    ],
    steps: [
      {
        label: 'first deploy: blue 1.33 serves 100 (cluster fleet; node-pool fleet on control plane 1.33); the bootstrap stacks make their workspaces first',
        verify: (v) => ranInWorkspaces(v, ['r25he-shared', trafficStack('r25he'), ...unitStacks(v, 'r25he', 'blue'), 'r25hep-shared', trafficStack('r25hep'), ...unitStacks(v, 'r25hep', 'blue')], 'aws'),
      },
      {
        label: "start 1.34 in both fleets (the pools' control plane 1.33 → 1.34 first): green candidates, their new workspaces' runs",
        cli: [['r25he', 'start', '1.34'], ['r25hep', 'start', '1.34']],
        controlPlane: { r25hep: '1.34' },
        verify: (v) => ranInWorkspaces(v, [...unitStacks(v, 'r25he', 'green'), 'r25hep-shared', ...unitStacks(v, 'r25hep', 'green')], 'aws'),
      },
    ],
  },
];
