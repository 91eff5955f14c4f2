// The rule registry: one entry per Terraform resource / data-source type the library emits.
import { awsData, awsResources } from './aws';
import { azurermData, azurermResources } from './azurerm';
import { eksAddonVersionData } from './eks-addon-versions';
import { httpDataRules } from './http';
import { kubernetesData, kubernetesResources } from './kubernetes';
import { gitOpsData, gitOpsResources, withGitOpsJobs } from './gitops';
import { eksGitOpsResources } from './eks-gitops';
import { withGateJobs } from './gate-jobs';
import { DataRule, ResourceRule } from './rule';
import { tfeResources } from './tfe';
import { timeResources } from './time';

export const resourceRules: Record<string, ResourceRule> = {
  ...azurermResources,
  ...awsResources,
  ...kubernetesResources,
  ...timeResources,
  ...tfeResources,
  ...gitOpsResources,
  ...eksGitOpsResources,
  // Sync and identity check Jobs succeed or fail by what the world holds (gitops.ts).
  // SLO-gate Jobs need a cloud credential the world grants (gate-jobs.ts, pod-identity.ts).
  kubernetes_job_v1: withGateJobs(withGitOpsJobs(kubernetesResources.kubernetes_job_v1)),
};

export const dataRules: Record<string, DataRule> = {
  ...azurermData,
  ...awsData,
  ...kubernetesData,
  ...httpDataRules,
  ...gitOpsData,
  ...eksAddonVersionData,
};
