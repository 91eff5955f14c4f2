import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { Sleep } from '@cdktf/provider-time/lib/sleep';
import { Annotations, App, ITerraformDependable, TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BlueGreenError, show } from '../../core/errors';
import { FleetPlan, PlanGate, PlanStack, StackRole } from '../../core/plan-report';
import { checkSomethingServes, checkWeights, planUnits, PlannedUnit, stepFingerprint, StepCheckOptions, UnitDeclaration, UnitLifecycle } from '../../core/rollout-model';
import { checkStandbyBeforeRetire } from '../../core/transitions';
import { CheckContext, CheckPhase, CheckToleration, CheckUnit, IValidationCheck } from '../../kubernetes/check';
import { isGateCheck } from '../../kubernetes/metric-gate-check';
import { IRouter, RouterTarget } from '../../routing/router';
import { IBackendFactory, LocalBackendFactory } from '../backends';

/** How one validation stack reaches its unit. */
export interface UnitAccess {
  readonly provider: KubernetesProvider;
  readonly minimumNodes: number;
  readonly nodeSelector?: { [key: string]: string };
  /** Tolerations the checks' pods need on the unit's nodes. @default - none */
  readonly tolerations?: CheckToleration[];
}

/** What a cloud-specific fleet plugs into the common layout. Internal. */
export interface FleetHooks {
  readonly cloud: string;
  readonly unitKind: string;
  readonly router: IRouter;
  readonly units: UnitDeclaration[];
  readonly checks: IValidationCheck[];
  readonly backend?: IBackendFactory;
  readonly drainSeconds?: number;
  readonly versionOptions: StepCheckOptions;
  readonly tags?: { [key: string]: string };
  /** Seconds checks wait for readiness. @default DEFAULT_READINESS_SECONDS */
  readonly readinessSeconds?: number;
  /** The units of the previous step, when known: transitions are checked at synth. @default - not checked */
  readonly previousUnits?: UnitDeclaration[];
  /**
   * Optional: the warning for a unit whose Kubernetes support is about to end (the support
   * calendar), for serving units. @default - no support warnings
   */
  supportWarning?(u: PlannedUnit): string | undefined;
  /** What the shared stack keeps, for the plan report. @default "resource group, <router> profile" */
  readonly sharedDescription?: string;
  specFingerprint(u: UnitDeclaration): string;
  /** Cloud-specific checks of one unit (spec, names); throws BlueGreenError. */
  checkUnit(u: PlannedUnit): void;
  /** Fleet-wide cloud checks after every unit passed. */
  checkFleet?(units: PlannedUnit[]): void;
  originHost(u: PlannedUnit): string;
  originId?(u: PlannedUnit): string | undefined;
  /** Providers of a stack (the same config in every step). */
  configureProviders(stack: TerraformStack, role: StackRole): void;
  bindShared(stack: TerraformStack): void;
  bindUnit(stack: TerraformStack, u: PlannedUnit): void;
  bindAccess(stack: TerraformStack, u: PlannedUnit): UnitAccess;
  bindTraffic(scope: Construct, step: string, targets: RouterTarget[]): void;
  /** Optional: the headers a validation request to the unit's origin carries (built in the validation stack). @default - none */
  originHeaders?(stack: TerraformStack, u: PlannedUnit): { [key: string]: string } | undefined;
  /**
   * Optional: adds to the shared stack what must hold before the candidates are built (the
   * version-offered look-ups, which fail the plan of the shared stack, so no unit stack runs).
   * @default - nothing
   */
  bindBeforeCandidates?(stack: TerraformStack, candidates: PlannedUnit[]): void;
  /**
   * Optional: adds to the validation stack of every validated live unit (candidate, serving,
   * standby) what must exist in the cluster before its checks, returning what the checks wait for
   * (EKS: the Argo CD Application of the team's repository). @default - nothing
   */
  bindValidatedUnit?(stack: TerraformStack, u: PlannedUnit, provider: KubernetesProvider): ITerraformDependable[];
  /**
   * Optional: the plan's description of a stack's action, given the default one (node-pool fleets
   * describe the in-place control plane and the cordon). @default - the default description
   */
  describeStack?(role: StackRole, unit: PlannedUnit | undefined, defaultAction: string): string;
  /**
   * Optional: candidates are checked after the traffic stack (traffic → unit-u, validate-u → traffic),
   * for routers that must act on a candidate before it is checked (the scheduling router cordons a
   * new pool so nothing lands on it before its validation passed). @default false
   */
  readonly candidateValidationAfterTraffic?: boolean;
  /**
   * Optional: the namespace a unit's checks run in. Units that share a cluster (node pools) need one
   * each, so no two validation stacks own the same object. @default CHECK_NAMESPACE
   */
  checkNamespace?(unit: PlannedUnit): string;
  /**
   * Optional: whether the traffic stack waits for a live unit's stack. Node pools: not for a pool
   * going to standby, whose unit stack waits for the traffic stack's drain instead. @default true
   */
  trafficWaitsForUnit?(unit: PlannedUnit): boolean;
}

