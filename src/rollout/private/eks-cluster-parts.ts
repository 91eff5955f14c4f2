import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { BlueGreenError, show } from '../../core/errors';
import { PlannedUnit, UnitDeclaration, UnitLifecycle } from '../../core/rollout-model';
import { stepTags, TAG_FLEET, TAG_MANAGED_BY, unitTags } from '../../core/tags';
import { AwsRouterContext, AwsUnitOrigin, IAwsRouter } from '../../aws/aws-router';
import { EksAddonVersions } from '../../aws/eks-addons';
import { EksClusterUnit } from '../../aws/eks-cluster-unit';
import { bindEksArgoCdApplication, EksArgoCdCapability, eksGitOpsSyncCheck, resolvedEksGitOps } from '../../aws/eks-gitops';
import { EksClusterSpec } from '../../aws/eks-spec';
import { EksUnitNames } from '../../aws/eks-unit-names';
import { EksUnitWorkloadAccess, eksWorkloadAccessIdentity } from '../../aws/eks-workload-access';
import { resolvedEksSpec } from '../../aws/private/resolved-eks-spec';
import { IClusterAccess } from '../../kubernetes/cluster-access';
import { WorkloadIdentityCheck, WorkloadIdentityCloud } from '../../kubernetes/workload-identity-check';
import type { EksFleetProps } from '../eks-fleet';
import { Capability, FleetCapability } from './capability-matrix';
import { FleetCloud, RouterPart, UnitKind } from './fleet-parts';

/** What the EKS parts share: the fleet's settled props. */
export interface EksFleetContext {
  readonly fleet: string;
  readonly props: EksFleetProps;
  readonly region: string;
  readonly tags: { [key: string]: string };
  readonly router: IAwsRouter;
  specOf(u: { slot: string }): EksClusterSpec;
}

/** The AWS cloud of an EKS cluster fleet: its provider, and the router's long-lived resources. */
export function eksCloud(c: EksFleetContext): FleetCloud {
  return {
    name: 'EKS',
    sharedDescription: c.router.sharedDescription ?? `resource group, ${c.router.routerName} profile`,
    configureProviders: (stack) => {
      new AwsProvider(stack, 'aws', { region: c.region, allowedAccountIds: c.props.allowedAccountIds });
    },
    bindShared: (stack) => {
      const sharedTags = { ...c.tags, [TAG_FLEET]: c.fleet, [TAG_MANAGED_BY]: 'cdktf-bluegreen' };
      c.router.bindShared(stack, routerContext(c, 'shared', sharedTags));
    },
  };
}

function origin(c: EksFleetContext) {
  return c.props.origin ?? {};
}

/** The unit's origin as the unit stack builds it (and its identity records it). */
function originSettings(c: EksFleetContext) {
  return {
    ...origin(c), kind: c.router.unitOrigin, vpcId: c.props.vpcId, loadBalancerSubnetIds: c.props.loadBalancerSubnetIds, originDomain: c.props.originDomain,
  };
}

function routerContext(c: EksFleetContext, step: string, tags: { [key: string]: string }): AwsRouterContext {
  const o = origin(c);
  return {
    fleet: c.fleet, step, tags, region: c.region, vpcId: c.props.vpcId, loadBalancerSubnetIds: c.props.loadBalancerSubnetIds,
    originDomain: c.props.originDomain, originPort: o.certificateArn ? 443 : 80, certificateArn: o.certificateArn,
    allowedCidrs: o.allowedCidrs ?? ['0.0.0.0/0'],
  };
}

