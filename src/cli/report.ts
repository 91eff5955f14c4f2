import { deployOrder, FleetChange, fleetChangeMarkdown, PlanStack, StackRole, UnitChange } from '../core/plan-report';
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

/** A unit of the plan report, before and after: the fields the shared change renderer draws. */
export type ReportUnit = Pick<UnitChange, 'slot' | 'name' | 'kubernetesVersion' | 'fingerprint' | 'lifecycleBefore' | 'lifecycleAfter' | 'weightBefore' | 'weightAfter'>;

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
  /** How the base was found, when it is not simply the file at the base ref. @default - none */
  readonly note?: string;
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
    units: r.units,
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
    change: after ? describeChange(before, after) : unreadable || !before ? 'unreadable' : 'file deleted', ...(unreadable ? { unreadable } : {}), problems, ...(c.note ? { note: c.note } : {}), units,
    actions: after && !c.error ? deployActions(before, after) : [],
  };
  if (after && !c.error) CHANGES.set(report, changeOfReport(report, before, after));
  return report;
}

/**
 * Text from the repository (a fleet, a file name, a ref, a message quoting a value) as a Markdown
 * code span: nothing inside a code span is a link, an image, HTML or a mention. The fence is one
 * backtick longer than the longest run inside, so no value can close it; control, bidi and
 * invisible characters are already escaped (`escapeLine`); `|` is escaped for table cells.
 */
export function mdCode(text: string, cell = true): string {
  const t = cell ? escapeLine(text).replace(/\|/g, '\\|') : escapeLine(text);
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || t.startsWith(' ') || t.endsWith(' ') || t === '' ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/**
 * Text the library wrote from validated values (slots, versions, weights, lifecycles): shown as is
 * when it holds only letters, digits, spaces and plain punctuation that Markdown and HTML never
 * interpret (no link, image, tag, entity, emphasis or mention can be made of them); anything else
 * goes into a code span.
 */
export function mdPlain(text: string, cell = true): string {
  return /^[A-Za-z0-9 .,;:'()→—%\-]*$/.test(text) && !/(^|\s)-/.test(text) && !/www\./i.test(text) ? text : mdCode(text, cell);
}

/** Lines from the repository as a fenced code block: nothing inside is Markdown or HTML, and no line can close the fence. */
export function mdBlock(lines: string[]): string {
  const body = lines.map(escapeLine);
  const longest = Math.max(2, ...body.flatMap((l) => (l.match(/~+/g) ?? []).map((r) => r.length)));
  const fence = '~'.repeat(longest + 1);
  return [`${fence}text`, ...body, fence].join('\n');
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

/** GitHub refuses a pull-request comment over 65,536 characters; a longer report is summarised. */
export const COMMENT_LIMIT = 65_536;

/** Options of the Markdown report. */
export interface PlanMarkdownOptions {
  /** Over this many characters the report is summarised (verdicts and refusals only). @default 60000 */
  readonly limit?: number;
  /** Where the full report is (e.g. the CI run's artifact), linked from a summary. @default - none */
  readonly link?: string;
}

/** The Markdown report of a change base → head, fit for a pull-request comment. */
export function planMarkdown(reports: FleetReport[], base?: string, options: PlanMarkdownOptions = {}): string {
  const full = renderPlan(reports, base, true);
  const limit = options.limit ?? 60_000;
  if (full.length <= limit) return full;
  const summary = renderPlan(reports, base, false);
  const where = options.link !== undefined
    ? `the full report (${full.length.toLocaleString('en-US')} characters) is [here](${options.link})`
    : `the full report (${full.length.toLocaleString('en-US')} characters) is written by \`cdktf-bluegreen plan --base <ref> --full --out <file>\` (the CI example uploads it as an artifact)`;
  const note = `> **Summary only**: GitHub takes at most ${COMMENT_LIMIT.toLocaleString('en-US')} characters per comment; ${where}. Every refusal is listed below.`;
  const text = summary.replace(/\n\n/, `\n\n${note}\n\n`);
  if (text.length <= limit) return text;
  // Even the summary is too long (thousands of fleets): the counts and the refused fleets' names.
  const refusedNames = reports.filter((r) => r.verdict === 'refused').map((r) => mdCode(r.fleet, false));
  const head = ['# Rollout plan', '', note, '', `${reports.length} fleet file(s), ${refusedNames.length} refused.`, ''];
  const names: string[] = [];
  let size = head.join('\n').length;
  for (const n of refusedNames) { if (size + n.length + 4 > limit - 100) { names.push(`- … and ${refusedNames.length - names.length} more`); break; } names.push(`- ${n}`); size += n.length + 3; }
  return [...head, ...names, ''].join('\n');
}

function renderPlan(reports: FleetReport[], base: string | undefined, details: boolean): string {
  const out: string[] = ['# Rollout plan', ''];
  const refused = reports.filter((r) => r.verdict === 'refused').length;
  out.push(base ? `Compared with ${mdCode(base, false)}: ${reports.length} fleet file(s), ${refused ? `**${refused} refused**` : 'all legal'}.` : `${reports.length} fleet file(s).`, '');
  for (const r of reports) {
    out.push(`## Fleet ${mdCode(r.fleet, false)} — ${stepsText(r)} — ${VERDICT[r.verdict] ?? mdCode(r.verdict, false)}`, '');
    out.push(`${mdCode(r.file, false)}: ${mdPlain(r.change, false)}`, '');
    if (r.note) out.push(`Note: ${mdCode(r.note, false)}`, '');
    if (r.problems.length) out.push('Refused because:', '', mdBlock(r.problems.map((p) => `- ${p.replace(/\n/g, ' ')}`)), '');
    if (!details) continue;
    const change = CHANGES.get(r);
    if (change) {
      out.push(...fleetChangeMarkdown(change));
      continue;
    }
    if (r.units.length) out.push(mdTable(['slot', 'unit', 'version', 'fingerprint', 'lifecycle', 'weight'], r.units.map((u) => {
      const fresh = r.stepBefore === undefined;
      const life = u.lifecycleBefore === u.lifecycleAfter || fresh ? `${u.lifecycleAfter}` : `${u.lifecycleBefore ?? '(new)'} → ${u.lifecycleAfter ?? '(forgotten)'}`;
      const weight = u.weightBefore === u.weightAfter || fresh ? `${u.weightAfter}` : `${u.weightBefore ?? '—'} → ${u.weightAfter ?? '—'}`;
      return [mdPlain(u.slot), mdCode(u.name), mdPlain(u.kubernetesVersion), u.fingerprint ? mdCode(u.fingerprint) : '(not pinned)', mdPlain(life), mdPlain(weight)];
    })), '');
    if (r.actions.length) {
      out.push('What `cdktf deploy \'*\'` does, in order (a failed step stops everything after it):', '');
      out.push(mdTable(['#', 'stack', 'action', 'gated by'], r.actions.map((a, i) => [String(i + 1), mdCode(a.stack), mdPlain(a.action), a.gatedBy.length ? a.gatedBy.map((g) => (g.includes('-validate-') ? `checks of ${mdCode(g)}` : mdCode(g))).join(', ') : '—'])), '');
    }
  }
  if (reports.some((r) => CHANGES.has(r))) out.push('_A state file names no cloud, router or check: `npx cdktf synth` writes the same report with them (cdktf.out/rollout-plan.md)._', '');
  return out.join('\n');
}

/** The report as JSON (stable key order). */
export function planJson(reports: FleetReport[], base?: string): string {
  return JSON.stringify({ version: 1, base: base ?? null, legal: reports.every((r) => r.verdict !== 'refused'), fleets: reports }, null, 2) + '\n';
}

