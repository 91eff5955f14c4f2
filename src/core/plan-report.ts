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
  /**
   * The units of the previous step (the fleet's `previousUnits`), with their router weights.
   * @default - unknown: the report says "unknown" for every "before"
   */
  readonly previous?: PlanPreviousUnit[];
  /** The fleet's checks with what each proves, and their window. @default - not described */
  readonly checkDetails?: PlanChecks;
}

/** A check of a fleet, as the rollout plan shows it. */
export interface PlanCheck {
  /** The check's name, e.g. `http-probe`. */
  readonly name: string;
  /** What it proves: its target and threshold, e.g. "https GET /healthz on the unit's origin answers 200". */
  readonly description: string;
}

/** The checks of a fleet and the window they have to pass in. */
export interface PlanChecks {
  readonly checks: PlanCheck[];
  /** How long a check may wait for its condition (polled every 10 s) before it fails the deploy. */
  readonly readinessSeconds: number;
}

/** One unit of the previous step, as the rollout plan shows it. */
export interface PlanPreviousUnit {
  readonly slot: string;
  readonly lifecycle: string;
  /** Share of traffic, 0-100. */
  readonly weight: number;
  /** The router's own weight for it, as in {@link PlanUnit.routerWeight}. */
  readonly routerWeight: string;
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

/** One unit of a fleet's change, before → after: what the synth plan and `plan --base` both render. */
export interface UnitChange {
  readonly slot: string;
  readonly name: string;
  readonly kubernetesVersion: string;
  /** @default - not pinned */
  readonly fingerprint?: string;
  /** @default - not in the previous step (a new unit), or unknown (see {@link FleetChange.beforeKnown}) */
  readonly lifecycleBefore?: string;
  /** @default - not in this step (forgotten) */
  readonly lifecycleAfter?: string;
  /** @default - see lifecycleBefore */
  readonly weightBefore?: number;
  /** @default - see lifecycleAfter */
  readonly weightAfter?: number;
  /** The router's weight before, e.g. "origin weight 1000". @default - not known to the reporter */
  readonly routerBefore?: string;
  /** The router's weight after. @default - not known to the reporter */
  readonly routerAfter?: string;
  /** Names of the checks that gate this unit's traffic. @default - not known to the reporter */
  readonly checks?: string[];
  /** The metric gates that judge this unit. @default - none */
  readonly gates?: PlanGate[];
}

/** A fleet's step as a change: the one model that both the synth plan and `plan --base` render. */
export interface FleetChange {
  readonly fleet: string;
  /** e.g. "AKS cluster units behind Azure Front Door". @default - not known to the reporter (no cloud named) */
  readonly kind?: string;
  /** The router's name, e.g. "Route 53". @default "the router" */
  readonly router?: string;
  /** The step: its hash at synth, its number in a state file. */
  readonly step: string;
  /** Whether the previous step is known; when it is not, every "before" reads "unknown". */
  readonly beforeKnown: boolean;
  /** Where the previous step came from, e.g. "previousUnits" or "main". @default - unknown */
  readonly beforeSource?: string;
  /** @default - not known to the reporter */
  readonly drainSeconds?: number;
  readonly units: UnitChange[];
  readonly stacks: PlanStack[];
  /** @default - whole-cluster units (or not known to the reporter) */
  readonly controlPlane?: PlanControlPlane;
  /** @default - none */
  readonly warnings?: string[];
  /** The fleet's checks with what each proves. @default - not known to the reporter */
  readonly checkDetails?: PlanChecks;
}

/** A fleet's synthesized plan as a change from its previous step (its `previousUnits`), or from a base plan. */
export function changeOfPlan(p: FleetPlan, base?: FleetPlan): FleetChange {
  const prev: PlanPreviousUnit[] | undefined = base ? base.units.map((u) => ({ slot: u.slot, lifecycle: u.lifecycle, weight: u.weight, routerWeight: u.routerWeight })) : p.previous;
  const before = new Map((prev ?? []).map((u) => [u.slot, u]));
  const units: UnitChange[] = p.units.map((u) => {
    const b = before.get(u.slot);
    return {
      slot: u.slot, name: u.name, kubernetesVersion: u.kubernetesVersion, fingerprint: u.pinned ? u.fingerprint : undefined,
      lifecycleBefore: b?.lifecycle, lifecycleAfter: u.lifecycle, weightBefore: b?.weight, weightAfter: u.weight,
      routerBefore: b?.routerWeight, routerAfter: u.routerWeight, checks: u.checks, gates: u.gates,
    };
  });
  // Units of the previous step this one no longer declares (forgotten after their retirement).
  for (const b of prev ?? []) {
    if (!p.units.some((u) => u.slot === b.slot)) units.push({ slot: b.slot, name: b.slot, kubernetesVersion: '—', lifecycleBefore: b.lifecycle, weightBefore: b.weight, routerBefore: b.routerWeight });
  }
  return {
    fleet: p.fleet, kind: `${p.cloud} ${p.unitKind} units behind ${p.router}`, router: p.router, step: p.step,
    beforeKnown: prev !== undefined, beforeSource: base ? 'the base plan' : prev ? 'the fleet\'s previousUnits' : undefined,
    drainSeconds: p.drainSeconds, units, stacks: p.stacks, controlPlane: p.controlPlane, warnings: p.warnings, checkDetails: p.checkDetails,
  };
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Text for a Markdown table cell or code span: no backtick closes the span, no pipe splits the cell. */
function cell(text: string): string {
  return text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

/** `a → b`, `a` when unchanged, `unknown → b` when the previous step is not known. */
function move(c: FleetChange, before: string | number | undefined, after: string | number | undefined, absent: string, gone: string): string {
  if (after !== undefined && !c.beforeKnown) return `unknown → ${after}`;
  if (before !== undefined && before === after) return `${after}`;
  return `${before ?? absent} → ${after ?? gone}`;
}

const lostTraffic = (u: UnitChange) => (u.weightBefore ?? 0) > 0 && (u.weightAfter ?? 0) === 0;
const retiredNow = (c: FleetChange, u: UnitChange) => u.lifecycleAfter === 'retired' && (!c.beforeKnown || u.lifecycleBefore !== 'retired');

/** Whether the drain timer runs again in this step: it is re-armed when a unit stands by or is retired. */
function drainClause(c: FleetChange): string {
  const drain = c.drainSeconds === undefined ? 'the drain timer' : `the ${c.drainSeconds} s drain timer`;
  const leaving = c.units.filter((u) => lostTraffic(u) || retiredNow(c, u) || (u.lifecycleAfter === 'standby' && u.lifecycleBefore !== 'standby'));
  if (!c.beforeKnown) return `then ${drain} runs again if a unit stands by or is retired for the first time (the previous step is unknown here)`;
  const why = (u: UnitChange) => `${u.slot} ${retiredNow(c, u) ? 'retired' : u.lifecycleAfter === 'standby' && u.lifecycleBefore !== 'standby' ? 'stands by' : 'lost its traffic'}`;
  return leaving.length ? `then ${drain} runs (${leaving.map(why).join(', ')})` : `${drain} does not run again (no unit lost traffic or was retired)`;
}

/** What the traffic stack does in this step, from the weights before → after. */
function trafficAction(c: FleetChange): string {
  const router = c.router ?? 'the router';
  const live = c.units.filter((u) => u.lifecycleAfter !== undefined && u.lifecycleAfter !== 'retired');
  const weights = live.map((u) => `${u.slot} ${move(c, u.weightBefore ?? (c.beforeKnown ? 0 : undefined), u.weightAfter ?? 0, '0', '0')}`).join(', ');
  return `set weights at ${router}: ${weights}; ${drainClause(c)}`;
}

/** The stacks of a step in deploy order, each with what it does (a weighted router's words come from the change). */
function orderedActions(c: FleetChange): PlanStack[] {
  // A node-pool fleet's traffic stack says what it cordons and drains in its own words; only its
  // closing "then wait the drain timer" is made exact.
  const TAIL = '; then wait the drain timer';
  return deployOrder(c.stacks).map((s) => (s.role !== StackRole.TRAFFIC ? s
    : s.action.startsWith('set weights') ? { ...s, action: trafficAction(c) }
      : s.action.endsWith(TAIL) ? { ...s, action: `${s.action.slice(0, -TAIL.length)}; ${drainClause(c)}` } : s));
}

/** The Markdown body of one fleet's change: summary, units before → after, gates, the deploy in order, its diagram. */
export function fleetChangeMarkdown(c: FleetChange): string[] {
  const out: string[] = [];
  out.push(`Step \`${cell(c.step)}\`${c.drainSeconds === undefined ? '' : ` · drain timer ${c.drainSeconds} s before any unit is destroyed`} · before: ${c.beforeKnown ? `from ${c.beforeSource ?? 'the previous step'}` : 'unknown (synth sees only this step: declare the fleet\'s `previousUnits`, or run `cdktf-bluegreen plan --base main` on its state file)'}`, '');
  if (c.controlPlane) {
    const cp = c.controlPlane;
    const cpMove = cp.previousVersion === undefined ? `${cp.version} (previous version not declared)`
      : cp.previousVersion === cp.version ? `${cp.version} (unchanged)` : `${cp.previousVersion} → ${cp.version} (in place, one minor)`;
    out.push(`Control plane ${cpMove} in \`${cp.stack}\`. Order of the step: the control plane first, then new pools are built and validated, then old pools are cordoned and, a step later, drained and deleted.`, '');
  }
  const changes: string[] = [];
  const drain = c.drainSeconds === undefined ? 'the drain timer' : `its ${c.drainSeconds} s drain timer`;
  for (const u of c.units) {
    const name = `\`${cell(u.name)}\``;
    if (u.lifecycleAfter === undefined) changes.push(`**forgotten**: ${u.slot} (destroyed by an earlier deploy; only the state file forgets it)`);
    else if (retiredNow(c, u)) changes.push(`**destroyed**: ${name}, after ${(u.weightBefore ?? 0) > 0 ? 'the traffic stack moved its traffic away and' : 'the traffic stack and'} ${drain} ran out`);
    else if (u.lifecycleAfter === 'retired') changes.push(`**gone**: ${name} (destroyed by an earlier deploy)`);
    else if (c.beforeKnown && u.lifecycleBefore === undefined) changes.push(`**built**: ${name} (${u.kubernetesVersion}), after the fleet's shared stack; ${(u.weightAfter ?? 0) > 0 ? 'its traffic moves only after its checks pass' : 'no traffic in this step, only its checks'}`);
    else if (!c.beforeKnown && u.lifecycleAfter === 'candidate') changes.push(`**built if absent**: ${name} (${u.kubernetesVersion}), after the fleet's shared stack`);
    else if (lostTraffic(u) || (c.beforeKnown && u.lifecycleAfter === 'standby' && u.lifecycleBefore !== 'standby')) changes.push(`**drained**: ${name} — the traffic stack moves its traffic away, then ${drain} runs; it is kept for rollback`);
    else changes.push(`**kept**: ${name}${c.beforeKnown ? '' : ' (if it exists; the previous step is unknown)'}${c.beforeKnown && (u.weightBefore ?? 0) !== (u.weightAfter ?? 0) ? ` (weight ${u.weightBefore ?? 0} → ${u.weightAfter ?? 0}, after its checks pass)` : ''}`);
  }
  out.push(...changes.map((l) => `- ${l}`), '');
  const withRouter = c.units.some((u) => u.routerAfter !== undefined);
  const withChecks = c.units.some((u) => u.checks !== undefined);
  out.push(table(
    ['unit', 'version', 'fingerprint', 'lifecycle', 'weight', ...(withRouter ? ['router'] : []), ...(withChecks ? ['gated by'] : [])],
    c.units.map((u) => [
      `\`${cell(u.name)}\``, u.kubernetesVersion, u.fingerprint ? `\`${cell(u.fingerprint)}\`` : '(not pinned)',
      move(c, u.lifecycleBefore, u.lifecycleAfter, '(new)', '(forgotten)'),
      move(c, u.weightBefore, u.weightAfter, '—', '—'),
      ...(withRouter ? [move(c, u.routerBefore, u.routerAfter, '—', 'removed')] : []),
      ...(withChecks ? [u.checks && u.checks.length ? u.checks.map(cell).join(', ') : '—'] : []),
    ]),
  ), '');
  const cd = c.checkDetails;
  if (cd && cd.checks.length && c.units.some((u) => u.checks && u.checks.length)) {
    out.push(`Checks (each unit's, in its validation stack; each waits up to ${cd.readinessSeconds} s for its condition, polling every 10 s, then fails the deploy):`, '');
    out.push(...cd.checks.map((k) => `- \`${cell(k.name)}\` — ${cell(k.description)}`), '');
  }
  const gated = c.units.filter((u) => u.gates && u.gates.length > 0);
  if (gated.length) {
    out.push('SLO gates (each must pass before any traffic moves; a unit without samples yet passes only while the baseline has samples):', '');
    out.push(table(['unit', 'gate', 'query', 'passes when', 'runs'], gated.flatMap((u) => u.gates!.map((g) => [
      `\`${cell(u.name)}\``, cell(g.gate), `\`${cell(g.query)}\``, cell(g.passesWhen), cell(g.runs),
    ]))), '');
  }
  out.push('What `cdktf deploy \'*\'` does, in order (a failed step stops everything after it):', '');
  orderedActions(c).forEach((s, i) => {
    out.push(`${i + 1}. \`${cell(s.name)}\` — ${s.action}${s.dependsOn.length ? ` _(after ${s.dependsOn.map((d) => `\`${cell(d)}\``).join(', ')})_` : ''}`);
  });
  out.push('', '```mermaid', fleetMermaid(c), '```', '');
  if (c.warnings && c.warnings.length) out.push('Warnings:', '', ...c.warnings.map((w) => `- ${cell(w)}`), '');
  return out;
}

/** A label for a Mermaid node or edge: quotes and angle brackets as entity codes, so no label ends early. */
function mLabel(text: string): string {
  return text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/[\r\n]+/g, ' ');
}

/** The one or two words a diagram node shows of a stack's action. */
function verb(s: PlanStack): string {
  if (s.role === StackRole.TRAFFIC) return s.action.startsWith('set weights') ? 'set weights, drain timer' : 'cordon, drain';
  const first = s.action.split(/[ :;(]/)[0];
  return first === 'check' ? 'run checks' : first === 'remove' ? 'remove checks' : first;
}

/**
 * The step as a Mermaid flowchart (GitHub renders it in a pull-request comment): the stacks in deploy
 * order, an arrow from each stack to what waits for it, and the traffic split before → after.
 */
export function fleetMermaid(c: FleetChange): string {
  const ordered = orderedActions(c);
  const id = new Map(ordered.map((s, i) => [s.name, `s${i + 1}`]));
  const lines = ['flowchart LR', `  subgraph deploy["${mLabel(`${c.fleet}: cdktf deploy, step ${c.step}`)}"]`, '    direction TB'];
  ordered.forEach((s, i) => lines.push(`    s${i + 1}["${mLabel(`${i + 1}. ${s.name}`)}<br/>${mLabel(verb(s))}"]`));
  lines.push('  end');
  for (const s of ordered) for (const d of s.dependsOn) if (id.has(d)) lines.push(`  ${id.get(d)} --> ${id.get(s.name)}`);
  const traffic = ordered.find((s) => s.role === StackRole.TRAFFIC);
  lines.push(`  router{{"${mLabel(c.router ?? 'the router')}"}}`);
  if (traffic) lines.push(`  ${id.get(traffic.name)} -.-> router`);
  c.units.forEach((u, i) => {
    const w = move(c, u.weightBefore ?? (c.beforeKnown ? 0 : undefined), u.weightAfter ?? 0, '0', '0');
    lines.push(`  u${i + 1}(["${mLabel(`${u.name}`)}<br/>${mLabel(move(c, u.lifecycleBefore, u.lifecycleAfter, 'new', 'forgotten'))}"])`);
    lines.push(`  router -->|"${mLabel(`${w} %`)}"| u${i + 1}`);
  });
  return lines.join('\n');
}

/** Said once per report: what the step hash is. */
export const STEP_HASH_NOTE = 'The step hash is a fingerprint of a fleet\'s units with their lifecycles and weights. The checks, their Kubernetes labels and the drain timer\'s triggers are named with it, so any change of a unit, lifecycle or weight makes a new step and the checks run again on the next deploy; an unchanged step re-deploys as no change.';

/**
 * The plan as Markdown, fit to post as a pull-request comment: per fleet, the change (before → after
 * from `previousUnits` or a base plan, "unknown" otherwise), the gates, the deploy in order and its diagram.
 */
export function planToMarkdown(plans: FleetPlan[], base?: FleetPlan[]): string {
  const out: string[] = ['# Rollout plan', ''];
  for (const p of plans) {
    const b = base?.find((x) => x.fleet === p.fleet);
    const c = changeOfPlan(p, b);
    out.push(`## Fleet \`${cell(p.fleet)}\` — ${c.kind}`, '');
    out.push(...fleetChangeMarkdown(c));
  }
  if (plans.length) out.push(`_${STEP_HASH_NOTE}_`, '');
  return out.join('\n');
}
