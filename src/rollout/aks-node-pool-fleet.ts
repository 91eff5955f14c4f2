import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { fitName, NAME_RULES } from '../core/naming';
import { AKS_LINUX_POOL_NAME, AKS_WINDOWS_POOL_NAME, checkedPoolName, ControlPlaneStep } from '../core/node-pool-rules';
import { KubernetesSupportCalendar } from '../core/support-calendar';
import { PlannedUnit } from '../core/rollout-model';
import { TAG_FLEET, TAG_MANAGED_BY } from '../core/tags';
import { AksAccess } from '../azure/aks-access';
import { AksNodePoolCluster } from '../azure/aks-node-pool-cluster';
import { AksNodePoolUnitSpec } from '../azure/aks-node-pool-spec';
import { AksNodePoolUnit } from '../azure/aks-node-pool-unit';
import { AksClusterSpec, AksOsType } from '../azure/aks-spec';
import { IClusterAccess } from '../kubernetes/cluster-access';
import { checkAksSpec, checkAksPoolOs } from '../azure/aks-spec-rules';
import { NodePoolFleetOptions } from './node-pool-fleet-options';
import { supportWarnings } from './private/capabilities';
import { FleetKind } from './private/capability-matrix';
import { layoutNodePoolFleet, NodePoolCloud, PoolKind } from './private/node-pool-fleet-layout';
import { RolloutFleet } from './rollout-fleet';

/** Properties of an {@link AksNodePoolFleet}. */
export interface AksNodePoolFleetProps extends NodePoolFleetOptions {
  /** Azure subscription of the fleet. */
  readonly subscriptionId: string;
  /** The cluster (system pool, admin groups, network). Its `userPools` must be empty: user pools are the units. */
  readonly cluster: AksClusterSpec;
  /** What every pool unit is built from. */
  readonly pool: AksNodePoolUnitSpec;
  /** Per-slot pool specs, for pools built from another spec than `pool`. @default - every pool uses `pool` */
  readonly unitPools?: { [slot: string]: AksNodePoolUnitSpec };
  /** Resource group (created by the shared stack). @default '<fleet>-rg' */
  readonly resourceGroupName?: string;
  /** Cluster name. @default '<fleet>-aks' */
  readonly clusterName?: string;
  /** Object id granted cluster admin for the validation and traffic stacks. @default - none */
  readonly validationPrincipalObjectId?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Node pools of one AKS cluster upgraded blue-green: the cluster (control plane upgraded in place,
 * one minor per step) in `<fleet>-shared`; one user node pool per `<fleet>-unit-<unit>`; its checks
 * (nodes Ready on its kubelet version, smoke Jobs pinned to it) in `<fleet>-validate-<unit>`; and the
 * scheduling router in `<fleet>-traffic`, which cordons every pool that is not serving with a
 * `NoSchedule` taint in its own spec, and drains a pool that stops serving through the Eviction API.
 * A retired pool's stack is empty and is destroyed after the traffic stack drained it.
 */
export class AksNodePoolFleet extends RolloutFleet {
  /** AKS pool names by unit name. */
  public readonly poolNames: { [unit: string]: string };
  /** The cluster's name. */
  public readonly clusterName: string;
  constructor(scope: Construct, id: string, props: AksNodePoolFleetProps) {
    super(scope, id, props);
    const fleet = id;
    checkAksPoolFleetProps(fleet, props);
    const rg = props.resourceGroupName ?? `${fleet}-rg`;
    const clusterName = props.clusterName ?? fitName(NAME_RULES.aksCluster, [fleet, 'aks']);
    const c: AksPoolContext = {
      fleet, props, rg, clusterName, clusterId: AksNodePoolCluster.clusterId(props.subscriptionId, rg, clusterName), tags: props.tags ?? {},
      specOf: (u) => props.unitPools?.[u.slot] ?? props.pool,
    };
    const access = props.access ?? new AksAccess();
    const layout = layoutNodePoolFleet(this, fleet, FleetKind.AKS_NODE_POOL, props, (cp) => aksPoolCloud(c, cp, access), aksPool(c),
      [supportWarnings(props.supportCalendar ?? KubernetesSupportCalendar.aks())]);
    this.poolNames = layout.poolNames;
    this.clusterName = clusterName;
    this._adopt(layout);
  }
}

interface AksPoolContext {
  readonly fleet: string;
  readonly props: AksNodePoolFleetProps;
  readonly rg: string;
  readonly clusterName: string;
  readonly clusterId: string;
  readonly tags: { [key: string]: string };
  specOf(u: { slot: string }): AksNodePoolUnitSpec;
}

/** The cluster of the fleet (control plane at `cp`) in the shared stack, and how other stacks reach it. */
function aksPoolCloud(c: AksPoolContext, cp: ControlPlaneStep, access: IClusterAccess): NodePoolCloud {
  const { fleet, props, rg, clusterName, tags } = c;
  return {
    name: 'AKS',
    sharedDescription: `resource group ${rg} and cluster ${clusterName} with its system pool`,
    configureProviders: (stack) => {
      new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: props.subscriptionId });
    },
    bindShared: (stack) => {
      const sharedTags = { ...tags, [TAG_FLEET]: fleet, [TAG_MANAGED_BY]: 'cdktf-bluegreen' };
      const group = new ResourceGroup(stack, 'resource-group', { name: rg, location: props.cluster.location, tags: sharedTags, lifecycle: { preventDestroy: true } });
      // By reference, so Terraform creates the group before the identity and cluster that live in it.
      new AksNodePoolCluster(stack, 'cluster', {
        fleet, clusterName, controlPlaneVersion: cp.version.toString(), resourceGroupName: group.name, spec: props.cluster,
        validationPrincipalObjectId: props.validationPrincipalObjectId, tags: sharedTags,
      });
    },
    clusterAccess: (scope) => access.bind(scope, { clusterName, location: rg }),
  };
}

