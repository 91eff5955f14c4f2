import { Token } from 'cdktf';
import { BlueGreenError, show } from '../core/errors';
import { fitName, fitsRule, NAME_RULES } from '../core/naming';
import { EKS_ADDON_NAMES } from './eks-addons';
import { EksAmiType, EksClusterSpec, EksNodeGroupSpec, EksSupportType, EksTaintEffect } from './eks-spec';

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const SUBNET = /^subnet-[0-9a-f]{8,17}$/;
const INSTANCE_TYPE = /^([a-z]+)(\d+)([a-z-]*)\.([a-z0-9-]+)$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** Managed node groups per cluster / nodes per managed node group (EKS service quotas, adjustable). */
const MAX_NODE_GROUPS = 30;
const MAX_NODES = 450;

/** CPU architecture of an instance type, or undefined when the library cannot tell. */
export function instanceArchitecture(instanceType: string): 'arm64' | 'x86_64' | undefined {
  const m = INSTANCE_TYPE.exec(instanceType);
  if (!m) return undefined;
  const [, prefix, generation, suffix] = m;
  if (prefix === 'a' && generation === '1') return 'arm64';
  // Graviton families carry a "g" after the generation: m7g, c7gn, r6gd, t4g, x2gd, im4gn, g5g.
  if (suffix.replace(/-flex$/, '').includes('g')) return 'arm64';
  if (prefix === 'mac') return undefined;
  return 'x86_64';
}

/** CPU architecture of an AMI type. */
export function amiArchitecture(amiType: EksAmiType): 'arm64' | 'x86_64' {
  return String(amiType).includes('ARM_64') ? 'arm64' : 'x86_64';
}

function isToken(value: unknown): boolean {
  return typeof value === 'string' && Token.isUnresolved(value);
}

/**
 * Refuses an EKS spec that the provider would reject or that breaks the library's secure defaults.
 * Runs at synth, before any resource is built, so the message names the fleet, the unit and the field.
 */
