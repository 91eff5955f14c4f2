import { TfeProvider } from '@cdktf/provider-tfe/lib/provider';
import { Variable } from '@cdktf/provider-tfe/lib/variable';
import { Workspace } from '@cdktf/provider-tfe/lib/workspace';
import { WorkspaceSettings } from '@cdktf/provider-tfe/lib/workspace-settings';
import { App, TerraformBackend, TerraformProvider, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { StackRole } from '../core/plan-report';
import { UnitLifecycle } from '../core/rollout-model';
import { HcpTerraformBackendFactory } from '../rollout/backends';
import { RolloutFleet } from '../rollout/rollout-fleet';
import { awsCredentialVariables, azureCredentialVariables, EnvVariable, HcpAwsDynamicCredentials, HcpAzureDynamicCredentials, HcpWorkspaceVariable, refusedVariable } from './hcp-credentials';
import { bindHcpFederations, HcpFederation, hcpFederationsOf } from './hcp-azure-federation';
import { executionFor, HcpExecution, HcpExecutionPolicy } from './hcp-execution';

/** The workspaces of one fleet: where its stacks run and with which identity. */
export interface HcpFleetWorkspaces {
  /** The fleet, already constructed in this app: its stacks are read from its rollout plan. */
  readonly fleet: RolloutFleet;
  /** Where each role of stack runs. @default - every stack runs locally (HcpExecution.local()) */
  readonly execution?: HcpExecutionPolicy;
  /** Azure workload identity for stacks with an azurerm provider that run remotely or on agents. @default - none (refused if needed) */
  readonly azure?: HcpAzureDynamicCredentials;
  /** AWS workload identity for stacks with an aws provider that run remotely or on agents. @default - none (refused if needed) */
  readonly aws?: HcpAwsDynamicCredentials;
  /** Extra non-secret environment variables of remote and agent runs (e.g. `ARM_SUBSCRIPTION_ID`). @default - none */
  readonly variables?: HcpWorkspaceVariable[];
}

/** Options of {@link HcpWorkspaces}. */
export interface HcpWorkspacesProps {
  /** The backend factory the fleets use: it names the workspaces and holds organization and host. */
  readonly backend: HcpTerraformBackendFactory;
  /** Exact Terraform version of every workspace, e.g. "1.11.4" (a constraint would float). */
  readonly terraformVersion: string;
  /** HCP Terraform project of the workspaces (`prj-…`). @default - the organization's default project */
  readonly projectId?: string;
  /**
   * The name of that project: an HCP run's identity token names its project by name, and the Azure
   * federated credentials the library manages (`azure.runIdentityId`) match it exactly.
   * @default 'Default Project' (the name of an organization's default project)
   */
  readonly projectName?: string;
  /** The fleets whose stacks get a workspace. */
  readonly fleets: HcpFleetWorkspaces[];
  /**
   * Make every stack of these fleets depend on the stack that holds this construct, so one
   * `cdktf deploy '*'` configures the workspaces before any fleet stack touches them.
   * @default true
   */
  readonly deployBeforeFleets?: boolean;
}

/** One workspace as {@link HcpWorkspaces} configured it. */
export interface HcpStackWorkspace {
  /** The fleet. */
  readonly fleet: string;
  /** The stack whose state the workspace holds (a retired unit's validation stack may have left the app). */
  readonly stack: string;
  /** The workspace name. */
  readonly workspace: string;
  /** The stack's role. */
  readonly role: StackRole;
  /** The unit of a unit or validation stack. @default - none */
  readonly unit?: string;
  /** "local", "agent" or "remote". */
  readonly executionMode: string;
  /** Names of the environment variables written on the workspace (values are ids, never secrets). */
  readonly variables: string[];
}

// Providers that talk to a cluster's API or to a unit's origin: such a stack needs the team's network.
const CLUSTER_PROVIDERS = new Set(['kubernetes', 'helm', 'http']);
const EXACT_VERSION = /^\d+\.\d+\.\d+$/;
// HCP Terraform workspace names: letters, digits, "-" and "_"; HCP recommends 90 characters or
// fewer, and the library holds every name to that. https://developer.hashicorp.com/terraform/cloud-docs/workspaces/create
const WORKSPACE_NAME = /^[A-Za-z0-9_-]{1,90}$/;

/**
 * Workspaces as code: one HCP Terraform workspace per stack of every given fleet, named as the
 * fleets' {@link HcpTerraformBackendFactory} names them, in one project, tagged with fleet, role
 * and unit, Terraform version pinned, auto-apply off, destroy plans off, remote state sharing off,
 * execution per stack role, and dynamic provider credentials where runs leave the CI job.
 *
 * Put it in its own stack and deploy that stack first (see docs/hcp-terraform.md): the `remote`
 * backend creates a missing workspace on `terraform init` with the organization's defaults
 * (hosted execution unless changed), which is what this construct exists to prevent.
 *
 * A workspace is kept as long as its stack is in the fleet's plan: a retired unit's (empty) stack
 * keeps its workspace, and so does its validation stack, which the layout already dropped. When a
 * later step forgets the unit, its workspace leaves the configuration and is deleted with HCP's
 * safe delete (`force_delete = false`), which refuses while the workspace still manages resources,
 * so a workspace whose stack was never applied empty survives; the validation workspace goes only
 * after that delete succeeded.
 */
export class HcpWorkspaces extends Construct {
  /** Every workspace, in fleet and plan order. */
  public readonly workspaces: HcpStackWorkspace[] = [];

  constructor(scope: Construct, id: string, props: HcpWorkspacesProps) {
    super(scope, id);
    const version = props.terraformVersion;
    if (typeof version !== 'string' || !EXACT_VERSION.test(version)) {
      throw new BlueGreenError({ fleet: '(workspaces)', field: 'HcpWorkspaces.terraformVersion', value: show(version), rule: 'every workspace pins one exact Terraform version, so a run never picks up a new release by itself', fix: "terraformVersion: '1.11.4'" });
    }
    if (props.projectId !== undefined && !/^prj-[A-Za-z0-9]+$/.test(props.projectId)) {
      throw new BlueGreenError({ fleet: '(workspaces)', field: 'HcpWorkspaces.projectId', value: show(props.projectId), rule: 'a project is given by its id, "prj-" and letters or digits (not its name)', fix: "projectId: 'prj-AbCdEf123456789'" });
    }
    const home = TerraformStack.of(this);
    const app = App.of(this);
    new TfeProvider(this, 'tfe', { hostname: props.backend.hostname, organization: props.backend.organization });

    const federations: HcpFederation[] = [];
    for (const [index, f] of props.fleets.entries()) {
      const plan = f.fleet.plan;
      const fleet = plan.fleet;
      const extra = (f.variables ?? []).map((v) => {
        const refused = refusedVariable(v.key, false);
        if (refused) throw new BlueGreenError({ fleet, field: `variables[${show(v.key)}]`, value: show(v.key), ...refused });
        return { key: v.key, value: v.value };
      });
      const validationWorkspaces = new Map<string, Workspace>();
      // Validation workspaces first, so a unit's workspace can depend on its validation workspace.
      const rows = workspaceRows(f.fleet).sort((a, b) => Number(b.role === StackRole.VALIDATE) - Number(a.role === StackRole.VALIDATE));
      for (const row of rows) {
        const stack = row.retained ? undefined : app.node.tryFindChild(row.name);
        if (!row.retained && !TerraformStack.isStack(stack)) throw new Error(`stack ${row.name} of fleet ${fleet} is not in this app`);
        const workspace = props.backend.workspaceName(row.name);
        if (!WORKSPACE_NAME.test(workspace)) {
          throw new BlueGreenError({ fleet, unit: row.unit, field: 'workspace name', value: show(workspace), rule: `an HCP Terraform workspace name is letters, digits, "-" and "_", at most the 90 characters HCP recommends (this one has ${workspace.length})`, fix: 'a shorter workspacePrefix or fleet name' });
        }
        if (TerraformStack.isStack(stack)) checkBackend(fleet, row.unit, stack, workspace);
        // A retained validation workspace has no stack left: its providers are its unit's cloud plus kubernetes.
        const source = TerraformStack.isStack(stack) ? stack : app.node.findChild(row.unitStack!) as TerraformStack;
        const providers = providersOf(source);
        if (row.retained) providers.add('kubernetes');
        const execution = checkedExecution(fleet, row, executionFor(f.execution, row.role), providers);
        if (execution.runsRemotely) checkNoAliasedCloudProvider(fleet, row, source);
        const env = execution.runsRemotely ? [...credentialVariables(f, fleet, row.name, providers), ...extra] : [];
        if (execution.runsRemotely && providers.has('azurerm') && f.azure) federations.push(...hcpFederationsOf(fleet, index, f.azure, workspace));

        const validation = row.role === StackRole.VALIDATE;
        const scope = new Construct(this, row.name);
        const ws = new Workspace(scope, 'workspace', {
          name: workspace,
          organization: props.backend.organization,
          projectId: props.projectId,
          terraformVersion: version,
          description: `cdktf-bluegreen: ${row.role} stack of fleet ${fleet}${row.unit ? `, unit ${row.unit}` : ''}`,
          // Key-value tags: letters, digits, ":", "-" and "_", 1-255 characters each, as every stack
          // and unit name is. https://developer.hashicorp.com/terraform/cloud-docs/workspaces/tags
          tags: { 'bluegreen-fleet': fleet, 'bluegreen-role': row.role, ...(row.unit ? { 'bluegreen-unit': row.unit } : {}) },
          // Safe delete (HCP refuses to delete a workspace that still manages resources), except for a
          // validation workspace: its state only names check objects inside the unit's cluster, which
          // die with it, and it is deleted only after its unit's workspace (see below).
          forceDelete: validation,
          // No destroy runs from HCP's side: a unit is destroyed only by applying its empty stack.
          allowDestroyPlan: false,
          // A live unit's, the shared and the traffic workspace hold state that must not be replaced.
          lifecycle: { preventDestroy: !validation && !row.retired },
          // Terraform destroys dependents first and keeps this edge in state: when a forgotten unit's
          // two workspaces leave the configuration, the unit's goes first (safe delete, refused while
          // the unit's resources exist) and its validation workspace only after that succeeded.
          dependsOn: row.role === StackRole.UNIT && validationWorkspaces.has(row.unit!) ? [validationWorkspaces.get(row.unit!)!] : undefined,
        });
        if (validation) validationWorkspaces.set(row.unit!, ws);
        // Execution mode and agent pool live on tfe_workspace_settings: the provider deprecated them on
        // tfe_workspace (https://github.com/hashicorp/terraform-provider-tfe/pull/1159).
        new WorkspaceSettings(scope, 'settings', {
          workspaceId: ws.id,
          executionMode: execution.mode,
          agentPoolId: execution.agentPoolId,
          autoApply: false,
          // Stacks find each other by cloud name, never through terraform_remote_state: sharing stays off.
          // https://developer.hashicorp.com/terraform/cloud-docs/workspaces/settings#remote-state-sharing
          globalRemoteState: false,
          remoteStateConsumerIds: [],
        });
        for (const v of env) {
          new Variable(scope, `env-${v.key}`, { workspaceId: ws.id, category: 'env', key: v.key, value: v.value, sensitive: false, description: 'cdktf-bluegreen' });
        }
        this.workspaces.push({ fleet, stack: row.name, workspace, role: row.role, unit: row.unit, executionMode: execution.mode, variables: env.map((v) => v.key) });
        if (TerraformStack.isStack(stack) && (props.deployBeforeFleets ?? true)) {
          if (stack === home) throw new Error(`HcpWorkspaces must live in its own stack, not in ${row.name}`);
          stack.addDependency(home);
        }
      }
    }

    // Issue 20.4: HCP's Azure trust is per workspace and run phase; the credentials come with the workspaces.
    bindHcpFederations(this, federations, props.backend.hostname, props.backend.organization, checkProjectName(props.projectName));
    // Catches tfe_variable resources added next to this construct by hand as well. Thrown, not
    // returned, so synthesizeRollout prints the one-line refusal instead of cdktf's stack trace.
    this.node.addValidation({
      validate: () => {
        const refused = secretVariable(home);
        if (refused) throw refused;
        return [];
      },
    });
  }
}

/** A workspace to declare: one per stack of the plan, plus a retired unit's validation workspace. */
interface WorkspaceRow {
  readonly name: string;
  readonly role: StackRole;
  readonly unit?: string;
  /** A retired unit's stack: its workspace stays, without prevent_destroy. */
  readonly retired: boolean;
  /** A validation workspace kept while its unit is declared retired (its stack left the app). */
  readonly retained: boolean;
  /** The unit's stack, for a retained validation workspace. */
  readonly unitStack?: string;
}

/**
 * Every stack of the fleet's plan, plus the validation workspace of each retired unit: the layout
 * drops a retired unit's validation stack, but an abandoned candidate's checks may still be in that
 * workspace's state, and its (safe) deletion must wait until the unit itself is forgotten.
 */
function workspaceRows(fleet: RolloutFleet): WorkspaceRow[] {
  const plan = fleet.plan;
  const retiredUnits = plan.units.filter((u) => u.lifecycle === UnitLifecycle.RETIRED).map((u) => u.name);
  const rows: WorkspaceRow[] = plan.stacks.map((r) => ({ name: r.name, role: r.role, unit: r.unit, retired: r.role === StackRole.UNIT && retiredUnits.includes(r.unit!), retained: false }));
  for (const unit of retiredUnits) {
    const unitRow = rows.find((r) => r.role === StackRole.UNIT && r.unit === unit)!;
    // The layout names a unit's validation stack `<fleet>-validate-<unit>` (DESIGN.md, "Stack topology").
    const name = `${plan.fleet}-validate-${unit}`;
    if (!rows.some((r) => r.name === name)) rows.push({ name, role: StackRole.VALIDATE, unit, retired: true, retained: true, unitStack: unitRow.name });
  }
  return rows;
}

/** Provider types a stack declares. */
function providersOf(stack: TerraformStack): Set<string> {
  return new Set(stack.node.findAll().filter((c): c is TerraformProvider => TerraformProvider.isTerraformProvider(c)).map((p) => p.terraformResourceType));
}

/** The policy's execution for a row, refused when it names no pool id or sends a cluster-reaching stack to hosted runners. */
function checkedExecution(fleet: string, row: WorkspaceRow, execution: HcpExecution, providers: Set<string>): HcpExecution {
  const field = `execution.${roleField(row.role)}`;
  if (execution.mode === 'agent' && !/^apool-[A-Za-z0-9]+$/.test(execution.agentPoolId ?? '')) {
    throw new BlueGreenError({ fleet, unit: row.unit, field, value: `HcpExecution.agent(${show(execution.agentPoolId)})`, rule: 'an agent pool is given by its id, "apool-" and letters or digits', fix: "HcpExecution.agent('apool-Xy12AbCdEfGh3456')" });
  }
  const clusterProviders = [...providers].filter((p) => CLUSTER_PROVIDERS.has(p));
  if ((row.role === StackRole.VALIDATE || clusterProviders.length > 0) && execution.mode === 'remote') {
    throw new BlueGreenError({
      fleet, unit: row.unit, field, value: 'HcpExecution.hosted()',
      rule: `stack ${row.name} reaches a cluster (${row.role === StackRole.VALIDATE ? 'validation checks' : `${clusterProviders.join(', ')} provider`}): hosted runners have neither the team's network nor the cluster tools`,
      fix: `execution: { ${roleField(row.role)}: HcpExecution.agent('apool-…') } or HcpExecution.local()`,
    });
  }
  return execution;
}

/**
 * HCP gives an aliased provider dynamic credentials only through a `tfc_<cloud>_dynamic_credentials`
 * Terraform variable mapped into that provider block, which the library does not write; refused
 * rather than left to fail at plan time. (Azure and AWS pages, "Specifying Multiple Configurations".)
 */
function checkNoAliasedCloudProvider(fleet: string, row: WorkspaceRow, stack: TerraformStack): void {
  const aliased = stack.node.findAll().filter((c): c is TerraformProvider => TerraformProvider.isTerraformProvider(c) && ['aws', 'azurerm'].includes(c.terraformResourceType) && !!c.alias);
  if (aliased.length === 0) return;
  throw new BlueGreenError({
    fleet, unit: row.unit, field: `execution.${roleField(row.role)}`, value: 'a remote or agent execution',
    rule: `stack ${row.name} has an aliased ${aliased[0].terraformResourceType} provider (alias ${show(aliased[0].alias)}), and dynamic credentials reach an alias only through a tfc_${aliased[0].terraformResourceType === 'aws' ? 'aws' : 'azure'}_dynamic_credentials mapping the library does not write`,
    fix: `execution: { ${roleField(row.role)}: HcpExecution.local() }`,
  });
}

/** Dynamic-credential variables for the clouds whose providers a remotely run stack declares. */
function credentialVariables(f: HcpFleetWorkspaces, fleet: string, stack: string, providers: Set<string>): EnvVariable[] {
  const env: EnvVariable[] = [];
  if (providers.has('azurerm')) {
    if (!f.azure) throw missingIdentity(fleet, stack, 'azure', "azure: { runClientId: '<client id of the app registration>' }");
    env.push(...azureCredentialVariables(fleet, f.azure));
  }
  if (providers.has('aws')) {
    if (!f.aws) throw missingIdentity(fleet, stack, 'aws', "aws: { runRoleArn: 'arn:aws:iam::123456789012:role/hcp-terraform-deployer' }");
    env.push(...awsCredentialVariables(fleet, f.aws));
  }
  return env;
}

/** HCP project names: 3-40 letters, digits, spaces, "-" and "_" (HCP "Manage projects"); ":" would break the run subject. */
function checkProjectName(name: string | undefined): string {
  if (name === undefined) return 'Default Project';
  if (typeof name !== 'string' || !/^[A-Za-z0-9 _-]{3,40}$/.test(name)) {
    throw new BlueGreenError({ fleet: '(workspaces)', field: 'HcpWorkspaces.projectName', value: show(name), rule: 'a project name is 3-40 letters, digits, spaces, "-" and "_"', fix: "projectName: 'platform-bluegreen'" });
  }
  return name;
}

/** The HcpExecutionPolicy field of a stack role. */
function roleField(role: StackRole): string {
  return role === StackRole.VALIDATE ? 'validation' : role;
}

function missingIdentity(fleet: string, stack: string, cloud: string, fix: string): BlueGreenError {
  return new BlueGreenError({
    fleet, field: cloud, value: show(undefined),
    rule: `stack ${stack} runs remotely or on an agent and needs ${cloud} credentials; static keys are refused, so give the workload identity the runs use`,
    fix,
  });
}

/** The fleet's stack must use the very workspace this construct configures. */
function checkBackend(fleet: string, unit: string | undefined, stack: TerraformStack, workspace: string): void {
  const backend = stack.node.findAll().find((c): c is TerraformBackend => TerraformBackend.isBackend(c));
  const remote = backend ? (backend.toTerraform() as any).terraform?.backend?.remote : undefined;
  const name = remote?.workspaces?.name;
  if (name !== workspace) {
    throw new BlueGreenError({
      fleet, unit, field: 'backend', value: show(name ?? Object.keys((backend?.toTerraform() as any)?.terraform?.backend ?? {})[0] ?? 'none'),
      rule: `stack ${stack.node.id} must keep its state in workspace "${workspace}", the one configured here`,
      fix: 'pass the same HcpTerraformBackendFactory to the fleet (backend) and to HcpWorkspaces (backend)',
    });
  }
}

/** The refusal of the first tfe_variable of the stack that would hold a secret, if any. */
function secretVariable(stack: TerraformStack): BlueGreenError | undefined {
  for (const c of stack.node.findAll()) {
    if (!(c instanceof Variable)) continue;
    const key = c.keyInput ?? '';
    const sensitive = c.sensitiveInput === true;
    // TFC_* names are allowed here: the library writes them (ids only, never secrets).
    const refused = refusedVariable(key, sensitive, true);
    if (refused) return new BlueGreenError({ fleet: '(workspaces)', field: `tfe_variable ${c.node.path}`, value: show(key), ...refused });
  }
  return undefined;
}
