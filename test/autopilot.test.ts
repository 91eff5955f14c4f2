import * as fs from 'fs';
import * as path from 'path';
import { AutopilotAction, decideAutopilot } from '../src/core/autopilot';
import { parseAutopilotPolicy, parseCveFeed } from '../src/core/autopilot-policy';
import { DeployOutcome, DeployRecord, formatDeployRecords, isoSeconds, recordUnitsOf, stateDigest } from '../src/core/deploy-record';
import { parseRolloutStateText, RolloutStateFile } from '../src/core/state-file';
import { cli, gitRepo } from './support/git-repo';
import { runs } from './support/depth';

// Tuesday 2027-01-05 09:00 UTC: inside an 08:00-18:00 weekday window.
const NOW = Date.parse('2027-01-05T09:00:00Z') / 1000;

function stateText(fleet: string, units = '{ "slot": "blue", "kubernetesVersion": "1.33.5", "lifecycle": "serving", "weight": 100, "since": 0, "peakWeight": 100 }', step = 0, policy = ''): string {
  return `{
  "version": 1,
  "fleet": "${fleet}",
  "step": ${step},${policy}
  "units": [
    ${units}
  ]
}
`;
}

function record(fleet: string, text: string, finishedAt: number, outcome = DeployOutcome.SUCCEEDED, gates: DeployRecord['gates'] = []): DeployRecord {
  const s = parseRolloutStateText(text, fleet);
  return { v: 1, fleet, step: s.step, state: stateDigest(text), units: recordUnitsOf(s), stacks: [{ name: `${fleet}-traffic`, result: 'applied' }], outcome, gates, startedAt: isoSeconds(finishedAt - 600), finishedAt: isoSeconds(finishedAt) };
}