/** A whole EKS cluster (with its node groups and origin) as a unit. */
export function eksClusterUnitKind(c: EksFleetContext, access: IClusterAccess): UnitKind<EksClusterUnit> {
  const o = origin(c);
  return {
    name: 'cluster',
    // Taken with the documented defaults filled in, so writing a default out changes nothing.
    identity: (u: UnitDeclaration) => ({
      cloud: 'eks', kubernetesVersion: u.kubernetesVersion, spec: resolvedEksSpec(c.specOf(u)),
      addons: EksAddonVersions.identity(u.kubernetesVersion, c.specOf(u).addonVersions),
      origin: { ...originSettings(c), targetPort: o.targetPort ?? 80, healthCheckPath: o.healthCheckPath ?? '/healthz', allowedCidrs: o.allowedCidrs ?? ['0.0.0.0/0'] },
      validationPrincipalArn: c.props.validationPrincipalArn, validationAccessPolicy: c.props.validationAccessPolicy ?? 'AmazonEKSClusterAdminPolicy',
      allowedAccountIds: c.props.allowedAccountIds, tags: c.tags,
    }),
    check: (u: PlannedUnit) => {
      if (u.lifecycle === UnitLifecycle.RETIRED) return;
      EksUnitNames.originName(c.fleet, u.name, o.namePrefix);
    },
    checkAll: (units) => checkListenerPriorities(c, units),
    build: (stack, u) => new EksClusterUnit(stack, 'unit', {
      fleet: c.fleet, unitName: u.name, kubernetesVersion: u.kubernetesVersion.toString(), spec: c.specOf(u),
      origin: originSettings(c), validationPrincipalArn: c.props.validationPrincipalArn,
      validationAccessPolicy: c.props.validationAccessPolicy, tags: c.tags,
    }),
    access: (stack, u) => {
      const provider = access.bind(stack, { clusterName: EksUnitNames.clusterName(c.fleet, u.name), location: c.region });
      const minimumNodes = c.specOf(u).nodeGroups.reduce((n, g) => n + (g.minSize ?? 2), 0);
      return { provider, minimumNodes };
    },
    originHost: (u) => EksUnitNames.originHost(u.name, c.props.originDomain.domainName),
    originId: (u) => EksUnitNames.originName(c.fleet, u.name, o.namePrefix),
  };
}

/** Each unit's host rule on a shared ALB listener takes a priority of its own. */
function checkListenerPriorities(c: EksFleetContext, units: PlannedUnit[]): void {
  if (c.router.unitOrigin !== AwsUnitOrigin.TARGET_GROUP) return;
  const seen = new Map<number, string>();
  for (const u of units.filter((x) => x.lifecycle !== UnitLifecycle.RETIRED)) {
    const p = EksUnitNames.listenerRulePriority(u.name);
    if (seen.has(p)) {
      throw new BlueGreenError({ fleet: c.fleet, unit: u.slot, field: 'slot', value: show(u.slot), rule: `the unit's host rule on the shared ALB listener would take priority ${p}, already taken by ${seen.get(p)}`, fix: 'declare the unit in another slot' });
    }
    seen.set(p, u.name);
  }
}

/** Route 53, an ALB or Global Accelerator: weights become records, forward weights or endpoint weights. */
export function awsRouterPart(c: EksFleetContext): RouterPart {
  return {
    router: c.router,
    bindTraffic: (scope, step, targets) => c.router.bindTraffic(scope, routerContext(c, step, stepTags(c.fleet, step, c.tags)), targets),
  };
}

/** Workload access: every unit's pod identity associations and grants in its stack, each identity verified. */
export function eksWorkloadAccessCapability(c: EksFleetContext): FleetCapability<EksClusterUnit> {
  const wa = c.props.workloadAccess!;
  return {
    capability: Capability.WORKLOAD_ACCESS,
    identity: () => ({ workloadAccess: eksWorkloadAccessIdentity(wa) }),
    checks: (wa.identities ?? []).filter((i) => i.verify !== false).map((i) => new WorkloadIdentityCheck({
      cloud: WorkloadIdentityCloud.AWS, namespace: i.namespace, serviceAccount: i.serviceAccount, secret: i.verifySecret, region: c.region,
    })),
    bindUnit: (stack, u, unit) => {
      new EksUnitWorkloadAccess(stack, 'workload-access', {
        fleet: c.fleet, unitName: u.name, cluster: unit.cluster, access: wa, tags: unitTags(c.fleet, u.name, c.tags), nodeRoleDependsOn: unit.nodeGroups,
      });
      return [];
    },
  };
}

/**
 * GitOps bootstrap: the managed Argo CD capability in the unit's stack, the Application of the
 * team's repository in its validation stack; its health is the first check of every unit.
 */
export function eksGitOpsCapability(c: EksFleetContext): FleetCapability<EksClusterUnit> {
  const gitOps = c.props.gitOps!;
  return {
    capability: Capability.GITOPS,
    identity: () => ({ gitOps: resolvedEksGitOps(gitOps, c.region) }),
    checks: [eksGitOpsSyncCheck(gitOps)],
    bindUnit: (stack, u, unit) => {
      new EksArgoCdCapability(stack, 'gitops', { fleet: c.fleet, unitName: u.name, region: c.region, cluster: unit.cluster, gitOps, tags: unitTags(c.fleet, u.name, c.tags) });
      return [];
    },
    bindValidated: (stack, u, provider) => bindEksArgoCdApplication(stack, provider, EksUnitNames.clusterName(c.fleet, u.name), gitOps, c.region,
      { fleet: c.fleet, slot: u.slot, unit: u.name, version: u.kubernetesVersion.toString() }),
  };
}
