import { DataAwsEksAddonVersion } from '@cdktf/provider-aws/lib/data-aws-eks-addon-version';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** What happens to an add-on whose version EKS chose, once it is built. Internal. */
export enum AddonBuildKept {
  /** A unit's add-on keeps the build it was made with (a unit never changes while it lives). */
  FOR_LIFE = 'for-life',
  /**
   * A control plane's add-on follows the control plane: when its minor moves in place, the add-on
   * moves to the newest build EKS offers for the new minor in the same apply.
   */
  FOLLOWS_CONTROL_PLANE = 'follows-control-plane',
}

/** Properties of {@link eksManagedAddon}. Internal. */
export interface EksManagedAddonProps {
  readonly clusterName: string;
  readonly addonName: string;
  /** The cluster's minor (`1.MINOR`). */
  readonly kubernetesMinor: string;
  /** A version the library or the spec pins; without one, EKS says which build (`aws_eks_addon_version`, `most_recent`). */
  readonly pinnedVersion?: string;
  readonly kept: AddonBuildKept;
  readonly tags: { [key: string]: string };
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One EKS managed add-on, the same part for every fleet kind that installs add-ons (a whole-cluster
 * unit, a node-pool fleet's control plane): its version pinned, or the most recent build EKS offers
 * for the cluster's minor, read when the stack is planned. prevent_destroy always; a unit keeps the
 * build it got (`ignore_changes`), a control plane's add-on follows its minor.
 * Adopts a self-managed install of the same add-on (OVERWRITE).
 * @see https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/eks_addon_version
 * @see https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html
 */
export function eksManagedAddon(scope: Construct, props: EksManagedAddonProps): EksAddon {
  const name = props.addonName;
  const atBuild = props.pinnedVersion === undefined ? new DataAwsEksAddonVersion(scope, `addon-version-${name}`, {
    addonName: name, kubernetesVersion: props.kubernetesMinor, mostRecent: true,
  }) : undefined;
  const keep = atBuild !== undefined && props.kept === AddonBuildKept.FOR_LIFE;
  return new EksAddon(scope, `addon-${name}`, {
    clusterName: props.clusterName,
    addonName: name,
    addonVersion: atBuild ? atBuild.version : props.pinnedVersion,
    resolveConflictsOnCreate: 'OVERWRITE',
    resolveConflictsOnUpdate: 'OVERWRITE',
    tags: props.tags,
    dependsOn: props.dependsOn,
    lifecycle: keep ? { preventDestroy: true, ignoreChanges: ['addon_version'] } : { preventDestroy: true },
  });
}
