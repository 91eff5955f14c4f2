import { deployOrder, FleetChange, fleetChangeMarkdown, PlanStack, StackRole } from '../core/plan-report';
import { UnitLifecycle } from '../core/rollout-model';
import { resolvePolicy } from '../core/rollout-policy';
import { describeChange } from '../core/rollout-steps';
import { plannedUnitsOf, RolloutStateFile, RolloutStateUnit } from '../core/state-file';
import { legalNextSteps, TransitionError } from '../core/transitions';
import { FileComparison } from './commands';
import { escapeLine } from '../core/excerpt';
import { bar, Paint, textTable } from './output';

/** The colour of a lifecycle. */
export function lifecycleText(l: string, p: Paint): string {
  switch (l) {
    case UnitLifecycle.SERVING: return p.green(l);
    case UnitLifecycle.CANDIDATE: return p.cyan(l);
    case UnitLifecycle.STANDBY: return p.yellow(l);
    default: return p.gray(l);
  }
}

/** One line of policy. */
export function policyText(state: RolloutStateFile): string {
  const p = resolvePolicy(state.policy);
  const patch = p.patchCanaryWeight !== p.canaryWeight || p.patchMaxWeightStep !== p.maxWeightStep
    ? ` · patch fast path: canary ${p.patchCanaryWeight}, step ${p.patchMaxWeightStep}` : '';
  return `canary ${p.canaryWeight} · weight step ${p.maxWeightStep}${patch} · a unit stands by for a step before it is retired`;
}

/** What the next `cdktf deploy '*'` does with one unit of this state. */
export function deployAction(u: RolloutStateUnit): string {
  switch (u.lifecycle) {
    case UnitLifecycle.CANDIDATE: return 'build it if absent and run its checks; no traffic';
    case UnitLifecycle.SERVING: return `run its checks, then give it ${u.weight} % of the traffic`;
    case UnitLifecycle.STANDBY: return 'keep it for rollback; no traffic, checks removed';
    default: return 'destroy it after the traffic stack and the drain timer; then `forget` it';
  }
}

/** `status`: the units, what the next deploy does, and the legal next steps. */
export function statusText(file: string, state: RolloutStateFile, p: Paint): string {
  const rows = state.units.map((u) => [
    p.bold(u.slot), u.kubernetesVersion, u.fingerprint ?? p.yellow('(not pinned)'), lifecycleText(u.lifecycle, p), String(u.since), String(u.weight ?? 0), p.green(bar(u.weight ?? 0)),
  ]);
  const next = legalNextSteps(state);
  const nextRows = next.map((n) => [p.bold(n.command), n.change]);
  return [
    `${p.bold(state.fleet)}  step ${state.step}  ${p.dim(file)}`,
    `${p.dim('policy')}  ${policyText(state)}`,
    '',
    textTable(['SLOT', 'VERSION', 'FINGERPRINT', 'LIFECYCLE', 'SINCE', 'WEIGHT', ''], rows, { right: [5], indent: '  ', paint: p }),
    '',
    p.bold('The next deploy (cdktf deploy \'*\' with this file):'),
    textTable(['UNIT', 'ACTION'], state.units.map((u) => [u.slot, deployAction(u)]), { indent: '  ' }).split('\n').slice(1).join('\n'),
    '',
    p.bold('Legal next steps (each one pull request):'),
    nextRows.length ? textTable(['COMMAND', 'CHANGE'], nextRows, { indent: '  ' }).split('\n').slice(1).join('\n') : '  (none: edit the file by hand within the rules)',
    '',
  ].join('\n');
}

/** A unit of the plan report, before and after. */
export interface ReportUnit {
  readonly slot: string;
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly fingerprint?: string;
  readonly lifecycleBefore?: string;
  readonly lifecycleAfter?: string;
  readonly weightBefore?: number;
  readonly weightAfter?: number;
}

/** One action of the deploy, with what gates it. */
export interface ReportAction {
  readonly stack: string;
  readonly action: string;
  readonly gatedBy: string[];
}

/** The report of one fleet's change. */
export interface FleetReport {
  readonly fleet: string;
  readonly file: string;
  readonly stepBefore?: number;
  readonly stepAfter?: number;
  /** legal, refused, new, deleted or unchanged. */
  readonly verdict: string;
  readonly change: string;
  /** The head file could not be read or understood (as opposed to deleted). @default false */
  readonly unreadable?: boolean;
  readonly problems: string[];
  readonly units: ReportUnit[];
  readonly actions: ReportAction[];
}

const NAMES = new WeakMap<RolloutStateFile, Map<string, string>>();

/** A unit's name (`slot-1-34-fingerprint`); the state is planned once, however many units ask. */
function nameOf(state: RolloutStateFile, slot: string): string {
  let names = NAMES.get(state);
  if (!names) {
    try {
      names = new Map(plannedUnitsOf(state).map((u) => [u.slot, u.name]));
    } catch {
      names = new Map();
    }
    NAMES.set(state, names);
  }
  return names.get(slot) ?? slot;
}

