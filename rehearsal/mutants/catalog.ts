// The mutant catalogue (issue 19 item 7): realistic one-line defects in src/, each with the promise it
// breaks and the shortest rehearsal scenario that must catch it. `npm run rehearse:mutants` plants each
// (in a copy of the repository), runs its scenario and prints killed / survived. A mutant is one
// exact, unique text replacement in one file: test/rehearsal/mutants-catalog.test.ts keeps every
// `find` present exactly once, so a refactor that moves the code fails the tests until the mutant
// is re-aimed.

/** The promises of DESIGN.md and the issues, one word each (every one has at least one mutant). */
export type Promise = 'order' | 'gating' | 'traffic split' | 'protection' | 'destruction' | 'drain' | 'identity' | 'secrets' | 'time' | 'versions';
export const PROMISES: Promise[] = ['order', 'gating', 'traffic split', 'protection', 'destruction', 'drain', 'identity', 'secrets', 'time', 'versions'];

export interface Mutant {
  readonly id: string;
  readonly promise: Promise;
  /** What the defect does, as a reviewer would say it. */
  readonly defect: string;
  /** Repository-relative path of the one file changed. */
  readonly file: string;
  /** The exact text replaced (must occur exactly once in the file). */
  readonly find: string;
  readonly replace: string;
  /** The shortest scenario that must fail with the defect planted. */
  readonly scenario: string;
}

