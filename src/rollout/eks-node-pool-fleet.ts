import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { fitName, NAME_RULES } from '../core/naming';
import { checkedPoolName, ControlPlaneStep, EKS_NODE_GROUP_NAME } from '../core/node-pool-rules';
import { KubernetesSupportCalendar } from '../core/support-calendar';
import { PlannedUnit } from '../core/rollout-model';
import { TAG_FLEET, TAG_MANAGED_BY } from '../core/tags';
import { EksNodePoolAccess } from '../aws/eks-node-pool-access';
import { EksAddonVersions } from '../aws/eks-addons';
import { EksNodePoolControlPlane, nodePoolAddon } from '../aws/eks-node-pool-control-plane';
import { EksNodePoolClusterSpec, EksNodePoolUnitSpec } from '../aws/eks-node-pool-spec';
import { EksNodePoolUnit } from '../aws/eks-node-pool-unit';
import { EksSupportType } from '../aws/eks-spec';
import { IClusterAccess } from '../kubernetes/cluster-access';
import { NodePoolFleetOptions } from './node-pool-fleet-options';
import { supportWarnings } from './private/capabilities';
import { FleetKind } from './private/capability-matrix';
import { layoutNodePoolFleet, NodePoolCloud, PoolKind } from './private/node-pool-fleet-layout';
import { RolloutFleet } from './rollout-fleet';

