// tfe 0.71 (HCP Terraform / Terraform Cloud as Terraform resources): the types HcpWorkspaces emits.
// The organization, its projects and its agent pools exist before any of this (made by hand once,
// docs/hcp-terraform.md step 1): HCP_ORGANIZATIONS. Registry docs:
// ${TFE}/resources/workspace, ${TFE}/resources/workspace_settings, ${TFE}/resources/variable,
// with TFE = https://registry.terraform.io/providers/hashicorp/tfe/0.71.0/docs
import { SimError } from '../errors';
import { WorldObject } from '../model';
import { Attrs, str } from '../values';
import { hex } from './common';
import { Call, ResourceRule } from './rule';
import { hcpStackOfWorkspace } from '../hcp-runs';

/** An organization of the simulated HCP Terraform: project id → name, agent pool ids. */
export interface HcpOrganization {
  readonly defaultProjectId: string;
  readonly projects: Readonly<Record<string, string>>;
  readonly agentPools: readonly string[];
}

/** What exists in the simulated HCP Terraform before any deploy. */
export const HCP_ORGANIZATIONS: Readonly<Record<string, HcpOrganization>> = {
  'bluegreen-rehearsal': {
    defaultProjectId: 'prj-DefaultProject0001',
    // Every organization has a "Default Project" (https://developer.hashicorp.com/terraform/cloud-docs/projects/manage).
    projects: { 'prj-DefaultProject0001': 'Default Project', 'prj-PlatformBlueGreen1': 'platform-bluegreen' },
    agentPools: ['apool-RehearsalAgents01'],
  },
};

/** The API's 404, as go-tfe reports it ("resource not found"). */
function notFound(what: string): SimError {
  return new SimError(`${what}: resource not found`, 'HCP Terraform answers 404 for an object that does not exist or that the token cannot see (https://developer.hashicorp.com/terraform/cloud-docs/api-docs#response-codes)');
}

function organizationOf(call: Call, a: Attrs): string {
  return str(a.organization) ?? str(call.ctx.providerConfig.organization) ?? '';
}

function workspaceById(call: Call, id: string | undefined, what: string): WorldObject {
  const ws = id ? call.ops.get('tfe_workspace', id) : undefined;
  if (!ws) throw notFound(`${what}: workspace ${JSON.stringify(id ?? null)}`);
  return ws;
}

// Workspaces API "Create a Workspace": the name "can only include letters, numbers, -, and _ … and
// must be unique in the organization"; a project given by id must exist in the organization
// (https://developer.hashicorp.com/terraform/cloud-docs/api-docs/workspaces#create-a-workspace).
const workspace: ResourceRule = {
  create(call, a) {
    const org = organizationOf(call, a);
    const name = str(a.name) ?? '';
    const o = HCP_ORGANIZATIONS[org];
    if (!o) throw notFound(`error creating workspace ${name} for organization ${org}: organization ${JSON.stringify(org)}`);
    if (!/^[A-Za-z0-9_-]{1,90}$/.test(name)) throw new SimError(`error creating workspace ${name} for organization ${org}: invalid attribute`, 'Name is invalid: letters, numbers, "-" and "_" only');
    if (call.ops.find('tfe_workspace', (w) => w.attrs.organization === org && w.attrs.name === name)) {
      throw new SimError(`error creating workspace ${name} for organization ${org}: invalid attribute`, 'Name has already been taken');
    }
    const project = str(a.project_id) ?? o.defaultProjectId;
    if (!o.projects[project]) throw notFound(`error creating workspace ${name} for organization ${org}: project ${JSON.stringify(project)}`);
    a.id = `ws-${hex(`${org}/${name}/${call.ops.nextNumber()}`, 16)}`;
    a.organization = org;
    a.project_id = project;
    a.html_url = `https://${str(call.ctx.providerConfig.hostname) ?? 'app.terraform.io'}/app/${org}/workspaces/${name}`;
    a.resource_count = 0;
  },
  update(call, prior, a) {
    const org = organizationOf(call, a);
    if (a.name !== prior.attrs.name && call.ops.find('tfe_workspace', (w) => w.id !== prior.id && w.attrs.organization === org && w.attrs.name === a.name)) {
      throw new SimError(`error updating workspace ${String(a.name)}: invalid attribute`, 'Name has already been taken');
    }
  },
  // force_delete false (or absent) uses HCP's safe delete, which refuses while the workspace still
  // manages resources (${TFE}/resources/workspace "force_delete";
  // https://developer.hashicorp.com/terraform/cloud-docs/api-docs/workspaces#safe-delete-a-workspace).
  // What a workspace manages = what its stack's runs created and the world still holds.
  delete(call, obj) {
    if (obj.attrs.force_delete === true) return;
    const stack = hcpStackOfWorkspace(String(obj.attrs.organization), obj.name);
    const managed = stack ? call.ops.all(undefined, (o) => o.stack === stack && o.cluster === undefined).length : 0;
    if (managed > 0) {
      throw new SimError(`error deleting workspace ${obj.id}: conflict`, `Workspace ${obj.name} is currently managing ${managed} resources; a safe delete is refused (delete them first, or use force_delete)`);
    }
  },
};

