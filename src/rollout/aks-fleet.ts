import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { KubernetesSupportCalendar } from '../core/support-calendar';
import { UnitDeclaration, UnitLifecycle } from '../core/rollout-model';
import { AksAccess } from '../azure/aks-access';
import { AksClusterUnit } from '../azure/aks-cluster-unit';
import { AksClusterSpec } from '../azure/aks-spec';
import { checkAksSpec } from '../azure/aks-spec-rules';
import { IAzureRouter } from '../azure/azure-router';
import { FrontDoorRouter } from '../azure/front-door-router';
import { AksGitOps, checkAksGitOps } from '../azure/aks-gitops';
import { checkAksVersionsOffered } from '../azure/aks-version-offered';
import { AksWorkloadAccess, checkAksWorkloadAccess } from '../azure/aks-workload-access';
import { HttpProbeCheck } from '../kubernetes/http-probe-check';
import { IClusterAccess } from '../kubernetes/cluster-access';
import { NodesReadyCheck } from '../kubernetes/nodes-ready-check';
import { SmokeJobCheck } from '../kubernetes/smoke-job-check';
import { FleetOptions } from './fleet-options';
import { AksFleetContext, aksCloud, aksClusterUnitKind, aksGitOpsCapability, aksWorkloadAccessCapability, azureRouterPart } from './private/aks-cluster-parts';
import { supportWarnings, versionOffered } from './private/capabilities';
import { FleetCapability, FleetKind } from './private/capability-matrix';
import { layoutFleet } from './private/fleet-layout';
import { CHECK_NAMESPACE } from './private/validation-checks';
import { withAksGateAccess } from '../azure/private/aks-gate-access';
import { RolloutFleet } from './rollout-fleet';

