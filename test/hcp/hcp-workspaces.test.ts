import { App, TerraformBackend, TerraformStack, Testing } from 'cdktf';
import { Variable } from '@cdktf/provider-tfe/lib/variable';
import { AksFleet, GlobalAcceleratorRouter, HcpExecution, HcpFleetWorkspaces, HcpTerraformBackendFactory, HcpWorkspaces, RolloutFleet, UnitDeclaration, UnitLifecycle } from '../../src';
import { BlueGreenError } from '../../src/core/errors';
import { aksSpec, SUBSCRIPTION } from '../support/fixtures';
import { candidate, eksPoolFleet, retired, serving, standby } from '../support/node-pool-fixtures';
import { eksFleet } from '../aws/eks-fixtures';
import { testApp } from '../support/synth';

const { CANDIDATE, SERVING, STANDBY, RETIRED } = UnitLifecycle;
const AZURE_CLIENT = '22222222-2222-2222-2222-222222222222';
const AWS_ROLE = 'arn:aws:iam::123456789012:role/hcp-terraform-deployer';
const backend = new HcpTerraformBackendFactory({ organization: 'acme', workspacePrefix: 'bg-' });

/** Whole clusters behind Front Door, blue 1.33 → green 1.34, and finally blue forgotten. */
const AKS_STEPS: UnitDeclaration[][] = [
  [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: SERVING, weight: 100 }],
  [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: SERVING, weight: 100 }, { slot: 'green', kubernetesVersion: '1.34', lifecycle: CANDIDATE }],
  [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: SERVING, weight: 50 }, { slot: 'green', kubernetesVersion: '1.34', lifecycle: SERVING, weight: 50 }],
  [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: STANDBY }, { slot: 'green', kubernetesVersion: '1.34', lifecycle: SERVING, weight: 100 }],
  [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: RETIRED }, { slot: 'green', kubernetesVersion: '1.34', lifecycle: SERVING, weight: 100 }],
  [{ slot: 'green', kubernetesVersion: '1.34', lifecycle: SERVING, weight: 100 }],
];
/** EKS node pools in one cluster (control plane already at 1.34), the same walk. */
const EKS_STEPS: UnitDeclaration[][] = [
  [serving('blue', '1.33')],
  [serving('blue', '1.33'), candidate('green', '1.34')],
  [standby('blue', '1.33'), serving('green', '1.34')],
  [retired('blue', '1.33'), serving('green', '1.34')],
  [serving('green', '1.34')],
  [serving('green', '1.34')],
];

interface Step {
  readonly app: App;
  readonly fleets: RolloutFleet[];
  readonly ws: HcpWorkspaces;
  readonly json: any;
}

/** An app with the given fleets (undefined: left out) and their workspaces in stack `hcp-workspaces`. */
function build(aksUnits: UnitDeclaration[] | undefined, eksUnits: UnitDeclaration[] | undefined, override: { shop?: Partial<HcpFleetWorkspaces>; pools?: Partial<HcpFleetWorkspaces> } = {}, eksPrevious?: UnitDeclaration[]) {
  const app = testApp();
  const fleets: RolloutFleet[] = [];
  const options: HcpFleetWorkspaces[] = [];
  if (aksUnits) {
    const aks = new AksFleet(app, 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units: aksUnits, backend });
    fleets.push(aks);
    // Whole clusters: hosted runners for cloud-API stacks, an agent for the checks.
    options.push({ fleet: aks, execution: { default: HcpExecution.hosted(), validation: HcpExecution.agent('apool-aks') }, azure: { runClientId: AZURE_CLIENT, tenantId: '33333333-3333-3333-3333-333333333333' }, ...override.shop });
  }
  if (eksUnits) {
    const eks = eksPoolFleet(app, { backend, controlPlaneVersion: '1.34', units: eksUnits, previousUnits: eksPrevious }, 'pools');
    fleets.push(eks);
    // Node pools: CI runs shared and unit stacks; the stacks that reach the cluster run on an agent.
    options.push({ fleet: eks, execution: { traffic: HcpExecution.agent('apool-eks'), validation: HcpExecution.agent('apool-eks') }, aws: { runRoleArn: AWS_ROLE }, ...override.pools });
  }
  const home = new TerraformStack(app, 'hcp-workspaces');
  const ws = new HcpWorkspaces(home, 'workspaces', { backend, terraformVersion: '1.11.4', projectId: 'prj-abc123', fleets: options });
  return { app, fleets, ws, home };
}