const bySlot = (state: RolloutStateFile | undefined) => new Map((state?.units ?? []).map((u) => [u.slot, u]));

/** The deploy of `after` as ordered stack actions, with the stacks and checks that gate each one (mirrors the fleet layout). */
export function deployActions(before: RolloutStateFile | undefined, after: RolloutStateFile): ReportAction[] {
  return deployOrder(deployStacks(before, after)).map((r) => ({ stack: r.name, action: r.action, gatedBy: [...r.dependsOn] }));
}

/**
 * The stacks the deploy of `after` touches, with what each does. A state file names no cloud, router or
 * check, so the words are those true of every fleet kind; synth's report names them.
 */
function deployStacks(before: RolloutStateFile | undefined, after: RolloutStateFile): PlanStack[] {
  const f = after.fleet;
  const rows: PlanStack[] = [];
  const shared = `${f}-shared`;
  const traffic = `${f}-traffic`;
  rows.push({ name: shared, role: StackRole.SHARED, dependsOn: [], action: 'keep the fleet\'s long-lived resources (those main.ts declares: the router\'s shared parts, a node-pool fleet\'s cluster)' });
  const weighted: string[] = [];
  const old = bySlot(before);
  for (const u of after.units) {
    const name = nameOf(after, u.slot);
    const b = old.get(u.slot);
    const unitStack = `${f}-unit-${name}`;
    const validate = `${f}-validate-${name}`;
    if (u.lifecycle === UnitLifecycle.RETIRED) {
      rows.push({
        name: unitStack, role: StackRole.UNIT, unit: name, dependsOn: [shared, traffic],
        action: b?.lifecycle === UnitLifecycle.RETIRED ? `nothing: ${u.slot} was destroyed by an earlier deploy (forget it next)` : `destroy ${u.slot} (its stack is empty) once traffic has left it and the drain timer ran out`,
      });
      continue;
    }
    rows.push({
      name: unitStack, role: StackRole.UNIT, unit: name, dependsOn: [shared],
      action: !b
        ? (u.lifecycle === UnitLifecycle.CANDIDATE || !before ? `build ${u.slot} (${u.kubernetesVersion}) if it does not exist; prevent_destroy` : `build ${u.slot} (${u.kubernetesVersion}); prevent_destroy`)
        : `keep ${u.slot} as built (prevent_destroy)`,
    });
    if (u.lifecycle === UnitLifecycle.STANDBY) {
      rows.push({ name: validate, role: StackRole.VALIDATE, unit: name, dependsOn: [unitStack], action: `remove ${u.slot}'s checks while it stands by (the unit is kept for rollback)` });
    } else {
      rows.push({ name: validate, role: StackRole.VALIDATE, unit: name, dependsOn: [unitStack], action: `check ${u.slot} on ${u.kubernetesVersion} with the checks main.ts declares (named for this step, so they run again)` });
    }
    if ((u.weight ?? 0) > 0) weighted.push(validate);
  }
  const weights = after.units.filter((u) => u.lifecycle !== UnitLifecycle.RETIRED).map((u) => {
    const b = old.get(u.slot);
    return b && (b.weight ?? 0) !== (u.weight ?? 0) ? `${u.slot} ${b.weight ?? 0} → ${u.weight ?? 0}` : `${u.slot} ${u.weight ?? 0}`;
  }).join(', ');
  const drained = after.units.some((u) => (u.lifecycle === UnitLifecycle.STANDBY || u.lifecycle === UnitLifecycle.RETIRED) && old.get(u.slot)?.lifecycle !== u.lifecycle);
  rows.push({ name: traffic, role: StackRole.TRAFFIC, dependsOn: [shared, ...weighted], action: `set weights ${weights}${drained ? '; then wait the drain timer (traffic left a unit)' : ''}` });
  return rows;
}

/** A compared state file as the change the shared renderer draws (the same one synth's report uses). */
export function changeOfReport(r: FleetReport, before: RolloutStateFile | undefined, after: RolloutStateFile): FleetChange {
  return {
    fleet: r.fleet, step: String(after.step), beforeKnown: r.verdict !== 'current',
    beforeSource: r.stepBefore === undefined ? 'the base (no file: a new fleet)' : `the base, step ${r.stepBefore}`,
    units: r.units.map((u) => ({
      slot: u.slot, name: u.name, kubernetesVersion: u.kubernetesVersion, fingerprint: u.fingerprint,
      lifecycleBefore: u.lifecycleBefore, lifecycleAfter: u.lifecycleAfter, weightBefore: u.weightBefore, weightAfter: u.weightAfter,
    })),
    stacks: deployStacks(before, after),
  };
}

const CHANGES = new WeakMap<FleetReport, FleetChange>();