export const MUTANTS: Mutant[] = [
  {
    id: 'M01', promise: 'protection', scenario: 'R10',
    defect: 'the AKS cluster loses prevent_destroy (a change that forces replacement would destroy a live cluster)',
    file: 'src/azure/private/secure-aks-cluster.ts',
    find: "lifecycle: { ...PROTECT, ignoreChanges: ['default_node_pool[0].node_count'] },",
    replace: "lifecycle: { ignoreChanges: ['default_node_pool[0].node_count'] },",
  },
  {
    id: 'M02', promise: 'traffic split', scenario: 'R20',
    defect: 'a weight-0 unit gets an enabled Azure origin/endpoint at weight 1',
    file: 'src/azure/weighted-origins.ts',
    find: '{ enabled: false, weight: 1 }',
    replace: '{ enabled: true, weight: 1 }',
  },
  {
    id: 'M03', promise: 'traffic split', scenario: 'R15',
    defect: 'Front Door origins are enabled whatever their weight (a candidate at weight 0 takes traffic)',
    file: 'src/azure/front-door-router.ts',
    find: 'enabled: w.enabled,',
    replace: 'enabled: true,',
  },
  {
    id: 'M04', promise: 'traffic split', scenario: 'R4',
    defect: 'ALB target groups of weight-0 units get weight 1 in the forward action',
    file: 'src/aws/alb-weighted-router.ts',
    find: 'weight: awsWeight(t),',
    replace: 'weight: awsWeight(t) || 1,',
  },
  {
    id: 'M05', promise: 'traffic split', scenario: 'R5',
    defect: 'Global Accelerator endpoints of weight-0 units get weight 1',
    file: 'src/aws/global-accelerator-router.ts',
    find: 'weight: awsWeight(t),',
    replace: 'weight: awsWeight(t) || 1,',
  },
  {
    id: 'M06', promise: 'gating', scenario: 'R16',
    defect: 'the traffic stack no longer waits for the validation of the units it gives weight to',
    file: 'src/rollout/private/wiring-phase.ts',
    find: 'for (const u of p.planned.filter((x) => x.weight > 0)) maker.depend(s.traffic, s.validations[u.name]);',
    replace: 'for (const u of p.planned.filter((x) => x.weight > 0)) void s.validations[u.name];',
  },
  {
    id: 'M07', promise: 'destruction', scenario: 'R11',
    defect: "a retired unit's stack no longer waits for the traffic stack (destroyed while it may still serve)",
    file: 'src/rollout/private/wiring-phase.ts',
    find: 'for (const u of p.planned) if (u.lifecycle === UnitLifecycle.RETIRED) maker.depend(s.units[u.name], s.traffic);',
    replace: 'for (const u of p.planned) if (u.lifecycle === UnitLifecycle.RETIRED) void s.traffic;',
  },
  {
    id: 'M08', promise: 'drain', scenario: 'R11',
    defect: 'the drain timer waits 1 s instead of 2 × TTL before a retired unit is destroyed',
    file: 'src/rollout/private/wiring-phase.ts',
    find: 'createDuration: `${p.drainSeconds}s`,',
    replace: "createDuration: '1s',",
  },
  {
    id: 'M09', promise: 'time', scenario: 'R11',
    defect: 'the drain timer starts without waiting for the weight change (it runs out before traffic moved)',
    file: 'src/rollout/private/wiring-phase.ts',
    find: 'dependsOn: s.router.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c)),',
    replace: 'dependsOn: [],',
  },
  {
    id: 'M10', promise: 'order', scenario: 'R4',
    defect: 'the traffic stack no longer waits for every live unit stack (its look-up races a slow build)',
    file: 'src/rollout/private/wiring-phase.ts',
    find: 'if (!(standbyAfterTraffic && u.lifecycle === UnitLifecycle.STANDBY)) maker.depend(s.traffic, s.units[u.name]);',
    replace: 'if (!(standbyAfterTraffic && u.lifecycle === UnitLifecycle.STANDBY)) void s.units[u.name];',
  },
  {
    id: 'M11', promise: 'gating', scenario: 'R8',
    defect: "the kubelet-version check accepts any version (nodes on the wrong version pass)",
    file: 'src/kubernetes/nodes-ready-check.ts',
    find: 'condition: `\\${alltrue([for n in self.nodes : can(regex("${pattern}", n.status[0].node_info[0].kubelet_version))])}`,',
    replace: 'condition: `\\${alltrue([for n in self.nodes : can(regex(".*", n.status[0].node_info[0].kubelet_version))])}`,',
  },
  {
    id: 'M12', promise: 'gating', scenario: 'R8',
    defect: "the origin probe accepts any status code (a unit whose ingress answers 404 is validated)",
    file: 'src/kubernetes/http-probe-check.ts',
    find: 'condition: `\\${self.status_code == ${status}}`,',
    replace: 'condition: `\\${self.status_code > 0}`,',
  },
  {
    id: 'M13', promise: 'gating', scenario: 'R16',
    defect: 'SLO gates compare the wrong way round (a breach passes)',
    file: 'src/kubernetes/metric-gate-check.ts',
    find: "const op = this.limits.direction === GateDirection.AT_MOST ? '<=' : '>=';",
    replace: "const op = this.limits.direction === GateDirection.AT_MOST ? '>=' : '<=';",
  },
  {
    id: 'M14', promise: 'time', scenario: 'R12',
    defect: 'the readiness window is 10 s instead of 600 s (a unit still starting fails its checks)',
    file: 'src/rollout/private/plan-phase.ts',
    find: 'export const DEFAULT_READINESS_SECONDS = 600;',
    replace: 'export const DEFAULT_READINESS_SECONDS = 10;',
  },
  {
    id: 'M15', promise: 'time', scenario: 'R10',
    defect: 'the wait for Azure role assignment propagation is 30 s instead of 300 s',
    file: 'src/azure/private/role-propagation.ts',
    find: 'export const ROLE_PROPAGATION_SECONDS = 300;',
    replace: 'export const ROLE_PROPAGATION_SECONDS = 30;',
  },
  {
    id: 'M16', promise: 'gating', scenario: 'R13',
    defect: 'an AKS node pool is born without its cordon taint (workloads land on it before validation)',
    file: 'src/azure/aks-node-pool-unit.ts',
    find: 'nodeTaints: [...(spec.taints ?? []), ...cordon]',
    replace: 'nodeTaints: [...(spec.taints ?? [])]',
  },
  {
    id: 'M17', promise: 'gating', scenario: 'R14',
    defect: 'an EKS managed node group is born without its cordon taint',
    file: 'src/aws/eks-node-pool-unit.ts',
    find: '...(props.cordonTaint ? [',
    replace: '...(false && props.cordonTaint ? [',
  },
  {
    id: 'M18', promise: 'drain', scenario: 'R13',
    defect: 'the drain script bypasses PodDisruptionBudgets (deletes pods instead of evicting them)',
    file: 'src/kubernetes/node-pool-drain-script.ts',
    find: '"    kubectl drain \\"$1\\" --ignore-daemonsets',
    replace: '"    kubectl drain \\"$1\\" --disable-eviction --ignore-daemonsets',
  },
  {
    id: 'M19', promise: 'drain', scenario: 'R13',
    defect: "the traffic stack accepts a drain whose outcome is not 'drained' (a blocked drain lets the step go on)",
    file: 'src/kubernetes/node-pool-scheduling-router.ts',
    find: 'condition: `\\${try(self.data["step"], "") == "${step}" && try(self.data["status"], "") == "drained"}`,',
    replace: 'condition: `\\${try(self.data["step"], "") == "${step}"}`,',
  },
  {
    id: 'M20', promise: 'identity', scenario: 'R18',
    defect: "workload access federates the namespace's default service account instead of the declared one",
    file: 'src/azure/aks-workload-access.ts',
    find: 'subject: `system:serviceaccount:${i.namespace}:${i.serviceAccount}`,',
    replace: 'subject: `system:serviceaccount:${i.namespace}:default`,',
  },
  {
    id: 'M21', promise: 'secrets', scenario: 'R9',
    defect: 'EKS validation stacks take their token from aws_eks_cluster_auth by default (a token in state)',
    file: 'src/aws/eks-access.ts',
    find: 'if ((this.props.tokenSource ?? EksTokenSource.AWS_CLI) === EksTokenSource.AWS_CLI) {',
    replace: 'if ((this.props.tokenSource ?? EksTokenSource.DATA_SOURCE) === EksTokenSource.AWS_CLI) {',
  },
  {
    id: 'M22', promise: 'time', scenario: 'R17',
    defect: 'every soak counts as elapsed (a shift merged minutes after the canary passes check)',
    file: 'src/core/soak.ts',
    find: 'return { kind, required, elapsed, ok: elapsed >= required };',
    replace: 'return { kind, required, elapsed, ok: true };',
  },
  {
    id: 'M23', promise: 'destruction', scenario: 'R11',
    defect: "an EKS unit's cluster no longer waits for the log group it owns (EKS makes its own, which outlives the unit)",
    file: 'src/aws/eks-cluster-unit.ts',
    find: 'dependsOn: [...clusterPolicies, this.logGroup],',
    replace: 'dependsOn: [...clusterPolicies],',
  },
  {
    id: 'M24', promise: 'identity', scenario: 'R15E',
    defect: "the gate service account's EKS pod identity association names the namespace's default service account",
    file: 'src/aws/private/eks-gate-access.ts',
    find: 'identities: [...(access?.identities ?? []), { namespace, serviceAccount: METRIC_GATE_SERVICE_ACCOUNT, roleArn: roles[0], verify: false }],',
    replace: "identities: [...(access?.identities ?? []), { namespace, serviceAccount: 'default', roleArn: roles[0], verify: false }],",
  },
  {
    id: 'M25', promise: 'identity', scenario: 'R15',
    defect: "the Azure Monitor gates' federated credential is made for the namespace's default service account",
    file: 'src/azure/private/aks-gate-access.ts',
    find: 'identities: [...(access?.identities ?? []), { namespace, serviceAccount: METRIC_GATE_SERVICE_ACCOUNT, managedIdentityId: id, verify: false }],',
    replace: "identities: [...(access?.identities ?? []), { namespace, serviceAccount: 'default', managedIdentityId: id, verify: false }],",
  },
  {
    id: 'M26', promise: 'order', scenario: 'R8I',
    defect: 'check Jobs get a fixed name again (a Job left by a cut-off deploy blocks every retry with AlreadyExists)',
    file: 'src/kubernetes/smoke-job-check.ts',
    find: 'metadata: { generateName: jobNamePrefix(`${this.checkName}-${context.step}`), namespace: context.namespace, labels },',
    replace: 'metadata: { name: `${this.checkName}-${context.step}`, namespace: context.namespace, labels },',
  },
  {
    id: 'M27', promise: 'time', scenario: 'R1',
    defect: "the drain timer leaves out Front Door's configuration propagation (a retired unit is destroyed while edges still send it traffic)",
    file: 'src/azure/front-door-router.ts',
    find: 'public readonly propagationSeconds?: number = 1200;',
    replace: 'public readonly propagationSeconds?: number = 0;',
  },
  {
    id: 'MH1', promise: 'identity', scenario: 'R25H',
    defect: "HCP workspaces are federated for the apply phase only (issue 20 item 4): every run's plan is refused by Entra (AADSTS700213)",
    file: 'src/hcp/hcp-workspaces.ts',
    find: 'federations.push(...hcpFederationsOf(fleet, index, f.azure, workspace));',
    replace: "federations.push(...hcpFederationsOf(fleet, index, f.azure, workspace).filter((x) => x.phase === 'apply'));",
  },
  {
    id: 'MH2', promise: 'time', scenario: 'R25H',
    defect: "the bootstrap stack no longer waits out Entra's propagation of new federated credentials (the first run of a new workspace is refused)",
    file: 'src/hcp/hcp-azure-federation.ts',
    find: 'createDuration: `${HCP_FEDERATION_PROPAGATION_SECONDS}s`,',
    replace: "createDuration: '0s',",
  },
  {
    id: 'MH3', promise: 'identity', scenario: 'R25HE',
    defect: "HCP workspaces of AWS stacks no longer turn dynamic credentials on (TFC_AWS_PROVIDER_AUTH false): agent runs have no credentials",
    file: 'src/hcp/hcp-credentials.ts',
    find: "{ key: 'TFC_AWS_PROVIDER_AUTH', value: 'true' },",
    replace: "{ key: 'TFC_AWS_PROVIDER_AUTH', value: 'false' },",
  },
  {
    id: 'M28', promise: 'identity', scenario: 'R15E',
    defect: "SLO gate Jobs never retry a pod (a pod that asks for its credential before the unit's new pod identity association is effective fails the gate)",
    file: 'src/kubernetes/metric-gate-check.ts',
    find: 'backoffLimit: 1,',
    replace: 'backoffLimit: 0,',
  },
  {
    id: 'M40', promise: 'identity', scenario: 'R18E',
    defect: "an EKS unit's pod identity association names the service account's name as its namespace (the workload finds no credentials)",
    file: 'src/aws/eks-workload-access.ts',
    find: 'clusterName: props.cluster.name, namespace: i.namespace,',
    replace: 'clusterName: props.cluster.name, namespace: i.serviceAccount,',
  },
  {
    id: 'M41', promise: 'identity', scenario: 'R18E',
    defect: "an EKS unit registers itself with Argo CD as kubernetes.default.svc, which the managed capability does not support (nothing syncs)",
    file: 'src/aws/eks-gitops.ts',
    find: "data: { name: 'in-cluster', server: cluster.arn, project: 'default' },",
    replace: "data: { name: 'in-cluster', server: 'https://kubernetes.default.svc', project: 'default' },",
  },
  {
    id: 'M42', promise: 'time', scenario: 'R14',
    defect: 'the EKS node-pool fleet drops the support-warnings capability (a pool past its support is never named in the plan)',
    file: 'src/rollout/eks-node-pool-fleet.ts',
    find: '[supportWarnings(props.supportCalendar ?? KubernetesSupportCalendar.eks(), () => extended)]);',
    replace: '[]);',
  },
  {
    id: 'M30', promise: 'gating', scenario: 'R15E',
    defect: "the in-unit gate script's comparison is flipped (a unit inside its limits breaches, one outside passes)",
    file: 'src/kubernetes/private/metric-gate-script.ts',
    find: 'ok = t is not None and (v <= t if lim["direction"] == "at-most" else v >= t)',
    replace: 'ok = t is not None and (v >= t if lim["direction"] == "at-most" else v <= t)',
  },
  {
    id: 'M31', promise: 'gating', scenario: 'R15E',
    defect: 'the gate script sends its PromQL query with "(" and ")" unencoded, so botocore signs a query string that Amazon Managed Prometheus canonicalizes differently (every AMP gate is refused, nothing can roll out)',
    file: 'src/kubernetes/private/metric-gate-script.ts',
    find: '    url = rfc3986(url)',
    replace: '    url = url',
  },
  {
    id: 'M35', promise: 'destruction', scenario: 'R2',
    defect: 'forget trusts any deploy record: a fleet with records may drop a retired unit whose retirement was never deployed (its cluster is orphaned)',
    file: 'src/cli/record.ts',
    find: 'if (refusal) {',
    replace: 'if (refusal && records.length === 0) {',
  },
  {
    id: 'M36', promise: 'gating', scenario: 'R25',
    defect: 'the autopilot ignores a failed deploy: no rollback is written after a gate breach and the fleet is not held',
    file: 'src/core/autopilot.ts',
    find: 'const failure = held.get(s.fleet);',
    replace: 'const failure = undefined as DeployRecord | undefined;',
  },
  {
    id: 'M37', promise: 'versions', scenario: 'R24',
    defect: 'the autopilot caps EKS minors at the dated add-on table, so an offered 1.35 that every EKS fleet kind builds is never proposed',
    file: 'src/core/autopilot.ts',
    find: 'const samePatchLine = minorsOnly && tv.minor === cur.minor;',
    replace: "const samePatchLine = minorsOnly && tv.minor === cur.minor; if (kind === 'eks' && !require('../aws/eks-addons').EksAddonVersions.knownMinors().includes(tv.minorVersion)) return false;",
  },
];
