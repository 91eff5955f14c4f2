/** The role a stack plays in a fleet. */
export enum StackRole {
  SHARED = 'shared',
  UNIT = 'unit',
  VALIDATE = 'validate',
  TRAFFIC = 'traffic',
}

/** One unit as the rollout plan shows it. */
export interface PlanUnit {
  readonly name: string;
  readonly slot: string;
  readonly kubernetesVersion: string;
  readonly fingerprint: string;
  readonly pinned: boolean;
  readonly lifecycle: string;
  /** Share of traffic, 0-100. */
  readonly weight: number;
  /** The router's own weight, e.g. "origin weight 900" or "origin disabled". */
  readonly routerWeight: string;
  /** Names of the checks that gate this unit's traffic. */
  readonly checks: string[];
  /** The metric gates that judge this unit, with their thresholds. @default - none */
  readonly gates?: PlanGate[];
}

/** One metric gate on one unit, as the rollout plan shows it. */
export interface PlanGate {
  /** The gate's check name, e.g. `slo-latency-p95`. */
  readonly gate: string;
  /** The query, rendered for this unit. */
  readonly query: string;
  /** When it passes, e.g. `≤ 1.2 × baseline blue-1-33-nljqy2`. */
  readonly passesWhen: string;
  /** The baseline unit it compares with. @default - none (absolute threshold, or this unit is the baseline) */
  readonly baseline?: string;
  /** Where the query runs: `deploy machine (http data source)` or `in the unit (Job, workload identity)`. */
  readonly runs: string;
}

/** One stack as the rollout plan shows it. */
export interface PlanStack {
  readonly name: string;
  readonly role: StackRole;
  readonly unit?: string;
  readonly dependsOn: string[];
  /** What deploying this stack does in this step. */
  readonly action: string;
}

/** The in-place control plane of a node-pool fleet, as the rollout plan shows it. */
export interface PlanControlPlane {
  /** The version the shared stack sets in this step. */
  readonly version: string;
  /** The version of the previous step, when declared. */
  readonly previousVersion?: string;
  /** The stack that holds the control plane. */
  readonly stack: string;
}

/** A fleet's rollout step, everything a reviewer needs. */
export interface FleetPlan {
  readonly fleet: string;
  /** e.g. "AKS", "EKS". */
  readonly cloud: string;
  /** "cluster" (whole-cluster units) or "node-pool". */
  readonly unitKind: string;
  readonly router: string;
  readonly step: string;
  readonly drainSeconds: number;
  readonly units: PlanUnit[];
  readonly stacks: PlanStack[];
  readonly warnings: string[];
  /** Node-pool fleets: the control plane upgraded in place. @default - none (whole-cluster units) */
  readonly controlPlane?: PlanControlPlane;
}

/** Stacks in an order `cdktf deploy '*'` may run them (dependencies first; ties by name). */
export function deployOrder(stacks: PlanStack[]): PlanStack[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const done = new Set<string>();
  const out: PlanStack[] = [];
  const rank = (s: PlanStack) => ['shared', 'unit', 'validate', 'traffic'].indexOf(s.role);
  while (out.length < stacks.length) {
    const ready = stacks
      .filter((s) => !done.has(s.name) && s.dependsOn.every((d) => done.has(d) || !byName.has(d)))
      .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
    if (ready.length === 0) throw new Error(`dependency cycle among ${stacks.filter((s) => !done.has(s.name)).map((s) => s.name).join(', ')}`);
    done.add(ready[0].name);
    out.push(ready[0]);
  }
  return out;
}

/** The plan as JSON (stable key order, ready to diff or to post). */
export function planToJson(plans: FleetPlan[], base?: FleetPlan[]): string {
  return JSON.stringify({ version: 1, fleets: plans.map((p) => ({ ...p, weightsBefore: weightsOf(base?.find((b) => b.fleet === p.fleet)), deployOrder: deployOrder(p.stacks).map((s) => s.name) })) }, null, 2) + '\n';
}

function weightsOf(plan: FleetPlan | undefined): { [unit: string]: number } | undefined {
  if (!plan) return undefined;
  const out: { [unit: string]: number } = {};
  for (const u of plan.units) out[u.name] = u.weight;
  return out;
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * The plan as Markdown, fit to post as a pull-request comment: per fleet, the units with their
 * weights (before → after when a base plan is given), then the deploy's actions in order with the
 * checks that gate each.
 */
export function planToMarkdown(plans: FleetPlan[], base?: FleetPlan[]): string {
  const out: string[] = ['# Rollout plan', ''];
  for (const p of plans) {
    const before = weightsOf(base?.find((b) => b.fleet === p.fleet));
    out.push(`## Fleet \`${p.fleet}\` — ${p.cloud} ${p.unitKind} units behind ${p.router}`, '');
    out.push(`Step \`${p.step}\` · drain timer ${p.drainSeconds} s before any unit is destroyed`, '');
    out.push(`(The step hash \`${p.step}\` is a fingerprint of this step's units with their lifecycles and weights. The checks, their Kubernetes labels and the drain timer's triggers are named with it, so any change of a unit, lifecycle or weight makes a new step and the checks run again on the next deploy; an unchanged step re-deploys as no change.)`, '');
    if (p.controlPlane) {
      const cp = p.controlPlane;
      const move = cp.previousVersion === undefined ? `${cp.version} (previous version not declared)`
        : cp.previousVersion === cp.version ? `${cp.version} (unchanged)` : `${cp.previousVersion} → ${cp.version} (in place, one minor)`;
      out.push(`Control plane ${move} in \`${cp.stack}\`. Order of the step: the control plane first, then new pools are built and validated, then old pools are cordoned and, a step later, drained and deleted.`, '');
    }
    out.push(table(
      ['unit', 'version', 'fingerprint', 'lifecycle', 'weight', 'router', 'gated by'],
      p.units.map((u) => {
        const w = before === undefined ? `${u.weight}` : `${before[u.name] ?? '—'} → ${u.weight}`;
        return [`\`${u.name}\``, u.kubernetesVersion, `\`${u.fingerprint}\`${u.pinned ? '' : ' (not pinned)'}`, u.lifecycle, w, u.routerWeight, u.checks.length ? u.checks.join(', ') : '—'];
      }),
    ), '');
    const gated = p.units.filter((u) => u.gates && u.gates.length > 0);
    if (gated.length) {
      out.push('SLO gates (each must pass before any traffic moves; a unit without samples yet passes only while the baseline has samples):', '');
      out.push(table(['unit', 'gate', 'query', 'passes when', 'runs'], gated.flatMap((u) => u.gates!.map((g) => [
        `\`${u.name}\``, g.gate, `\`${g.query.replace(/\|/g, '\\|').replace(/`/g, "'")}\``, g.passesWhen, g.runs,
      ]))), '');
    }
    out.push('What `cdktf deploy \'*\'` does, in order (a failed step stops everything after it):', '');
    deployOrder(p.stacks).forEach((s, i) => {
      out.push(`${i + 1}. \`${s.name}\` — ${s.action}${s.dependsOn.length ? ` _(after ${s.dependsOn.map((d) => `\`${d}\``).join(', ')})_` : ''}`);
    });
    out.push('');
    if (p.warnings.length) {
      out.push('Warnings:', '', ...p.warnings.map((w) => `- ${w}`), '');
    }
  }
  return out.join('\n');
}
