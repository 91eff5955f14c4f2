import { DataAwsEksClusterVersions } from '@cdktf/provider-aws/lib/data-aws-eks-cluster-versions';
import { Construct } from 'constructs';
import { KubernetesVersion } from '../core/kubernetes-version';
import { byVersion, VersionOfferedUnit } from '../core/version-offered';

/**
 * Confirms, at plan time and before any candidate is built, that EKS offers each candidate's
 * minor in the fleet's region: an `aws_eks_cluster_versions` look-up per minor with a
 * postcondition that fails the plan unless the minor is listed and not `UNSUPPORTED`, naming the
 * versions that are offered. It lives in the shared stack, which every unit stack waits for.
 * Only candidates are checked (a serving unit is never re-created).
 * @see https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/eks_cluster_versions
 * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeClusterVersions.html
 */
export function checkEksVersionsOffered(scope: Construct, fleet: string, region: string, candidates: VersionOfferedUnit[]): DataAwsEksClusterVersions[] {
  const minors = candidates.map((c) => ({ slot: c.slot, kubernetesVersion: KubernetesVersion.parse(c.kubernetesVersion).minorVersion }));
  return [...byVersion(minors)].map(([minor, slots]) => new DataAwsEksClusterVersions(scope, `version-offered-${minor.replace(/\./g, '-')}`, {
    lifecycle: {
      postcondition: [{
        condition: `\${contains([for v in self.cluster_versions : v.cluster_version if v.version_status != "UNSUPPORTED"], "${minor}")}`,
        errorMessage: `[${fleet}] Kubernetes ${minor} (unit ${slots.join(', ')}) is not offered by EKS in ${region}; nothing was built. Offered versions: \${join(", ", [for v in self.cluster_versions : v.cluster_version if v.version_status != "UNSUPPORTED"])}. Declare one of them.`,
      }],
    },
  }));
}
