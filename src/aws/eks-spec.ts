/**
 * AMI type of an EKS managed node group. The CPU architecture of the AMI must match the instance
 * types' (Graviton families such as `m7g` need an ARM AMI).
 * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html#AmazonEKS-Type-Nodegroup-amiType
 */
export enum EksAmiType {
  /** Amazon Linux 2023, x86_64. */
  AL2023_X86_64_STANDARD = 'AL2023_x86_64_STANDARD',
  /** Amazon Linux 2023, arm64 (Graviton). */
  AL2023_ARM_64_STANDARD = 'AL2023_ARM_64_STANDARD',
  /** Amazon Linux 2023 with NVIDIA drivers, x86_64. */
  AL2023_X86_64_NVIDIA = 'AL2023_x86_64_NVIDIA',
  /** Amazon Linux 2023 with NVIDIA drivers, arm64. */
  AL2023_ARM_64_NVIDIA = 'AL2023_ARM_64_NVIDIA',
  /** Amazon Linux 2023 with AWS Neuron, x86_64 (Inferentia / Trainium). */
  AL2023_X86_64_NEURON = 'AL2023_x86_64_NEURON',
  /** Bottlerocket, x86_64. */
  BOTTLEROCKET_X86_64 = 'BOTTLEROCKET_x86_64',
  /** Bottlerocket, arm64 (Graviton). */
  BOTTLEROCKET_ARM_64 = 'BOTTLEROCKET_ARM_64',
  /** Bottlerocket with NVIDIA drivers, x86_64. */
  BOTTLEROCKET_X86_64_NVIDIA = 'BOTTLEROCKET_x86_64_NVIDIA',
  /** Bottlerocket with NVIDIA drivers, arm64. */
  BOTTLEROCKET_ARM_64_NVIDIA = 'BOTTLEROCKET_ARM_64_NVIDIA',
}

/** Capacity type of a managed node group. */
export enum EksCapacityType {
  /** On-Demand instances. */
  ON_DEMAND = 'ON_DEMAND',
  /** Spot instances. */
  SPOT = 'SPOT',
}

/** Effect of a node group taint (EKS API spelling). */
export enum EksTaintEffect {
  /** Pods that do not tolerate the taint are not scheduled. */
  NO_SCHEDULE = 'NO_SCHEDULE',
  /** The scheduler avoids the nodes when it can. */
  PREFER_NO_SCHEDULE = 'PREFER_NO_SCHEDULE',
  /** Pods that do not tolerate the taint are evicted. */
  NO_EXECUTE = 'NO_EXECUTE',
}

/**
 * What happens to the control plane when its Kubernetes minor leaves standard support. Set
 * explicitly on every unit, so the bill of a unit never changes silently.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
 * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_UpgradePolicyRequest.html
 */
export enum EksSupportType {
  /**
   * Standard support (14 months); AWS upgrades the control plane by itself when it ends, and the
   * next deploy then plans a downgrade EKS refuses: a live unit changed behind the library's back.
   */
  STANDARD = 'STANDARD',
  /**
   * Extended support (12 more months) instead of an automatic upgrade. It costs more only while
   * the minor is actually in extended support (the cluster-hour price rises from $0.10 to $0.60,
   * https://aws.amazon.com/eks/pricing/); AWS still upgrades at the end of extended support, which
   * the rollout plan warns about 60 days ahead.
   */
  EXTENDED = 'EXTENDED',
}

/** A taint on every node of a managed node group. */
export interface EksTaint {
  /** Taint key. */
  readonly key: string;
  /** Taint value. @default - no value */
  readonly value?: string;
  /** Taint effect. */
  readonly effect: EksTaintEffect;
}

/**
 * One managed node group of an EKS unit. Its nodes run the unit's Kubernetes version.
 */