/** Properties of an {@link AksFleet}. */
export interface AksFleetProps extends FleetOptions {
  /** Azure subscription of the fleet (not a secret; providers need it explicitly). */
  readonly subscriptionId: string;
  /** What every unit is built from. */
  readonly spec: AksClusterSpec;
  /**
   * Per-slot spec for units built from another spec than `spec` (keep an old unit's spec here when
   * the fleet's spec moves on). @default - every unit uses `spec`
   */
  readonly unitSpecs?: { [slot: string]: AksClusterSpec };
  /** The front door. @default new FrontDoorRouter() */
  readonly router?: IAzureRouter;
  /** How validation stacks reach a unit. @default new AksAccess() (kubelogin with the Azure CLI) */
  readonly access?: IClusterAccess;
  /** Resource group of the fleet (created by the shared stack). @default '<fleet>-rg' */
  readonly resourceGroupName?: string;
  /**
   * Object id of the identity that runs the validation stacks, granted cluster-admin on each unit
   * through Azure RBAC. @default - none (grant it yourself, e.g. through an admin group)
   */
  readonly validationPrincipalObjectId?: string;
  /**
   * The units of the previous rollout step (e.g. what the main branch declares). With it, a unit
   * that served there and is retired here is refused at synth: it stands by for a step first. The
   * rollout state file cannot tell (it keeps when a unit entered its lifecycle, not the one before),
   * so without it only `cdktf-bluegreen check --base` applies this rule.
   * @default - the transition is not checked at synth
   */
  readonly previousUnits?: UnitDeclaration[];
  /**
   * When each Kubernetes minor leaves the cloud's support: the rollout plan warns when a serving
   * unit is within 60 days of it. @default KubernetesSupportCalendar.aks() (shipped dates, today)
   */
  readonly supportCalendar?: KubernetesSupportCalendar;
  /**
   * GitOps bootstrap of every unit (Flux extension + configuration in the unit's stack); the
   * validation of a unit then waits for its sync before any other check.
   * @default - no GitOps: a new unit starts empty
   */
  readonly gitOps?: AksGitOps;
  /**
   * Workload identities and grants every unit gets in its own stack (federated credentials,
   * AcrPull, NSG rules); each declared identity is verified on every candidate and serving unit.
   * @default - none
   */
  readonly workloadAccess?: AksWorkloadAccess;
  /**
   * Check at plan time, in the shared stack, that AKS offers each candidate's version in the region.
   * @default true
   */
  readonly verifyVersionOffered?: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A fleet of whole AKS clusters upgraded blue-green: one stack per unit, a validation stack per
 * candidate or serving unit, a traffic stack at Azure Front Door or Traffic Manager, and a shared
 * stack, wired so that one `cdktf deploy '*'` builds, validates, shifts, drains and destroys in order.
 *
 * The stacks are created at the root of the app, named `<fleet>-shared`, `<fleet>-unit-<unit>`,
 * `<fleet>-validate-<unit>` and `<fleet>-traffic`.
 */
export class AksFleet extends RolloutFleet {
  constructor(scope: Construct, id: string, props: AksFleetProps) {
    super(scope, id, props);
    const fleet = id;
    // Issue 20.3: the Azure Monitor gates' federated credential is a grant of every unit, counted with the declared ones.
    props = { ...props, workloadAccess: withAksGateAccess(fleet, props.workloadAccess, props.checks, CHECK_NAMESPACE, (Array.isArray(props.units) ? props.units : []).filter((u) => u.lifecycle !== UnitLifecycle.RETIRED).length) };
    checkAksFleetProps(fleet, props);
    const router = props.router ?? new FrontDoorRouter();
    const c: AksFleetContext = {
      fleet, props, router, rg: props.resourceGroupName ?? `${fleet}-rg`, location: props.spec.location, tags: props.tags ?? {},
      specOf: (u) => props.unitSpecs?.[u.slot] ?? props.spec,
    };
    const capabilities: FleetCapability<AksClusterUnit>[] = [
      // Grants first: the GitOps bootstrap waits for them.
      ...(props.workloadAccess ? [aksWorkloadAccessCapability(c)] : []),
      ...(props.gitOps ? [aksGitOpsCapability(c)] : []),
      ...(props.verifyVersionOffered === false ? [] : [versionOffered((stack, units) => checkAksVersionsOffered(stack, fleet, c.location, units))]),
      supportWarnings(props.supportCalendar ?? KubernetesSupportCalendar.aks()),
    ];
    this._adopt(layoutFleet(this, fleet, FleetKind.AKS_CLUSTER, props, {
      settings: {
        units: props.units, backend: props.backend, drainSeconds: props.drainSeconds, readinessSeconds: props.readinessSeconds, previousUnits: props.previousUnits,
        checks: props.checks ?? [new NodesReadyCheck(), SmokeJobCheck.clusterDns(), new HttpProbeCheck()],
        versionOptions: { minimumKubernetesVersion: props.minimumKubernetesVersion, maximumKubernetesVersion: props.maximumKubernetesVersion },
      },
      cloud: aksCloud(c),
      unitKind: aksClusterUnitKind(c, props.access ?? new AksAccess()),
      router: azureRouterPart(c),
      capabilities,
    }));
  }
}

/** The fleet's own props, before any unit is planned. */
function checkAksFleetProps(fleet: string, props: AksFleetProps): void {
  if (typeof props.subscriptionId !== 'string' || !GUID.test(props.subscriptionId)) {
    throw new BlueGreenError({ fleet, field: 'subscriptionId', value: show(props.subscriptionId), rule: 'a subscription id is a GUID', fix: "subscriptionId: '00000000-0000-0000-0000-000000000000'" });
  }
  checkAksSpec(fleet, undefined, props.spec);
  for (const [slot, spec] of Object.entries(props.unitSpecs ?? {})) {
    if (!props.units.some((u) => u.slot === slot)) {
      throw new BlueGreenError({ fleet, field: `unitSpecs.${slot}`, value: show(slot), rule: 'unitSpecs names the slot of a declared unit', fix: `remove unitSpecs.${slot}, or declare a unit in slot ${show(slot)}` });
    }
    checkAksSpec(fleet, slot, spec);
    if (spec.location !== props.spec.location) {
      throw new BlueGreenError({ fleet, unit: slot, field: 'spec.location', value: show(spec.location), rule: 'all units of a fleet live in the fleet\'s region', fix: `location: ${show(props.spec.location)}` });
    }
  }
  if (props.gitOps) checkAksGitOps(fleet, props.gitOps);
  if (props.workloadAccess) {
    const specs = [props.spec, ...Object.values(props.unitSpecs ?? {})];
    const live = props.units.filter((u) => u.lifecycle !== UnitLifecycle.RETIRED).length;
    checkAksWorkloadAccess(fleet, props.workloadAccess, live, specs.every((s) => s.nodeSubnetId) ? props.spec.nodeSubnetId : undefined);
  }
}
