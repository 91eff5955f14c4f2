// The fleets a scenario app deploys. Each scenario app's main.ts calls buildFleets with the
// fleets.json the harness writes before every step; every fleet reads its units from the scenario's
// state file (RolloutState.unitsOf), exactly as an infra repo would. The library comes from this
// repository's src/ (what is being rehearsed), never from a published build.
import { App, dependable, TerraformResource, TerraformStack } from 'cdktf';
import {
  AksFleet, AksNodePoolFleet, AlbWeightedRouter, EksFleet, EksNodePoolFleet, FrontDoorRouter,
  GlobalAcceleratorRouter, HcpTerraformBackendFactory, HttpProbeCheck, KubernetesSupportCalendar, MetricsSource, NodesReadyCheck, Route53WeightedRouter, RolloutFleet, RolloutState, SloGates,
  SmokeJobCheck, TrafficManagerRouter, WorkloadIdentityCheck, WorkloadIdentityCheckProps,
} from '../../src';
import { METRICS_HOST } from '../world/metrics';

/** The fleet kinds the rehearsal knows: one per router, plus the two node-pool fleets. */
export type FleetKind = 'aks-frontdoor' | 'aks-trafficmanager' | 'eks-route53' | 'eks-alb' | 'eks-ga' | 'aks-pools' | 'eks-pools';

/** A change made through an escape hatch, after the library built the unit (R10). */
export interface EscapeHatch {
  /** The slot whose unit stack is changed. */
  readonly slot: string;
  /** Terraform resource type in that stack, e.g. azurerm_kubernetes_cluster. */
  readonly resourceType: string;
  /** Attribute path given to addOverride. */
  readonly attribute: string;
  readonly value: unknown;
}

/** One fleet of a scenario app (fleets.json). */
export interface AppFleet {
  readonly name: string;
  readonly kind: FleetKind;
  /** Absolute path of the fleet's state file in the scenario's git repo. */
  readonly stateFile: string;
  /** Node pools: the state file at the previous step (HEAD~1), for previousUnits. */
  readonly previousStateFile?: string;
  /** Node pools: the control plane's version now and in the previous step. */
  readonly controlPlane?: { readonly previous: string; readonly current: string };
  /** Extra fleet props (e.g. the readiness window of R12), passed through as given. */
  readonly extraProps?: Record<string, unknown>;
  readonly escapeHatch?: EscapeHatch;
  readonly slowBuild?: SlowBuild;
  /** Issue 15: the default checks plus the six ready-made SLO gates against the world's metrics API ('managed': the cloud's managed Prometheus, from the unit). */
  readonly sloGates?: boolean | 'managed';
  /** Issue 19 item 4: the fleet's stacks keep their state in HCP Terraform workspaces, configured by HcpWorkspaces (hcp-app.ts). */
  readonly hcp?: HcpRuns;
}

/**
 * A fleet whose stacks have one HCP Terraform workspace each (HcpWorkspaces in a bootstrap stack
 * `<fleet>-hcp-workspaces`), every workspace running on an agent pool with Azure dynamic credentials
 * whose federated credentials the library manages (runIdentityId), or on EKS with AWS dynamic credentials.
 */
export interface HcpRuns {
  readonly organization: string;
  readonly workspacePrefix: string;
  readonly projectId: string;
  readonly projectName: string;
  readonly agentPoolId: string;
  readonly runClientId: string;
  readonly runIdentityId: string;
  readonly tenantId: string;
  /** EKS fleets: the role the runs assume (AWS dynamic credentials) instead of the Azure identity. */
  readonly awsRunRoleArn?: string;
}

/** The rehearsal's gate image: a digest the world never pulls (its Jobs are simulated), pinned as the library requires. */
const GATE_IMAGE = `registry.rehearsal.internal/bluegreen-gate@sha256:${'0'.repeat(63)}1`;

/**
 * The fleet's default checks, plus SloGates.all reading the world's Prometheus-compatible API
 * (world/metrics.ts): from the deploy machine, or ('managed') from a Job in the unit against Azure
 * Monitor managed Prometheus (AKS) or Amazon Managed Prometheus (EKS), with the unit's workload identity.
 */
