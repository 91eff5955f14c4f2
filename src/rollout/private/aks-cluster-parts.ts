import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { TerraformStack } from 'cdktf';
import { BlueGreenError, show } from '../../core/errors';
import { PlannedUnit, UnitDeclaration, UnitLifecycle } from '../../core/rollout-model';
import { stepTags, TAG_MANAGED_BY } from '../../core/tags';
import { AksClusterUnit, AksUnitNames } from '../../azure/aks-cluster-unit';
import { AksFluxBootstrap, aksGitOpsSyncCheck, resolvedAksGitOps } from '../../azure/aks-gitops';
import { checkAksSpec } from '../../azure/aks-spec-rules';
import { AksClusterSpec } from '../../azure/aks-spec';
import { AksUnitWorkloadAccess, AksWorkloadAccess, aksWorkloadAccessIdentity, dataStoreRulePriority } from '../../azure/aks-workload-access';
import { IAzureRouter } from '../../azure/azure-router';
import { resolvedAksSpec } from '../../azure/private/resolved-aks-spec';
import { IClusterAccess } from '../../kubernetes/cluster-access';
import { WorkloadIdentityCheck, WorkloadIdentityCloud } from '../../kubernetes/workload-identity-check';
import type { AksFleetProps } from '../aks-fleet';
import { Capability, FleetCapability } from './capability-matrix';
import { FleetCloud, RouterPart, UnitKind } from './fleet-parts';

/** What the AKS parts share: the fleet's settled props. */
export interface AksFleetContext {
  readonly fleet: string;
  readonly props: AksFleetProps;
  readonly rg: string;
  readonly location: string;
  readonly tags: { [key: string]: string };
  readonly router: IAzureRouter;
  specOf(u: { slot: string }): AksClusterSpec;
}

/** The Azure cloud of an AKS cluster fleet: its provider, and the resource group with the router's profile. */
export function aksCloud(c: AksFleetContext): FleetCloud {
  return {
    name: 'AKS',
    sharedDescription: `resource group, ${c.router.routerName} profile`,
    configureProviders: (stack) => {
      new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: c.props.subscriptionId });
    },
    bindShared: (stack) => {
      const sharedTags = { ...c.tags, 'bluegreen-fleet': c.fleet, [TAG_MANAGED_BY]: 'cdktf-bluegreen' };
      const group = new ResourceGroup(stack, 'resource-group', { name: c.rg, location: c.location, tags: sharedTags, lifecycle: { preventDestroy: true } });
      // A reference, not the literal name: Terraform then creates the group before the router's profile
      // (Azure refuses a create in a group that does not exist yet, ResourceGroupNotFound — found by the rehearsal).
      c.router.bindShared(stack, { fleet: c.fleet, step: 'shared', tags: sharedTags, resourceGroupName: group.name, location: c.location });
    },
  };
}

/** A whole AKS cluster as a unit. */
export function aksClusterUnitKind(c: AksFleetContext, access: IClusterAccess): UnitKind<AksClusterUnit> {
  return {
    name: 'cluster',
    // Taken with the documented defaults filled in, so writing a default out changes nothing.
    identity: (u: UnitDeclaration) => ({
      cloud: 'aks', kubernetesVersion: u.kubernetesVersion, spec: resolvedAksSpec(c.specOf(u), u.kubernetesVersion.toString()),
      subscriptionId: c.props.subscriptionId, resourceGroupName: c.rg, validationPrincipalObjectId: c.props.validationPrincipalObjectId, tags: c.tags,
    }),
    check: (u: PlannedUnit) => {
      if (u.lifecycle !== UnitLifecycle.RETIRED) checkAksSpec(c.fleet, u.slot, c.specOf(u), u.kubernetesVersion);
      const name = AksUnitNames.clusterName(c.fleet, u.name);
      if (name.length > 63) {
        throw new BlueGreenError({ fleet: c.fleet, unit: u.slot, field: 'cluster name', value: show(name), rule: 'an AKS cluster name is at most 63 characters', fix: 'use a shorter fleet name' });
      }
    },
    build: (stack, u) => new AksClusterUnit(stack, 'unit', {
      fleet: c.fleet, unitName: u.name, kubernetesVersion: u.kubernetesVersion.toString(), resourceGroupName: c.rg, spec: c.specOf(u),
      validationPrincipalObjectId: c.props.validationPrincipalObjectId, tags: c.tags,
    }),
    access: (stack, u) => {
      const spec = c.specOf(u);
      const provider = access.bind(stack, { clusterName: AksUnitNames.clusterName(c.fleet, u.name), location: c.rg });
      const minimumNodes = [spec.systemPool, ...(spec.userPools ?? [])].reduce((n, p) => n + (p.minCount ?? 2), 0);
      return { provider, minimumNodes };
    },
    originHost: (u) => AksUnitNames.originHost(c.fleet, u.name, c.location),
  };
}

