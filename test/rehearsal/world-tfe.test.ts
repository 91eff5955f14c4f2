// Issue 19 item 4: the simulated HCP Terraform (tfe provider) and the runs of its workspaces. Each
// case is a rule of rehearsal/world/rules/tfe.ts or hcp-runs.ts, with the document it follows there.
import * as fs from 'fs';
import { hcpBackendsFile } from '../../rehearsal/world/hcp-runs';
import { stringLike } from '../../rehearsal/world/hcp-runs-aws';
import { SimContext, Simulator } from '../../rehearsal/world/simulator';
import { WorldStore } from '../../rehearsal/world/store';
import { aWorldPerTest, azureContext, failure } from '../support/sim-world';

const U = Symbol.for('rehearsal.unknown');
type A = Record<string, unknown>;
const ORG = 'bluegreen-rehearsal';
const IDENTITY = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/hcp-identities-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/hcp-runs';
const SUBJECT = (ws: string, phase: string) => `organization:${ORG}:project:platform-bluegreen:workspace:${ws}:run_phase:${phase}`;

let file: string;
let sim: Simulator;
aWorldPerTest('world-tfe-', (w) => ({ file, sim } = w));

const tfe: SimContext = { provider: 'tfe', providerConfig: { hostname: 'app.terraform.io', organization: ORG }, stack: 'hcp-workspaces' };
const az = azureContext;
const advance = (seconds: number) => new WorldStore(file).update((w) => { w.clock += seconds; });


const workspace = (name: string, extra: A = {}): A => sim.create(tfe, 'tfe_workspace', { id: U, name, organization: ORG, project_id: 'prj-PlatformBlueGreen1', force_delete: false, ...extra });
const settings = (ws: A, extra: A = {}): A => sim.create(tfe, 'tfe_workspace_settings', { id: U, workspace_id: ws.id, execution_mode: 'agent', agent_pool_id: 'apool-RehearsalAgents01', ...extra });
const variable = (ws: A, key: string, value: string, extra: A = {}): A => sim.create(tfe, 'tfe_variable', { id: U, workspace_id: ws.id, category: 'env', key, value, sensitive: false, readable_value: U, ...extra });

describe('tfe_workspace', () => {
  test('a name is unique per organization: a second one fails as the API answers', () => {
    const ws = workspace('bg-shop-traffic');
    expect(ws.id).toMatch(/^ws-[0-9a-f]{16}$/);
    expect(failure(() => workspace('bg-shop-traffic')).message).toMatch(/error creating workspace bg-shop-traffic for organization bluegreen-rehearsal: invalid attribute[\s\S]*Name has already been taken/);
  });

  test('its project must exist in the organization; without one it goes to the default project', () => {
    expect(failure(() => workspace('bg-a', { project_id: 'prj-Missing000000001' })).message).toMatch(/project "prj-Missing000000001": resource not found/);
    expect(workspace('bg-b', { project_id: null }).project_id).toBe('prj-DefaultProject0001');
  });

  test('an organization that does not exist is a 404', () => {
    expect(failure(() => workspace('bg-c', { organization: 'acme' })).message).toMatch(/organization "acme": resource not found/);
  });

  test('safe delete is refused while the workspace manages resources; force_delete deletes', () => {
    fs.writeFileSync(hcpBackendsFile(file), JSON.stringify({ 'shop-traffic': { hostname: 'app.terraform.io', organization: ORG, workspace: 'bg-shop-traffic' } }));
    const prior = process.env.REHEARSAL_WORLD;
    process.env.REHEARSAL_WORLD = file;
    try {
      const ws = workspace('bg-shop-traffic');
      settings(ws, { execution_mode: 'local', agent_pool_id: null });
      sim.create(az('shop-traffic'), 'azurerm_resource_group', { id: U, name: 'shop-rg', location: 'westeurope' });
      expect(failure(() => sim.delete(tfe, 'tfe_workspace', ws)).message).toMatch(/Workspace bg-shop-traffic is currently managing 1 resources; a safe delete is refused/);
      const forced = sim.update(tfe, 'tfe_workspace', ws, { ...ws, force_delete: true });
      sim.delete(tfe, 'tfe_workspace', forced);
      expect(new WorldStore(file).read().log.filter((a) => a.type === 'tfe_workspace').map((a) => a.action)).toEqual(['create', 'error', 'update', 'delete']);
    } finally {
      if (prior === undefined) delete process.env.REHEARSAL_WORLD; else process.env.REHEARSAL_WORLD = prior;
    }
  });
});

