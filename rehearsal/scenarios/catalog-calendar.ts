// R25 (issue 22 item 7): the autopilot calendar deployed in the strict world, CI-sized — two rings ×
// one fleet (staging EKS behind Route 53 with the SLO gates, prod AKS behind Traffic Manager), an
// urgent CVE patch and a minor whose staging canary breaches its latency gate. Every autopilot
// step is checked by `check --base`, merged at its simulated time and deployed by the real
// `cdktf deploy '*'`; each deploy record is read from that deploy's output; the scenarios' checks
// judge every deploy (order, live units untouched, shares, traffic over time).
import { DeployOutcome } from '../../src/core/deploy-record';
import { runWorldCalendar } from './calendar-world';
import { ScenarioDef, ScenarioRunContext } from './model';

const DAY = 86400;
/** Staging (EKS, declared by minor) and prod (AKS, already on the minor 1.34.2). */
const RINGS = [['stg-eks'], ['prod-aks']];

/** The must-show figures of the calendar, checked on what the world and the records say. */
async function calendarInTheWorld(ctx: ScenarioRunContext): Promise<string[]> {
  const { result: r, figures } = await runWorldCalendar({
    // Monday: the urgent CVE at 01:12, the minor at 10:48; ring soaks of 1 h; the day ends at 18:00.
    days: 0.75, breach: true, rings: RINGS, soakHours: [1, 1], eventDays: [0.45, 99, 0.05],
    firstVersions: { 'prod-aks': '1.34.2' },
  }, ctx, ctx.log);
  const res = ctx.result;
  res.steps = r.steps;
  res.stacksApplied = figures.stacksApplied;
  res.timelineRequests = figures.requests;
  res.failedRequests = figures.failedRequests;
  res.terraformRuns = figures.terraformRuns;
  res.simulatedSeconds = figures.simulatedSeconds;
  res.maxShareError = figures.maxShareError;
  res.evidence.push(`steps ${r.steps}, deploys ${r.deploys}, rollbacks ${r.rollbacks}, human approvals ${r.approvals}, autopilot runs ${r.firings}`, ...r.holds.map((h) => `held: ${h}`));
  const problems: string[] = [];
  problems.push(...r.illegal.map((x) => `check --base refused an autopilot step: ${x}`));
  problems.push(...r.destroyedWithTraffic.map((x) => `a unit was retired while the last deploy gave it traffic: ${x}`));
  problems.push(...r.worldProblems);
  // The urgent patch: prod serves it within a day of the feed entry, with at most 2 human approvals.
  const urgent = r.upgrades.find((u) => u.fleet === 'prod-aks' && u.version === '1.34.4');
  if (!urgent?.servedAll) problems.push(`prod-aks never served the urgent patch 1.34.4 with all the traffic (${r.final['prod-aks']})`);
  else if (urgent.servedAll - r.events.urgent.at > DAY) problems.push(`prod-aks served the urgent patch ${((urgent.servedAll - r.events.urgent.at) / 3600).toFixed(1)} h after the feed entry, more than a day`);
  if (urgent && urgent.approvals > 2) problems.push(`prod-aks's urgent patch took ${urgent.approvals} human approvals, more than 2`);
  if (!/^blue 1\.34\.2 retired 0, green 1\.34\.4 serving 100$|^green 1\.34\.4 serving 100$/.test(r.final['prod-aks'])) problems.push(`prod-aks ends as "${r.final['prod-aks']}", not green 1.34.4 serving 100 with blue retired or forgotten`);
  // Staging: no human approval; its canary breached, the rollback was written and deployed; prod holds.
  for (const u of r.upgrades.filter((x) => x.fleet === 'stg-eks' && x.approvals > 0)) problems.push(`stg-eks's upgrade to ${u.version} took ${u.approvals} human approvals; a non-prod ring takes none`);
  if (r.rollbacks !== 1) problems.push(`${r.rollbacks} rollbacks, expected 1 (staging's breach)`);
  if (r.final['stg-eks'] !== 'blue 1.33 serving 100, green 1.34 standby 0') problems.push(`stg-eks ends as "${r.final['stg-eks']}", not rolled back (blue 1.33 serving 100, green 1.34 standby 0)`);
  const held = r.holds.find((h) => h.startsWith('stg-eks: '));
  if (!held || !/held: the deploy of step \d+ failed at \S+: slo-latency-p95 on green-1-34-[a-z0-9]+ = 0\.31 \(threshold <= [0-9.]+\)/.test(held)) problems.push(`staging is not held with the breach it measured: ${held ?? 'no hold'}`);
  const prodHeld = r.holds.find((h) => h.startsWith('prod-aks: '));
  if (prodHeld !== 'prod-aks: held: ring staging has 1 held fleet(s) (stg-eks), at its failure threshold of 1, so every ring after it waits') problems.push(`prod is not held by staging's failure: ${prodHeld ?? 'no hold'}`);
  if (r.upgrades.some((u) => u.fleet === 'prod-aks' && u.version.startsWith('1.35'))) problems.push('prod started a newer minor while staging was held');
  // The rollback's own deploy succeeded (its record, read from the real deploy's output).
  if (!r.deployOutcomes.some((d) => d.fleet === 'stg-eks' && d.kind === 'rollback' && d.outcome === DeployOutcome.SUCCEEDED)) problems.push('the rollback of stg-eks was not deployed successfully');
  // Something was destroyed (prod's patch retired blue), after its traffic left (the checks above).
  if (figures.destroyed === 0) problems.push('no unit was destroyed: the retire path was not rehearsed');
  if (figures.failedRequests) problems.push(`${figures.failedRequests} requests failed over time`);
  return problems;
}

export const CALENDAR_SCENARIOS: ScenarioDef[] = [
  {
    id: 'R25',
    text: 'the autopilot calendar deployed in the strict world: an urgent patch serves in prod within a day (≤ 2 approvals), a latency breach in staging is rolled back by itself and holds prod, every step legal, nothing destroyed before its traffic left',
    fleets: [], steps: [], run: calendarInTheWorld,
  },
];