/** Properties of an {@link EksNodePoolFleet}. */
export interface EksNodePoolFleetProps extends NodePoolFleetOptions {
  /** AWS region, e.g. `eu-west-1`. */
  readonly region: string;
  /** The cluster. */
  readonly cluster: EksNodePoolClusterSpec;
  /** What every node group unit is built from. */
  readonly pool: EksNodePoolUnitSpec;
  /** Per-slot node group specs. @default - every group uses `pool` */
  readonly unitPools?: { [slot: string]: EksNodePoolUnitSpec };
  /** Cluster name. @default the fleet name */
  readonly clusterName?: string;
  /**
   * ARN of the IAM principal that runs the validation and traffic stacks; it gets a cluster-admin
   * access entry. @default - none (list it in cluster.adminPrincipalArns or grant it otherwise)
   */
  readonly validationPrincipalArn?: string;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const EKS_MINOR = /^1\.\d+$/;

/**
 * Managed node groups of one EKS cluster upgraded blue-green: the cluster (control plane upgraded in
 * place, one minor per step) in `<fleet>-shared`; one managed node group per `<fleet>-unit-<unit>`;
 * its checks pinned to the group's nodes in `<fleet>-validate-<unit>`; and the scheduling router in
 * `<fleet>-traffic`, which cordons every group that is not serving with a `NoSchedule` taint in the
 * group's own spec, and drains a group that stops serving through the Eviction API. A retired
 * group's stack is empty and is destroyed after the traffic stack drained it.
 */
export class EksNodePoolFleet extends RolloutFleet {
  /** Node group names by unit name. */
  public readonly poolNames: { [unit: string]: string };
  /** The cluster's name. */
  public readonly clusterName: string;
  constructor(scope: Construct, id: string, props: EksNodePoolFleetProps) {
    super(scope, id, props);
    const fleet = id;
    const addonVersions = checkEksPoolFleetProps(fleet, props);
    const clusterName = props.clusterName ?? fitName(NAME_RULES.eksCluster, [fleet]);
    const c: EksPoolContext = {
      fleet, props, clusterName, nodeRoleName: `${clusterName}-nodes`, tags: props.tags ?? {}, addonVersions,
      specOf: (u) => props.unitPools?.[u.slot] ?? props.pool,
    };
    const extended = (props.cluster.supportType ?? EksSupportType.EXTENDED) === EksSupportType.EXTENDED;
    const layout = layoutNodePoolFleet(this, fleet, FleetKind.EKS_NODE_POOL, props, (cp) => eksPoolCloud(c, cp, props.access ?? new EksNodePoolAccess()), eksPool(c),
      [supportWarnings(props.supportCalendar ?? KubernetesSupportCalendar.eks(), () => extended)]);
    this.poolNames = layout.poolNames;
    this.clusterName = clusterName;
    this._adopt(layout);
  }
}

interface EksPoolContext {
  readonly fleet: string;
  readonly props: EksNodePoolFleetProps;
  readonly clusterName: string;
  readonly nodeRoleName: string;
  readonly tags: { [key: string]: string };
  readonly addonVersions: { [addon: string]: string };
  specOf(u: { slot: string }): EksNodePoolUnitSpec;
}

/** The cluster of the fleet (control plane at `cp`) in the shared stack, and how other stacks reach it. */
function eksPoolCloud(c: EksPoolContext, cp: ControlPlaneStep, access: IClusterAccess): NodePoolCloud {
  const { fleet, props, clusterName, tags } = c;
  const admins = [...(props.cluster.adminPrincipalArns ?? []), ...(props.validationPrincipalArn ? [props.validationPrincipalArn] : [])];
  return {
    name: 'EKS',
    sharedDescription: `cluster ${clusterName}, its IAM roles and access entries`,
    configureProviders: (stack) => {
      new AwsProvider(stack, 'aws', { region: props.region, defaultTags: [{ tags: { [TAG_FLEET]: fleet, [TAG_MANAGED_BY]: 'cdktf-bluegreen' } }] });
    },
    bindShared: (stack) => {
      new EksNodePoolControlPlane(stack, 'control-plane', {
        clusterName, nodeRoleName: c.nodeRoleName, controlPlaneVersion: cp.version.minorVersion, spec: props.cluster, adminPrincipalArns: admins, tags,
      });
    },
    clusterAccess: (scope) => access.bind(scope, { clusterName, location: props.region }),
    // coredns is a Deployment: EKS reports it ACTIVE only once it runs, so it is installed where a
    // serving node group exists, at the control plane's version.
    bindTraffic: (scope) => nodePoolAddon(scope, clusterName, 'coredns', cp.version.minorVersion, c.addonVersions.coredns, tags),
  };
}

/** An EKS managed node group as a unit. */
function eksPool(c: EksPoolContext): PoolKind {
  return {
    nodeLabelKey: 'eks.amazonaws.com/nodegroup',
    // Everything that reaches the group's stack besides its cordon taint: the cluster, region and
    // node role it joins, the subnets it takes (its own or the cluster's), the fleet's tags.
    identity: (u) => ({
      cloud: 'eks-node-group', kubernetesVersion: u.kubernetesVersion, pool: c.specOf(u),
      region: c.props.region, clusterName: c.clusterName, nodeRoleName: c.nodeRoleName, subnetIds: c.specOf(u).subnetIds ?? c.props.cluster.subnetIds, tags: c.tags,
    }),
    poolName: (u: PlannedUnit, others: string[]) => {
      const name = checkedPoolName(c.fleet, { rule: NAME_RULES.eksNodeGroup, ...EKS_NODE_GROUP_NAME }, u, others);
      if (u.kubernetesVersion.patch !== undefined) {
        throw new BlueGreenError({ fleet: c.fleet, unit: u.slot, field: 'kubernetesVersion', value: show(u.kubernetesVersion.toString()), rule: 'EKS node group versions are minors; the AMI release picks the patch', fix: `kubernetesVersion: ${show(u.kubernetesVersion.minorVersion)}` });
      }
      return name;
    },
    minimumNodes: (u) => c.specOf(u).minSize ?? 2,
    build: (stack, u, nodeGroupName, cordonTaint) => {
      new EksNodePoolUnit(stack, 'unit', {
        fleet: c.fleet, unitName: u.name, nodeGroupName, clusterName: c.clusterName, nodeRoleName: c.nodeRoleName, kubernetesVersion: u.kubernetesVersion.minorVersion,
        spec: c.specOf(u), defaultSubnetIds: c.props.cluster.subnetIds, tags: c.tags, cordonTaint,
      });
    },
  };
}

/** The fleet's own props, before any unit is planned; returns the control plane's add-on versions. */
function checkEksPoolFleetProps(fleet: string, props: EksNodePoolFleetProps): { [addon: string]: string } {
    if (typeof props.region !== 'string' || !REGION.test(props.region)) {
      throw new BlueGreenError({ fleet, field: 'region', value: show(props.region), rule: 'an AWS region code', fix: "region: 'eu-west-1'" });
    }
    if (typeof props.controlPlaneVersion === 'string' && !EKS_MINOR.test(props.controlPlaneVersion) && /^1\.\d+\.\d+$/.test(props.controlPlaneVersion)) {
      throw new BlueGreenError({ fleet, field: 'controlPlaneVersion', value: show(props.controlPlaneVersion), rule: 'EKS versions are minors; AWS picks the patch', fix: `controlPlaneVersion: ${show(props.controlPlaneVersion.split('.').slice(0, 2).join('.'))}` });
    }
    const subnets = props.cluster?.subnetIds;
    if (!Array.isArray(subnets) || subnets.length < 2 || subnets.some((s) => typeof s !== 'string' || s.length === 0)) {
      throw new BlueGreenError({ fleet, field: 'cluster.subnetIds', value: show(subnets), rule: 'an EKS control plane needs subnets in at least two Availability Zones', fix: "subnetIds: ['subnet-aaa', 'subnet-bbb']" });
    }
    checkEndpoint(fleet, props.cluster);
    if (props.cluster.supportType !== undefined && !Object.values(EksSupportType).includes(props.cluster.supportType)) {
      throw new BlueGreenError({ fleet, field: 'cluster.supportType', value: show(props.cluster.supportType), rule: `a support type is one of ${Object.values(EksSupportType).join(', ')}`, fix: 'supportType: EksSupportType.STANDARD' });
    }
    // Add-ons neither pinned by the spec nor in the frozen table (minors after 1.34) come from EKS.
    const addonVersions = EksAddonVersions.resolve(props.controlPlaneVersion, props.cluster.addonVersions);
    checkGroupSpec(fleet, undefined, props.pool);
    for (const [slot, spec] of Object.entries(props.unitPools ?? {})) {
      if (!props.units.some((u) => u.slot === slot)) {
        throw new BlueGreenError({ fleet, field: `unitPools.${slot}`, value: show(slot), rule: 'unitPools names the slot of a declared unit', fix: `remove unitPools.${slot}, or declare a unit in slot ${show(slot)}` });
      }
      checkGroupSpec(fleet, slot, spec);
    }
  return addonVersions;
}

const EFFECTS = ['NO_SCHEDULE', 'NO_EXECUTE', 'PREFER_NO_SCHEDULE'];
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** The same endpoint rules as EksFleet: private by default, public only from named CIDRs. */
function checkEndpoint(fleet: string, spec: EksNodePoolClusterSpec): void {
  const cidrs = spec.publicAccessCidrs ?? [];
  const refuse = (field: string, value: unknown, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet, field: `cluster.${field}`, value: show(value), rule, fix });
  };
  if (spec.endpointPublicAccess && cidrs.length === 0) refuse('publicAccessCidrs', cidrs, 'a public API endpoint without CIDRs is open to the whole internet (EKS defaults to 0.0.0.0/0)', "publicAccessCidrs: ['203.0.113.0/24'] (your office or CI egress range)");
  if (!spec.endpointPublicAccess && cidrs.length > 0) refuse('publicAccessCidrs', cidrs, 'CIDRs only apply to a public endpoint, which is off', 'endpointPublicAccess: true, or remove publicAccessCidrs');
  cidrs.forEach((c, i) => {
    const m = typeof c === 'string' ? CIDR.exec(c) : null;
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) refuse(`publicAccessCidrs[${i}]`, c, 'a CIDR is an IPv4 block a.b.c.d/n', "'203.0.113.0/24'");
    if (c === '0.0.0.0/0' && !spec.allowPublicAccessFromAnywhere) refuse(`publicAccessCidrs[${i}]`, c, 'a public API endpoint open to 0.0.0.0/0 is refused unless allowPublicAccessFromAnywhere is set', "publicAccessCidrs: ['203.0.113.0/24'], or allowPublicAccessFromAnywhere: true if you really mean the whole internet");
  });
}

