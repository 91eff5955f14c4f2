// core
export * from './core/errors';
export * from './core/kubernetes-version';
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