function step(i: number): Step {
  const { app, fleets, ws, home } = build(AKS_STEPS[i], EKS_STEPS[i], {}, EKS_STEPS[i - 1]);
  return { app, fleets, ws, json: JSON.parse(Testing.synth(home, true)) };
}

const workspaceOf = (json: any, name: string) => Object.entries<any>(json.resource.tfe_workspace).find(([, w]) => w.name === name);
const settingsOf = (json: any, wsId: string) => Object.values<any>(json.resource.tfe_workspace_settings).find((s) => s.workspace_id === `\${tfe_workspace.${wsId}.id}`);
const variablesOf = (json: any, wsId: string) => Object.values<any>(json.resource.tfe_variable ?? {}).filter((v) => v.workspace_id === `\${tfe_workspace.${wsId}.id}`);
/** The workspace name each fleet stack's own backend block uses, read from the stack. */
const backendName = (stack: TerraformStack) => (stack.node.findAll().find((c): c is TerraformBackend => c instanceof TerraformBackend)!.toTerraform() as any).terraform.backend.remote.workspaces.name;

describe('workspaces as code across a whole rollout of an AKS fleet and an EKS node-pool fleet', () => {
  const steps = AKS_STEPS.map((_, i) => step(i));
  const fleetStacks = (s: Step) => s.app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c) && c.node.id !== 'hcp-workspaces');

  test('every step: exactly one workspace per stack of each fleet, named as that stack\'s remote backend', () => {
    for (const s of steps) {
      const stacks = fleetStacks(s);
      const planned = s.fleets.flatMap((f) => f.plan.stacks.map((r) => r.name)).sort();
      expect(stacks.map((x) => x.node.id).sort()).toEqual(planned);
      // plus, while a unit is declared retired, the workspace of its (dropped) validation stack
      const retainedValidation = s.fleets.flatMap((f) => f.plan.units.filter((u) => u.lifecycle === RETIRED).map((u) => `bg-${f.plan.fleet}-validate-${u.name}`));
      const names = Object.values<any>(s.json.resource.tfe_workspace).map((w) => w.name).sort();
      expect(names).toEqual([...stacks.map(backendName), ...retainedValidation].sort());
      expect(new Set(names).size).toBe(names.length);
      for (const w of Object.values<any>(s.json.resource.tfe_workspace)) {
        const validation = w.tags['bluegreen-role'] === 'validate';
        expect(w).toMatchObject({ organization: 'acme', project_id: 'prj-abc123', terraform_version: '1.11.4', force_delete: validation, allow_destroy_plan: false });
      }
      for (const x of Object.values<any>(s.json.resource.tfe_workspace_settings)) {
        expect(x).toMatchObject({ auto_apply: false, global_remote_state: false, remote_state_consumer_ids: [] });
      }
      expect(Object.keys(s.json.resource.tfe_workspace_settings).length).toBe(names.length);
      // the workspaces are configured before any fleet stack runs `terraform init` against them
      for (const x of stacks) expect(x.dependencies.map((d) => d.node.id)).toContain('hcp-workspaces');
    }
  });

  test('the synthesized backend blocks of the fleet stacks name the same workspaces (one step, one stack per role)', () => {
    const s = steps[2];
    const oneOfEachRole = s.fleets.flatMap((f) => [...new Map(f.plan.stacks.map((r) => [r.role, r.name])).values()]);
    expect(oneOfEachRole.length).toBe(8);
    for (const x of fleetStacks(s).filter((st) => oneOfEachRole.includes(st.node.id))) {
      const json = JSON.parse(Testing.synth(x));
      const remote = json.terraform.backend.remote;
      expect(workspaceOf(s.json, remote.workspaces.name)).toBeDefined();
      expect(remote.organization).toBe('acme');
      // remote state sharing can stay off: no stack reads another's state or publishes outputs for it
      expect(json.data?.terraform_remote_state).toBeUndefined();
      expect(json.output).toBeUndefined();
    }
  });

  test('execution modes follow the policy; nothing that reaches a cluster is on hosted runners', () => {
    const expected: Record<string, Record<string, [string, string | undefined]>> = {
      shop: { shared: ['remote', undefined], unit: ['remote', undefined], validate: ['agent', 'apool-aks'], traffic: ['remote', undefined] },
      pools: { shared: ['local', undefined], unit: ['local', undefined], validate: ['agent', 'apool-eks'], traffic: ['agent', 'apool-eks'] },
    };
    const seen = new Set<string>();
    for (const s of steps) {
      for (const w of s.ws.workspaces) {
        const [id] = workspaceOf(s.json, w.workspace)!;
        const settings = settingsOf(s.json, id);
        const [mode, pool] = expected[w.fleet][w.role];
        expect({ ws: w.workspace, mode: settings.execution_mode, pool: settings.agent_pool_id }).toEqual({ ws: w.workspace, mode, pool });
        if (w.role === 'validate' || (w.fleet === 'pools' && w.role === 'traffic')) expect(settings.execution_mode).not.toBe('remote');
        seen.add(`${w.fleet}:${w.role}:${mode}`);
      }
    }
    expect(seen.size).toBe(8);
  });

  test('dynamic-credential variables exactly where runs leave the CI job; none on local workspaces', () => {
    for (const s of steps) {
      for (const w of s.ws.workspaces) {
        const [id] = workspaceOf(s.json, w.workspace)!;
        const vars = Object.fromEntries(variablesOf(s.json, id).map((v) => [v.key, v]));
        if (w.executionMode === 'local') {
          expect(vars).toEqual({});
        } else if (w.fleet === 'shop') {
          expect(Object.keys(vars).sort()).toEqual(['ARM_TENANT_ID', 'TFC_AZURE_PROVIDER_AUTH', 'TFC_AZURE_RUN_CLIENT_ID']);
          expect(vars.TFC_AZURE_PROVIDER_AUTH.value).toBe('true');
          expect(vars.TFC_AZURE_RUN_CLIENT_ID.value).toBe(AZURE_CLIENT);
        } else {
          expect(Object.keys(vars).sort()).toEqual(['TFC_AWS_PROVIDER_AUTH', 'TFC_AWS_RUN_ROLE_ARN']);
          expect(vars.TFC_AWS_RUN_ROLE_ARN.value).toBe(AWS_ROLE);
        }
        for (const v of Object.values<any>(vars)) expect(v.category).toBe('env');
      }
    }
  });

  test('no variable holds a secret: none sensitive, none named like a credential, every value an id, a role ARN or "true"', () => {
    const all = steps.flatMap((s) => Object.values<any>(s.json.resource.tfe_variable ?? {}));
    expect(all.length).toBeGreaterThan(20);
    for (const v of all) {
      expect(v.sensitive).toBe(false);
      expect(v.key).not.toMatch(/SECRET|PASSWORD|TOKEN|ACCESS_KEY|CERTIFICATE/);
      expect(v.value).toMatch(/^(true|[0-9a-f-]{36}|arn:aws:iam::\d{12}:role\/[\w-]+)$/);
    }
    // nor does the provider block carry a token: it comes from TFE_TOKEN / the CLI credentials
    expect(steps[0].json.provider.tfe).toEqual([{ hostname: 'app.terraform.io', organization: 'acme' }]);
  });

  test("the retired unit's workspace is kept (same address, same settings) until its empty-stack step is done, and goes when the unit is forgotten", () => {
    for (const [fleet, retiredAt] of [['shop', 4], ['pools', 3]] as const) {
      const blue = steps[1].ws.workspaces.find((w) => w.fleet === fleet && w.role === 'unit' && w.unit!.startsWith('blue'))!;
      const ids = steps.map((s) => workspaceOf(s.json, blue.workspace)?.[0]);
      // declared in every step up to and including the retired one, gone after it
      expect(ids.slice(0, retiredAt + 1).every((id) => id === ids[0])).toBe(true);
      expect(ids.slice(retiredAt + 1)).toEqual(ids.slice(retiredAt + 1).map(() => undefined));
      const live = workspaceOf(steps[retiredAt - 1].json, blue.workspace)![1];
      const retiring = workspaceOf(steps[retiredAt].json, blue.workspace)![1];
      // only the lifecycle guard changes: the workspace may go once the unit is forgotten
      expect(live.lifecycle).toEqual({ prevent_destroy: true });
      expect(retiring.lifecycle).toEqual({ prevent_destroy: false });
      expect({ ...retiring, lifecycle: undefined }).toEqual({ ...live, lifecycle: undefined });
      // it goes with HCP's safe delete, which refuses while the workspace still manages resources
      expect(retiring.force_delete).toBe(false);
      expect(steps[retiredAt].ws.workspaces.find((w) => w.workspace === blue.workspace)!.executionMode).toBe(blue.executionMode);
    }
  });

  test("a retired unit's validation workspace stays as it was until the unit is forgotten, and is deleted only after the unit's own workspace", () => {
    for (const [fleet, retiredAt] of [['shop', 4], ['pools', 3]] as const) {
      const blue = steps[1].ws.workspaces.find((w) => w.fleet === fleet && w.role === 'validate' && w.unit!.startsWith('blue'))!;
      const unit = steps[1].ws.workspaces.find((w) => w.fleet === fleet && w.role === 'unit' && w.unit === blue.unit)!;
      // its stack left the app with the retirement, its workspace did not
      expect(steps[retiredAt].app.node.tryFindChild(blue.stack)).toBeUndefined();
      const before = steps[retiredAt - 1].json;
      const at = steps[retiredAt].json;
      expect(workspaceOf(at, blue.workspace)).toEqual(workspaceOf(before, blue.workspace));
      const [vid] = workspaceOf(at, blue.workspace)!;
      expect(settingsOf(at, vid)).toEqual(settingsOf(before, vid));
      expect(variablesOf(at, vid)).toEqual(variablesOf(before, vid));
      // destroy order: Terraform deletes the unit's workspace (safe delete) before the validation one (force delete)
      const [uid, unitWs] = workspaceOf(at, unit.workspace)!;
      expect(unitWs.depends_on).toEqual([`tfe_workspace.${vid}`]);
      expect(unitWs.force_delete).toBe(false);
      expect(workspaceOf(at, blue.workspace)![1].force_delete).toBe(true);
      expect(uid).not.toBe(vid);
      for (const later of steps.slice(retiredAt + 1)) expect(workspaceOf(later.json, blue.workspace)).toBeUndefined();
    }
  });

  test("a live unit's, the shared and the traffic workspaces never change across the steps", () => {
    const green = steps[5].ws.workspaces.filter((w) => w.role !== 'validate');
    for (const w of green) {
      const bodies = steps.map((s) => workspaceOf(s.json, w.workspace)).filter((x) => x !== undefined).map((x) => JSON.stringify(x));
      expect(new Set(bodies).size).toBe(1);
      expect(JSON.parse(bodies[0])[1].lifecycle).toEqual({ prevent_destroy: true });
    }
  });
});