const POLICY = {
  version: 1,
  rings: [
    { name: 'dev', fleets: ['dev-aks'], soakHours: 24, autoMerge: ['start', 'canary', 'shift', 'promote', 'retire', 'forget', 'rollback'] },
    { name: 'prod', fleets: ['prod-eks'], soakHours: 48, autoMerge: ['canary', 'shift', 'retire', 'forget', 'rollback'] },
  ],
  fleets: {
    'dev-aks': { cloud: 'aks', region: 'westeurope', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', minutes: 600 }] },
    'prod-eks': { cloud: 'eks', region: 'eu-west-1', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', minutes: 600 }] },
  },
};
const OFFERED = { 'aks/westeurope': ['1.33.5', '1.34.2'], 'eks/eu-west-1': ['1.33.5', '1.34.2', '1.35.1'] };

/** A repository with two fleets (dev AKS, prod EKS) adopted at step 0 and the autopilot's files. */
function autopilotRepo(policy: object = POLICY) {
  const r = gitRepo();
  for (const f of ['dev-aks', 'prod-eks']) {
    const text = stateText(f);
    r.write(`rollout/${f}.json`, text);
    r.write(`rollout/.deploys/${f}.jsonl`, formatDeployRecords([record(f, text, NOW - 86400)]));
  }
  r.write('autopilot/policy.json', JSON.stringify(policy, null, 2));
  r.write('autopilot/offered-versions.json', JSON.stringify({ version: 1, offered: OFFERED }));
  r.commit('fleets');
  return r;
}

const at = (t: number) => () => t * 1000;
function run(dir: string, argv: string[], now = NOW) {
  let out = '';
  let err = '';
  const { main } = jest.requireActual('../src/cli/main') as typeof import('../src/cli/main');
  const code = main(argv, { cwd: dir, out: (s) => { out += s; }, err: (s) => { err += s; }, color: false, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' }, now: at(now) });
  return { code, out, err };
}

describe('cdktf-bluegreen autopilot', () => {
  test('in its window, the first ring starts the offered minor (merges itself) and check --base accepts it; the next ring waits for the first ring, saying why', () => {
    const r = autopilotRepo();
    const a = run(r.dir, ['autopilot']);
    expect(a).toMatchObject({ code: 0, err: '' });
    expect(a.out).toContain('step dev-aks (ring dev) [merges itself]: cdktf-bluegreen start 1.34.2: minor 1.34 is offered and this is the first ring');
    expect(a.out).toContain('wrote rollout/dev-aks.json: green (1.34.2) new candidate');
    expect(a.out).toContain('wait prod-eks (ring prod): minor 1.34 waits for ring dev: dev-aks does not serve it with all the traffic and every gate passing yet');
    expect(parseRolloutStateText(fs.readFileSync(path.join(r.dir, 'rollout/dev-aks.json'), 'utf8'), 'x').units.map((u) => `${u.slot} ${u.kubernetesVersion} ${u.lifecycle}`)).toEqual(['blue 1.33.5 serving', 'green 1.34.2 candidate']);
    expect(cli(r.dir, ['check', '--base', 'main'])).toMatchObject({ code: 0 });
  });

  test('outside the window nothing is written and it exits 0, naming the next window; --json says the same for workflows', () => {
    const r = autopilotRepo();
    const sunday = Date.parse('2027-01-10T12:00:00Z') / 1000;
    const a = run(r.dir, ['autopilot'], sunday);
    expect(a.code).toBe(0);
    expect(a.out).toContain('wait dev-aks (ring dev): outside its maintenance window; the next one opens at 2027-01-11T08:00:00Z');
    expect(a.out).toContain('0 step(s) written, 2 fleet(s) waiting or held');
    expect(r.git('status', '--porcelain')).toBe('');
    const j = JSON.parse(run(r.dir, ['autopilot', '--json', '--dry-run']).out) as { fleets: Array<{ fleet: string; action: string; command?: string; needsApproval: boolean }> };
    expect(j.fleets.find((f) => f.fleet === 'dev-aks')).toMatchObject({ action: 'step', command: 'cdktf-bluegreen start 1.34.2', needsApproval: false });
    expect(r.git('status', '--porcelain')).toBe('');
  });

  test('--at decides as of that time (a replayed or rehearsed run): the windows and soaks are judged then, not by the clock', () => {
    const r = autopilotRepo();
    const sunday = run(r.dir, ['autopilot', '--dry-run', '--at', '2027-01-10T12:00:00Z']);
    expect(sunday.code).toBe(0);
    expect(sunday.out).toContain('wait dev-aks (ring dev): outside its maintenance window; the next one opens at 2027-01-11T08:00:00Z');
    const monday = run(r.dir, ['autopilot', '--dry-run', '--at', String(Date.parse('2027-01-11T09:00:00Z') / 1000)], Date.parse('2027-01-10T12:00:00Z') / 1000);
    expect(monday.out).toContain('step dev-aks (ring dev) [merges itself]: cdktf-bluegreen start 1.34.2');
    expect(run(r.dir, ['autopilot', '--at', 'monday'])).toMatchObject({ code: 2, err: expect.stringContaining('--at "monday": a time is ISO 8601 with a zone') });
  });

  test('a prod start waits for a person; --fleet writes that fleet only', () => {
    const r = autopilotRepo({ ...POLICY, rings: [{ ...POLICY.rings[1], fleets: ['prod-eks', 'dev-aks'] }] });
    const j = JSON.parse(run(r.dir, ['autopilot', '--json', '--dry-run']).out) as { fleets: Array<{ fleet: string; needsApproval: boolean; kind: string }> };
    expect(j.fleets.map((f) => [f.fleet, f.kind, f.needsApproval])).toEqual([['dev-aks', 'start', true], ['prod-eks', 'start', true]]);
    const a = run(r.dir, ['autopilot', '--fleet', 'prod-eks']);
    expect(a.out).toContain('[needs a person\'s approval]');
    expect(r.git('status', '--porcelain').trim()).toBe('M rollout/prod-eks.json');
  });

  test('EKS: a minor newer than the library\'s dated add-on table is proposed when the region offers it (EKS names the add-on builds when the unit is planned)', () => {
    const r = autopilotRepo({ ...POLICY, rings: [{ ...POLICY.rings[0], fleets: ['prod-eks', 'dev-aks'] }] });
    r.write('rollout/prod-eks.json', stateText('prod-eks', '{ "slot": "blue", "kubernetesVersion": "1.34.2", "lifecycle": "serving", "weight": 100, "since": 0, "peakWeight": 100 }'));
    r.write('rollout/.deploys/prod-eks.jsonl', formatDeployRecords([record('prod-eks', fs.readFileSync(path.join(r.dir, 'rollout/prod-eks.json'), 'utf8'), NOW - 86400)]));
    r.commit('prod-eks serves 1.34');
    const a = run(r.dir, ['autopilot', '--fleet', 'prod-eks']);
    expect(a).toMatchObject({ code: 0, err: '' });
    expect(a.out).toContain('step prod-eks (ring dev) [merges itself]: cdktf-bluegreen start 1.35');
    expect(parseRolloutStateText(fs.readFileSync(path.join(r.dir, 'rollout/prod-eks.json'), 'utf8'), 'x').units.map((u) => `${u.slot} ${u.kubernetesVersion} ${u.lifecycle}`)).toEqual(['blue 1.34.2 serving', 'green 1.35.1 candidate']);
    expect(cli(r.dir, ['check', '--base', 'main'])).toMatchObject({ code: 0 });
  });

  test('a node-pool fleet is never offered a version beyond its control plane (skew rules)', () => {
    const p = { ...POLICY, rings: [{ ...POLICY.rings[0], fleets: ['dev-aks'] }], fleets: { 'dev-aks': { ...POLICY.fleets['dev-aks'], cloud: 'aks-pool', controlPlane: '1.33' } } };
    const policy = parseAutopilotPolicy(JSON.stringify(p), 'p', ['dev-aks']);
    const text = stateText('dev-aks');
    const [d] = decideAutopilot({ policy, now: NOW, feed: [], offered: OFFERED, fleets: [{ state: parseRolloutStateText(text, 'x'), digest: stateDigest(text), records: [record('dev-aks', text, NOW - 86400)] }] });
    expect(d.action).toBe(AutopilotAction.WAIT);
    expect(d.reason).toContain('1.34.2: a node pool is never newer than its control plane (1.33)');
  });

  test('the versions come from buildableNextVersions with the policy\'s fleet kind: a state file whose kind disagrees is held; an AKS minor past community support but in platform support is still started', () => {
    const policy = parseAutopilotPolicy(JSON.stringify(POLICY), 'p', ['dev-aks', 'prod-eks']);
    const only = { ...policy, rings: [{ ...policy.rings[0], fleets: ['dev-aks'] }] };
    const text = stateText('dev-aks').replace('"step": 0,', '"kind": "eks-cluster",\n  "step": 0,');
    const [d] = decideAutopilot({ policy: only, now: NOW, feed: [], offered: OFFERED, fleets: [{ state: parseRolloutStateText(text, 'x'), digest: stateDigest(text), records: [record('dev-aks', text, NOW - 86400)] }] });
    expect(d).toMatchObject({ action: AutopilotAction.HOLD, reason: 'held: the state file\'s kind is eks-cluster, the autopilot policy\'s cloud aks is aks-cluster' });
    const ok = stateText('dev-aks').replace('"step": 0,', '"kind": "aks-cluster",\n  "step": 0,');
    const [e] = decideAutopilot({ policy: only, now: NOW, feed: [], offered: OFFERED, fleets: [{ state: parseRolloutStateText(ok, 'x'), digest: stateDigest(ok), records: [record('dev-aks', ok, NOW - 86400)] }] });
    expect(e).toMatchObject({ action: AutopilotAction.STEP, target: '1.34.2' });
    // 1.33's AKS platform support ended on 2026-10-01 (AKS upgrades such clusters by itself): its patch is not started.
    const feed = [{ id: 'CVE-2027-2222', published: '2027-01-05T04:00:00Z', severity: 'high', fixed: ['1.33.8'] }];
    const [u] = decideAutopilot({ policy: only, now: NOW, feed, offered: { ...OFFERED, 'aks/westeurope': ['1.33.5', '1.33.8'] }, fleets: [{ state: parseRolloutStateText(ok, 'x'), digest: stateDigest(ok), records: [record('dev-aks', ok, NOW - 86400)] }] });
    expect(u).toMatchObject({ action: AutopilotAction.WAIT, reason: 'urgent CVE-2027-2222 (high) is fixed in 1.33.8, which this fleet cannot start (1.33 left AKS platform support on 2026-10-01)' });
  });

  test('a gate breach with onGateFailure hold: the fleet is held, says why and how to release it; a release in the policy lets it move again', () => {
    const policyText = '\n  "policy": { "onGateFailure": "hold" },';
    const text = stateText('dev-aks', `{ "slot": "blue", "kubernetesVersion": "1.33.5", "lifecycle": "serving", "weight": 90, "since": 0, "peakWeight": 100 },
    { "slot": "green", "kubernetesVersion": "1.34.2", "lifecycle": "serving", "weight": 10, "since": 2, "peakWeight": 10 }`, 2, policyText);
    const failed = record('dev-aks', text, NOW - 3600, DeployOutcome.FAILED, [{ name: 'slo-latency-p95', unit: 'green-1-34-2-abcdef', passed: false, value: '0.31', threshold: '<= 0.24' }]);
    const policy = parseAutopilotPolicy(JSON.stringify({ ...POLICY, rings: [POLICY.rings[0]], fleets: { 'dev-aks': POLICY.fleets['dev-aks'] } }), 'p', ['dev-aks']);
    const fleets = [{ state: parseRolloutStateText(text, 'x'), digest: stateDigest(text), records: [failed] }];
    const [held] = decideAutopilot({ policy, now: NOW, feed: [], offered: OFFERED, fleets });
    expect(held).toMatchObject({
      action: AutopilotAction.HOLD,
      reason: 'held: the deploy of step 2 failed at 2027-01-05T08:00:00Z: slo-latency-p95 on green-1-34-2-abcdef = 0.31 (threshold <= 0.24)',
      release: 'fix the cause, then release it in a reviewed pull request: add "released": { "dev-aks": "2027-01-05T09:00:00Z" } to the autopilot policy file',
    });
    const withRollback = { ...fleets[0], state: { ...fleets[0].state, policy: { onGateFailure: 'rollback' } } as RolloutStateFile };
    expect(decideAutopilot({ policy, now: NOW, feed: [], offered: OFFERED, fleets: [withRollback] })[0]).toMatchObject({ action: AutopilotAction.STEP, kind: 'rollback', needsApproval: false });
    const released = { ...policy, released: { 'dev-aks': isoSeconds(NOW - 60) } };
    expect(decideAutopilot({ policy: released, now: NOW, feed: [], offered: OFFERED, fleets })[0]).toMatchObject({ action: AutopilotAction.WAIT, reason: 'the deploy of step 2 was failed at 2027-01-05T08:00:00Z: re-run the deploy (it is retry-safe)' });
  });

  test('the CVE feed: the rating and the fixed versions are read from the entry; a rating below the policy\'s threshold is not urgent', () => {
    const feed = parseCveFeed(JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      items: [
        { id: 'https://www.cve.org/CVERecord?id=CVE-2027-1111', summary: 'x', content_text: 'CVSS Rating: Medium (5.5)\nFixed: v1.34.4, v1.33.7', date_published: '2027-01-05T03:00:00Z' },
        { id: 'https://www.cve.org/CVERecord?id=CVE-2027-2222', summary: 'y', content_text: 'This issue has been rated **High** (8.1). Fixed in kubelet v1.33.8', date_published: '2027-01-05T04:00:00Z' },
      ],
    }), 'feed');
    expect(feed).toEqual([
      { id: 'CVE-2027-1111', published: '2027-01-05T03:00:00Z', severity: 'medium', fixed: ['1.34.4', '1.33.7'] },
      { id: 'CVE-2027-2222', published: '2027-01-05T04:00:00Z', severity: 'high', fixed: ['1.33.8'] },
    ]);
    const policy = parseAutopilotPolicy(JSON.stringify(POLICY), 'p', ['dev-aks', 'prod-eks']);
    const text = stateText('prod-eks');
    const fleets = [{ state: parseRolloutStateText(text, 'x'), digest: stateDigest(text), records: [record('prod-eks', text, NOW - 86400)] }];
    const offered = { ...OFFERED, 'eks/eu-west-1': ['1.33.5', '1.33.7', '1.33.8'] };
    const only = { ...policy, rings: [{ ...policy.rings[1], fleets: ['prod-eks'] }] };
    expect(decideAutopilot({ policy: only, now: NOW, feed: feed.slice(0, 1), offered, fleets })[0]).toMatchObject({ action: AutopilotAction.STEP, target: '1.33.8', urgent: false });
    expect(decideAutopilot({ policy: only, now: NOW, feed, offered, fleets })[0]).toMatchObject({ action: AutopilotAction.STEP, target: '1.33.8', urgent: true, needsApproval: true });
  });

  test('an EKS fleet declared by minor: an urgent CVE is reported (AWS patches the control plane in place) and never blocks its minor', () => {
    const policy = parseAutopilotPolicy(JSON.stringify(POLICY), 'p', ['dev-aks', 'prod-eks']);
    const only = { ...policy, rings: [{ ...policy.rings[1], fleets: ['prod-eks'] }] };
    const text = stateText('prod-eks', '{ "slot": "blue", "kubernetesVersion": "1.33", "lifecycle": "serving", "weight": 100, "since": 0, "peakWeight": 100 }');
    const fleets = [{ state: parseRolloutStateText(text, 'x'), digest: stateDigest(text), records: [record('prod-eks', text, NOW - 86400)] }];
    const feed = [{ id: 'CVE-2027-2222', published: '2027-01-05T04:00:00Z', severity: 'high', fixed: ['1.33.8'] }];
    const minor = decideAutopilot({ policy: only, now: NOW, feed, offered: { ...OFFERED, 'eks/eu-west-1': ['1.33', '1.34'] }, fleets })[0];
    expect(minor).toMatchObject({ action: AutopilotAction.STEP, target: '1.34', urgent: false });
    const upToDate = decideAutopilot({ policy: only, now: NOW, feed, offered: { ...OFFERED, 'eks/eu-west-1': ['1.33'] }, fleets })[0];
    expect(upToDate).toMatchObject({ action: AutopilotAction.WAIT, reason: 'up to date: blue serves 1.33 (CVE-2027-2222 (high) is fixed in 1.33.8: EKS applies control plane patches in place)' });
  });

  test('a patch follows rings: an EKS fleet of the ring before, declared by minor and serving that minor, does not hold it back', () => {
    const mixed = {
      ...POLICY,
      rings: [{ ...POLICY.rings[0], fleets: ['dev-eks'] }, { ...POLICY.rings[1], fleets: ['prod-aks'] }],
      fleets: { 'dev-eks': { ...POLICY.fleets['prod-eks'] }, 'prod-aks': { ...POLICY.fleets['dev-aks'] } },
    };
    const policy = parseAutopilotPolicy(JSON.stringify(mixed), 'p', ['dev-eks', 'prod-aks']);
    const eks = stateText('dev-eks', '{ "slot": "blue", "kubernetesVersion": "1.34", "lifecycle": "serving", "weight": 100, "since": 0, "peakWeight": 100 }');
    const aks = stateText('prod-aks', '{ "slot": "blue", "kubernetesVersion": "1.34.2", "lifecycle": "serving", "weight": 100, "since": 0, "peakWeight": 100 }');
    const input = (eksVersion: string) => {
      const text = eks.replace('"1.34"', `"${eksVersion}"`);
      return {
        policy, now: NOW, feed: [], offered: { 'aks/westeurope': ['1.34.2', '1.34.3'], 'eks/eu-west-1': ['1.33', '1.34'] },
        fleets: [
          { state: parseRolloutStateText(text, 'x'), digest: stateDigest(text), records: [record('dev-eks', text, NOW - 3 * 86400)] },
          { state: parseRolloutStateText(aks, 'x'), digest: stateDigest(aks), records: [record('prod-aks', aks, NOW - 3 * 86400)] },
        ],
      };
    };
    expect(decideAutopilot(input('1.34'))[1]).toMatchObject({ action: AutopilotAction.STEP, target: '1.34.3' });
    // An EKS fleet still on the minor before does hold it back.
    expect(decideAutopilot(input('1.33'))[1]).toMatchObject({ action: AutopilotAction.WAIT, reason: 'patch 1.34.3 waits for ring dev: dev-eks does not serve it with all the traffic and every gate passing yet' });
  });

  test('a fleet whose deploy records are refused is held with the refusal; the other fleets go on', () => {
    const r = autopilotRepo();
    fs.appendFileSync(path.join(r.dir, 'rollout/.deploys/prod-eks.jsonl'), '{"v":1,"fleet":"prod-eks","outcome":"succeeded"}\n');
    const a = run(r.dir, ['autopilot']);
    expect(a.code).toBe(0);
    expect(a.out).toContain('step dev-aks (ring dev) [merges itself]: cdktf-bluegreen start 1.34.2');
    expect(a.out).toContain('held prod-eks (ring prod): held: its deploy records are refused: fleet "prod-eks": rollout/.deploys/prod-eks.jsonl:2 step = (not set) is refused');
    expect(a.out).toContain('to release: restore the records file from git');
  });

  test('the inputs are read like state files: a symlinked policy is refused; a CVE feed larger than a state file is read', () => {
    const r = autopilotRepo();
    fs.renameSync(path.join(r.dir, 'autopilot/policy.json'), path.join(r.dir, 'policy-elsewhere.json'));
    fs.symlinkSync(path.join(r.dir, 'policy-elsewhere.json'), path.join(r.dir, 'autopilot/policy.json'));
    const a = run(r.dir, ['autopilot']);
    expect(a.code).toBe(1);
    expect(a.err).toContain('autopilot/policy.json = (a symbolic link) is refused');
    fs.rmSync(path.join(r.dir, 'autopilot/policy.json'));
    fs.renameSync(path.join(r.dir, 'policy-elsewhere.json'), path.join(r.dir, 'autopilot/policy.json'));
    const items = Array.from({ length: 200 }, (_, i) => ({ id: `https://www.cve.org/CVERecord?id=CVE-2026-${1000 + i}`, summary: 's', content_text: `CVSS Rating: Low\n${'x'.repeat(2000)}`, date_published: '2026-06-01T00:00:00Z' }));
    r.write('autopilot/cve-feed.json', JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', items }));
    expect(fs.statSync(path.join(r.dir, 'autopilot/cve-feed.json')).size).toBeGreaterThan(256 * 1024);
    expect(run(r.dir, ['autopilot', '--dry-run'])).toMatchObject({ code: 0, err: '' });
  });

  test('the example policy (examples/autopilot/policy.json) is valid: three rings, prod approves its start and finishing promote', () => {
    const fleets = ['shop-dev-weu', 'shop-dev-euw1', 'shop-stg-weu', 'shop-stg-euw1', 'shop-prod-weu', 'shop-prod-euw1'];
    const p = parseAutopilotPolicy(fs.readFileSync(path.join(__dirname, '..', 'examples', 'autopilot', 'policy.json'), 'utf8'), 'examples/autopilot/policy.json', fleets);
    expect(p.rings.map((r) => r.name)).toEqual(['dev', 'staging', 'prod']);
    expect(['start', 'canary', 'shift', 'promote', 'retire', 'forget', 'rollback'].filter((k) => !p.rings[2].autoMerge.includes(k))).toEqual(['start', 'promote']);
  });

  test.each([
    ['an unknown field', (p: any) => ({ ...p, autoMergeEverything: true }), 'autopilot/policy.json: autoMergeEverything = "autoMergeEverything" is refused: the known fields are'],
    ['a fleet in two rings', (p: any) => ({ ...p, rings: [p.rings[0], { ...p.rings[1], fleets: ['prod-eks', 'dev-aks'] }] }), 'rings[1].fleets[1] = "dev-aks" is refused: a fleet is in one ring (it is in dev already)'],
    ['a fleet in no ring', (p: any) => ({ ...p, rings: [p.rings[0]] }), 'rings = "prod-eks" is refused: every fleet with a state file is in one ring'],
    ['markup in a freeze reason', (p: any) => ({ ...p, freezes: [{ from: '2027-01-01T00:00:00Z', to: '2027-01-02T00:00:00Z', reason: '<img src=x> @team' }] }), 'freezes[0].reason = "<img src=x> @team" is refused: a reason is 1-200 plain characters'],
    ['a bidi override in a ring name', (p: any) => ({ ...p, rings: [{ ...p.rings[0], name: 'dev\u202e' }, p.rings[1]] }), 'rings[0].name = "dev\\u202e" is refused'],
    ['a window of 5 minutes', (p: any) => ({ ...p, fleets: { ...p.fleets, 'dev-aks': { ...p.fleets['dev-aks'], windows: [{ days: ['mon'], start: '08:00', minutes: 5 }] } } }), 'fleets.dev-aks.windows[0].minutes = 5 is refused: a window lasts 30 to 1440 minutes. Fix: "minutes": 240.'],
    ['an unknown step kind', (p: any) => ({ ...p, rings: [{ ...p.rings[0], autoMerge: ['everything'] }, p.rings[1]] }), 'rings[0].autoMerge = ["everything"] is refused'],
  ])('a hostile policy is refused with a clear error: %s', (_name, edit, message) => {
    const r = autopilotRepo(edit(POLICY));
    const a = run(r.dir, ['autopilot']);
    expect(a.code).toBe(1);
    expect(a.err).toContain(message);
    expect(a.err).not.toMatch(/\u202e|\n\s+at /);
    expect(r.git('status', '--porcelain')).toBe('');
  });

  test('property: an edited policy file is either read or refused with an escaped AutopilotInputError, never a crash', () => {
    const fc = jest.requireActual('fast-check') as typeof import('fast-check');
    const { AutopilotInputError } = jest.requireActual('../src/core/autopilot-policy') as typeof import('../src/core/autopilot-policy');
    const text = JSON.stringify(POLICY);
    const hostile = fc.constantFrom('"', '\\', '<img src=x>', '\u202e', '\u0000', '}', '{', ',', '[', ']', ' ', '1e2', '-1', 'null', '__proto__', '"mon"', '@team', '\u2028');
    fc.assert(fc.property(fc.integer({ min: 0, max: text.length - 1 }), fc.integer({ min: 0, max: 12 }), hostile, (at, cut, insert) => {
      const edited = text.slice(0, at) + insert + text.slice(Math.min(text.length, at + cut));
      try {
        parseAutopilotPolicy(edited, 'autopilot/policy.json', ['dev-aks', 'prod-eks']);
      } catch (e) {
        expect(e).toBeInstanceOf(AutopilotInputError);
        expect((e as Error).message).not.toMatch(/[\u0000\u202e\u2028]/);
      }
    }), { numRuns: runs(400) });
  });
});