function checkGroupSpec(fleet: string, slot: string | undefined, spec: EksNodePoolUnitSpec): void {
  const field = slot === undefined ? 'pool' : `unitPools.${slot}`;
  const refuse = (f: string, value: unknown, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet, unit: slot, field: `${field}.${f}`, value: show(value), rule, fix });
  };
  if (!spec || !Array.isArray(spec.instanceTypes) || spec.instanceTypes.length === 0 || spec.instanceTypes.some((t) => typeof t !== 'string' || !/^[a-z0-9-]+\.[a-z0-9]+$/.test(t))) {
    refuse('instanceTypes', spec?.instanceTypes, 'list at least one EC2 instance type', "instanceTypes: ['m7i.xlarge']");
  }
  const min = spec.minSize ?? 2;
  const max = spec.maxSize ?? 5;
  if (!Number.isInteger(min) || min < 1) refuse('minSize', spec.minSize, 'a node group unit keeps at least 1 node (its checks need nodes; it never scales to 0)', 'minSize: 2');
  if (!Number.isInteger(max) || max < min || max > 1000) refuse('maxSize', spec.maxSize, `maxSize is a whole number from minSize (${min}) to 1000`, `maxSize: ${Math.max(min, 5)}`);
  if (spec.capacityType !== undefined && !['ON_DEMAND', 'SPOT'].includes(spec.capacityType)) refuse('capacityType', spec.capacityType, 'ON_DEMAND or SPOT', "capacityType: 'ON_DEMAND'");
  for (const t of spec.taints ?? []) {
    if (!EFFECTS.includes(t.effect)) refuse('taints.effect', t.effect, `an EKS taint effect is one of ${EFFECTS.join(', ')}`, "effect: 'NO_SCHEDULE'");
  }
}