describe('refusals', () => {
  const units = AKS_STEPS[1];
  const pools = EKS_STEPS[0];
  const refusal = (f: () => unknown): BlueGreenError => {
    try { f(); } catch (e) { if (e instanceof BlueGreenError) return e; throw e; }
    throw new Error('no refusal');
  };

  test('a validation stack sent to hosted runners', () => {
    const e = refusal(() => build(units, undefined, { shop: { execution: { default: HcpExecution.hosted() } } }));
    expect(e.message).toMatch(/^fleet "shop", unit "blue-1-33-\w+": execution\.validation = HcpExecution\.hosted\(\) is refused: stack shop-validate-blue-1-33-\w+ reaches a cluster \(validation checks\)/);
    expect(e.fix).toContain("HcpExecution.agent('apool-");
    const pool = refusal(() => build(units, undefined, { shop: { execution: { validation: HcpExecution.agent('my-pool') } } }));
    expect(pool.message).toMatch(/execution\.validation = HcpExecution\.agent\("my-pool"\) is refused: an agent pool is given by its id/);
  });

  test("a node-pool fleet's traffic stack sent to hosted runners (it cordons through the kubernetes provider)", () => {
    const e = refusal(() => build(undefined, pools, { pools: { execution: { traffic: HcpExecution.hosted(), validation: HcpExecution.local() } } }));
    expect(e.message).toContain('fleet "pools": execution.traffic = HcpExecution.hosted() is refused: stack pools-traffic reaches a cluster (kubernetes provider)');
  });

  test('a static credential variable, by name or marked sensitive', () => {
    const e = refusal(() => build(units, undefined, { shop: { variables: [{ key: 'ARM_CLIENT_SECRET', value: 'not-a-real-secret' }] } }));
    expect(e.message).toContain('fleet "shop": variables["ARM_CLIENT_SECRET"] = "ARM_CLIENT_SECRET" is refused: static credentials are never workspace variables');
    expect(e.message).not.toContain('not-a-real-secret');
    expect(refusal(() => build(undefined, pools, { pools: { variables: [{ key: 'AWS_SECRET_ACCESS_KEY', value: 'x' }] } })).fleet).toBe('pools');
    expect(refusal(() => build(undefined, pools, { pools: { variables: [{ key: 'TFC_AWS_RUN_ROLE_ARN', value: AWS_ROLE }] } })).rule).toContain('written by the library');
    expect(refusal(() => build(undefined, pools, { pools: { variables: [{ key: 'ARM_CLIENT_ID', value: AZURE_CLIENT }] } })).rule).toContain('interferes with dynamic provider credentials');
    // a tfe_variable added by hand next to the construct is caught when the stack is synthesized
    const { home, ws } = build(undefined, pools);
    new Variable(home, 'by-hand', { workspaceId: 'ws-123', category: 'env', key: 'DB_PASSWORD', value: 'x', sensitive: true });
    expect(ws.workspaces.length).toBeGreaterThan(0);
    const byHand = refusal(() => Testing.synth(home, true));
    expect(byHand.message).toMatch(/^fleet "\(workspaces\)": tfe_variable hcp-workspaces\/by-hand = "DB_PASSWORD" is refused: a workspace variable never holds a secret/);
  });

  test('a remote traffic stack with an aliased aws provider (Global Accelerator), which dynamic credentials would not reach', () => {
    const app = testApp();
    const fleet = eksFleet(app, 'edge', AKS_STEPS[0], { backend, router: new GlobalAcceleratorRouter() });
    const home = new TerraformStack(app, 'hcp-workspaces');
    const e = refusal(() => new HcpWorkspaces(home, 'w', { backend, terraformVersion: '1.11.4', fleets: [{ fleet, execution: { traffic: HcpExecution.hosted() }, aws: { runRoleArn: AWS_ROLE } }] }));
    expect(e.message).toContain('fleet "edge": execution.traffic = a remote or agent execution is refused: stack edge-traffic has an aliased aws provider (alias "global_accelerator")');
    expect(e.fix).toBe('execution: { traffic: HcpExecution.local() }');
  });

  test('a remote workspace without a workload identity for its cloud', () => {
    const e = refusal(() => build(units, undefined, { shop: { azure: undefined } }));
    expect(e.message).toMatch(/^fleet "shop": azure = \(not set\) is refused: stack shop-(shared|unit-\S+|validate-\S+|traffic) runs remotely or on an agent and needs azure credentials/);
    expect(refusal(() => build(units, undefined, { shop: { azure: { runClientId: 'my-app', tenantId: AZURE_CLIENT } } })).field).toBe('azure.runClientId');
  });

  test("a workspace name over HCP's limits (letters, digits, - and _; 90 characters)", () => {
    const long = new HcpTerraformBackendFactory({ organization: 'acme', workspacePrefix: 'platform-team-europe-west-production-bluegreen-fleets-' });
    const e = refusal(() => new AksFleet(testApp(), 'shop-prod-weu', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units, backend: long }));
    expect(e.message).toMatch(/HCP Terraform workspace names are letters, digits, "-" and "_", at most the 90 characters HCP recommends \("platform-team-europe-west-production-bluegreen-fleets-shop-prod-weu-validate-blue-1-33-\w+", 9\d characters, is not\)/);
  });

  test('a floating Terraform version, and a fleet whose stacks use another backend', () => {
    const app = testApp();
    const aks = new AksFleet(app, 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units });
    const home = new TerraformStack(app, 'hcp-workspaces');
    expect(refusal(() => new HcpWorkspaces(home, 'a', { backend, terraformVersion: '~> 1.11', fleets: [] })).fix).toBe("terraformVersion: '1.11.4'");
    const e = refusal(() => new HcpWorkspaces(home, 'b', { backend, terraformVersion: '1.11.4', fleets: [{ fleet: aks }] }));
    expect(e.message).toMatch(/^fleet "shop"(, unit "[\w-]+")?: backend = "local" is refused: stack (shop-[\w-]+) must keep its state in workspace "bg-\2"/);
  });
});