/** Front Door or Traffic Manager: weights become origins / endpoints in the traffic stack. */
export function azureRouterPart(c: AksFleetContext): RouterPart {
  const context = (step: string, tags: { [key: string]: string }) => ({ fleet: c.fleet, step, tags, resourceGroupName: c.rg, location: c.location });
  return {
    router: c.router,
    bindTraffic: (scope, step, targets) => c.router.bindTraffic(scope, context(step, stepTags(c.fleet, step, c.tags)), targets),
    originHeaders: (stack: TerraformStack) => c.router.validationHeaders?.(stack, context('validate', c.tags)),
  };
}

/** GitOps bootstrap: Flux in every unit's stack; its sync is the first check of every unit. */
export function aksGitOpsCapability(c: AksFleetContext): FleetCapability<AksClusterUnit> {
  const gitOps = c.props.gitOps!;
  return {
    capability: Capability.GITOPS,
    identity: () => ({ gitOps: resolvedAksGitOps(gitOps) }),
    checks: [aksGitOpsSyncCheck(gitOps)],
    bindUnit: (stack, u, unit, after) => {
      // After the unit's grants (workload access), when the fleet has them.
      new AksFluxBootstrap(stack, 'gitops', {
        cluster: unit.cluster, gitOps, dependsOn: after,
        unit: { fleet: c.fleet, slot: u.slot, unit: u.name, version: u.kubernetesVersion.toString() },
      });
      return [];
    },
  };
}

/** Workload access: every unit's federated credentials and grants in its stack, each identity verified. */
export function aksWorkloadAccessCapability(c: AksFleetContext): FleetCapability<AksClusterUnit> {
  const wa: AksWorkloadAccess = c.props.workloadAccess!;
  return {
    capability: Capability.WORKLOAD_ACCESS,
    identity: () => ({ workloadAccess: aksWorkloadAccessIdentity(wa) }),
    checks: (wa.identities ?? []).filter((i) => i.verify !== false).map((i) => new WorkloadIdentityCheck({
      cloud: WorkloadIdentityCloud.AZURE, namespace: i.namespace, serviceAccount: i.serviceAccount, secret: i.verifySecret,
    })),
    checkAll: (units) => checkRulePriorities(c, wa, units),
    bindUnit: (stack, u, unit) => new AksUnitWorkloadAccess(stack, 'workload-access', {
      cluster: unit.cluster, clusterName: unit.clusterName, unitName: u.name, access: wa, nodeSubnetId: c.specOf(u).nodeSubnetId,
    }).grants,
  };
}

/** NSG rule priorities are unique per NSG: two live units must not draw the same one. */
function checkRulePriorities(c: AksFleetContext, wa: AksWorkloadAccess, units: PlannedUnit[]): void {
  const seen = new Map<string, string>();
  for (const u of units.filter((x) => x.lifecycle !== UnitLifecycle.RETIRED)) {
    for (const d of wa.dataStores ?? []) {
      const key = `${d.networkSecurityGroupId.toLowerCase()}#${dataStoreRulePriority(u.name, d.name)}`;
      if (seen.has(key)) {
        throw new BlueGreenError({ fleet: c.fleet, unit: u.slot, field: 'slot', value: show(u.slot), rule: `the unit's rule for ${d.name} would take NSG priority ${dataStoreRulePriority(u.name, d.name)}, already taken by ${seen.get(key)}`, fix: 'declare the unit in another slot' });
      }
      seen.set(key, `${u.name}/${d.name}`);
    }
  }
}
