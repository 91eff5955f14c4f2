import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { KubernetesClusterExtension } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-extension';
import { KubernetesFluxConfiguration } from '@cdktf/provider-azurerm/lib/kubernetes-flux-configuration';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../core/errors';
import { GitOpsRepository, GitOpsUnitValues, checkGitOpsRepository, gitOpsPath } from '../kubernetes/gitops-repository';
import { GitOpsSyncCheck, GitOpsSyncKind } from '../kubernetes/gitops-sync-check';

/**
 * GitOps bootstrap of every unit of an AKS fleet, declared once: the Flux cluster extension and
 * one Flux configuration that follows the team's repository.
 */
export interface AksGitOps {
  /** The team's repository; its path may name the unit's slot and version. */
  readonly repository: GitOpsRepository;
  /** Name of the Flux configuration (and its GitRepository source). @default 'workloads' */
  readonly configurationName?: string;
  /** Name of the configuration's kustomization. @default 'apps' */
  readonly kustomizationName?: string;
  /** Namespace of the Flux configuration's objects. @default 'flux-system' */
  readonly namespace?: string;
  /** Seconds between two syncs of the repository and the kustomization. @default 120 */
  readonly syncIntervalSeconds?: number;
  /**
   * Name of the Flux `Kustomization` object whose `Ready` condition the validation waits for. The
   * Flux extension names it after the configuration and the kustomization.
   * @default '<configurationName>-<kustomizationName>'
   */
  readonly syncObjectName?: string;
  /** Image with `kubectl` as its entrypoint, for the sync check. @default 'registry.k8s.io/kubectl:v1.33.0' */
  readonly kubectlImage?: string;
}

/** Variables Flux substitutes in the synced manifests (`${BLUEGREEN_SLOT}` ...), per unit. */
export const GITOPS_VARIABLES = ['BLUEGREEN_FLEET', 'BLUEGREEN_SLOT', 'BLUEGREEN_UNIT', 'BLUEGREEN_VERSION'];

const NAME = /^[a-z0-9]([-a-z0-9]{0,28}[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The declaration with its documented defaults written out: what a fingerprint is taken of. */
export function resolvedAksGitOps(g: AksGitOps): AksGitOps {
  const configurationName = g.configurationName ?? 'workloads';
  const kustomizationName = g.kustomizationName ?? 'apps';
  return {
    ...g,
    repository: { ...g.repository, branch: g.repository.branch ?? 'main', path: g.repository.path ?? './' },
    configurationName, kustomizationName,
    namespace: g.namespace ?? 'flux-system',
    syncIntervalSeconds: g.syncIntervalSeconds ?? 120,
    syncObjectName: g.syncObjectName ?? `${configurationName}-${kustomizationName}`,
  };
}

/** Refuses a GitOps declaration that cannot work. */
export function checkAksGitOps(fleet: string, g: AksGitOps): void {
  checkGitOpsRepository(fleet, 'gitOps.repository', g.repository);
  const r = resolvedAksGitOps(g);
  const refuse = (field: string, value: unknown, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet, field: `gitOps.${field}`, value: show(value), rule, fix });
  };
  if (!NAME.test(r.configurationName!)) refuse('configurationName', r.configurationName, 'a Flux configuration name is 1-30 lowercase letters, digits and "-"', "configurationName: 'workloads'");
  if (!NAME.test(r.kustomizationName!)) refuse('kustomizationName', r.kustomizationName, 'a kustomization name is 1-30 lowercase letters, digits and "-"', "kustomizationName: 'apps'");
  if (!DNS_LABEL.test(r.namespace!)) refuse('namespace', r.namespace, 'a namespace is a DNS label', "namespace: 'flux-system'");
  const s = r.syncIntervalSeconds!;
  if (!Number.isInteger(s) || s < 60 || s > 86400) refuse('syncIntervalSeconds', s, 'a sync interval is 60-86400 whole seconds', 'syncIntervalSeconds: 120');
}

/** The check that waits for the fleet's Flux kustomization on each unit. */
export function aksGitOpsSyncCheck(g: AksGitOps): GitOpsSyncCheck {
  const r = resolvedAksGitOps(g);
  return new GitOpsSyncCheck({ kind: GitOpsSyncKind.FLUX_KUSTOMIZATION, namespace: r.namespace!, name: r.syncObjectName!, image: g.kubectlImage });
}

/** Properties of an {@link AksFluxBootstrap}. */
export interface AksFluxBootstrapProps {
  /** The unit's cluster. */
  readonly cluster: KubernetesCluster;
  /** The fleet's GitOps declaration. */
  readonly gitOps: AksGitOps;
  /** What the path placeholders and Flux variables stand for on this unit. */
  readonly unit: GitOpsUnitValues;
  /** What must exist before the first sync (the unit's grants, e.g. AcrPull). @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
}

const PROTECT = { preventDestroy: true };

/**
 * Installs Flux on one AKS unit and points it at the team's repository, in the unit's own stack:
 * the `microsoft.flux` cluster extension, then a Flux configuration with one Git source and one
 * kustomization at the unit's path, whose post-build substitution gives the manifests the unit's
 * fleet, slot, unit name and version. Built with the unit, identical while it lives (prevent_destroy),
 * removed with it.
 * @see https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/kubernetes_cluster_extension
 * @see https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/kubernetes_flux_configuration
 * @see https://learn.microsoft.com/azure/azure-arc/kubernetes/conceptual-gitops-flux2
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#post-build-variable-substitution
 */
export class AksFluxBootstrap extends Construct {
  /** The Flux extension. */
  public readonly extension: KubernetesClusterExtension;
  /** The Flux configuration. */
  public readonly configuration: KubernetesFluxConfiguration;

  constructor(scope: Construct, id: string, props: AksFluxBootstrapProps) {
    super(scope, id);
    const g = resolvedAksGitOps(props.gitOps);
    this.extension = new KubernetesClusterExtension(this, 'flux-extension', {
      name: 'flux',
      clusterId: props.cluster.id,
      extensionType: 'microsoft.flux',
      lifecycle: PROTECT,
    });
    const u = props.unit;
    this.configuration = new KubernetesFluxConfiguration(this, 'flux-configuration', {
      name: g.configurationName!,
      clusterId: props.cluster.id,
      namespace: g.namespace!,
      scope: 'cluster',
      gitRepository: {
        url: g.repository.url,
        referenceType: 'branch',
        referenceValue: g.repository.branch!,
        syncIntervalInSeconds: g.syncIntervalSeconds,
      },
      kustomizations: [{
        name: g.kustomizationName!,
        path: gitOpsPath(g.repository, u),
        syncIntervalInSeconds: g.syncIntervalSeconds,
        garbageCollectionEnabled: true,
        postBuild: {
          substitute: { BLUEGREEN_FLEET: u.fleet, BLUEGREEN_SLOT: u.slot, BLUEGREEN_UNIT: u.unit, BLUEGREEN_VERSION: u.version },
        },
      }],
      dependsOn: [this.extension, ...(props.dependsOn ?? [])],
      lifecycle: PROTECT,
    });
  }
}
