// EKS add-on versions (issue 20 item 6): the data source aws_eks_addon_version
// (https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/data-sources/eks_addon_version)
// answers DescribeAddonVersions for one add-on and one Kubernetes version
// (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAddonVersions.html): with
// `most_recent` the newest compatible build, without it the build EKS marks as the default for that
// version; an add-on with no build compatible with the version is not found (the read fails, as the
// provider's singular data source does when the API returns none).
import { SimError } from '../errors';
import { Attrs, str } from '../values';
import { DataRule } from './rule';

// The simulated region's catalogue: a rehearsal setting, not a cloud fact. Each minor the simulated
// region offers (rules/gitops.ts EKS_VERSIONS_OFFERED: 1.30–1.35) has two builds of each add-on, the
// older marked default, so "most recent" and "default" differ as they do on EKS. 1.36 has none.
const MINORS = ['1.30', '1.31', '1.32', '1.33', '1.34', '1.35'];
const ADDONS: Record<string, ((minor: number) => [string, string]) | undefined> = {
  'vpc-cni': (m) => [`v1.${m - 11}.0-eksbuild.1`, `v1.${m - 11}.2-eksbuild.3`],
  'kube-proxy': (m) => [`v1.${m}.0-eksbuild.2`, `v1.${m}.3-eksbuild.5`],
  'coredns': (m) => [`v1.${m - 22}.1-eksbuild.1`, `v1.${m - 22}.4-eksbuild.2`],
  'eks-pod-identity-agent': (m) => [`v1.3.${m - 27}-eksbuild.1`, `v1.3.${m - 26}-eksbuild.2`],
};

/** The builds of `addon` compatible with Kubernetes `minor`, oldest first; the first is the default. */
export function addonBuilds(addon: string, minor: string): string[] {
  const make = ADDONS[addon];
  return make && MINORS.includes(minor) ? make(Number(minor.split('.')[1])) : [];
}

const eksAddonVersion: DataRule = {
  name(c) {
    return str(c.addon_name);
  },
  read(_call, c): Attrs {
    const addon = str(c.addon_name) ?? '';
    const kubernetesVersion = str(c.kubernetes_version) ?? '';
    const builds = addonBuilds(addon, kubernetesVersion);
    if (builds.length === 0) {
      throw new SimError('EKS Add-On version not found', `reading EKS Add-On version (${addon}): no version of ${addon} is compatible with Kubernetes ${kubernetesVersion}`);
    }
    return { id: addon, addon_name: addon, kubernetes_version: kubernetesVersion, most_recent: c.most_recent, version: c.most_recent === true ? builds[builds.length - 1] : builds[0] };
  },
};

export const eksAddonVersionData: Record<string, DataRule> = {
  aws_eks_addon_version: eksAddonVersion,
};
