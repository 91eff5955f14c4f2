// core
export * from './core/refusal';
export * from './core/kubernetes-version';
export * from './core/support-calendar';
export * from './core/fleet-kind';
export * from './core/version-next';
export * from './core/rollout-model';
export * from './core/plan-report';
// routing contract
export * from './routing/router';
// kubernetes checks
export * from './kubernetes/check';
export * from './kubernetes/cluster-access';
export * from './kubernetes/nodes-ready-check';
export * from './kubernetes/smoke-job-check';
export * from './kubernetes/http-probe-check';
// azure
export * from './azure/aks-spec';
export * from './azure/aks-cluster-unit';
export * from './azure/aks-access';
export * from './azure/azure-router';
export * from './azure/front-door-router';
export * from './azure/traffic-manager-router';
// rollout
export * from './rollout/backends';
export * from './rollout/fleet-options';
export * from './rollout/aks-fleet';
export * from './rollout/rollout-plan';
export * from './rollout/rollout-fleet';
// rollout state files and transition rules
// (the error classes and free functions of these modules are reachable by path, e.g.
// 'cdktf-bluegreen/lib/core/transitions': jsii exports classes, structs and enums only)
export type { RolloutPolicy, RolloutStateUnit, RolloutStateFile } from './core/state-file';
export { TransitionRule } from './core/transitions';
export type { TransitionViolation, NextStep } from './core/transitions';
export * from './rollout/rollout-state';
// node pools (blue-green pools inside one cluster, control plane upgraded in place)
export * from './kubernetes/node-pool-scheduling-router';
export * from './kubernetes/node-pool-pdb-check';
export * from './azure/aks-node-pool-spec';
export * from './azure/aks-node-pool-cluster';
export * from './azure/aks-node-pool-unit';
export * from './aws/eks-node-pool-spec';
export * from './aws/eks-node-pool-control-plane';
export * from './aws/eks-node-pool-unit';
export * from './aws/eks-node-pool-access';
export * from './rollout/aks-node-pool-fleet';
export * from './rollout/eks-node-pool-fleet';
// aws
export * from './aws/eks-spec';
export * from './aws/eks-addons';
export * from './aws/eks-unit-names';
export * from './aws/eks-unit-origin';
export * from './aws/eks-cluster-unit';
export * from './aws/eks-access';
export * from './aws/aws-router';
export * from './aws/route53-weighted-router';
export * from './aws/alb-weighted-router';
export * from './aws/global-accelerator-router';
export * from './rollout/eks-fleet';
export * from './rollout/synthesize-rollout';
export * from './rollout/node-pool-fleet-options';
// SLO gates (metric gates judged at deploy time against the baseline unit)
export { GateDirection } from './core/metric-gates';
export * from './kubernetes/metrics-source';
export * from './kubernetes/metric-gate-check';
export * from './kubernetes/slo-gates';
// HCP Terraform: workspaces as code, execution per stack role, dynamic provider credentials
export { HcpExecution } from './hcp/hcp-execution';
export type { HcpExecutionPolicy } from './hcp/hcp-execution';
export type { HcpAzureDynamicCredentials, HcpAwsDynamicCredentials, HcpWorkspaceVariable } from './hcp/hcp-credentials';
// export * keeps this module lazily loadable by the package build (it needs @cdktf/provider-tfe)
export * from './hcp/hcp-workspaces';
// GitOps bootstrap, workload access and version offered (issue 16)
export * from './kubernetes/gitops-repository';
export * from './kubernetes/gitops-sync-check';
export * from './kubernetes/workload-identity-check';
export * from './azure/aks-gitops';
export * from './azure/aks-workload-access';
export * from './azure/aks-version-offered';
export * from './aws/eks-gitops';
export * from './aws/eks-workload-access';
export * from './aws/eks-version-offered';
export type { VersionOfferedUnit } from './core/version-offered';
