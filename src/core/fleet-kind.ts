/** What a fleet's units are: whole clusters or node pools, on AKS or EKS. */
export enum FleetKind {
  /** Whole AKS clusters (`AksFleet`). */
  AKS_CLUSTER = 'aks-cluster',
  /** Whole EKS clusters (`EksFleet`). */
  EKS_CLUSTER = 'eks-cluster',
  /** AKS node pools in one cluster whose control plane is upgraded in place (`AksNodePoolFleet`). */
  AKS_NODE_POOL = 'aks-node-pool',
  /** EKS managed node groups in one cluster whose control plane is upgraded in place (`EksNodePoolFleet`). */
  EKS_NODE_POOL = 'eks-node-pool',
}

/** Every {@link FleetKind} value, as a state file spells it. */
export const FLEET_KINDS: string[] = Object.values(FleetKind);
