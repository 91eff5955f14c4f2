import * as fs from 'fs';
import * as path from 'path';
import { HcpTerraformBackendFactory, KubernetesSupportCalendar, MetricsSource, RolloutFleet, SloGates, UnitLifecycle } from '../src';
import { BlueGreenError } from '../src/core/errors';
import { Capability, CAPABILITY_MATRIX, capabilityField, capabilityMatrixMarkdown, FleetKind } from '../src/rollout/private/capability-matrix';
import { SCENARIOS } from '../rehearsal/scenarios/catalog';
import { ScenarioDef } from '../rehearsal/scenarios/model';
import { eksFleetProps } from './aws/eks-fixtures';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { aksPoolProps, eksPoolProps } from './support/node-pool-fixtures';
import { synthAll, testApp } from './support/synth';
import { AksFleet, AksNodePoolFleet, EksFleet, EksNodePoolFleet } from '../src';

// Issue 24 item 4: every fleet kind × capability is supported (and deployed by a named rehearsal
// scenario, or — said why — synthesized by a named test) or refused at synth with the reason.
// Defects it catches: a cell deleted from CAPABILITY_MATRIX (the cell test, "states": 0); the refusal
// in checkCapabilities skipped (every refused cell's test); a cell naming a scenario that does not
// deploy the kind (AksNodePoolFleet × drain: 'R1').

const SERVING = [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }];
const BUILD: { [kind: string]: (extra: any) => RolloutFleet } = {
  [FleetKind.AKS_CLUSTER]: (extra) => new AksFleet(testApp(), 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units: SERVING, ...extra }),
  [FleetKind.EKS_CLUSTER]: (extra) => new EksFleet(testApp(), 'shop', eksFleetProps(SERVING, extra)),
  [FleetKind.AKS_NODE_POOL]: (extra) => new AksNodePoolFleet(testApp(), 'shop', aksPoolProps(extra)),
  [FleetKind.EKS_NODE_POOL]: (extra) => new EksNodePoolFleet(testApp(), 'shop', eksPoolProps(extra)),
};
/** The rehearsal's fleet kinds (app-fleets.ts) of each fleet kind. */
const REHEARSAL_KINDS: { [kind: string]: string[] } = {
  [FleetKind.AKS_CLUSTER]: ['aks-frontdoor', 'aks-trafficmanager'],
  [FleetKind.EKS_CLUSTER]: ['eks-route53', 'eks-alb', 'eks-ga'],
  [FleetKind.AKS_NODE_POOL]: ['aks-pools'],
  [FleetKind.EKS_NODE_POOL]: ['eks-pools'],
};
/** What asking for a capability looks like in a fleet's props (for the refusals). */
const ASK: { [capability: string]: unknown } = {
  [Capability.GITOPS]: { repository: { url: 'https://github.com/example/shop-gitops', path: 'clusters/{minor}/{slot}' } },
  [Capability.WORKLOAD_ACCESS]: { identities: [] },
  [Capability.SLO_GATES]: [SloGates.nodeReadiness({ source: MetricsSource.prometheus({ url: 'http://prometheus.monitoring.internal:9090' }) })],
  [Capability.VERSION_OFFERED]: true,
};
/** Whether a scenario's fleet exercises the capability (a prop it sets, what every such fleet does, or what the scenario asserts). */
const EXERCISES: { [capability: string]: (fleet: any, scenario: ScenarioDef) => boolean } = {
  [Capability.GITOPS]: (f) => f.extraProps?.gitOps !== undefined,
  [Capability.WORKLOAD_ACCESS]: (f) => f.extraProps?.workloadAccess !== undefined,
  [Capability.SLO_GATES]: (f) => f.sloGates !== undefined && f.sloGates !== false,
  // Every fleet has a drain timer (and node pools a drain); version look-ups are on by default.
  [Capability.DRAIN]: () => true,
  [Capability.VERSION_OFFERED]: (f) => f.extraProps?.verifyVersionOffered !== false,
  // Its stacks in HCP Terraform workspaces, which HcpWorkspaces configures (hcp-app.ts).
  [Capability.HCP_WORKSPACES]: (f) => f.hcp !== undefined,
  // Every rehearsal fleet's calendar is dated by the world's clock (app-fleets.ts); the scenario
  // must judge the plan's warning (warnedAtFirstDeploy in rehearsal/scenarios/catalog.ts labels its step so).
  [Capability.SUPPORT_WARNINGS]: (_f, s) => s.steps.some((st) => /the plan warns of the minor past its support/.test(st.label)),
};

const cells = Object.values(FleetKind).flatMap((kind) => Object.values(Capability).map((capability) => [kind, capability] as const));