/** An AKS user node pool as a unit. */
function aksPool(c: AksPoolContext): PoolKind {
  return {
    nodeLabelKey: 'kubernetes.azure.com/agentpool',
    // Everything that reaches the pool's stack besides its cordon taint: the cluster it joins, the
    // subnet it takes (its own or the cluster's), the fleet's tags (issue 20 item 8).
    identity: (u) => ({
      cloud: 'aks-pool', kubernetesVersion: u.kubernetesVersion, pool: c.specOf(u),
      clusterId: c.clusterId, subnetId: c.specOf(u).vnetSubnetId ?? c.props.cluster.nodeSubnetId, tags: c.tags,
    }),
    poolName: (u: PlannedUnit, others: string[]) => {
      const windows = c.specOf(u).osType === AksOsType.WINDOWS;
      return checkedPoolName(c.fleet, windows
        ? { rule: NAME_RULES.aksWindowsPool, ...AKS_WINDOWS_POOL_NAME }
        : { rule: NAME_RULES.aksLinuxPool, ...AKS_LINUX_POOL_NAME }, u, others);
    },
    minimumNodes: (u) => c.specOf(u).minCount ?? 2,
    build: (stack, u, poolName, cordonTaint) => {
      new AksNodePoolUnit(stack, 'unit', {
        fleet: c.fleet, unitName: u.name, poolName, kubernetesClusterId: c.clusterId, kubernetesVersion: u.kubernetesVersion.toString(),
        spec: c.specOf(u), defaultSubnetId: c.props.cluster.nodeSubnetId, tags: c.tags, cordonTaint,
      });
    },
  };
}

function checkAksPoolFleetProps(fleet: string, props: AksNodePoolFleetProps): void {
  if (typeof props.subscriptionId !== 'string' || !GUID.test(props.subscriptionId)) {
    throw new BlueGreenError({ fleet, field: 'subscriptionId', value: show(props.subscriptionId), rule: 'a subscription id is a GUID', fix: "subscriptionId: '00000000-0000-0000-0000-000000000000'" });
  }
  checkAksSpec(fleet, undefined, props.cluster);
  if ((props.cluster.userPools ?? []).length > 0) {
    throw new BlueGreenError({ fleet, field: 'cluster.userPools', value: show(props.cluster.userPools!.map((p) => p.name)), rule: 'in a node-pool fleet the user pools are the units, built from `pool` / `unitPools`', fix: 'remove cluster.userPools and describe the pool in `pool`' });
  }
  checkPoolSpec(fleet, undefined, props.pool);
  for (const [slot, spec] of Object.entries(props.unitPools ?? {})) {
    if (!props.units.some((u) => u.slot === slot)) {
      throw new BlueGreenError({ fleet, field: `unitPools.${slot}`, value: show(slot), rule: 'unitPools names the slot of a declared unit', fix: `remove unitPools.${slot}, or declare a unit in slot ${show(slot)}` });
    }
    checkPoolSpec(fleet, slot, spec);
  }
}

function checkPoolSpec(fleet: string, slot: string | undefined, spec: AksNodePoolUnitSpec): void {
  const field = slot === undefined ? 'pool' : `unitPools.${slot}`;
  const refuse = (f: string, value: unknown, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet, unit: slot, field: `${field}.${f}`, value: show(value), rule, fix });
  };
  if (!spec || typeof spec.vmSize !== 'string' || !/^Standard_[A-Za-z0-9_]+$/.test(spec.vmSize)) refuse('vmSize', spec?.vmSize, 'a VM size is an Azure size name', "vmSize: 'Standard_D8ds_v5'");
  checkAksPoolOs(fleet, slot, field, spec.osType);
  const min = spec.minCount ?? 2;
  const max = spec.maxCount ?? 5;
  if (!Number.isInteger(min) || min < 1 || min > 1000) refuse('minCount', spec.minCount, 'a pool unit keeps 1 to 1000 nodes (its checks need nodes; it never scales to 0)', 'minCount: 2');
  if (!Number.isInteger(max) || max < min || max > 1000) refuse('maxCount', spec.maxCount, `maxCount is a whole number from minCount (${min}) to 1000`, `maxCount: ${Math.max(min, 5)}`);
  for (const t of spec.taints ?? []) {
    if (typeof t !== 'string' || !/^[^=:\s]+(=[^=:\s]*)?:(NoSchedule|PreferNoSchedule|NoExecute)$/.test(t)) refuse('taints', t, 'a taint is key=value:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute', "taints: ['dedicated=apps:NoSchedule']");
  }
}