describe('tfe_workspace_settings and tfe_variable', () => {
  test('settings need an existing workspace, an agent pool exactly when the mode is agent, and a pool of the organization', () => {
    expect(failure(() => settings({ id: 'ws-0000000000000000' })).message).toMatch(/workspace "ws-0000000000000000": resource not found/);
    const ws = workspace('bg-shop-shared');
    expect(failure(() => settings(ws, { agent_pool_id: null })).message).toMatch(/Agent pool must be set when execution mode is agent/);
    expect(failure(() => settings(ws, { execution_mode: 'remote' })).message).toMatch(/Agent pool can only be set when execution mode is agent/);
    expect(failure(() => settings(ws, { agent_pool_id: 'apool-Elsewhere0000001' })).message).toMatch(/agent pool "apool-Elsewhere0000001": resource not found/);
    expect(settings(ws).id).toBe(ws.id);
  });

  test("a variable's workspace must exist; a key is unique per workspace and category; a sensitive value is not readable", () => {
    expect(failure(() => variable({ id: 'ws-0000000000000000' }, 'ARM_TENANT_ID', 't')).message).toMatch(/resource not found/);
    const ws = workspace('bg-shop-shared');
    expect(variable(ws, 'ARM_TENANT_ID', 't').readable_value).toBe('t');
    expect(failure(() => variable(ws, 'ARM_TENANT_ID', 'u')).message).toMatch(/Key has already been taken/);
    expect(variable(ws, 'ARM_TENANT_ID', 'u', { category: 'terraform' }).readable_value).toBe('u');
    expect(variable(ws, 'OTHER', 's', { sensitive: true }).readable_value).toBeNull();
  });
});