export interface EksNodeGroupSpec {
  /**
   * Node group name inside the cluster: 1-63 letters, digits, "-" and "_", starting with a letter
   * or digit. @see https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html
   */
  readonly name: string;
  /** Instance types, e.g. `['m7i.large']`; all of one CPU architecture, matching `amiType`. */
  readonly instanceTypes: string[];
  /** AMI type. @default EksAmiType.AL2023_X86_64_STANDARD */
  readonly amiType?: EksAmiType;
  /** Capacity type. @default EksCapacityType.ON_DEMAND */
  readonly capacityType?: EksCapacityType;
  /** Fewest nodes (a unit's node group never scales to 0: its checks need nodes). @default 2 */
  readonly minSize?: number;
  /** Most nodes. @default 5 */
  readonly maxSize?: number;
  /** Nodes at creation (the cluster autoscaler / Karpenter owns it afterwards). @default minSize */
  readonly desiredSize?: number;
  /** Kubernetes labels on the nodes (the workload labels live here). @default - none */
  readonly labels?: { [key: string]: string };
  /** Node taints. @default - none */
  readonly taints?: EksTaint[];
  /** Subnets of this node group, a subset of the cluster's. @default - the cluster's `subnetIds` */
  readonly subnetIds?: string[];
}

/** Where a unit's Kubernetes API endpoint is reachable from. */
export interface EksEndpointAccess {
  /**
   * Whether the API endpoint is reachable from the internet (private access is always on).
   * @default false
   */
  readonly publicAccess?: boolean;
  /**
   * CIDRs allowed to reach the public endpoint; required when `publicAccess` is true.
   * `0.0.0.0/0` is refused unless `allowPublicAccessFromAnywhere` is set.
   * @default - none
   */
  readonly publicAccessCidrs?: string[];
  /**
   * Accept `0.0.0.0/0` in `publicAccessCidrs` (the API is then reachable from anywhere, behind IAM auth).
   * @default false
   */
  readonly allowPublicAccessFromAnywhere?: boolean;
}

/**
 * Everything an EKS cluster unit is built from, apart from its Kubernetes version. Units built
 * from the same spec share a fingerprint; changing the spec makes new units.
 */
export interface EksClusterSpec {
  /** AWS region, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * Private subnets of the control plane's network interfaces and of the nodes (at least two, in
   * different availability zones). Required: the library never guesses a network.
   */
  readonly subnetIds: string[];
  /** Managed node groups (at least one). */
  readonly nodeGroups: EksNodeGroupSpec[];
  /** API endpoint access. @default - private endpoint only */
  readonly endpointAccess?: EksEndpointAccess;
  /**
   * Support policy of the control plane. EXTENDED keeps a live unit's version until extended
   * support ends (extra cost only while in extended support); STANDARD lets AWS upgrade it.
   * @default EksSupportType.EXTENDED
   */
  readonly supportType?: EksSupportType;
  /**
   * Hop limit of the nodes' instance metadata service (IMDSv2 tokens are always required). 1 keeps
   * pods off the node's credentials; 2 lets pods without EKS Pod Identity reach IMDS.
   * @default 1
   */
  readonly imdsHopLimit?: number;
  /**
   * Add-on versions by add-on name (`vpc-cni`, `coredns`, `kube-proxy`, `eks-pod-identity-agent`),
   * pinning them. A pinned version is part of the unit's identity.
   * @default - for 1.30–1.34 the frozen table of {@link EksAddonVersions}; for later minors the most
   * recent build EKS offers for the unit's minor when the unit is built (`aws_eks_addon_version`),
   * kept for the unit's whole life
   */
  readonly addonVersions?: { [addon: string]: string };
  /**
   * Control-plane log types sent to CloudWatch Logs (`api`, `audit` and `authenticator` are always on).
   * @default ['api', 'audit', 'authenticator']
   */
  readonly additionalLogTypes?: string[];
  /**
   * Days the unit's control-plane log group keeps events (one of the values CloudWatch Logs takes).
   * The unit owns the group, so retiring the unit deletes it.
   * @default 90
   */
  readonly controlPlaneLogRetentionDays?: number;
  /** Days KMS waits before deleting the unit's secrets key once the unit is retired. @default 30 */
  readonly kmsKeyDeletionWindowDays?: number;
  /** Extra security groups for the control plane's network interfaces. @default - none */
  readonly securityGroupIds?: string[];
}
