import { runCalendar } from '../scripts/autopilot-calendar';

// A short calendar (ring soaks of 2, 4 and 2 h; the minor offered on Monday 04:48, the urgent CVE on
// Wednesday 09:36; 3 days): every autopilot step goes through `check --base` and is committed at its time.
// With the policy's step soaks (a canary waits its 60 min), prod starts the minor on Tuesday afternoon and
// serves it on Wednesday morning, before the urgent CVE.
// EKS fleets are declared by minor (EKS lists minors; a control plane's patch is AWS's), so the
// patches move the AKS fleets only.
// `npm run autopilot:calendar` runs the full 30 days with the non-urgent patch too; `-- --world`
// deploys every step in the strict world (rehearsal/scenarios/calendar-world.ts, scenario R25).
const SHORT = { days: 3, soakHours: [2, 4, 2], eventDays: [0.2, 99, 2.4] };

describe('the autopilot over a simulated calendar (three rings × AKS + EKS)', () => {
  test('the minor moves ring by ring with at most 2 human approvals per prod fleet and none before prod; the urgent patch serves everywhere within a day; every step is legal; nothing retired while it had traffic', async () => {
    const r = await runCalendar({ ...SHORT, breach: false });
    expect(r.illegal).toEqual([]);
    expect(r.destroyedWithTraffic).toEqual([]);
    expect(r.rollbacks).toBe(0);
    const minor = r.upgrades.filter((u) => u.version === (u.fleet.endsWith('eks') ? '1.34' : '1.34.2'));
    expect(r.upgrades.filter((u) => u.version === '1.34.3')).toEqual([]);
    expect(minor.map((u) => u.fleet).sort()).toEqual(['dev-aks', 'dev-eks', 'prod-aks', 'prod-eks', 'stg-aks', 'stg-eks']);
    for (const u of minor) {
      expect({ fleet: u.fleet, served: u.servedAll !== undefined }).toEqual({ fleet: u.fleet, served: true });
      if (u.fleet.startsWith('prod')) expect(u.approvals).toBeLessThanOrEqual(2);
      else expect({ fleet: u.fleet, approvals: u.approvals }).toEqual({ fleet: u.fleet, approvals: 0 });
    }
    // Ring order: staging starts only after every dev fleet served the minor for the dev soak (2 h), prod after staging's (4 h).
    const at = (f: string) => minor.find((u) => u.fleet === f)!;
    for (const s of ['stg-aks', 'stg-eks']) expect(at(s).started!).toBeGreaterThanOrEqual(Math.max(at('dev-aks').servedAll!, at('dev-eks').servedAll!) + 2 * 3600);
    for (const p of ['prod-aks', 'prod-eks']) expect(at(p).started!).toBeGreaterThanOrEqual(Math.max(at('stg-aks').servedAll!, at('stg-eks').servedAll!) + 4 * 3600);
    const urgent = r.upgrades.filter((u) => u.version === '1.34.4');
    expect(urgent.map((u) => u.fleet).sort()).toEqual(['dev-aks', 'prod-aks', 'stg-aks']);
    for (const u of urgent) expect({ fleet: u.fleet, hours: (u.servedAll! - r.events.urgent.at) / 3600 <= 24 }).toEqual({ fleet: u.fleet, hours: true });
    for (const [f, units] of Object.entries(r.final)) expect({ f, units }).toEqual({ f, units: expect.stringMatching(f.endsWith('eks') ? /(^|, )[a-z]+ 1\.34 serving 100($|, )/ : /(^|, )[a-z]+ 1\.34\.4 serving 100($|, )/) });
  });

  test('a latency breach in staging: staging rolls back by itself and holds, prod never starts the minor, and the hold reason is printed', async () => {
    // 2 days: without the hold, prod would start the minor on Tuesday 14:00 (day 1.58).
    const r = await runCalendar({ ...SHORT, days: 2, breach: true });
    expect(r.illegal).toEqual([]);
    expect(r.destroyedWithTraffic).toEqual([]);
    expect(r.rollbacks).toBe(1);
    expect(r.final['stg-eks']).toBe('blue 1.33 serving 100, green 1.34 standby 0');
    expect(r.final['prod-aks']).toBe('blue 1.33.5 serving 100');
    expect(r.final['prod-eks']).toBe('blue 1.33 serving 100');
    expect(r.upgrades.filter((u) => u.fleet.startsWith('prod'))).toEqual([]);
    expect(r.holds).toContainEqual(expect.stringMatching(/^stg-eks: held: the deploy of step 2 failed at 2027-01-04T\d\d:\d\d:00Z: slo-latency-p95 on green-1-34 = 0\.31 \(threshold <= 0\.24\)$/));
    expect(r.holds).toContain('prod-aks: held: ring staging has 1 held fleet(s) (stg-eks), at its failure threshold of 1, so every ring after it waits');
  });
});