describe('HCP runs: an azurerm call of a stack held by a workspace is its run, plan or apply phase', () => {
  let prior: string | undefined;
  beforeEach(() => {
    prior = process.env.REHEARSAL_WORLD;
    fs.writeFileSync(hcpBackendsFile(file), JSON.stringify({ 'shop-shared': { hostname: 'app.terraform.io', organization: ORG, workspace: 'bg-shop-shared' } }));
  });
  afterEach(() => { if (prior === undefined) delete process.env.REHEARSAL_WORLD; else process.env.REHEARSAL_WORLD = prior; });

  const rg = (): A => ({ id: U, name: 'shop-rg', location: 'westeurope' });
  const fic = (phase: string) => sim.create(az('hcp-workspaces'), 'azurerm_federated_identity_credential', {
    id: U, name: `hcp-bg-shop-shared-${phase}`, resource_group_name: 'hcp-identities-rg', parent_id: IDENTITY,
    issuer: 'https://app.terraform.io', subject: SUBJECT('bg-shop-shared', phase), audience: ['api://AzureADTokenExchange'],
  });
  function agentWorkspace(vars: Record<string, string>, mode = 'agent'): A {
    const ws = workspace('bg-shop-shared');
    settings(ws, mode === 'agent' ? {} : { execution_mode: mode, agent_pool_id: null });
    for (const [k, v] of Object.entries(vars)) variable(ws, k, v);
    return ws;
  }
  const AZURE = { TFC_AZURE_PROVIDER_AUTH: 'true', TFC_AZURE_RUN_CLIENT_ID: '44444444-4444-4444-4444-444444444444', ARM_TENANT_ID: '33333333-3333-3333-3333-333333333333' };

  test("a workspace that does not exist: the run has no credentials (the remote backend would create it with the organization's defaults)", () => {
    expect(failure(() => sim.create(az('shop-shared'), 'azurerm_resource_group', rg())).message).toMatch(/run \(apply phase\) of workspace bg-shop-shared: building AzureRM Client: no credentials/);
  });

  test('local execution is the CI job\'s own login: not judged', () => {
    agentWorkspace({}, 'local');
    expect(sim.create(az('shop-shared'), 'azurerm_resource_group', rg()).name).toBe('shop-rg');
  });

  test('agent execution without Azure dynamic credentials fails', () => {
    agentWorkspace({ ARM_TENANT_ID: '33333333-3333-3333-3333-333333333333' });
    expect(failure(() => sim.create(az('shop-shared'), 'azurerm_resource_group', rg())).message).toMatch(/without TFC_AZURE_PROVIDER_AUTH=true/);
  });

  test('a client id the tenant does not know: AADSTS700016', () => {
    agentWorkspace({ ...AZURE, TFC_AZURE_RUN_CLIENT_ID: '99999999-9999-9999-9999-999999999999' });
    expect(failure(() => sim.create(az('shop-shared'), 'azurerm_resource_group', rg())).message).toMatch(/AADSTS700016: Application with identifier '99999999-9999-9999-9999-999999999999' was not found/);
  });

  test('only the apply phase federated (the defect of issue 20 item 4): the plan is refused with the exact subject; the apply passes', () => {
    agentWorkspace(AZURE);
    fic('apply');
    advance(120);
    expect(failure(() => sim.plan!(az('shop-shared'), 'azurerm_resource_group', null, rg())).message)
      .toBe(`HCP Terraform run (plan phase) of workspace bg-shop-shared: AADSTS700213: No matching federated identity record found for presented assertion subject '${SUBJECT('bg-shop-shared', 'plan')}' (issuer https://app.terraform.io): HCP matches the subject of a run exactly: each workspace needs one federated identity credential per run phase`);
    expect(sim.create(az('shop-shared'), 'azurerm_resource_group', rg()).name).toBe('shop-rg');
    expect(new WorldStore(file).read().log.filter((a) => a.action === 'hcp-run').map((a) => [a.stack, a.name, a.detail])).toEqual([
      ['shop-shared', 'apply', 'Entra token for the apply run of bg-shop-shared through hcp-bg-shop-shared-apply'],
    ]);
  });

  test('both phases federated: refused for 120 s after the credential was added, then granted; other stacks are not HCP runs', () => {
    agentWorkspace(AZURE);
    fic('plan');
    fic('apply');
    advance(119);
    expect(failure(() => sim.readData(az('shop-shared'), 'azurerm_resource_group', { name: 'nope' })).message).toMatch(/run_phase:plan' \(credential hcp-bg-shop-shared-plan was added 119 s ago\)/);
    advance(1);
    expect(sim.plan!(az('shop-shared'), 'azurerm_resource_group', null, rg())).toEqual(rg());
    expect(sim.create(az('shop-shared'), 'azurerm_resource_group', rg()).name).toBe('shop-rg');
    expect(sim.create(az('shop-traffic'), 'azurerm_resource_group', { ...rg(), name: 'other-rg' }).name).toBe('other-rg');
  });

  test('a project the token names differently is refused: the subject carries the workspace\'s real project name', () => {
    const ws = workspace('bg-shop-shared', { project_id: 'prj-DefaultProject0001' });
    settings(ws);
    for (const [k, v] of Object.entries(AZURE)) variable(ws, k, v);
    fic('apply');
    advance(120);
    expect(failure(() => sim.create(az('shop-shared'), 'azurerm_resource_group', rg())).message).toMatch(/subject 'organization:bluegreen-rehearsal:project:Default Project:workspace:bg-shop-shared:run_phase:apply'/);
  });
});

describe('HCP runs on AWS: STS AssumeRoleWithWebIdentity against the role\'s trust policy (StringLike on the subject)', () => {
  const aws = (stack: string): SimContext => ({ provider: 'aws', providerConfig: { region: 'eu-west-1', allowed_account_ids: ['123456789012'] }, stack });
  const ROLE = 'arn:aws:iam::123456789012:role/hcp-terraform-runs';
  function awsWorkspace(name: string, vars: Record<string, string>): void {
    fs.writeFileSync(hcpBackendsFile(file), JSON.stringify({ [name.replace(/^bg-/, '')]: { hostname: 'app.terraform.io', organization: ORG, workspace: name } }));
    const ws = workspace(name);
    settings(ws);
    for (const [k, v] of Object.entries(vars)) variable(ws, k, v);
  }
  const role = (n: string): A => ({ id: U, name: n, assume_role_policy: '{}' });

  test("StringLike: '*' any run of characters, '?' one, everything else literal", () => {
    expect(stringLike('organization:o:project:p:workspace:bg-r25he-*:run_phase:*', 'organization:o:project:p:workspace:bg-r25he-shared:run_phase:plan')).toBe(true);
    expect(stringLike('organization:o:project:p:workspace:bg-r25he-*:run_phase:*', 'organization:o:project:p:workspace:bg-other-shared:run_phase:plan')).toBe(false);
    expect(stringLike('a?c', 'abc')).toBe(true);
    expect(stringLike('a?c', 'abbc')).toBe(false);
    expect(stringLike('a.c', 'abc')).toBe(false);
  });

  test('a workspace the trust policy\'s pattern covers gets credentials in both phases', () => {
    awsWorkspace('bg-r25he-shared', { TFC_AWS_PROVIDER_AUTH: 'true', TFC_AWS_RUN_ROLE_ARN: ROLE });
    expect(sim.plan!(aws('r25he-shared'), 'aws_iam_role', null, role('x'))).toEqual(role('x'));
    sim.create(aws('r25he-shared'), 'aws_iam_role', role('x'));
    expect(new WorldStore(file).read().log.filter((a) => a.action === 'hcp-run').map((a) => a.detail)).toEqual([
      `STS credentials for the plan run of bg-r25he-shared as ${ROLE}`,
      `STS credentials for the apply run of bg-r25he-shared as ${ROLE}`,
    ]);
  });

  test('a workspace outside the pattern, another role, or no TFC_AWS_PROVIDER_AUTH: refused as STS and the provider say', () => {
    awsWorkspace('bg-elsewhere-shared', { TFC_AWS_PROVIDER_AUTH: 'true', TFC_AWS_RUN_ROLE_ARN: ROLE });
    expect(failure(() => sim.create(aws('elsewhere-shared'), 'aws_iam_role', role('x'))).message).toMatch(/api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity: role arn:aws:iam::123456789012:role\/hcp-terraform-runs, subject 'organization:bluegreen-rehearsal:project:platform-bluegreen:workspace:bg-elsewhere-shared:run_phase:apply': no StringLike pattern/);
  });

  test('the plan phase assumes TFC_AWS_PLAN_ROLE_ARN when set; an unknown role is denied', () => {
    awsWorkspace('bg-r25he-traffic', { TFC_AWS_PROVIDER_AUTH: 'true', TFC_AWS_RUN_ROLE_ARN: ROLE, TFC_AWS_PLAN_ROLE_ARN: 'arn:aws:iam::123456789012:role/hcp-terraform-planner' });
    expect(failure(() => sim.readData(aws('r25he-traffic'), 'aws_route53_zone', { zone_id: 'Z1' })).message).toMatch(/\(plan phase\)[\s\S]*AccessDenied[\s\S]*hcp-terraform-planner[\s\S]*no such role/);
    expect(sim.create(aws('r25he-traffic'), 'aws_iam_role', role('y')).name).toBe('y');
  });

  test('without TFC_AWS_PROVIDER_AUTH the run has no credentials (the defect of mutant MH3)', () => {
    awsWorkspace('bg-r25he-unit', { TFC_AWS_PROVIDER_AUTH: 'false', TFC_AWS_RUN_ROLE_ARN: ROLE });
    expect(failure(() => sim.create(aws('r25he-unit'), 'aws_iam_role', role('z'))).message).toMatch(/configuring Terraform AWS Provider: no valid credential sources found/);
  });
});