export function checkEksSpec(fleet: string, unit: string | undefined, spec: EksClusterSpec): void {
  const refuse = (field: string, value: unknown, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet, unit, field, value: show(value), rule, fix });
  };
  if (!spec || typeof spec.region !== 'string' || !REGION.test(spec.region)) {
    refuse('spec.region', spec?.region, 'an AWS region is its code, e.g. eu-west-1', "region: 'eu-west-1'");
  }
  if (!Array.isArray(spec.subnetIds) || spec.subnetIds.length === 0) {
    refuse('spec.subnetIds', spec.subnetIds ?? [], 'an EKS unit needs the private subnets of its control plane and nodes; the library never guesses a network', "subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'] (two or more, in different availability zones)");
  }
  if (spec.subnetIds.length < 2) {
    refuse('spec.subnetIds', spec.subnetIds, 'EKS needs subnets in at least two availability zones', `subnetIds: [${show(spec.subnetIds[0])}, '<a subnet in another availability zone>']`);
  }
  spec.subnetIds.forEach((s, i) => {
    if (!isToken(s) && (typeof s !== 'string' || !SUBNET.test(s))) refuse(`spec.subnetIds[${i}]`, s, 'a subnet id is "subnet-" and 8 or 17 hex digits', "'subnet-0a1b2c3d4e5f60001'");
  });
  if (new Set(spec.subnetIds).size !== spec.subnetIds.length) {
    refuse('spec.subnetIds', spec.subnetIds, 'subnets are listed once', `subnetIds: ${show([...new Set(spec.subnetIds)])}`);
  }

  const ep = spec.endpointAccess ?? {};
  const cidrs = ep.publicAccessCidrs ?? [];
  if (ep.publicAccess && cidrs.length === 0) {
    refuse('spec.endpointAccess.publicAccessCidrs', cidrs, 'a public API endpoint without CIDRs is open to the whole internet (EKS defaults to 0.0.0.0/0)', "publicAccessCidrs: ['203.0.113.0/24'] (your office or CI egress range)");
  }
  if (!ep.publicAccess && cidrs.length > 0) {
    refuse('spec.endpointAccess.publicAccessCidrs', cidrs, 'CIDRs only apply to a public endpoint, which is off', 'publicAccess: true, or remove publicAccessCidrs');
  }
  cidrs.forEach((c, i) => {
    const m = CIDR.exec(String(c));
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
      refuse(`spec.endpointAccess.publicAccessCidrs[${i}]`, c, 'a CIDR is an IPv4 block a.b.c.d/n', "'203.0.113.0/24'");
    }
    if (Number(m![5]) === 0 && !ep.allowPublicAccessFromAnywhere) {
      refuse(`spec.endpointAccess.publicAccessCidrs[${i}]`, c, 'a public API endpoint open to 0.0.0.0/0 is refused unless allowPublicAccessFromAnywhere is set', "publicAccessCidrs: ['203.0.113.0/24'], or allowPublicAccessFromAnywhere: true if you really mean the whole internet");
    }
  });

  if (spec.supportType !== undefined && !Object.values(EksSupportType).includes(spec.supportType)) {
    refuse('spec.supportType', spec.supportType, `a support type is one of ${Object.values(EksSupportType).join(', ')}`, 'supportType: EksSupportType.STANDARD');
  }
  const hop = spec.imdsHopLimit ?? 1;
  if (hop !== 1 && hop !== 2) {
    refuse('spec.imdsHopLimit', spec.imdsHopLimit, 'the IMDSv2 hop limit is 1 (pods cannot reach node credentials) or 2 (pods without Pod Identity can)', 'imdsHopLimit: 1');
  }
  const kms = spec.kmsKeyDeletionWindowDays ?? 30;
  if (!Number.isInteger(kms) || kms < 7 || kms > 30) {
    refuse('spec.kmsKeyDeletionWindowDays', spec.kmsKeyDeletionWindowDays, 'KMS waits 7 to 30 days before deleting a key', 'kmsKeyDeletionWindowDays: 30');
  }
  const retention = spec.controlPlaneLogRetentionDays ?? 90;
  if (!LOG_RETENTION_DAYS.includes(retention)) {
    const near = LOG_RETENTION_DAYS.reduce((a, b) => (Math.abs(b - retention) < Math.abs(a - retention) ? b : a));
    refuse('spec.controlPlaneLogRetentionDays', spec.controlPlaneLogRetentionDays, `CloudWatch Logs keeps events for one of ${LOG_RETENTION_DAYS.join(', ')} days`, `controlPlaneLogRetentionDays: ${Number.isFinite(near) ? near : 90}`);
  }
  (spec.additionalLogTypes ?? []).forEach((t, i) => {
    if (!LOG_TYPES.includes(t)) refuse(`spec.additionalLogTypes[${i}]`, t, `a control-plane log type is one of ${LOG_TYPES.join(', ')}`, "additionalLogTypes: ['controllerManager']");
  });
  for (const name of Object.keys(spec.addonVersions ?? {})) {
    if (!EKS_ADDON_NAMES.includes(name)) {
      refuse(`spec.addonVersions.${name}`, name, `a unit installs the add-ons ${EKS_ADDON_NAMES.join(', ')}; others are not managed by the library`, `use one of ${EKS_ADDON_NAMES.map((n) => show(n)).join(', ')}`);
    }
  }

  if (!Array.isArray(spec.nodeGroups) || spec.nodeGroups.length === 0) {
    refuse('spec.nodeGroups', spec.nodeGroups ?? [], 'an EKS unit has at least one managed node group (its checks need nodes)', "nodeGroups: [{ name: 'apps', instanceTypes: ['m7i.large'] }]");
  }
  if (spec.nodeGroups.length > MAX_NODE_GROUPS) {
    refuse('spec.nodeGroups', `${spec.nodeGroups.length} node groups`, `EKS allows ${MAX_NODE_GROUPS} managed node groups per cluster by default`, `at most ${MAX_NODE_GROUPS} node groups`);
  }
  const names = new Set<string>();
  spec.nodeGroups.forEach((g, i) => {
    const field = `spec.nodeGroups[${i}]`;
    checkNodeGroup(fleet, unit, field, g, spec.subnetIds);
    if (names.has(g.name)) refuse(`${field}.name`, g.name, 'node group names are unique in a cluster', `name: ${show(fitName(NAME_RULES.eksNodeGroup, [g.name.slice(0, 58), String(i + 1)]))}`);
    names.add(g.name);
  });
}