// tfe_workspace_settings: the workspace must exist; "agent_pool_id … Requires execution_mode to be set
// to agent. This value must not be provided if execution_mode is set to any other value."; execution
// mode is one of remote, local, agent (${TFE}/resources/workspace_settings).
function checkSettings(call: Call, a: Attrs): void {
  const ws = workspaceById(call, str(a.workspace_id), 'error updating workspace settings');
  const mode = str(a.execution_mode);
  if (mode !== undefined && !['remote', 'local', 'agent'].includes(mode)) {
    throw new SimError(`error updating workspace ${ws.name}: invalid attribute`, `Execution mode ${JSON.stringify(mode)} is not one of remote, local, agent`);
  }
  const pool = str(a.agent_pool_id);
  if (mode === 'agent' && !pool) throw new SimError(`error updating workspace ${ws.name}: invalid attribute`, 'Agent pool must be set when execution mode is agent');
  if (mode !== 'agent' && pool) throw new SimError(`error updating workspace ${ws.name}: invalid attribute`, 'Agent pool can only be set when execution mode is agent');
  if (pool && !HCP_ORGANIZATIONS[String(ws.attrs.organization)]?.agentPools.includes(pool)) throw notFound(`error updating workspace ${ws.name}: agent pool ${JSON.stringify(pool)}`);
  a.id = ws.id;
  if (mode === undefined) a.execution_mode = 'remote';
}

const workspaceSettings: ResourceRule = {
  name(a) {
    return str(a.workspace_id);
  },
  create(call, a) {
    checkSettings(call, a);
  },
  update(call, _prior, a) {
    checkSettings(call, a);
  },
};

// tfe_variable: the workspace must exist; a key is unique per workspace and category (the API's
// "Key has already been taken"); category is env or terraform; a sensitive value is write-only on
// HCP's side: readable_value is "Only present if the variable is non-sensitive"
// (${TFE}/resources/variable; https://developer.hashicorp.com/terraform/cloud-docs/api-docs/workspace-variables#create-a-variable).
const variable: ResourceRule = {
  name(a) {
    return str(a.key);
  },
  create(call, a) {
    const ws = workspaceById(call, str(a.workspace_id), `error creating variable ${String(a.key)}`);
    if (!['env', 'terraform'].includes(String(a.category))) throw new SimError(`error creating variable ${String(a.key)}: invalid attribute`, `Category ${JSON.stringify(a.category)} is not env or terraform`);
    if (call.ops.find('tfe_variable', (v) => v.attrs.workspace_id === ws.id && v.attrs.category === a.category && v.attrs.key === a.key)) {
      throw new SimError(`error creating variable ${String(a.key)} for workspace ${ws.name}: invalid attribute`, 'Key has already been taken');
    }
    a.id = `var-${hex(`${ws.id}/${String(a.key)}/${call.ops.nextNumber()}`, 16)}`;
    a.readable_value = a.sensitive === true ? null : a.value;
  },
  update(call, _prior, a) {
    workspaceById(call, str(a.workspace_id), `error updating variable ${String(a.key)}`);
    a.readable_value = a.sensitive === true ? null : a.value;
  },
};

export const tfeResources: Record<string, ResourceRule> = {
  tfe_workspace: workspace,
  tfe_workspace_settings: workspaceSettings,
  tfe_variable: variable,
};
