import { EksAmiType, EksCapacityType, EksClusterSpec, EksNodeGroupSpec, EksSupportType } from '../eks-spec';
import { EKS_REQUIRED_LOG_TYPES } from '../eks-cluster-unit';

function resolvedNodeGroup(g: EksNodeGroupSpec, spec: EksClusterSpec): EksNodeGroupSpec {
  const min = g.minSize ?? 2;
  return {
    ...g,
    amiType: g.amiType ?? EksAmiType.AL2023_X86_64_STANDARD,
    capacityType: g.capacityType ?? EksCapacityType.ON_DEMAND,
    minSize: min,
    maxSize: g.maxSize ?? Math.max(min, 5),
    desiredSize: g.desiredSize ?? min,
    subnetIds: g.subnetIds ?? spec.subnetIds,
  };
}

/**
 * An EKS spec with every documented default written out, so that a fingerprint taken of it does
 * not change when a user writes a default out (and does change when a default is overridden).
 */
export function resolvedEksSpec(spec: EksClusterSpec): EksClusterSpec {
  const ep = spec.endpointAccess ?? {};
  const logs = [...EKS_REQUIRED_LOG_TYPES, ...(spec.additionalLogTypes ?? []).filter((t) => !EKS_REQUIRED_LOG_TYPES.includes(t))];
  return {
    ...spec,
    nodeGroups: spec.nodeGroups.map((g) => resolvedNodeGroup(g, spec)),
    endpointAccess: { publicAccess: ep.publicAccess ?? false, publicAccessCidrs: ep.publicAccess ? ep.publicAccessCidrs : undefined },
    supportType: spec.supportType ?? EksSupportType.EXTENDED,
    imdsHopLimit: spec.imdsHopLimit ?? 1,
    additionalLogTypes: logs,
    controlPlaneLogRetentionDays: spec.controlPlaneLogRetentionDays ?? 90,
    kmsKeyDeletionWindowDays: spec.kmsKeyDeletionWindowDays ?? 30,
  };
}