function checkNodeGroup(fleet: string, unit: string | undefined, field: string, g: EksNodeGroupSpec, clusterSubnets: string[]): void {
  const refuse = (f: string, value: unknown, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet, unit, field: `${field}.${f}`, value: show(value), rule, fix });
  };
  const r = NAME_RULES.eksNodeGroup;
  if (typeof g.name !== 'string' || !fitsRule(r, g.name)) {
    refuse('name', g.name, `an ${r.what} is ${r.description} (EKS limit ${r.maxLength})`, `name: ${show(fitName(r, [String(g.name ?? 'apps')]))}`);
  }
  const ami = g.amiType ?? EksAmiType.AL2023_X86_64_STANDARD;
  if (!Object.values(EksAmiType).includes(ami)) {
    refuse('amiType', ami, `an AMI type is one of ${Object.values(EksAmiType).join(', ')}`, 'amiType: EksAmiType.AL2023_X86_64_STANDARD');
  }
  if (!Array.isArray(g.instanceTypes) || g.instanceTypes.length === 0) {
    refuse('instanceTypes', g.instanceTypes ?? [], 'a node group lists at least one instance type', "instanceTypes: ['m7i.large']");
  }
  const arches = new Set<string>();
  g.instanceTypes.forEach((t, i) => {
    if (typeof t !== 'string' || !INSTANCE_TYPE.test(t)) refuse(`instanceTypes[${i}]`, t, 'an instance type is family.size', "'m7i.large'");
    const arch = instanceArchitecture(t);
    if (arch === undefined) return;
    arches.add(arch);
    if (arch !== amiArchitecture(ami)) {
      const fix = arch === 'arm64'
        ? 'amiType: EksAmiType.AL2023_ARM_64_STANDARD (or BOTTLEROCKET_ARM_64)'
        : 'amiType: EksAmiType.AL2023_X86_64_STANDARD (or BOTTLEROCKET_X86_64)';
      refuse(`instanceTypes[${i}]`, t, `${t} is an ${arch} instance type, but amiType ${ami} is built for ${amiArchitecture(ami)}`, `${fix}, or an ${amiArchitecture(ami)} instance type`);
    }
  });
  if (arches.size > 1) refuse('instanceTypes', g.instanceTypes, 'the instance types of a node group share one CPU architecture', 'split arm64 and x86_64 types into two node groups');
  const min = g.minSize ?? 2;
  const max = g.maxSize ?? Math.max(min, 5);
  const desired = g.desiredSize ?? min;
  if (!Number.isInteger(min) || min < 1 || min > MAX_NODES) refuse('minSize', g.minSize, `a unit's node group keeps 1 to ${MAX_NODES} nodes (it never scales to 0: its checks need nodes)`, 'minSize: 2');
  if (!Number.isInteger(max) || max < min || max > MAX_NODES) refuse('maxSize', g.maxSize, `maxSize is a whole number from minSize (${min}) to ${MAX_NODES}`, `maxSize: ${Math.max(min, 5)}`);
  if (!Number.isInteger(desired) || desired < min || desired > max) refuse('desiredSize', g.desiredSize, `desiredSize is a whole number from minSize (${min}) to maxSize (${max})`, `desiredSize: ${min}`);
  (g.subnetIds ?? []).forEach((s, i) => {
    if (!clusterSubnets.includes(s)) refuse(`subnetIds[${i}]`, s, "a node group's subnets are among the cluster's subnetIds", `one of ${show(clusterSubnets)}`);
  });
  (g.taints ?? []).forEach((t, i) => {
    if (typeof t.key !== 'string' || !/^([a-z0-9.-]+\/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(t.key)) refuse(`taints[${i}].key`, t.key, 'a taint key is a Kubernetes label key', "key: 'dedicated'");
    if (!Object.values(EksTaintEffect).includes(t.effect)) refuse(`taints[${i}].effect`, t.effect, `a taint effect is one of ${Object.values(EksTaintEffect).join(', ')}`, 'effect: EksTaintEffect.NO_SCHEDULE');
  });
}

