import { DataAzurermKubernetesServiceVersions } from '@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-service-versions';
import { Construct } from 'constructs';
import { byVersion, VersionOfferedUnit } from '../core/version-offered';

/**
 * Confirms, at plan time and before any candidate is built, that AKS offers each candidate's
 * version in the fleet's region: one `azurerm_kubernetes_service_versions` look-up per version
 * (preview versions excluded) with a postcondition that fails the plan, listing the versions the
 * region does offer. It lives in the shared stack, which every unit stack waits for, so a version
 * the region does not offer stops the step before anything is created. Only candidates are
 * checked: a serving unit keeps working after AKS stops offering its version for new clusters.
 * A declared minor (`1.34`) is offered when any `1.34.x` is.
 * @see https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/data-sources/kubernetes_service_versions
 * @see https://learn.microsoft.com/azure/aks/supported-kubernetes-versions
 */
export function checkAksVersionsOffered(scope: Construct, fleet: string, location: string, candidates: VersionOfferedUnit[]): DataAzurermKubernetesServiceVersions[] {
  return [...byVersion(candidates)].map(([version, slots]) => new DataAzurermKubernetesServiceVersions(scope, `version-offered-${version.replace(/\./g, '-')}`, {
    location,
    includePreview: false,
    lifecycle: {
      postcondition: [{
        condition: `\${anytrue([for v in self.versions : v == "${version}" || startswith(v, "${version}.")])}`,
        errorMessage: `[${fleet}] Kubernetes ${version} (unit ${slots.join(', ')}) is not offered by AKS in ${location}; nothing was built. Offered versions: \${join(", ", self.versions)}. Declare one of them.`,
      }],
    },
  }));
}