describe('the capability matrix', () => {
  test('has a cell for every fleet kind × capability, each exactly one of: rehearsed, synthesized by a named test, refused', () => {
    for (const [kind, capability] of cells) {
      const cell = CAPABILITY_MATRIX[kind]?.[capability];
      expect({ kind, capability, states: [cell?.rehearsal, cell?.notRehearsed, cell?.refused].filter((x) => x !== undefined).length }).toEqual({ kind, capability, states: 1 });
    }
  });

  test.each(cells.filter(([k, c]) => CAPABILITY_MATRIX[k][c]?.rehearsal !== undefined))('%s × %s: the named rehearsal scenario deploys it with this fleet kind', (kind, capability) => {
    const id = CAPABILITY_MATRIX[kind][capability].rehearsal;
    const scenario = SCENARIOS.find((s) => s.id === id);
    expect(scenario).toBeDefined();
    const fleets = scenario!.fleets.filter((f) => REHEARSAL_KINDS[kind].includes(f.kind));
    expect(fleets.some((f) => EXERCISES[capability](f, scenario!))).toBe(true);
  });

  // A loop, not test.each: today every cell is rehearsed or refused, and test.each refuses an empty table.
  test('a cell not rehearsed (none today) says why and names a test that exists', () => {
    for (const [kind, capability] of cells.filter(([k, c]) => CAPABILITY_MATRIX[k][c]?.notRehearsed !== undefined)) {
      const n = CAPABILITY_MATRIX[kind][capability].notRehearsed!;
      expect({ kind, capability, why: n.why.length > 20, test: fs.existsSync(path.join(__dirname, '..', n.test)) }).toEqual({ kind, capability, why: true, test: true });
    }
  });

  test.each(cells.filter(([k, c]) => CAPABILITY_MATRIX[k][c]?.refused !== undefined))('%s × %s: asking for it is refused at synth with the reason', (kind, capability) => {
    const field = capabilityField(capability);
    expect(ASK[capability]).toBeDefined();
    let error: unknown;
    try {
      BUILD[kind]({ [field]: ASK[capability] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BlueGreenError);
    const message = (error as Error).message;
    expect(message).toContain(`fleet "shop": ${field} = `);
    expect(message).toContain(`${kind} does not support ${capability}`);
    expect(message).toContain(CAPABILITY_MATRIX[kind][capability].refused!.slice(0, 60));
  });

  test('docs/capabilities.md shows the matrix as the code has it', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'capabilities.md'), 'utf8');
    expect(doc).toContain(capabilityMatrixMarkdown());
  });
});

describe('capabilities no rehearsal deploys, synthesized on every fleet kind', () => {
  test.each(Object.values(FleetKind))('%s: HCP workspaces — every stack of the fleet keeps its state in its own HCP Terraform workspace', (kind) => {
    const fleet = BUILD[kind]({ backend: new HcpTerraformBackendFactory({ organization: 'acme', workspacePrefix: 'prod-' }) });
    const { stacks } = synthAll(fleet.node.root as any);
    const names = Object.keys(stacks);
    expect(names.length).toBeGreaterThanOrEqual(4);
    for (const name of names) expect(stacks[name].terraform.backend.remote.workspaces).toEqual({ name: `prod-${name}` });
  });

  test.each(Object.values(FleetKind))('%s: support warnings — a serving unit near the end of its minor\'s support is named in the plan', (kind) => {
    const props = { asOf: '2026-12-01', entries: [{ minor: '1.33', endOfSupport: '2026-12-20', endOfExtendedSupport: '2026-12-20' }] };
    const calendar = kind.startsWith('Aks') ? KubernetesSupportCalendar.aks(props) : KubernetesSupportCalendar.eks(props);
    const fleet = BUILD[kind]({ supportCalendar: calendar });
    expect(fleet.plan.warnings.join('\n')).toMatch(/blue \(blue-1-33-[a-z2-7]{6}\) serves on (AKS|EKS) 1\.33, whose (extended )?support ends on 2026-12-20/);
  });

  test('EksFleet: SLO gates — each gate is a check of every candidate and serving unit, listed in the plan with its query', () => {
    const fleet = BUILD[FleetKind.EKS_CLUSTER]({ checks: ASK[Capability.SLO_GATES] });
    const blue = fleet.plan.units[0];
    expect(blue.checks).toEqual(['slo-node-readiness']);
    expect(blue.gates?.map((g) => g.gate)).toEqual(['slo-node-readiness']);
    const { stacks } = synthAll(fleet.node.root as any);
    const gate = Object.entries<any>(stacks[`shop-validate-${blue.name}`].data.http).find(([id]) => id.startsWith('gate_slo_node_readiness'))![1];
    expect(decodeURIComponent(gate.url)).toContain(`kube_node_status_condition{bluegreen_unit="${blue.name}"`);
    expect(gate.lifecycle.postcondition[0].error_message).toContain('SLO gate slo-node-readiness failed');
  });
});
