// The rule registry: one entry per Terraform resource / data-source type the library emits.
import { awsData, awsResources } from './aws';
import { azurermData, azurermResources } from './azurerm';
import { httpDataRules } from './http';
import { kubernetesData, kubernetesResources } from './kubernetes';
import { DataRule, ResourceRule } from './rule';
import { timeResources } from './time';

export const resourceRules: Record<string, ResourceRule> = {
  ...azurermResources,
  ...awsResources,
  ...kubernetesResources,
  ...timeResources,
};

export const dataRules: Record<string, DataRule> = {
  ...azurermData,
  ...awsData,
  ...kubernetesData,
  ...httpDataRules,
};
