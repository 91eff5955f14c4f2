import { BlueGreenError, show } from '../core/errors';
import { KubernetesVersion } from '../core/kubernetes-version';
import { fitName, fitsRule, NAME_RULES } from '../core/naming';
import { kubeletSkewProblem } from '../core/version-skew';
import { AksClusterSpec, AksNodePoolSpec, AksOsType } from './aks-spec';

/**
 * Refuses an AKS spec that the provider would reject or that breaks the library's secure defaults.
 * Runs at synth, before any resource is built, so the message names the fleet, the unit and the field.
 */
export function checkAksSpec(fleet: string, unit: string | undefined, spec: AksClusterSpec, unitVersion?: KubernetesVersion): void {
  const refuse = (field: string, value: unknown, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet, unit, field, value: show(value), rule, fix });
  };
  if (!spec || typeof spec.location !== 'string' || !/^[a-z0-9]+$/.test(spec.location)) {
    refuse('spec.location', spec?.location, 'an Azure region is its lowercase programmatic name', "location: 'westeurope'");
  }
  if (!Array.isArray(spec.adminGroupObjectIds) || spec.adminGroupObjectIds.length === 0) {
    refuse('spec.adminGroupObjectIds', spec.adminGroupObjectIds ?? [], 'local accounts are disabled, so at least one Entra ID group must administer the cluster', "adminGroupObjectIds: ['<object id of your platform team group>']");
  }
  const pools: Array<[string, AksNodePoolSpec]> = [['spec.systemPool', spec.systemPool]];
  (spec.userPools ?? []).forEach((p, i) => pools.push([`spec.userPools[${i}]`, p]));
  const names = new Set<string>();
  for (const [field, pool] of pools) {
    checkPool(fleet, unit, field, pool);
    if (pool.kubernetesVersion !== undefined) {
      const v = KubernetesVersion.tryParse(pool.kubernetesVersion);
      if (!v) refuse(`${field}.kubernetesVersion`, pool.kubernetesVersion, 'a Kubernetes version is 1.MINOR or 1.MINOR.PATCH', 'remove it to follow the unit\'s version');
      const problem = unitVersion ? kubeletSkewProblem(unitVersion, v as KubernetesVersion) : undefined;
      if (problem && unitVersion) {
        refuse(`${field}.kubernetesVersion`, pool.kubernetesVersion, `${problem}; this unit's control plane runs ${unitVersion.toString()}`, `kubernetesVersion: ${show(unitVersion.minorVersion)} (or remove it to follow the unit's version)`);
      }
    }
    if (names.has(pool.name)) {
      refuse(`${field}.name`, pool.name, 'pool names are unique in a cluster', `name: ${show(fitName(NAME_RULES.aksLinuxPool, [pool.name.slice(0, 10), String(names.size + 1)]))}`);
    }
    names.add(pool.name);
  }
  if (spec.systemPool.osType === AksOsType.WINDOWS) {
    refuse('spec.systemPool.osType', spec.systemPool.osType, 'the system pool runs Linux', 'osType: AksOsType.LINUX');
  }
  const w = spec.maintenanceWindow;
  if (w?.durationHours !== undefined && (!Number.isInteger(w.durationHours) || w.durationHours < 4 || w.durationHours > 24)) {
    refuse('spec.maintenanceWindow.durationHours', w.durationHours, 'an AKS maintenance window lasts 4 to 24 whole hours', 'durationHours: 4');
  }
  if (w?.startTime !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(w.startTime)) {
    refuse('spec.maintenanceWindow.startTime', w.startTime, 'a start time is HH:mm', "startTime: '02:00'");
  }
}

/**
 * Refuses a Windows pool: every cluster the library builds uses Azure CNI powered by Cilium, whose
 * dataplane runs Linux nodes only, and the checks' smoke Job is a Linux image.
 * @see https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium#limitations
 * @see https://github.com/Azure/AKS/issues/4540 (Windows support for the Cilium dataplane: not available)
 */
export function checkAksPoolOs(fleet: string, unit: string | undefined, field: string, osType: AksOsType | undefined): void {
  if (osType !== undefined && osType !== AksOsType.LINUX) {
    throw new BlueGreenError({
      fleet, unit, field: `${field}.osType`, value: show(osType),
      rule: 'the clusters use Azure CNI powered by Cilium, which runs Linux nodes only, and the checks run Linux images',
      fix: 'osType: AksOsType.LINUX (run Windows workloads in a cluster outside this library)',
    });
  }
}

function checkPool(fleet: string, unit: string | undefined, field: string, pool: AksNodePoolSpec): void {
  const refuse = (f: string, value: unknown, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet, unit, field: `${field}.${f}`, value: show(value), rule, fix });
  };
  checkAksPoolOs(fleet, unit, field, pool.osType);
  const r = pool.osType === AksOsType.WINDOWS ? NAME_RULES.aksWindowsPool : NAME_RULES.aksLinuxPool;
  if (typeof pool.name !== 'string' || !fitsRule(r, pool.name)) {
    refuse('name', pool.name, `${r.what} is ${r.description}`, `name: ${show(fitName(r, [String(pool.name ?? 'pool')]))}`);
  }
  if (typeof pool.vmSize !== 'string' || !/^Standard_[A-Za-z0-9_]+$/.test(pool.vmSize)) {
    refuse('vmSize', pool.vmSize, 'a VM size is an Azure size name', "vmSize: 'Standard_D4ds_v5'");
  }
  const min = pool.minCount ?? 2;
  const max = pool.maxCount ?? 5;
  if (!Number.isInteger(min) || min < 1 || min > 1000) refuse('minCount', pool.minCount, 'a pool keeps 1 to 1000 nodes (a unit pool never scales to 0, its checks need nodes)', 'minCount: 2');
  if (!Number.isInteger(max) || max < min || max > 1000) refuse('maxCount', pool.maxCount, `maxCount is a whole number from minCount (${min}) to 1000`, `maxCount: ${Math.max(min, 5)}`);
}
