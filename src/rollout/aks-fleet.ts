import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { fingerprint } from '../core/fingerprint';
import { KubernetesSupportCalendar } from '../core/support-calendar';
import { StackRole } from '../core/plan-report';
import { PlannedUnit, UnitDeclaration, UnitLifecycle } from '../core/rollout-model';
import { stepTags, TAG_MANAGED_BY } from '../core/tags';
import { AksAccess } from '../azure/aks-access';
import { AksClusterUnit, AksUnitNames } from '../azure/aks-cluster-unit';
import { AksClusterSpec } from '../azure/aks-spec';
import { checkAksSpec } from '../azure/aks-spec-rules';
import { resolvedAksSpec } from '../azure/private/resolved-aks-spec';
import { IAzureRouter } from '../azure/azure-router';
import { FrontDoorRouter } from '../azure/front-door-router';
import { AksFluxBootstrap, AksGitOps, aksGitOpsSyncCheck, checkAksGitOps, resolvedAksGitOps } from '../azure/aks-gitops';
import { checkAksVersionsOffered } from '../azure/aks-version-offered';
import { AksUnitWorkloadAccess, AksWorkloadAccess, aksWorkloadAccessIdentity, checkAksWorkloadAccess, dataStoreRulePriority } from '../azure/aks-workload-access';
import { WorkloadIdentityCheck, WorkloadIdentityCloud } from '../kubernetes/workload-identity-check';
import { HttpProbeCheck } from '../kubernetes/http-probe-check';
import { IClusterAccess } from '../kubernetes/cluster-access';
import { NodesReadyCheck } from '../kubernetes/nodes-ready-check';
import { SmokeJobCheck } from '../kubernetes/smoke-job-check';
import { FleetOptions } from './fleet-options';
import { CHECK_NAMESPACE, layoutFleet } from './private/fleet-layout';
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
    // Issue 20.3: the Azure Monitor gates' federated credential is a grant of every unit (one call; re-apply on the new engine).
    props = { ...props, workloadAccess: withAksGateAccess(fleet, props.workloadAccess, props.checks, CHECK_NAMESPACE, (Array.isArray(props.units) ? props.units : []).filter((u) => u.lifecycle !== UnitLifecycle.RETIRED).length) };
    if (typeof props.subscriptionId !== 'string' || !GUID.test(props.subscriptionId)) {
      throw new BlueGreenError({ fleet, field: 'subscriptionId', value: show(props.subscriptionId), rule: 'a subscription id is a GUID', fix: "subscriptionId: '00000000-0000-0000-0000-000000000000'" });
    }
    const specOf = (u: { slot: string }): AksClusterSpec => props.unitSpecs?.[u.slot] ?? props.spec;
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
    const router = props.router ?? new FrontDoorRouter();
    const rg = props.resourceGroupName ?? `${fleet}-rg`;
    const location = props.spec.location;
    const access = props.access ?? new AksAccess();
    const tags = props.tags ?? {};
    if (props.gitOps) checkAksGitOps(fleet, props.gitOps);
    if (props.workloadAccess) {
      const specs = [props.spec, ...Object.values(props.unitSpecs ?? {})];
      const live = props.units.filter((u) => u.lifecycle !== UnitLifecycle.RETIRED).length;
      checkAksWorkloadAccess(fleet, props.workloadAccess, live, specs.every((s) => s.nodeSubnetId) ? props.spec.nodeSubnetId : undefined);
    }
    // Phases: the sync first, then the workload identities, then the other checks (CheckPhase).
    const identityChecks = (props.workloadAccess?.identities ?? []).filter((i) => i.verify !== false).map((i) => new WorkloadIdentityCheck({
      cloud: WorkloadIdentityCloud.AZURE, namespace: i.namespace, serviceAccount: i.serviceAccount, secret: i.verifySecret,
    }));
    const checks = [
      ...(props.gitOps ? [aksGitOpsSyncCheck(props.gitOps)] : []),
      ...(props.checks ?? [new NodesReadyCheck(), SmokeJobCheck.clusterDns(), new HttpProbeCheck()]),
      ...identityChecks,
    ];

    const layout = layoutFleet(this, fleet, {
      cloud: 'AKS',
      unitKind: 'cluster',
      router,
      units: props.units,
      checks,
      backend: props.backend,
      drainSeconds: props.drainSeconds,
      versionOptions: { minimumKubernetesVersion: props.minimumKubernetesVersion, maximumKubernetesVersion: props.maximumKubernetesVersion },
      tags,
      previousUnits: props.previousUnits,
      readinessSeconds: props.readinessSeconds,
      supportWarning: (u) => (props.supportCalendar ?? KubernetesSupportCalendar.aks()).warningFor(`${u.slot} (${u.name})`, u.kubernetesVersion.toString()),
      // Everything that reaches a unit's stack is part of its identity (a change is a new unit), taken
      // with the documented defaults filled in, so writing a default out changes nothing.
      specFingerprint: (u) => fingerprint({
        cloud: 'aks', kubernetesVersion: u.kubernetesVersion, spec: resolvedAksSpec(specOf(u), u.kubernetesVersion.toString()),
        subscriptionId: props.subscriptionId, resourceGroupName: rg, validationPrincipalObjectId: props.validationPrincipalObjectId, tags,
        gitOps: props.gitOps && resolvedAksGitOps(props.gitOps), workloadAccess: aksWorkloadAccessIdentity(props.workloadAccess),
      }),
      checkUnit: (u: PlannedUnit) => {
        if (u.lifecycle !== UnitLifecycle.RETIRED) checkAksSpec(fleet, u.slot, specOf(u), u.kubernetesVersion);
        const name = AksUnitNames.clusterName(fleet, u.name);
        if (name.length > 63) {
          throw new BlueGreenError({ fleet, unit: u.slot, field: 'cluster name', value: show(name), rule: 'an AKS cluster name is at most 63 characters', fix: 'use a shorter fleet name' });
        }
      },
      checkFleet: (units: PlannedUnit[]) => {
        // NSG rule priorities are unique per NSG: two live units must not draw the same one.
        const seen = new Map<string, string>();
        for (const u of units.filter((x) => x.lifecycle !== UnitLifecycle.RETIRED)) {
          for (const d of props.workloadAccess?.dataStores ?? []) {
            const key = `${d.networkSecurityGroupId.toLowerCase()}#${dataStoreRulePriority(u.name, d.name)}`;
            if (seen.has(key)) {
              throw new BlueGreenError({ fleet, unit: u.slot, field: 'slot', value: show(u.slot), rule: `the unit's rule for ${d.name} would take NSG priority ${dataStoreRulePriority(u.name, d.name)}, already taken by ${seen.get(key)}`, fix: 'declare the unit in another slot' });
            }
            seen.set(key, `${u.name}/${d.name}`);
          }
        }
      },
      bindBeforeCandidates: (stack, candidates) => {
        if (props.verifyVersionOffered === false) return;
        checkAksVersionsOffered(stack, fleet, location, candidates.map((c) => ({ slot: c.slot, kubernetesVersion: c.kubernetesVersion.toString() })));
      },
      originHost: (u) => AksUnitNames.originHost(fleet, u.name, location),
      configureProviders: (stack: TerraformStack, role: StackRole) => {
        // Identical in every step, so a unit's stack JSON never changes while it lives.
        new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: props.subscriptionId });
        void role;
      },
      bindShared: (stack) => {
        const sharedTags = { ...tags, 'bluegreen-fleet': fleet, [TAG_MANAGED_BY]: 'cdktf-bluegreen' };
        const group = new ResourceGroup(stack, 'resource-group', { name: rg, location, tags: sharedTags, lifecycle: { preventDestroy: true } });
        // A reference, not the literal name: Terraform then creates the group before the router's profile
        // (Azure refuses a create in a group that does not exist yet, ResourceGroupNotFound — found by the rehearsal).
        router.bindShared(stack, { fleet, step: 'shared', tags: sharedTags, resourceGroupName: group.name, location });
      },
      bindUnit: (stack, u) => {
        const spec = specOf(u);
        const unit = new AksClusterUnit(stack, 'unit', {
          fleet, unitName: u.name, kubernetesVersion: u.kubernetesVersion.toString(), resourceGroupName: rg, spec,
          validationPrincipalObjectId: props.validationPrincipalObjectId, tags,
        });
        // The unit's own grants and GitOps: built with it, identical while it lives, removed with it.
        const grants = props.workloadAccess ? new AksUnitWorkloadAccess(stack, 'workload-access', {
          cluster: unit.cluster, clusterName: unit.clusterName, unitName: u.name, access: props.workloadAccess, nodeSubnetId: spec.nodeSubnetId,
        }).grants : [];
        if (props.gitOps) {
          new AksFluxBootstrap(stack, 'gitops', {
            cluster: unit.cluster, gitOps: props.gitOps, dependsOn: grants,
            unit: { fleet, slot: u.slot, unit: u.name, version: u.kubernetesVersion.toString() },
          });
        }
      },
      bindAccess: (stack, u) => {
        const spec = specOf(u);
        const provider = access.bind(stack, { clusterName: AksUnitNames.clusterName(fleet, u.name), location: rg });
        const minimumNodes = [spec.systemPool, ...(spec.userPools ?? [])].reduce((n, p) => n + (p.minCount ?? 2), 0);
        return { provider, minimumNodes };
      },
      originHeaders: (stack, _u) => router.validationHeaders?.(stack, { fleet, step: 'validate', tags, resourceGroupName: rg, location }),
      bindTraffic: (scope, step, targets) => {
        router.bindTraffic(scope, { fleet, step, tags: stepTags(fleet, step, tags), resourceGroupName: rg, location }, targets);
      },
    });
    this._adopt(layout);
  }
}
