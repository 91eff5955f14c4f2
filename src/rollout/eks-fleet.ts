import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { fingerprint } from '../core/fingerprint';
import { KubernetesSupportCalendar } from '../core/support-calendar';
import { StackRole } from '../core/plan-report';
import { PlannedUnit, UnitDeclaration, UnitLifecycle } from '../core/rollout-model';
import { stepTags, TAG_FLEET, TAG_MANAGED_BY, unitTags } from '../core/tags';
import { AwsRouterContext, AwsUnitOrigin, EksOriginDomain, IAwsRouter } from '../aws/aws-router';
import { EksAccess } from '../aws/eks-access';
import { bindEksArgoCdApplication, checkEksGitOps, EksArgoCdCapability, EksGitOps, eksGitOpsSyncCheck, resolvedEksGitOps } from '../aws/eks-gitops';
import { checkEksVersionsOffered } from '../aws/eks-version-offered';
import { checkEksWorkloadAccess, EksUnitWorkloadAccess, EksWorkloadAccess, eksWorkloadAccessIdentity } from '../aws/eks-workload-access';
import { WorkloadIdentityCheck, WorkloadIdentityCloud } from '../kubernetes/workload-identity-check';
import { EksAddonVersions } from '../aws/eks-addons';
import { EksClusterUnit } from '../aws/eks-cluster-unit';
import { EksClusterSpec, EksSupportType } from '../aws/eks-spec';
import { checkEksAddons, checkEksSpec } from '../aws/eks-spec-rules';
import { EksUnitNames } from '../aws/eks-unit-names';
import { resolvedEksSpec } from '../aws/private/resolved-eks-spec';
import { EksOriginOptions } from '../aws/eks-unit-origin';
import { HttpProbeCheck, HttpProbeSource } from '../kubernetes/http-probe-check';
import { IClusterAccess } from '../kubernetes/cluster-access';
import { NodesReadyCheck } from '../kubernetes/nodes-ready-check';
import { SmokeJobCheck } from '../kubernetes/smoke-job-check';
import { FleetOptions } from './fleet-options';
import { CHECK_NAMESPACE, layoutFleet } from './private/fleet-layout';
import { withEksGateAccess } from '../aws/private/eks-gate-access';
import { RolloutFleet } from './rollout-fleet';

/** Properties of an {@link EksFleet}. */
export interface EksFleetProps extends FleetOptions {
  /** What every unit is built from. */
  readonly spec: EksClusterSpec;
  /**
   * Per-slot spec for units built from another spec than `spec` (keep an old unit's spec here when
   * the fleet's spec moves on). @default - every unit uses `spec`
   */
  readonly unitSpecs?: { [slot: string]: EksClusterSpec };
  /** The front door: {@link Route53WeightedRouter}, {@link AlbWeightedRouter} or {@link GlobalAcceleratorRouter}. */
  readonly router: IAwsRouter;
  /** The VPC of the units (their subnets and target groups live in it). */
  readonly vpcId: string;
  /** Public subnets (two or more) for the internet-facing load balancers. */
  readonly loadBalancerSubnetIds: string[];
  /** The Route 53 zone that holds every unit's own origin name, `<unit>.<domainName>`. */
  readonly originDomain: EksOriginDomain;
  /** Settings of the units' origins. @default - HTTP origins on port 80, health check `/healthz` */
  readonly origin?: EksOriginOptions;
  /** How validation stacks reach a unit. @default new EksAccess() (`aws eks get-token`: no token in state) */
  readonly access?: IClusterAccess;
  /**
   * ARN of the IAM role (or user) that runs the validation stacks; every unit gives it an EKS
   * access entry with `validationAccessPolicy` scoped to the cluster.
   * @default - none (grant access yourself; the validation stacks fail without it)
   */
  readonly validationPrincipalArn?: string;
  /** EKS access policy of the validation principal. @default 'AmazonEKSClusterAdminPolicy' */
  readonly validationAccessPolicy?: string;
  /** Accounts the AWS provider may act in (a guard against the wrong credentials). @default - any */
  readonly allowedAccountIds?: string[];
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
   * unit is within 60 days of it. @default KubernetesSupportCalendar.eks() (shipped dates, today)
   */
  readonly supportCalendar?: KubernetesSupportCalendar;
  /**
   * GitOps bootstrap of every unit: the managed Argo CD capability in the unit's stack, and the
   * Application of the team's repository (with the cluster's registration) in its validation
   * stack; the validation of a unit then waits for the Application to be Healthy before any other
   * check. @default - no GitOps: a new unit starts empty (see docs/gitops-and-access.md for the
   * alternative without the capability)
   */
  readonly gitOps?: EksGitOps;
  /**
   * Workload identities and grants every unit gets in its own stack (pod identity associations,
   * ECR pull, security group rules); each declared identity is verified on every candidate and
   * serving unit. @default - none
   */
  readonly workloadAccess?: EksWorkloadAccess;
  /**
   * Check at plan time, in the shared stack, that EKS offers each candidate's version in the region.
   * @default true
   */
  readonly verifyVersionOffered?: boolean;
}

