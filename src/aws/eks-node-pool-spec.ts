import { EksSupportType } from './eks-spec';

/** A taint of an EKS node group's own spec. */
export interface EksNodePoolTaint {
  /** Taint key. */
  readonly key: string;
  /** Taint value. @default - no value */
  readonly value?: string;
  /** `NO_SCHEDULE`, `NO_EXECUTE` or `PREFER_NO_SCHEDULE` (the EKS API's spelling). */
  readonly effect: string;
}

/**
 * What an EKS managed node group unit is built from, apart from its Kubernetes version and its name
 * (derived from the unit's identity). Changing the spec makes a new node group.
 */
export interface EksNodePoolUnitSpec {
  /** EC2 instance types, e.g. `['m7i.xlarge']`. */
  readonly instanceTypes: string[];
  /** Fewest nodes. @default 2 */
  readonly minSize?: number;
  /** Most nodes. @default 5 */
  readonly maxSize?: number;
  /** `ON_DEMAND` or `SPOT`. @default 'ON_DEMAND' */
  readonly capacityType?: string;
  /** AMI type. @default 'AL2023_x86_64_STANDARD' */
  readonly amiType?: string;
  /** Root volume size in GiB. @default 50 */
  readonly diskSize?: number;
  /**
   * The workload labels: Kubernetes labels on the group's nodes that workloads select. Every pool of
   * the fleet should carry them, so a serving pool takes the workloads. @default - none
   */
  readonly labels?: { [key: string]: string };
  /** Taints of the group's own spec. @default - none */
  readonly taints?: EksNodePoolTaint[];
  /** Subnets of the group's nodes. @default - the cluster's subnets */
  readonly subnetIds?: string[];
}

/** What the EKS cluster of a node-pool fleet is built from (its version is the fleet's controlPlaneVersion). */
export interface EksNodePoolClusterSpec {
  /** Subnets of the control plane's network interfaces (and of the node groups by default), in at least two AZs. */
  readonly subnetIds: string[];
  /**
   * Support policy of the control plane (`upgrade_policy`), stated in the configuration so drift is
   * corrected. EXTENDED keeps the control plane's version until extended support ends (extra cost
   * only while in extended support); STANDARD lets AWS upgrade it at the end of standard support.
   * https://docs.aws.amazon.com/eks/latest/userguide/view-upgrade-policy.html
   * @default EksSupportType.EXTENDED (as EksFleet)
   */
  readonly supportType?: EksSupportType;
  /**
   * Whether the API endpoint is reachable from the internet (the private endpoint is always on).
   * The same default as `EksFleet`. @default false
   */
  readonly endpointPublicAccess?: boolean;
  /**
   * CIDRs allowed to reach a public endpoint; required when `endpointPublicAccess` is true.
   * `0.0.0.0/0` is refused unless `allowPublicAccessFromAnywhere` is set. @default - none
   */
  readonly publicAccessCidrs?: string[];
  /** Accept `0.0.0.0/0` in `publicAccessCidrs` (the API reachable from anywhere, behind IAM auth). @default false */
  readonly allowPublicAccessFromAnywhere?: boolean;
  /** IAM principals granted cluster admin through access entries. @default - none */
  readonly adminPrincipalArns?: string[];
  /** Control plane log types. @default ['api', 'audit', 'authenticator'] */
  readonly enabledLogTypes?: string[];
  /** Days KMS waits before deleting the cluster's secrets key once it is scheduled for deletion. @default 30 */
  readonly kmsKeyDeletionWindowDays?: number;
  /**
   * Add-on versions by add-on name (`vpc-cni`, `kube-proxy`, `eks-pod-identity-agent`, `coredns`),
   * overriding the library's table for the control plane's minor. The add-ons follow the control
   * plane: each step installs the versions of its `controlPlaneVersion`.
   * @default - the versions of `EksAddonVersions` for the control plane's minor (1.30–1.34); for a
   * later minor, the most recent build EKS offers for it (`aws_eks_addon_version`), read at each plan
   */
  readonly addonVersions?: { [addon: string]: string };
}
