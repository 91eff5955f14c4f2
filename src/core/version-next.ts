import { FleetKind } from './fleet-kind';
import { DEFAULT_MAXIMUM_KUBERNETES_VERSION, DEFAULT_MINIMUM_KUBERNETES_VERSION, KubernetesVersion } from './kubernetes-version';
import { RolloutStateFile } from './state-file';
import { UnitLifecycle } from './rollout-model';
import { kubeletSkewProblem } from './version-skew';

/** What is known, besides the state file, about the versions a fleet can build next. */
export interface NextVersionFacts {
  /**
   * What the fleet is made of.
   * @default - the state file's `kind`, else whole clusters (`FleetKind.AKS_CLUSTER`)
   */
  readonly kind?: FleetKind;
  /**
   * The versions the fleet's region offers for a new cluster or pool, as the cloud lists them
   * (`aws_eks_cluster_versions`, `azurerm_kubernetes_service_versions`, `az aks get-versions`,
   * `aws eks describe-cluster-versions`), e.g. from a file the workflow refreshes.
   * @default - unknown: the next minor is assumed offered (the plan's version-offered check then has the last word)
   */
  readonly offered?: string[];
  /**
   * Node-pool fleets: the control plane's version now.
   * @default - the newest live pool's minor (after a whole rollout the pools have caught up with it)
   */
  readonly controlPlaneVersion?: string;
}

/**
 * The versions a fleet of this kind can build as its next unit from this state, oldest first:
 * offered by the region, newer than every live unit, within the policy's minors, and legal under
 * the skew rules (a node pool is never newer than its control plane nor more than 3 minors older).
 * EKS versions are minors (AWS picks the patch); AKS may list patches. Whole EKS clusters of any
 * minor are buildable (their add-on versions come from EKS when the unit is built); node pools
 * beyond their control plane are not, until the control plane moves (one minor per step).
 * Pure: no cloud call; the caller brings what the cloud said.
 */
export function buildableNextVersions(state: RolloutStateFile, facts: NextVersionFacts = {}): string[] {
  const kind = facts.kind ?? (state.kind as FleetKind | undefined) ?? FleetKind.AKS_CLUSTER;
  const parsed = (units: RolloutStateFile['units']) => units.map((u) => KubernetesVersion.tryParse(u.kubernetesVersion)).filter((v): v is KubernetesVersion => v !== undefined);
  const live = parsed(state.units.filter((u) => u.lifecycle !== UnitLifecycle.RETIRED));
  const newest = (live.length ? live : parsed(state.units)).sort((a, b) => b.compare(a))[0];
  if (!newest) return [];
  const minorsOnly = kind === FleetKind.EKS_CLUSTER || kind === FleetKind.EKS_NODE_POOL;
  const pools = kind === FleetKind.AKS_NODE_POOL || kind === FleetKind.EKS_NODE_POOL;
  const controlPlane = KubernetesVersion.tryParse(facts.controlPlaneVersion ?? '') ?? KubernetesVersion.parse(newest.minorVersion);
  const min = KubernetesVersion.parse(state.policy?.minimumKubernetesVersion ?? DEFAULT_MINIMUM_KUBERNETES_VERSION);
  const max = KubernetesVersion.parse(state.policy?.maximumKubernetesVersion ?? DEFAULT_MAXIMUM_KUBERNETES_VERSION);

  let candidates: KubernetesVersion[];
  if (facts.offered) {
    candidates = facts.offered.map((o) => KubernetesVersion.tryParse(o)).filter((v): v is KubernetesVersion => v !== undefined);
  } else {
    // Unknown offer: the minors right after the newest unit (for pools, up to the control plane).
    const last = pools ? controlPlane.minor : newest.minor + 1;
    candidates = [];
    for (let m = newest.minor + 1; m <= last; m++) candidates.push(KubernetesVersion.parse(`${newest.major}.${m}`));
  }
  if (minorsOnly) candidates = candidates.map((v) => KubernetesVersion.parse(v.minorVersion));
  const seen = new Set<string>();
  return candidates
    .filter((v) => v.compare(newest) > 0 && (!minorsOnly || v.minorsAhead(newest) > 0))
    .filter((v) => v.minorsAhead(min) >= 0 && v.minorsAhead(max) <= 0)
    .filter((v) => !pools || (kubeletSkewProblem(controlPlane, v) === undefined && (controlPlane.patch === undefined || v.compare(controlPlane) <= 0)))
    .sort((a, b) => a.compare(b))
    .map((v) => v.toString())
    .filter((s) => (seen.has(s) ? false : (seen.add(s), true)));
}