const VPC = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET = /^subnet-[0-9a-f]{8,17}$/;
const ZONE = /^Z[A-Z0-9]{1,32}$/;
const DOMAIN = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/;
const PRINCIPAL = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
const CERTIFICATE = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
const ACCESS_POLICY = /^AmazonEKS[A-Za-z]+Policy$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function isToken(v: unknown): boolean {
  return typeof v === 'string' && Token.isUnresolved(v);
}

/**
 * A fleet of whole EKS clusters upgraded blue-green: one stack per unit, a validation stack per
 * candidate or serving unit, a traffic stack at Route 53, an ALB or Global Accelerator, and a shared
 * stack, wired so that one `cdktf deploy '*'` builds, validates, shifts, drains and destroys in
 * order. Same layout, rules and plan report as {@link AksFleet}.
 *
 * The stacks are created at the root of the app, named `<fleet>-shared`, `<fleet>-unit-<unit>`,
 * `<fleet>-validate-<unit>` and `<fleet>-traffic`.
 */
export class EksFleet extends RolloutFleet {
  constructor(scope: Construct, id: string, props: EksFleetProps) {
    super(scope, id, props);
    const fleet = id;
    // Issue 20.2: the Amazon Managed Prometheus gates' pod identity association is a grant of every unit (one call; re-apply on the new engine).
    props = { ...props, workloadAccess: withEksGateAccess(fleet, props.workloadAccess, props.checks, CHECK_NAMESPACE) };
    checkFleetProps(fleet, props);
    const specOf = (u: { slot: string }): EksClusterSpec => props.unitSpecs?.[u.slot] ?? props.spec;
    checkEksSpec(fleet, undefined, props.spec);
    for (const [slot, spec] of Object.entries(props.unitSpecs ?? {})) {
      if (!(props.units ?? []).some((u) => u.slot === slot)) {
        throw new BlueGreenError({ fleet, field: `unitSpecs.${slot}`, value: show(slot), rule: 'unitSpecs names the slot of a declared unit', fix: `remove unitSpecs.${slot}, or declare a unit in slot ${show(slot)}` });
      }
      checkEksSpec(fleet, slot, spec);
      if (spec.region !== props.spec.region) {
        throw new BlueGreenError({ fleet, unit: slot, field: 'spec.region', value: show(spec.region), rule: "all units of a fleet live in the fleet's region", fix: `region: ${show(props.spec.region)}` });
      }
    }
    const router = props.router;
    const region = props.spec.region;
    const access = props.access ?? new EksAccess();
    const tags = props.tags ?? {};
    const origin = props.origin ?? {};
    const originSettings = {
      ...origin,
      kind: router.unitOrigin,
      vpcId: props.vpcId,
      loadBalancerSubnetIds: props.loadBalancerSubnetIds,
      originDomain: props.originDomain,
    };
    if (props.gitOps) checkEksGitOps(fleet, props.gitOps);
    if (props.workloadAccess) checkEksWorkloadAccess(fleet, props.workloadAccess, region);
    // Phases: the sync first, then the workload identities, then the other checks (CheckPhase).
    const identityChecks = (props.workloadAccess?.identities ?? []).filter((i) => i.verify !== false).map((i) => new WorkloadIdentityCheck({
      cloud: WorkloadIdentityCloud.AWS, namespace: i.namespace, serviceAccount: i.serviceAccount, secret: i.verifySecret, region,
    }));
    const checks = [
      ...(props.gitOps ? [eksGitOpsSyncCheck(props.gitOps)] : []),
      ...(props.checks ?? [new NodesReadyCheck(), SmokeJobCheck.clusterDns(), new HttpProbeCheck({
        scheme: origin.certificateArn ? 'https' : 'http',
        // An internal origin is reachable only from inside the network: probe from inside the unit.
        source: router.unitOrigin === AwsUnitOrigin.INTERNAL_LOAD_BALANCER ? HttpProbeSource.IN_CLUSTER : HttpProbeSource.DEPLOY_MACHINE,
      })]),
      ...identityChecks,
    ];
    const routerContext = (step: string, routerTags: { [key: string]: string }): AwsRouterContext => ({
      fleet, step, tags: routerTags, region, vpcId: props.vpcId, loadBalancerSubnetIds: props.loadBalancerSubnetIds,
      originDomain: props.originDomain, originPort: origin.certificateArn ? 443 : 80, certificateArn: origin.certificateArn,
      allowedCidrs: origin.allowedCidrs ?? ['0.0.0.0/0'],
    });

    const layout = layoutFleet(this, fleet, {
      cloud: 'EKS',
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
      supportWarning: (u) => (props.supportCalendar ?? KubernetesSupportCalendar.eks())
        .warningFor(`${u.slot} (${u.name})`, u.kubernetesVersion.toString(), (specOf(u).supportType ?? EksSupportType.EXTENDED) === EksSupportType.EXTENDED),
      sharedDescription: router.sharedDescription,
      // Everything that reaches a unit's stack is part of its identity (a change is a new unit), taken
      // with the documented defaults filled in, so writing a default out changes nothing.
      specFingerprint: (u) => fingerprint({
        cloud: 'eks', kubernetesVersion: u.kubernetesVersion, spec: resolvedEksSpec(specOf(u)),
        addons: EksAddonVersions.resolve(u.kubernetesVersion, specOf(u).addonVersions),
        origin: { ...originSettings, targetPort: origin.targetPort ?? 80, healthCheckPath: origin.healthCheckPath ?? '/healthz', allowedCidrs: origin.allowedCidrs ?? ['0.0.0.0/0'] },
        validationPrincipalArn: props.validationPrincipalArn, validationAccessPolicy: props.validationAccessPolicy ?? 'AmazonEKSClusterAdminPolicy',
        allowedAccountIds: props.allowedAccountIds, tags,
        gitOps: props.gitOps && resolvedEksGitOps(props.gitOps, region), workloadAccess: eksWorkloadAccessIdentity(props.workloadAccess),
      }),
      checkUnit: (u: PlannedUnit) => {
        if (u.lifecycle === UnitLifecycle.RETIRED) return;
        checkEksAddons(fleet, u.slot, specOf(u), u.kubernetesVersion.toString());
        EksUnitNames.originName(fleet, u.name, origin.namePrefix);
      },
      checkFleet: (units: PlannedUnit[]) => {
        if (router.unitOrigin !== AwsUnitOrigin.TARGET_GROUP) return;
        const seen = new Map<number, string>();
        for (const u of units.filter((x) => x.lifecycle !== UnitLifecycle.RETIRED)) {
          const p = EksUnitNames.listenerRulePriority(u.name);
          if (seen.has(p)) {
            throw new BlueGreenError({ fleet, unit: u.slot, field: 'slot', value: show(u.slot), rule: `the unit's host rule on the shared ALB listener would take priority ${p}, already taken by ${seen.get(p)}`, fix: 'declare the unit in another slot' });
          }
          seen.set(p, u.name);
        }
      },
      bindBeforeCandidates: (stack, candidates) => {
        if (props.verifyVersionOffered === false) return;
        checkEksVersionsOffered(stack, fleet, region, candidates.map((c) => ({ slot: c.slot, kubernetesVersion: c.kubernetesVersion.toString() })));
      },
      bindValidatedUnit: props.gitOps ? (stack, u, provider) => bindEksArgoCdApplication(stack, provider, EksUnitNames.clusterName(fleet, u.name), props.gitOps!, region,
        { fleet, slot: u.slot, unit: u.name, version: u.kubernetesVersion.toString() }) : undefined,
      originHost: (u) => EksUnitNames.originHost(u.name, props.originDomain.domainName),
      originId: (u) => EksUnitNames.originName(fleet, u.name, origin.namePrefix),
      configureProviders: (stack: TerraformStack, role: StackRole) => {
        // Identical in every step, so a unit's stack JSON never changes while it lives.
        new AwsProvider(stack, 'aws', { region, allowedAccountIds: props.allowedAccountIds });
        void role;
      },
      bindShared: (stack) => {
        const sharedTags = { ...tags, [TAG_FLEET]: fleet, [TAG_MANAGED_BY]: 'cdktf-bluegreen' };
        router.bindShared(stack, routerContext('shared', sharedTags));
      },
      bindUnit: (stack, u) => {
        const unit = new EksClusterUnit(stack, 'unit', {
          fleet, unitName: u.name, kubernetesVersion: u.kubernetesVersion.toString(), spec: specOf(u),
          origin: originSettings, validationPrincipalArn: props.validationPrincipalArn,
          validationAccessPolicy: props.validationAccessPolicy, tags,
        });
        // The unit's own grants and Argo CD: built with it, identical while it lives, removed with it.
        const unitTagSet = unitTags(fleet, u.name, tags);
        if (props.workloadAccess) {
          new EksUnitWorkloadAccess(stack, 'workload-access', {
            fleet, unitName: u.name, cluster: unit.cluster, access: props.workloadAccess, tags: unitTagSet, nodeRoleDependsOn: unit.nodeGroups,
          });
        }
        if (props.gitOps) {
          new EksArgoCdCapability(stack, 'gitops', { fleet, unitName: u.name, region, cluster: unit.cluster, gitOps: props.gitOps, tags: unitTagSet });
        }
      },
      bindAccess: (stack, u) => {
        const provider = access.bind(stack, { clusterName: EksUnitNames.clusterName(fleet, u.name), location: region });
        const minimumNodes = specOf(u).nodeGroups.reduce((n, g) => n + (g.minSize ?? 2), 0);
        return { provider, minimumNodes };
      },
      bindTraffic: (scope, step, targets) => {
        router.bindTraffic(scope, routerContext(step, stepTags(fleet, step, tags)), targets);
      },
    });
    this._adopt(layout);
  }
}

