// core
export * from './core/refusal';
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
// rollout state files and transition rules
export * from './core/state-file';
export * from './core/transitions';
export * from './rollout/rollout-state';