/** The report of one compared file. */
export function fleetReport(c: FileComparison): FleetReport {
  const after = c.after;
  const before = c.before;
  const state = after ?? before;
  const problems = (c.error ? (c.error instanceof TransitionError ? c.error.violations.map((v) => `${v.rule}: ${v.slot ? `${v.slot} ${v.before} → ${v.after}: ` : ''}${v.message}`) : [c.error.message]) : []).map(escapeLine);
  const verdict = c.error ? 'refused' : c.base === undefined ? 'current' : !before ? 'new' : !after ? 'deleted' : before.step === after.step && describeChange(before, after) === 'no change' ? 'unchanged' : 'legal';
  const slots = [...new Set([...(after?.units ?? []).map((u) => u.slot), ...(before?.units ?? []).map((u) => u.slot)])];
  const afterBySlot = bySlot(after);
  const beforeBySlot = bySlot(before);
  const units: ReportUnit[] = slots.map((slot) => {
    const a = afterBySlot.get(slot);
    const b = beforeBySlot.get(slot);
    const u = (a ?? b)!;
    return {
      slot, name: nameOf(a ? after! : before!, slot), kubernetesVersion: u.kubernetesVersion, fingerprint: u.fingerprint,
      lifecycleBefore: b?.lifecycle, lifecycleAfter: a?.lifecycle, weightBefore: b ? b.weight ?? 0 : undefined, weightAfter: a ? a.weight ?? 0 : undefined,
    };
  });
  const unreadable = !after && !c.deleted && c.base !== undefined;
  const report: FleetReport = {
    fleet: escapeLine(state?.fleet ?? c.file.replace(/^.*[\\/]/, '').replace(/\.json$/, '')), file: escapeLine(c.file), stepBefore: before?.step, stepAfter: after?.step, verdict,
    change: after ? describeChange(before, after) : unreadable || !before ? 'unreadable' : 'file deleted', ...(unreadable ? { unreadable } : {}), problems, units,
    actions: after && !c.error ? deployActions(before, after) : [],
  };
  if (after && !c.error) CHANGES.set(report, changeOfReport(report, before, after));
  return report;
}

/** Text for a Markdown code span or table cell: no backtick to close the span, no pipe to split the cell. */
function md(text: string): string {
  return text.replace(/`/g, "'").replace(/\|/g, '\\|');
}

function mdTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const VERDICT: { [v: string]: string } = {
  legal: '✅ legal step', refused: '❌ refused', current: '📄 as the file stands (no base to compare with)', new: '🆕 new fleet file (checked on its own)', deleted: '🗑️ file deleted (every unit was retired)', unchanged: '➖ unchanged',
};

/** `step 2 → 3`, `step 2`, or `—` when no state could be read. */
export function stepsText(r: FleetReport): string {
  const b = r.stepBefore;
  const a = r.stepAfter;
  if (b === undefined && a === undefined) return '—';
  if (b === undefined) return `step ${a}`;
  if (a === undefined) return `step ${b} → ${r.unreadable ? '(unreadable)' : '(deleted)'}`;
  return b === a ? `step ${a}` : `step ${b} → ${a}`;
}

/** The Markdown report of a change base → head, fit for a pull-request comment. */
export function planMarkdown(reports: FleetReport[], base?: string): string {
  const out: string[] = ['# Rollout plan', ''];
  const refused = reports.filter((r) => r.verdict === 'refused').length;
  out.push(base ? `Compared with \`${base}\`: ${reports.length} fleet file(s), ${refused ? `**${refused} refused**` : 'all legal'}.` : `${reports.length} fleet file(s).`, '');
  for (const r of reports) {
    out.push(`## Fleet \`${md(r.fleet)}\` — ${stepsText(r)} — ${VERDICT[r.verdict] ?? r.verdict}`, '');
    out.push(`\`${md(r.file)}\`: ${r.change}`, '');
    if (r.problems.length) out.push('Refused because:', '', ...r.problems.map((p) => `- ${md(p.replace(/\n/g, ' '))}`), '');
    const change = CHANGES.get(r);
    if (change) {
      out.push(...fleetChangeMarkdown(change));
    } else if (r.units.length) {
      out.push(mdTable(['slot', 'unit', 'version', 'fingerprint', 'lifecycle', 'weight'], r.units.map((u) => {
        const fresh = r.stepBefore === undefined;
        const life = u.lifecycleBefore === u.lifecycleAfter || fresh ? `${u.lifecycleAfter}` : `${u.lifecycleBefore ?? '(new)'} → ${u.lifecycleAfter ?? '(forgotten)'}`;
        const weight = u.weightBefore === u.weightAfter || fresh ? `${u.weightAfter}` : `${u.weightBefore ?? '—'} → ${u.weightAfter ?? '—'}`;
        return [u.slot, `\`${u.name}\``, u.kubernetesVersion, u.fingerprint ? `\`${u.fingerprint}\`` : '(not pinned)', life, weight];
      })), '');
    }
  }
  if (reports.some((r) => CHANGES.has(r))) out.push('_A state file names no cloud, router or check: `npx cdktf synth` writes the same report with them (cdktf.out/rollout-plan.md)._', '');
  return out.join('\n');
}

/** The report as JSON (stable key order). */
export function planJson(reports: FleetReport[], base?: string): string {
  return JSON.stringify({ version: 1, base: base ?? null, legal: reports.every((r) => r.verdict !== 'refused'), fleets: reports }, null, 2) + '\n';
}