function checkFleetProps(fleet: string, props: EksFleetProps): void {
  const refuse = (field: string, value: unknown, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet, field, value: show(value), rule, fix });
  };
  if (!props.router || typeof props.router.bindTraffic !== 'function' || !Object.values(AwsUnitOrigin).includes(props.router.unitOrigin)) {
    refuse('router', props.router === undefined ? undefined : '(not an AWS router)', 'an EKS fleet needs an AWS router', "router: new Route53WeightedRouter({ recordName: 'shop.example.com' })");
  }
  if (!isToken(props.vpcId) && (typeof props.vpcId !== 'string' || !VPC.test(props.vpcId))) {
    refuse('vpcId', props.vpcId, 'a VPC id is "vpc-" and 8 or 17 hex digits', "vpcId: 'vpc-0a1b2c3d4e5f60000'");
  }
  const lbSubnets = props.loadBalancerSubnetIds;
  if (!Array.isArray(lbSubnets) || lbSubnets.length < 2) {
    refuse('loadBalancerSubnetIds', lbSubnets ?? [], 'an internet-facing ALB needs public subnets in at least two availability zones', "loadBalancerSubnetIds: ['subnet-0a1b2c3d4e5f6a001', 'subnet-0a1b2c3d4e5f6a002']");
  }
  lbSubnets.forEach((s, i) => {
    if (!isToken(s) && (typeof s !== 'string' || !SUBNET.test(s))) refuse(`loadBalancerSubnetIds[${i}]`, s, 'a subnet id is "subnet-" and 8 or 17 hex digits', "'subnet-0a1b2c3d4e5f6a001'");
  });
  const d = props.originDomain;
  if (!d || (!isToken(d.hostedZoneId) && !ZONE.test(String(d.hostedZoneId)))) {
    refuse('originDomain.hostedZoneId', d?.hostedZoneId, 'a hosted zone id is "Z" and up to 32 uppercase letters and digits', "hostedZoneId: 'Z0123456789ABCDEFGHIJ'");
  }
  if (typeof d.domainName !== 'string' || !DOMAIN.test(d.domainName)) {
    refuse('originDomain.domainName', d.domainName, "the origin domain is the hosted zone's DNS name", "domainName: 'shop.example.com'");
  }
  if (props.validationPrincipalArn !== undefined && !isToken(props.validationPrincipalArn) && !PRINCIPAL.test(props.validationPrincipalArn)) {
    refuse('validationPrincipalArn', props.validationPrincipalArn, 'the validation principal is an IAM role or user ARN (not an assumed-role session)', "validationPrincipalArn: 'arn:aws:iam::123456789012:role/platform-deployer'");
  }
  if (props.validationAccessPolicy !== undefined && !ACCESS_POLICY.test(props.validationAccessPolicy)) {
    refuse('validationAccessPolicy', props.validationAccessPolicy, 'an EKS access policy name is AmazonEKS...Policy', "validationAccessPolicy: 'AmazonEKSClusterAdminPolicy'");
  }
  (props.allowedAccountIds ?? []).forEach((a, i) => {
    if (!/^\d{12}$/.test(a)) refuse(`allowedAccountIds[${i}]`, a, 'an AWS account id is 12 digits', "'123456789012'");
  });
  const o = props.origin ?? {};
  if (o.certificateArn !== undefined && !isToken(o.certificateArn) && !CERTIFICATE.test(o.certificateArn)) {
    refuse('origin.certificateArn', o.certificateArn, 'an origin certificate is an ACM certificate ARN', "certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/01234567-89ab-cdef-0123-456789abcdef'");
  }
  if (o.targetPort !== undefined && (!Number.isInteger(o.targetPort) || o.targetPort < 1 || o.targetPort > 65535)) {
    refuse('origin.targetPort', o.targetPort, 'a port is 1-65535', 'targetPort: 8080');
  }
  if (o.healthCheckPath !== undefined && !/^\/[\x21-\x7e]{0,1023}$/.test(o.healthCheckPath)) {
    refuse('origin.healthCheckPath', o.healthCheckPath, 'a health check path starts with "/"', "healthCheckPath: '/healthz'");
  }
  (o.allowedCidrs ?? []).forEach((c, i) => {
    const m = CIDR.exec(String(c));
    if (!m || m.slice(1, 5).some((x) => Number(x) > 255) || Number(m[5]) > 32) refuse(`origin.allowedCidrs[${i}]`, c, 'a CIDR is an IPv4 block a.b.c.d/n', "'0.0.0.0/0'");
  });
}
