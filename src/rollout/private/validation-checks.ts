import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { ITerraformDependable, TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { PlanGate } from '../../core/plan-report';
import { PlannedUnit, UnitLifecycle } from '../../core/rollout-model';
import { CheckContext, CheckPhase, CheckUnit } from '../../kubernetes/check';
import { isGateCheck } from '../../kubernetes/metric-gate-check';
import { FleetDefinition, UnitAccess } from './fleet-parts';
import { FleetPlanning } from './plan-phase';

/** Namespace the validation checks run in. */
export const CHECK_NAMESPACE = 'bluegreen-checks';

/** Whether a unit's checks run in this step (candidates and serving units; a standby unit's are removed). */
export function isChecking(u: PlannedUnit): boolean {
  return u.lifecycle === UnitLifecycle.CANDIDATE || u.lifecycle === UnitLifecycle.SERVING;
}

/**
 * Binds every check of the fleet to one unit's validation stack, phase by phase (sync, access,
 * validation): each check waits for every check of the earlier phases and for `bootstrap`.
 * Returns the metric gates the checks run, or undefined when none is a gate.
 */
export function bindChecks(stack: TerraformStack, p: FleetPlanning, def: FleetDefinition<any>, u: PlannedUnit, access: UnitAccess, bootstrap: ITerraformDependable[]): PlanGate[] | undefined {
  const labels = {
    'app.kubernetes.io/managed-by': 'cdktf-bluegreen',
    'bluegreen.cdktf.io/fleet': p.fleet,
    'bluegreen.cdktf.io/unit': u.name,
    'bluegreen.cdktf.io/step': p.step,
  };
  const ns = new NamespaceV1(stack, 'checks-namespace', {
    provider: access.provider,
    metadata: { name: def.unitKind.checkNamespace?.(u) ?? CHECK_NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'cdktf-bluegreen', 'pod-security.kubernetes.io/enforce': 'restricted' } },
  });
  const base: Omit<CheckContext, 'after'> = {
    fleet: p.fleet, unitName: u.name, step: p.step, kubernetesVersion: u.kubernetesVersion.toString(),
    provider: access.provider, originHost: def.unitKind.originHost(u), namespace: ns.metadata.name,
    labels, minimumNodes: access.minimumNodes, nodeSelector: access.nodeSelector, tolerations: access.tolerations,
    readinessSeconds: p.readinessSeconds, originHeaders: def.router.originHeaders?.(stack, u),
    slot: u.slot, units: p.planned.map((x): CheckUnit => ({ unitName: x.name, slot: x.slot, weight: x.weight, lifecycle: x.lifecycle })),
  };
  let gates: PlanGate[] | undefined;
  let after: ITerraformDependable[] = bootstrap;
  for (const phase of [CheckPhase.SYNC, CheckPhase.ACCESS, CheckPhase.VALIDATION]) {
    const made: ITerraformDependable[] = [];
    for (const check of p.checks.filter((c) => (c.phase ?? CheckPhase.VALIDATION) === phase)) {
      const checkScope = new Construct(stack, `check-${check.checkName}`);
      const context: CheckContext = { ...base, after: after.length ? after : undefined };
      check.bind(checkScope, context);
      // Metric gates: the plan lists each with its query and threshold for this unit.
      if (isGateCheck(check)) gates = [...(gates ?? []), ...check.describeGates(context)];
      made.push(...checkScope.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c)));
    }
    after = [...after, ...made];
  }
  return gates;
}
