// A run group: several scenarios whose fleets share one cdktf app and one simulated world, stepped
// in lockstep (step k of every scenario is deployed by the same `cdktf deploy '*'`). Fleets of
// different scenarios never depend on each other, so one deploy carries all of them out in
// parallel, and each scenario judges only its own fleets' stacks and actions.
import { AppFleet, EscapeHatch, resourceNamesOf, unitNamesOf } from './app-fleets';
import { credentialsInState } from './secrets';
import { checkLiveUnitsUntouched, checkOrder, checkShares, checkTimeline } from './checks';
import { DeployResult, linesByStack, ScenarioApp, ScenarioRepo, StateFile, tempDir } from './harness';
import { ScenarioDef, ScenarioResult, StepSpec, StepView, WorldAction, WorldPort } from './model';

/** What the engine gives a group: the environment of `cdktf deploy` and the world it acts on. */
export interface GroupWorld {
  readonly env: NodeJS.ProcessEnv;
  readonly world: WorldPort;
}

interface Live {
  readonly def: ScenarioDef;
  readonly repo: ScenarioRepo;
  readonly result: ScenarioResult;
  readonly controlPlane: Record<string, { previous: string; current: string }>;
  readonly hatches: Record<string, EscapeHatch>;
  /** Extra fleet props of the current step only (StepSpec.props), over the fleet's own. */
  stepProps: Record<string, Record<string, unknown>>;
  active: boolean;
  /** Problems recorded so far (the scenario fails if there is any). */
  problems: string[];
  /** Step k needs one more deploy (the previous one did not carry it out). */
  retry: boolean;
}

export type Logger = (line: string) => void;