/** The readiness window of the checks when the fleet sets none. */
export const DEFAULT_READINESS_SECONDS = 600;

/** Namespace the validation checks run in. */
export const CHECK_NAMESPACE = 'bluegreen-checks';

/** The laid-out stacks of a fleet. */
export interface FleetLayout {
  readonly shared: TerraformStack;
  readonly traffic: TerraformStack;
  readonly units: { [unit: string]: TerraformStack };
  readonly validations: { [unit: string]: TerraformStack };
  readonly planned: PlannedUnit[];
  readonly step: string;
  readonly plan: FleetPlan;
}

/**
 * Lays out one fleet's stacks and dependencies (DESIGN.md, "Stack topology"):
 * unit → shared; validate-u → unit-u; traffic → shared, unit-u for every unit that is not retired
 * and validate-u for every unit with weight > 0; a retired unit's (empty) stack → traffic.
 */
export function layoutFleet(scope: Construct, fleet: string, hooks: FleetHooks): FleetLayout {
  const planned = planUnits(fleet, hooks.units, (u) => hooks.specFingerprint(u), hooks.versionOptions);
  for (const u of planned) hooks.checkUnit(u);
  hooks.checkFleet?.(planned);
  const live = planned.filter((u) => u.lifecycle !== UnitLifecycle.RETIRED);
  const targets: RouterTarget[] = live.map((u) => ({
    unitName: u.name, slot: u.slot, lifecycle: u.lifecycle, weight: u.weight,
    originHost: hooks.originHost(u), originId: hooks.originId?.(u),
  }));
  checkSomethingServes(fleet, planned);
  checkStandbyBeforeRetire(fleet, hooks.units, hooks.previousUnits);
  hooks.router.checkTargets(fleet, targets);
  checkWeights(fleet, planned);

  const ttl = hooks.router.ttlSeconds;
  const propagation = hooks.router.propagationSeconds ?? 0;
  const minDrain = propagation + 2 * ttl;
  const drainSeconds = hooks.drainSeconds ?? minDrain;
  if (!Number.isInteger(drainSeconds) || drainSeconds < minDrain) {
    throw new BlueGreenError({
      fleet, field: 'drainSeconds', value: show(drainSeconds),
      rule: `the drain timer is a whole number of seconds, at least the ${hooks.router.routerName} propagation of ${propagation} s + 2 × its TTL of ${ttl} s, so the weight change reaches every client and long-lived connections leave a unit before it is destroyed`,
      fix: `drainSeconds: ${minDrain}`,
    });
  }
  const readinessSeconds = hooks.readinessSeconds ?? DEFAULT_READINESS_SECONDS;
  if (!Number.isInteger(readinessSeconds) || readinessSeconds < 10 || readinessSeconds > 3600) {
    throw new BlueGreenError({
      fleet, field: 'readinessSeconds', value: show(hooks.readinessSeconds),
      rule: 'the readiness window is a whole number of seconds from 10 to 3600 (checks poll every 10 s within it)',
      fix: `readinessSeconds: ${DEFAULT_READINESS_SECONDS}`,
    });
  }
  const names = new Set<string>();
  for (const c of hooks.checks) {
    if (names.has(c.checkName)) {
      throw new BlueGreenError({ fleet, field: 'checks', value: show(c.checkName), rule: 'check names are unique in a fleet', fix: 'give the second check another name' });
    }
    names.add(c.checkName);
  }

  const step = stepFingerprint(fleet, planned);
  const app = App.of(scope);
  const backend = hooks.backend ?? new LocalBackendFactory();
  const stackRows: PlanStack[] = [];
  const newStack = (name: string, role: StackRole, unit: string | undefined, action: string): TerraformStack => {
    if (app.node.tryFindChild(name)) {
      throw new BlueGreenError({ fleet, unit, field: 'stack name', value: show(name), rule: 'every stack name in an app is unique (two fleets share a name?)', fix: 'give each fleet its own name' });
    }
    const stack = new TerraformStack(app, name);
    backend.bind(stack, name);
    hooks.configureProviders(stack, role);
    const unitOf = unit === undefined ? undefined : planned.find((x) => x.name === unit);
    stackRows.push({ name, role, unit, dependsOn: [], action: hooks.describeStack ? hooks.describeStack(role, unitOf, action) : action });
    return stack;
  };
  const depend = (from: TerraformStack, to: TerraformStack) => {
    from.addDependency(to);
    const row = stackRows.find((r) => r.name === from.node.id);
    (row!.dependsOn as string[]).push(to.node.id);
  };

  const shared = newStack(`${fleet}-shared`, StackRole.SHARED, undefined, `keep the fleet's long-lived resources (${hooks.sharedDescription ?? `resource group, ${hooks.router.routerName} profile`})`);
  hooks.bindShared(shared);
  hooks.bindBeforeCandidates?.(shared, planned.filter((u) => u.lifecycle === UnitLifecycle.CANDIDATE));

  const unitStacks: { [unit: string]: TerraformStack } = {};
  const validations: { [unit: string]: TerraformStack } = {};
  for (const u of planned) {
    const action = u.lifecycle === UnitLifecycle.RETIRED
      ? `destroy ${u.name}: its stack is empty; runs after the traffic stack and its ${drainSeconds} s drain timer`
      : u.lifecycle === UnitLifecycle.CANDIDATE
        ? `build ${u.name} (${hooks.cloud} ${u.kubernetesVersion}, fingerprint ${u.fingerprint}) if it does not exist; prevent_destroy`
        : `keep ${u.name} exactly as built (prevent_destroy); no change expected`;
    const stack = newStack(`${fleet}-unit-${u.name}`, StackRole.UNIT, u.name, action);
    unitStacks[u.name] = stack;
    depend(stack, shared);
    if (u.lifecycle !== UnitLifecycle.RETIRED) hooks.bindUnit(stack, u);
  }

  const checkUnits: CheckUnit[] = planned.map((u) => ({ unitName: u.name, slot: u.slot, weight: u.weight, lifecycle: u.lifecycle }));
  const gatesOf = new Map<string, PlanGate[]>();
  for (const u of live) {
    if (!u.validated) continue;
    const checking = u.lifecycle === UnitLifecycle.CANDIDATE || u.lifecycle === UnitLifecycle.SERVING;
    const stack = newStack(`${fleet}-validate-${u.name}`, StackRole.VALIDATE, u.name, checking
      ? `check ${u.name}: ${hooks.checks.map((c) => c.checkName).join(', ')} (named for step ${step}, so they run again)`
      : `remove ${u.name}'s checks while it stands by (the unit itself is kept for rollback)`);
    validations[u.name] = stack;
    depend(stack, unitStacks[u.name]);
    const access = hooks.bindAccess(stack, u);
    // Kept while the unit stands by too (its workloads stay synced for a rollback).
    const bootstrap = hooks.bindValidatedUnit?.(stack, u, access.provider) ?? [];
    if (!checking) continue;
    const labels = {
      'app.kubernetes.io/managed-by': 'cdktf-bluegreen',
      'bluegreen.cdktf.io/fleet': fleet,
      'bluegreen.cdktf.io/unit': u.name,
      'bluegreen.cdktf.io/step': step,
    };
    const ns = new NamespaceV1(stack, 'checks-namespace', {
      provider: access.provider,
      metadata: { name: hooks.checkNamespace?.(u) ?? CHECK_NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'cdktf-bluegreen', 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    const originHeaders = hooks.originHeaders?.(stack, u);
    // Phases in order (sync, access, validation): each check waits for every check of the earlier phases.
    let after: ITerraformDependable[] = bootstrap;
    for (const phase of [CheckPhase.SYNC, CheckPhase.ACCESS, CheckPhase.VALIDATION]) {
      const made: ITerraformDependable[] = [];
      for (const check of hooks.checks.filter((c) => (c.phase ?? CheckPhase.VALIDATION) === phase)) {
        const checkScope = new Construct(stack, `check-${check.checkName}`);
        const context: CheckContext = {
          fleet, unitName: u.name, step, kubernetesVersion: u.kubernetesVersion.toString(),
          provider: access.provider, originHost: hooks.originHost(u), namespace: ns.metadata.name,
          labels, minimumNodes: access.minimumNodes, nodeSelector: access.nodeSelector, tolerations: access.tolerations, readinessSeconds, originHeaders,
          after: after.length ? after : undefined,
          slot: u.slot, units: checkUnits,
        };
        check.bind(checkScope, context);
        // Metric gates: the plan lists each with its query and threshold for this unit.
        if (isGateCheck(check)) gatesOf.set(u.name, [...(gatesOf.get(u.name) ?? []), ...check.describeGates(context)]);
        made.push(...checkScope.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c)));
      }
      after = [...after, ...made];
    }
  }

  const weighted = planned.filter((u) => u.weight > 0).map((u) => u.name);
  const traffic = newStack(`${fleet}-traffic`, StackRole.TRAFFIC, undefined,
    `set weights ${live.map((u) => `${u.slot}=${u.weight}`).join(', ')} at ${hooks.router.routerName}; then wait the ${drainSeconds} s drain timer if traffic left a unit`);
  depend(traffic, shared);
  for (const name of weighted) depend(traffic, validations[name]);
  // Every router names or looks up every live unit (candidates too), and `cdktf deploy '*'` starts
  // every stack whose dependencies are done at once: without this edge a lookup races the build.
  for (const u of live) if (hooks.trafficWaitsForUnit?.(u) ?? true) depend(traffic, unitStacks[u.name]);
  if (hooks.candidateValidationAfterTraffic) {
    for (const u of planned.filter((x) => x.lifecycle === UnitLifecycle.CANDIDATE)) {
      if (validations[u.name]) depend(validations[u.name], traffic);
    }
  }
  const router = new Construct(traffic, 'router');
  hooks.bindTraffic(router, step, targets);
  const drained = planned.filter((u) => u.lifecycle === UnitLifecycle.STANDBY || u.lifecycle === UnitLifecycle.RETIRED).map((u) => `${u.name}:${u.lifecycle}`).sort();
  new TimeProvider(traffic, 'time');
  new Sleep(traffic, 'drain-timer', {
    createDuration: `${drainSeconds}s`,
    // Re-created (so it waits again) whenever a unit loses its traffic or is retired.
    triggers: { fleet, drained: drained.join(',') || 'none' },
    dependsOn: router.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c)),
  });
  for (const u of planned) if (u.lifecycle === UnitLifecycle.RETIRED) depend(unitStacks[u.name], traffic);

  const warnings: string[] = [];
  for (const u of planned) {
    const late = u.lifecycle === UnitLifecycle.SERVING ? hooks.supportWarning?.(u) : undefined;
    if (late) {
      warnings.push(late);
      Annotations.of(unitStacks[u.name]).addWarning(`[${fleet}] ${late}`);
    }
  }
  for (const u of planned) {
    if (!u.pinned && u.lifecycle !== UnitLifecycle.CANDIDATE) {
      const msg = `unit ${u.slot} (${u.name}) has no pinned fingerprint: a change to its spec would replace it. Pin it with fingerprint: '${u.fingerprint}'.`;
      warnings.push(msg);
      Annotations.of(unitStacks[u.name]).addWarning(`[${fleet}] ${msg}`);
    }
  }

  const plan: FleetPlan = {
    fleet, cloud: hooks.cloud, unitKind: hooks.unitKind, router: hooks.router.routerName, step, drainSeconds,
    units: planned.map((u) => {
      const t = targets.find((x) => x.unitName === u.name);
      return {
        name: u.name, slot: u.slot, kubernetesVersion: u.kubernetesVersion.toString(), fingerprint: u.fingerprint, pinned: u.pinned,
        lifecycle: u.lifecycle, weight: u.weight,
        routerWeight: t ? hooks.router.describeWeight(t) : 'removed',
        checks: validations[u.name] && (u.lifecycle === UnitLifecycle.CANDIDATE || u.lifecycle === UnitLifecycle.SERVING) ? hooks.checks.map((c) => c.checkName) : [],
        ...(gatesOf.has(u.name) ? { gates: gatesOf.get(u.name) } : {}),
      };
    }),
    stacks: stackRows,
    warnings,
  };
  return { shared, traffic, units: unitStacks, validations, planned, step, plan };
}
