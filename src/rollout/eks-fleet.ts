import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { KubernetesSupportCalendar } from '../core/support-calendar';
import { UnitDeclaration } from '../core/rollout-model';
import { AwsUnitOrigin, EksOriginDomain, IAwsRouter } from '../aws/aws-router';
import { EksAccess } from '../aws/eks-access';
import { checkEksGitOps, EksGitOps } from '../aws/eks-gitops';
import { checkEksVersionsOffered } from '../aws/eks-version-offered';
import { checkEksWorkloadAccess, EksWorkloadAccess } from '../aws/eks-workload-access';
import { EksClusterUnit } from '../aws/eks-cluster-unit';
import { EksClusterSpec, EksSupportType } from '../aws/eks-spec';
import { checkEksSpec } from '../aws/eks-spec-rules';
import { EksOriginOptions } from '../aws/eks-unit-origin';
import { HttpProbeCheck, HttpProbeSource } from '../kubernetes/http-probe-check';
import { IClusterAccess } from '../kubernetes/cluster-access';
import { NodesReadyCheck } from '../kubernetes/nodes-ready-check';
import { SmokeJobCheck } from '../kubernetes/smoke-job-check';
import { FleetOptions } from './fleet-options';
import { supportWarnings, versionOffered } from './private/capabilities';
import { FleetCapability, FleetKind } from './private/capability-matrix';
import { awsRouterPart, eksCloud, eksClusterUnitKind, EksFleetContext, eksGitOpsCapability, eksWorkloadAccessCapability } from './private/eks-cluster-parts';
import { layoutFleet } from './private/fleet-layout';
import { CHECK_NAMESPACE } from './private/validation-checks';
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
    // Issue 20.2: the Amazon Managed Prometheus gates' pod identity association is a grant of every unit.
    props = { ...props, workloadAccess: withEksGateAccess(fleet, props.workloadAccess, props.checks, CHECK_NAMESPACE) };
    checkFleetProps(fleet, props);
    checkUnitSpecs(fleet, props);
    const c: EksFleetContext = {
      fleet, props, router: props.router, region: props.spec.region, tags: props.tags ?? {},
      specOf: (u) => props.unitSpecs?.[u.slot] ?? props.spec,
    };
    const origin = props.origin ?? {};
    const capabilities: FleetCapability<EksClusterUnit>[] = [
      ...(props.workloadAccess ? [eksWorkloadAccessCapability(c)] : []),
      ...(props.gitOps ? [eksGitOpsCapability(c)] : []),
      ...(props.verifyVersionOffered === false ? [] : [versionOffered((stack, units) => checkEksVersionsOffered(stack, fleet, c.region, units))]),
      supportWarnings(props.supportCalendar ?? KubernetesSupportCalendar.eks(), (u) => (c.specOf(u).supportType ?? EksSupportType.EXTENDED) === EksSupportType.EXTENDED),
    ];
    this._adopt(layoutFleet(this, fleet, FleetKind.EKS_CLUSTER, props, {
      settings: {
        units: props.units, backend: props.backend, drainSeconds: props.drainSeconds, readinessSeconds: props.readinessSeconds, previousUnits: props.previousUnits,
        checks: props.checks ?? [new NodesReadyCheck(), SmokeJobCheck.clusterDns(), new HttpProbeCheck({
          scheme: origin.certificateArn ? 'https' : 'http',
          // An internal origin is reachable only from inside the network: probe from inside the unit.
          source: props.router.unitOrigin === AwsUnitOrigin.INTERNAL_LOAD_BALANCER ? HttpProbeSource.IN_CLUSTER : HttpProbeSource.DEPLOY_MACHINE,
        })],
        versionOptions: { minimumKubernetesVersion: props.minimumKubernetesVersion, maximumKubernetesVersion: props.maximumKubernetesVersion },
      },
      cloud: eksCloud(c),
      unitKind: eksClusterUnitKind(c, props.access ?? new EksAccess()),
      router: awsRouterPart(c),
      capabilities,
    }));
  }
}

function checkUnitSpecs(fleet: string, props: EksFleetProps): void {
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
  if (props.gitOps) checkEksGitOps(fleet, props.gitOps);
  if (props.workloadAccess) checkEksWorkloadAccess(fleet, props.workloadAccess, props.spec.region);
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