/** Runs the scenarios of one group; every scenario gets a result (a harness error fails it, never skips it). */
export async function runGroup(label: string, defs: ScenarioDef[], makeWorld: (dir: string) => GroupWorld, log: Logger, options: { synthOnly?: boolean } = {}): Promise<ScenarioResult[]> {
  const started = Date.now();
  const dir = tempDir(label);
  log(`[${label}] ${defs.map((d) => d.id).join(' ')} in ${dir}`);
  const lives: Live[] = defs.map((def) => ({
    def,
    repo: undefined as unknown as ScenarioRepo,
    result: { id: def.id, text: def.text, passed: true, steps: 0, stacksApplied: 0, terraformRuns: 0, seconds: 0, maxShareError: 0, evidence: [] },
    controlPlane: {},
    hatches: {}, stepProps: {},
    active: true,
    problems: [],
    retry: false,
  }));
  /** Records a problem; the scenario goes on (it fails in the end). */
  const record = (l: Live, why: string, evidence: string[] = []) => {
    l.problems.push(why);
    l.result.passed = false;
    l.result.why = summarize(l.problems);
    if (l.result.evidence.length < 24) l.result.evidence.push(...evidence.slice(0, 24 - l.result.evidence.length));
    log(`[${label}] ${l.def.id} problem: ${why}`);
  };
  /** Records a problem and stops the scenario. */
  const fail = (l: Live, why: string, evidence: string[] = []) => {
    if (!l.active) return;
    record(l, why, evidence);
    l.active = false;
  };

  let gw: GroupWorld;
  let app: ScenarioApp;
  try {
    gw = makeWorld(dir);
    const flavours = [...new Set(defs.map((d) => d.flavour ?? 'cdktf'))];
    if (flavours.length > 1) throw new Error(`one group is one app on one toolchain, but its scenarios ask for ${flavours.join(' and ')}`);
    app = await ScenarioApp.create(dir, flavours[0]);
    if (app.flavour !== 'cdktf') log(`[${label}] ${app.flavour} app ready in ${app.dir}`);
    for (const l of lives) (l as { repo: ScenarioRepo }).repo = new ScenarioRepo(app.reposDir, l.def.id);
  } catch (e) {
    for (const l of lives) fail(l, `the group could not start: ${(e as Error).message}`);
    return finish();
  }
  // Scenarios that drive their own deploys (ScenarioDef.run).
  for (const l of lives.filter((x) => x.def.run)) {
    try {
      const problems = await l.def.run!({ dir, app, env: gw.env, world: gw.world, log: (line) => log(`[${label}] ${line}`), result: l.result });
      for (const p of problems) record(l, p);
    } catch (e) {
      fail(l, `the scenario could not run: ${(e as Error).message}`);
    }
    l.active = false;
  }

  for (let k = 0; ; k++) {
    const participants = lives.filter((l) => l.active && k < l.def.steps.length);
    if (!participants.length) break;
    // 1. The state change of step k, through the CLI, committed and checked (not again for a retry).
    for (const l of participants) {
      const step = l.def.steps[k];
      l.stepProps = step.props ?? {};
      if (l.retry) continue;
      try {
        if (k === 0) initFleets(l);
        for (const [fleet, ...args] of step.cli ?? []) l.repo.cli(fleet, args);
        if (step.autopilot) l.repo.autopilot(step.autopilot, step.mergedAfterMinutes);
        if (k === 0 || step.cli?.length || step.autopilot || step.mergedAfterMinutes !== undefined) l.repo.commitStep(`step ${k}: ${step.label}`, step.mergedAfterMinutes, step.checkRefused);
        // A retirement merged but not deployed yet: forget is refused (nothing records its deploy).
        if (!step.checkRefused) for (const f of l.def.fleets) { const p = forgetRefusedUnlessRecorded(l, f.name, `after the merge of step ${l.repo.state(f.name).step}, before its deploy`); if (p.length) record(l, p.join('; ')); }
        for (const f of l.def.fleets) {
          const cp = l.controlPlane[f.name];
          if (cp) { cp.previous = cp.current; cp.current = step.controlPlane?.[f.name] ?? cp.current; }
        }
        Object.assign(l.hatches, step.escapeHatch ?? {});
        gw.world.clearFaults();
      } catch (e) {
        fail(l, `step ${k} (${step.label}): ${(e as Error).message}`);
      }
    }
    // A step the check must refuse (checkRefused, R17) was judged in phase 1 and is not deployed.
    for (const l of participants) if (l.active && l.def.steps[k].checkRefused) { l.result.steps++; log(`[${label}] step ${k}: ${l.def.id} ${l.def.steps[k].label}: refused by check as expected`); }
    const stepping = participants.filter((l) => l.active && !l.def.steps[k].checkRefused);
    if (!stepping.length) continue;
    // 2. One deploy for every participating fleet (faults aimed at one unit by its full name).
    const fleetsNow = stepping.flatMap((l) => appFleets(l, app));
    app.writeFleets(fleetsNow);
    try {
      const faults = stepping.flatMap((l) => l.def.steps[k].faults ?? []);
      if (faults.length) {
        const names = unitNamesOf(fleetsNow);
        gw.world.setFaults(faults.map((f) => {
          if (!f.slot) return f;
          if (f.fault.kind === 'apply-error') {
            // Aimed at one object: the named resource type in that unit's stack.
            const objects = resourceNamesOf(fleetsNow, f.fleet, f.slot, f.fault.type ?? '');
            if (!objects.length) throw new Error(`no ${f.fault.type} in the unit stack of ${f.fleet} slot ${f.slot}`);
            return { ...f, fault: { ...f.fault, name: objects[0] } };
          }
          const unit = names[f.fleet]?.[f.slot];
          if (!unit) throw new Error(`no unit in slot ${f.slot} of fleet ${f.fleet}`);
          return { ...f, fault: { ...f.fault, unit } };
        }));
      }
    } catch (e) {
      for (const l of stepping) fail(l, `step ${k}: faults could not be set: ${(e as Error).message}`);
      continue;
    }

    for (const l of stepping) {
      try {
        l.def.steps[k].before?.(gw.world);
      } catch (e) {
        fail(l, `step ${k}: the world could not be prepared: ${(e as Error).message}`);
      }
    }
    const lastSeq = lastSeqOf(gw.world);
    const sharesBefore: Record<string, Record<string, number>> = {};
    for (const l of stepping) for (const f of l.def.fleets) sharesBefore[f.name] = safeShares(gw.world, f.name);
    log(`[${label}] step ${k}: ${stepping.map((l) => `${l.def.id} ${l.def.steps[k].label}`).join(' · ')}`);
    if (options.synthOnly) {
      // Developer aid (--synth-only): the CLI steps and a synth per step, no Terraform, no verdict on behaviour.
      const r = app.synth(gw.env);
      log(`[${label}] step ${k}: synth exit ${r.code}${r.code ? `: ${r.out.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
      for (const l of stepping) {
        l.result.steps++;
        if (r.code !== 0) fail(l, `step ${k} (${l.def.steps[k].label}): synth failed: ${r.out.trim().split('\n').slice(-2).join(' | ')}`);
        else pinUnits(l, app.rolloutPlan());
      }
      continue;
    }
    // Steps are merged apart (a step's mergedAfterMinutes, default 60): the simulated clock moves on
    // by that much before the deploy, so each deploy's router changes have their own instants and a
    // drain is judged within the deploy whose weight change it waits for (not a retry: deployed at once).
    if (k > 0) {
      const gap = Math.max(0, ...stepping.filter((l) => !l.retry).map((l) => 60 * (l.def.steps[k].mergedAfterMinutes ?? 60)));
      try { gw.world.advanceClock(gap); } catch (e) { for (const l of stepping) fail(l, `step ${k}: the clock could not be moved: ${(e as Error).message}`); continue; }
    }
    const clockBefore = safeClock(gw.world);
    const deploy = await app.deploy(gw.env, (line) => log(`[${label}] step ${k}: ${line}`), stepping.map((l) => l.repo));
    const clock = { from: clockBefore, to: safeClock(gw.world) };
    // The deploy workflow commits what record appended; a forget in a later step reads it (issue 21 item 8).
    for (const l of stepping) {
      try {
        l.repo.commitRecords();
        recordProblems(l, k).forEach((p) => record(l, p));
      } catch (e) {
        fail(l, `step ${k}: the deploy records could not be read or committed: ${(e as Error).message}`);
      }
    }
    let actions: WorldAction[] = [];
    try {
      actions = gw.world.actions().filter((a) => a.seq > lastSeq);
    } catch (e) {
      for (const l of stepping) fail(l, `step ${k}: the world's action log could not be read: ${(e as Error).message}`);
      continue;
    }
    const plan = app.rolloutPlan();
    gw.world.clearFaults();
    if (k === 0 && app.flavour === 'cdktn') {
      // The toolchain really was CDK Terrain: its version is in every synthesized stack's metadata.
      const version = app.toolchainVersion();
      for (const l of stepping) {
        if (version?.startsWith('0.24.')) l.result.evidence.push(`synthesized and deployed by cdktn-cli: stack metadata says version ${version}`);
        else record(l, `step 0: the app was to run on CDK Terrain 0.24, but its stacks' metadata says version ${version ?? '(none)'}`);
      }
    }

    // 3. Each scenario judges its own fleets.
    for (const l of stepping) {
      const step = l.def.steps[k];
      const fleets = l.def.fleets.map((f) => f.name);
      const mine = (s: string) => fleets.some((f) => s.startsWith(`${f}-`));
      l.result.steps++;
      l.result.terraformRuns += Object.entries(deploy.runs).filter(([s]) => mine(s)).reduce((n, [, r]) => n + r, 0);
      l.result.stacksApplied += deploy.appliedStacks.filter(mine).length;
      const view: StepView = {
        deploy, world: gw.world, repo: l.repo,
        actions: actions.filter((a) => mine(a.stack)),
        state: (fleet) => l.repo.state(fleet),
        unitNames: (fleet) => Object.fromEntries((plan?.fleets.find((f) => f.fleet === fleet)?.units ?? []).map((u) => [u.slot, u.name])),
        planWarnings: (fleet) => plan?.fleets.find((f) => f.fleet === fleet)?.warnings ?? [],
        stacksOf: (fleet) => deploy.stacks.filter((s) => s.startsWith(`${fleet}-`)),
        sharesBefore: (fleet) => sharesBefore[fleet] ?? {},
      };
      const attempt = l.retry ? ' (deployed again)' : '';
      try {
        const problems = [...judge(l, step, view, deploy, clock), ...credentialsInState(app.dir, l.def.fleets.map((f) => `${f.name}-`))];
        l.result.simulatedSeconds = (l.result.simulatedSeconds ?? 0) + (clock.to - clock.from);
        const carriedOut = l.def.fleets.every((f) => (step.expect?.[f.name] ?? 'applied') === 'failed'
          || view.stacksOf(f.name).every((s) => deploy.appliedStacks.includes(s)));
        if (problems.length) {
          record(l, `step ${k} (${step.label})${attempt}: ${problems.slice(0, 2).join('; ')}${problems.length > 2 ? ` (+${problems.length - 2} more)` : ''}`, errorEvidence(deploy, fleets));
        }
        if (!carriedOut) {
          // As an operator would: deploy the same step once more (the problem stays recorded).
          if (l.retry) fail(l, `step ${k} (${step.label}): the second deploy did not carry the step out either; the scenario stops`);
          else { l.retry = true; }
          continue;
        }
        l.retry = false;
        pinUnits(l, plan);
      } catch (e) {
        fail(l, `step ${k} (${step.label})${attempt}: ${(e as Error).message}`, errorEvidence(deploy, fleets));
      }
    }
    if (lives.some((l) => l.active && l.retry)) k--;
  }
  return finish();

  function finish(): ScenarioResult[] {
    const seconds = (Date.now() - started) / 1000;
    for (const l of lives) l.result.seconds = seconds;
    log(`[${label}] done in ${seconds.toFixed(0)} s`);
    return lives.map((l) => l.result);
  }
}

/**
 * What the deploy records of step k must show (issue 21 item 8): the deploy went through `record`
 * (a record of the fleet's current step exists), a fleet whose stacks failed is never recorded as
 * succeeded, and while no successful record shows a retired unit's retirement deployed, `forget`
 * is refused by the rule forget (the CLI call alone: nothing is deployed for it).
 */
function recordProblems(l: Live, k: number): string[] {
  const problems: string[] = [];
  for (const f of l.def.fleets) {
    const state = l.repo.state(f.name);
    const records = l.repo.records(f.name);
    const last = records[records.length - 1];
    if (!last || last.step !== state.step) {
      problems.push(`fleet ${f.name}: the deploy of step ${state.step} left no deploy record (last: ${last ? `step ${last.step} ${last.outcome}` : 'none'}); every deploy runs through cdktf-bluegreen record`);
      continue;
    }
    if ((l.def.steps[k].expect?.[f.name] ?? 'applied') === 'failed' && last.outcome === 'succeeded') problems.push(`fleet ${f.name}: the deploy failed, but its record says succeeded`);
    problems.push(...forgetRefusedUnlessRecorded(l, f.name, `after the deploy of step ${state.step} (${last.outcome})`));
  }
  return problems;
}

/**
 * For every retired unit of the fleet whose retirement no successful record shows: `forget --dry-run`
 * must be refused by the rule forget. Returns the problems (none when every retirement was deployed).
 */
function forgetRefusedUnlessRecorded(l: Live, fleet: string, when: string): string[] {
  const state: StateFile = l.repo.state(fleet);
  const records = l.repo.records(fleet);
  const problems: string[] = [];
  for (const u of state.units.filter((x) => x.lifecycle === 'retired')) {
    const deployed = records.some((r) => r.outcome === 'succeeded' && r.step >= (u.since ?? 0) && r.step <= state.step && r.units.some((x) => x.slot === u.slot && x.lifecycle === 'retired'));
    if (deployed) continue;
    const r = l.repo.cli(fleet, ['forget', u.slot, '--dry-run'], true);
    if (r.code !== 1 || !r.out.includes('rule forget')) problems.push(`fleet ${fleet}: ${when}, no record shows ${u.slot}'s retirement deployed, yet forget was not refused by the rule forget (exit ${r.code}): ${r.out.trim().split('\n').slice(0, 2).join(' | ')}`);
    else if (l.result.evidence.length < 24) l.result.evidence.push(`${fleet}: forget ${u.slot} ${when}: ${r.out.trim().split('\n')[0].slice(0, 400)}`);
  }
  return problems;
}

/** The first problem in full, then the others shortened. */
function summarize(problems: string[]): string {
  if (problems.length === 1) return problems[0];
  const rest = problems.slice(1, 4).map((p) => (p.length > 220 ? `${p.slice(0, 220)}…` : p));
  return `${problems[0]} — then ${rest.join(' — then ')}${problems.length > 4 ? ` (+${problems.length - 4} more)` : ''}`;
}

function initFleets(l: Live): void {
  for (const f of l.def.fleets) {
    l.repo.cli(f.name, ['init', f.name, f.version]);
    if (f.policy) {
      const file = l.repo.stateFile(f.name);
      const state = JSON.parse(require('fs').readFileSync(file, 'utf8'));
      state.policy = { ...state.policy, ...f.policy };
      require('fs').writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
    }
    if (f.controlPlane) l.controlPlane[f.name] = { previous: f.controlPlane, current: f.controlPlane };
  }
}

function appFleets(l: Live, app: ScenarioApp): AppFleet[] {
  return l.def.fleets.map((f) => {
    const cp = l.controlPlane[f.name];
    const previous = cp ? l.repo.previousState(f.name) : undefined;
    return {
      name: f.name, kind: f.kind, stateFile: l.repo.stateFile(f.name),
      previousStateFile: previous ? app.writePrevious(f.name, previous) : undefined,
      controlPlane: cp ? { ...cp } : undefined,
      extraProps: l.stepProps[f.name] ? { ...(f.extraProps ?? {}), ...l.stepProps[f.name] } : f.extraProps,
      escapeHatch: l.hatches[f.name],
      slowBuild: f.slowBuild,
      sloGates: f.sloGates,
      hcp: f.hcp,
    };
  });
}

/** The step's expectations, then the standard checks, then its own. */
function judge(l: Live, step: StepSpec, v: StepView, deploy: DeployResult, clock: { from: number; to: number }): string[] {
  const problems: string[] = [];
  for (const f of l.def.fleets) {
    const expected = step.expect?.[f.name] ?? 'applied';
    const failed = deploy.failedStacks.filter((s) => s.startsWith(`${f.name}-`));
    const notApplied = v.stacksOf(f.name).filter((s) => !deploy.appliedStacks.includes(s));
    if (expected === 'applied' && failed.length) {
      problems.push(`fleet ${f.name}: the deploy failed in ${failed.join(', ')}: ${firstError(deploy, failed[0])}`);
    } else if (expected === 'applied' && notApplied.length) {
      problems.push(`fleet ${f.name}: the deploy (exit ${deploy.code}) did not apply ${notApplied.join(', ')}: ${tail(deploy.output)}`);
    } else if (expected === 'failed' && !failed.length) {
      problems.push(`fleet ${f.name}: the deploy was expected to fail, but every stack of the fleet ${deploy.code === 0 ? 'applied' : 'was left alone'}`);
    }
  }
  if (problems.length) return problems;
  if (step.standard !== false) {
    for (const f of l.def.fleets) {
      problems.push(...checkOrder(v, f.name, f.kind.endsWith('-pools')), ...checkLiveUnitsUntouched(v, f.name, f.kind.endsWith('-pools')));
      const expected = step.expect?.[f.name] ?? 'applied';
      if (!f.kind.endsWith('-pools')) {
        const t = checkTimeline(v, f.name, clock.from, clock.to, expected === 'applied');
        l.result.timelineRequests = (l.result.timelineRequests ?? 0) + t.requests;
        l.result.failedRequests = (l.result.failedRequests ?? 0) + t.failed;
        problems.push(...t.problems);
      }
      if (expected === 'applied') {
        const s = checkShares(v, f.name, f.kind.endsWith('-pools'));
        l.result.maxShareError = Math.max(l.result.maxShareError, s.maxError);
        problems.push(...s.problems);
      } else {
        problems.push(...sharesUnchanged(v, f.name));
      }
    }
  }
  if (step.verify) problems.push(...step.verify(v));
  return problems;
}

/** After a failed deploy, every unit's share is what it was before (within 1 point). */
export function sharesUnchanged(v: StepView, fleet: string): string[] {
  const before = v.sharesBefore(fleet);
  const after = v.world.shares(fleet);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const moved = [...keys].filter((k) => Math.abs((before[k] ?? 0) - (after[k] ?? 0)) > 1);
  return moved.length ? [`fleet ${fleet}: traffic moved although the deploy failed: ${moved.map((k) => `${k} ${(before[k] ?? 0).toFixed(1)} → ${(after[k] ?? 0).toFixed(1)} %`).join(', ')}`] : [];
}

/** Records the fingerprints the rollout plan shows for units the state file has not pinned yet (no new step). */
function pinUnits(l: Live, plan: ReturnType<ScenarioApp['rolloutPlan']>): void {
  let pinned = false;
  for (const f of l.def.fleets) {
    const state = l.repo.state(f.name);
    const units = plan?.fleets.find((x) => x.fleet === f.name)?.units ?? [];
    for (const u of state.units) {
      if (u.fingerprint || u.lifecycle === 'retired') continue;
      const p = units.find((x) => x.slot === u.slot);
      if (!p) continue;
      l.repo.cli(f.name, ['pin', u.slot, p.fingerprint]);
      pinned = true;
    }
  }
  if (pinned) l.repo.commitStep('pin fingerprints');
}

function lastSeqOf(world: WorldPort): number {
  try {
    const a = world.actions();
    return a.length ? a[a.length - 1].seq : 0;
  } catch {
    return 0;
  }
}

function safeClock(world: WorldPort): number {
  try { return world.clock(); } catch { return 0; }
}

function safeShares(world: WorldPort, fleet: string): Record<string, number> {
  try { return world.shares(fleet); } catch { return {}; }
}

function tail(text: string): string {
  return text.trim().split('\n').filter((x) => x.trim()).slice(-4).join(' | ').slice(0, 600);
}

/** The first Terraform error a stack printed, in one line. */
export function firstError(deploy: DeployResult, stack: string): string {
  if (deploy.errors[stack]?.length) return deploy.errors[stack].slice(0, 6).join(' ').replace(/\s+/g, ' ').slice(0, 500);
  const lines = stackLines(deploy, stack);
  const i = lines.findIndex((x) => /Error:/.test(x));
  if (i < 0) return '(no error line)';
  return lines.slice(i, i + 4).map((x) => x.replace(/^[│╷╵\s]+/, '').trim()).filter(Boolean).join(' ').slice(0, 500);
}

function stackLines(deploy: DeployResult, stack: string): string[] {
  return linesByStack(deploy.output, deploy.stacks).filter((x) => x.stack === stack).map((x) => x.line);
}

/** Verbatim error lines of the failed stacks of these fleets, for the report. */
function errorEvidence(deploy: DeployResult, fleets: string[]): string[] {
  const out: string[] = [];
  for (const s of deploy.failedStacks.filter((x) => fleets.some((f) => x.startsWith(`${f}-`)))) {
    if (deploy.errors[s]?.length) { out.push(...deploy.errors[s].map((x) => `${s}  ${x}`)); continue; }
    const lines = stackLines(deploy, s);
    const i = lines.findIndex((x) => /Error:/.test(x));
    if (i >= 0) out.push(...lines.slice(i, i + 8).map((x) => `${s}  ${x}`));
  }
  return out.slice(0, 24);
}