function sloChecks(f: AppFleet): Record<string, unknown> {
  if (!f.sloGates) return {};
  const aks = f.kind.startsWith('aks-');
  const source = f.sloGates !== 'managed' ? MetricsSource.prometheus({ url: `http://${METRICS_HOST}:9090` })
    : aks ? MetricsSource.azureMonitorWorkspace({
      queryEndpoint: `https://${f.name}-amw.westeurope.prometheus.monitor.azure.com`, clientId: GATES_CLIENT_ID, gateImage: GATE_IMAGE,
      managedIdentityId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/identities-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${f.name}-gates`,
    })
      : MetricsSource.amazonManagedPrometheus({ workspaceId: 'ws-0123abcd-4567-89ef-0123-456789abcdef', region: 'eu-west-1', roleArn: `arn:aws:iam::123456789012:role/${f.name}-gates`, gateImage: GATE_IMAGE });
  return { checks: [new NodesReadyCheck(), SmokeJobCheck.clusterDns(), new HttpProbeCheck(), ...SloGates.all({ source })] };
}

/**
 * A unit whose build is slow, as a real one is (an AKS or EKS cluster takes minutes): the object a
 * router knows the unit by is created only once the fleet's traffic stack has started acting on
 * the world (plus a grace period), or after a timeout. A `local-exec` provisioner on the unit's
 * first resources waits, and that object depends on them. Terraform runs the command itself
 * (https://developer.hashicorp.com/terraform/language/resources/provisioners/local-exec), with
 * its environment, so REHEARSAL_WORLD names the world file to watch.
 */
export interface SlowBuild {
  readonly slot: string;
  /** Resource types that get the waiting provisioner (created first in the unit's stack). */
  readonly hostTypes: string[];
  /** The object that waits (depends on the hosts), e.g. aws_lb_target_group. */
  readonly objectType: string;
  readonly timeoutSeconds: number;
  readonly graceSeconds: number;
}

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
const GATES_CLIENT_ID = '33333333-3333-3333-3333-333333333333';
const ADMINS = ['11111111-1111-1111-1111-111111111111'];
/** The principal that runs the checks of fleets that grant it access per unit (R12's late role assignment). */
export const VALIDATION_PRINCIPAL = '22222222-2222-2222-2222-222222222222';

/** The fleet label makes every fleet's units distinct (unit names carry the spec fingerprint). */
function aksSpec(fleet: string) {
  return {
    location: 'westeurope',
    adminGroupObjectIds: ADMINS,
    systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 3, maxCount: 5 },
    userPools: [{ name: 'apps', vmSize: 'Standard_D8ds_v5', minCount: 3, maxCount: 6, labels: { workload: 'apps', fleet } }],
  };
}

function eksCommon(f: AppFleet, zone: string) {
  return {
    spec: {
      region: 'eu-west-1',
      subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
      nodeGroups: [{ name: 'apps', instanceTypes: ['m7i.xlarge'], minSize: 3, maxSize: 6, labels: { workload: 'apps', fleet: f.name } }],
    },
    vpcId: 'vpc-0a1b2c3d4e5f60000',
    loadBalancerSubnetIds: ['subnet-0a1b2c3d4e5f6a001', 'subnet-0a1b2c3d4e5f6a002'],
    originDomain: { hostedZoneId: zone, domainName: `${f.name}.example.com` },
    validationPrincipalArn: 'arn:aws:iam::123456789012:role/platform-deployer',
    allowedAccountIds: ['123456789012'],
    units: RolloutState.unitsOf(f.stateFile, f.name),
  };
}

function previousUnits(f: AppFleet) {
  return f.previousStateFile ? RolloutState.unitsOf(f.previousStateFile, f.name) : undefined;
}

/**
 * fleets.json holds plain JSON; `identityChecks` (R18) become WorkloadIdentityChecks after the AKS
 * fleet's default checks, as a team would add them to `checks`.
 */
function aksExtras(extra: Record<string, unknown>): Record<string, unknown> {
  const { identityChecks, ...rest } = extra as { identityChecks?: WorkloadIdentityCheckProps[] };
  if (!identityChecks) return rest;
  return { ...rest, checks: [new NodesReadyCheck(), SmokeJobCheck.clusterDns(), new HttpProbeCheck(), ...identityChecks.map((c) => new WorkloadIdentityCheck(c))] };
}

/**
 * "Today" for the support calendars is the world's simulated date, read from the world file the
 * deploy runs against (REHEARSAL_WORLD; clock 0 = 2026-01-01T00:00:00Z, as rules/common.ts
 * `timestamp`), never the machine's date; outside a deploy (in-process look-ups), undefined.
 */
function worldToday(): string | undefined {
  const file = process.env.REHEARSAL_WORLD;
  if (!file || !require('fs').existsSync(file)) return undefined;
  const clock = Number((JSON.parse(require('fs').readFileSync(file, 'utf8')) as { clock?: number }).clock ?? 0);
  return new Date(Date.UTC(2026, 0, 1) + Math.round(clock * 1000)).toISOString().slice(0, 10);
}

/** The fleet's support calendar as of the world's date (the shipped dates of its cloud). */
function calendarOf(kind: FleetKind, asOf: string | undefined): Record<string, unknown> {
  if (!asOf) return {};
  return { supportCalendar: kind.startsWith('aks-') ? KubernetesSupportCalendar.aks({ asOf }) : KubernetesSupportCalendar.eks({ asOf }) };
}

/** Adds every fleet of fleets.json to the app. */
export function buildFleets(app: App, fleets: AppFleet[]): void {
  const today = worldToday();
  for (const f of fleets) {
    const extra = { ...calendarOf(f.kind, today), ...(f.hcp ? { backend: new HcpTerraformBackendFactory({ organization: f.hcp.organization, workspacePrefix: f.hcp.workspacePrefix }) } : {}), ...(f.extraProps ?? {}) };
    switch (f.kind) {
      case 'aks-frontdoor':
      case 'aks-trafficmanager':
        new AksFleet(app, f.name, {
          subscriptionId: SUBSCRIPTION,
          spec: aksSpec(f.name),
          router: f.kind === 'aks-frontdoor' ? new FrontDoorRouter({ healthProbePath: '/healthz' }) : new TrafficManagerRouter({ ttlSeconds: 30 }),
          validationPrincipalObjectId: VALIDATION_PRINCIPAL,
          units: RolloutState.unitsOf(f.stateFile, f.name),
          ...sloChecks(f),
          ...aksExtras(extra),
        });
        break;
      case 'eks-route53':
        new EksFleet(app, f.name, { ...eksCommon(f, 'Z0123456789ABCDEFGHIJ'), router: new Route53WeightedRouter({ recordName: `www.${f.name}.example.com`, ttlSeconds: 30 }), ...sloChecks(f), ...extra });
        break;
      case 'eks-alb':
        new EksFleet(app, f.name, { ...eksCommon(f, 'Z0123456789ABCDEFGHIK'), router: new AlbWeightedRouter({ hostName: `api.${f.name}.example.com`, connectionDrainSeconds: 30 }), ...extra });
        break;
      case 'eks-ga':
        new EksFleet(app, f.name, { ...eksCommon(f, 'Z0123456789ABCDEFGHIL'), router: new GlobalAcceleratorRouter({ connectionDrainSeconds: 30 }), ...extra });
        break;
      case 'aks-pools':
        new AksNodePoolFleet(app, f.name, {
          subscriptionId: SUBSCRIPTION,
          previousControlPlaneVersion: f.controlPlane!.previous,
          controlPlaneVersion: f.controlPlane!.current,
          cluster: { location: 'westeurope', adminGroupObjectIds: ADMINS, systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 3, maxCount: 5 } },
          pool: { vmSize: 'Standard_D8ds_v5', minCount: 3, maxCount: 6, labels: { workload: 'apps', fleet: f.name } },
          validationPrincipalObjectId: VALIDATION_PRINCIPAL,
          previousUnits: previousUnits(f),
          units: RolloutState.unitsOf(f.stateFile, f.name),
          ...extra,
        });
        break;
      case 'eks-pools':
        new EksNodePoolFleet(app, f.name, {
          region: 'eu-west-1',
          previousControlPlaneVersion: f.controlPlane!.previous,
          controlPlaneVersion: f.controlPlane!.current,
          cluster: { subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'], adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admin'] },
          validationPrincipalArn: 'arn:aws:iam::123456789012:role/platform-deployer',
          pool: { instanceTypes: ['m7i.xlarge'], minSize: 3, maxSize: 6, labels: { workload: 'apps', fleet: f.name } },
          previousUnits: previousUnits(f),
          units: RolloutState.unitsOf(f.stateFile, f.name),
          ...extra,
        });
        break;
      default:
        throw new Error(`unknown fleet kind ${String((f as AppFleet).kind)}`);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (f.hcp) (require('./hcp-app') as typeof import('./hcp-app')).addHcpWorkspaces(app, f.name, f.hcp, (extra as { backend: HcpTerraformBackendFactory }).backend);
    if (f.escapeHatch) applyEscapeHatch(app, f.name, f.escapeHatch);
    if (f.slowBuild) applySlowBuild(app, f.name, f.slowBuild, RolloutState.unitsOf(f.stateFile, f.name).some((u) => u.slot === f.slowBuild!.slot));
  }
}

function unitStackOf(app: App, fleet: string, slot: string): TerraformStack | undefined {
  return app.node.children.find((c): c is TerraformStack => TerraformStack.isStack(c) && c.node.id.startsWith(`${fleet}-unit-${slot}-`));
}

function resourcesOf(stack: TerraformStack, type: string): TerraformResource[] {
  return stack.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c) && c.terraformResourceType === type);
}

function applySlowBuild(app: App, fleet: string, b: SlowBuild, declared: boolean): void {
  const stack = unitStackOf(app, fleet, b.slot);
  if (!stack && declared) throw new Error(`slow build: the state file declares slot ${b.slot} of ${fleet}, but the app has no unit stack ${fleet}-unit-${b.slot}-*`);
  if (!stack) return; // the unit does not exist (yet, or any more)
  const hosts = b.hostTypes.flatMap((t) => resourcesOf(stack, t));
  const objects = resourcesOf(stack, b.objectType);
  if (!hosts.length || !objects.length) throw new Error(`slow build: ${stack.node.id} has no ${b.hostTypes.join('/')} or no ${b.objectType}`);
  const traffic = `${fleet}-traffic`;
  // Waits for the traffic stack's first action of this deploy in the world's log, then the grace period.
  const waiter = require('path').join(__dirname, 'wait-for-stack.js');
  const command = `'${process.execPath}' '${waiter}' '${traffic}' ${b.timeoutSeconds} ${b.graceSeconds}`;
  for (const h of hosts) h.addOverride('provisioner', [{ 'local-exec': { command } }]);
  for (const o of objects) o.dependsOn = [...(o.dependsOn ?? []), ...hosts.map((h) => dependable(h))];
}

/** Overrides an attribute of a unit's resource after the library built it, bypassing its guards. */
function applyEscapeHatch(app: App, fleet: string, h: EscapeHatch): void {
  const stack = unitStackOf(app, fleet, h.slot);
  if (!stack) throw new Error(`escape hatch: no unit stack of slot ${h.slot} in fleet ${fleet}`);
  const resources = stack.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c) && c.terraformResourceType === h.resourceType);
  if (resources.length === 0) throw new Error(`escape hatch: no ${h.resourceType} in ${stack.node.id}`);
  for (const r of resources) r.addOverride(h.attribute, h.value);
}

/** Unit names (slot → name) of each fleet, computed in-process without a synth (to aim faults at one unit). */
export function unitNamesOf(fleets: AppFleet[]): Record<string, Record<string, string>> {
  const app = new App({ outdir: require('os').tmpdir(), skipValidation: true });
  buildFleets(app, fleets);
  const out: Record<string, Record<string, string>> = {};
  for (const c of app.node.children) {
    if (c instanceof RolloutFleet) out[c.node.id] = Object.fromEntries(c.plan.units.map((u) => [u.slot, u.name]));
  }
  return out;
}

/**
 * The `name` attribute of every resource of `type` in a unit's stack, computed in-process (to aim
 * an apply-error fault at one unit's object). Empty when the unit or the type is absent.
 */
export function resourceNamesOf(fleets: AppFleet[], fleet: string, slot: string, type: string): string[] {
  const app = new App({ outdir: require('os').tmpdir(), skipValidation: true });
  buildFleets(app, fleets);
  const stack = app.node.children.find((c): c is TerraformStack => TerraformStack.isStack(c) && c.node.id.startsWith(`${fleet}-unit-${slot}-`));
  if (!stack) return [];
  return stack.node.findAll()
    .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c) && c.terraformResourceType === type)
    .map((r) => {
      const json = r.toTerraform() as { resource: Record<string, Record<string, { name?: unknown }>> };
      return Object.values(json.resource[type] ?? {}).map((x) => x.name);
    })
    .flat()
    .filter((n): n is string => typeof n === 'string');
}
