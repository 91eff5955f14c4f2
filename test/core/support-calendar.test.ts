import { KubernetesSupportCalendar } from '../../src';
import { AKS_CALENDAR_AS_OF, EKS_CALENDAR_AS_OF } from '../../src/core/support-calendar';

// Issue 20 item 6: the shipped calendars cover the minors the clouds publish today (AKS had stopped
// at 1.32 while the reference deployment serves 1.33 and 1.34), say how old they are, and say what
// each cloud really does at the end of support.
describe('support calendars: dated, current, and true per cloud', () => {
  test('AKS: 1.33, 1.34 and 1.35 have the release calendar\'s end of life (a month read as its last day)', () => {
    const aks = KubernetesSupportCalendar.aks({ asOf: '2026-06-01' });
    expect(['1.32', '1.33', '1.34', '1.35', '1.36', '1.37'].map((m) => aks.endOfSupport(m)))
      .toEqual(['2026-03-31', '2026-07-31', '2026-11-30', '2027-03-31', '2027-06-30', '2027-10-31']);
    // Explicit dates of the page are kept as written.
    expect(aks.endOfSupport('1.30.4')).toBe('2025-08-22');
  });

  test('AKS: a unit on 1.33 and one on 1.34 get a warning before their end of life, naming platform support (N-3) and the upgrade at N-4', () => {
    const w33 = KubernetesSupportCalendar.aks({ asOf: '2026-06-15' }).warningFor('blue (blue-1-33-abc)', '1.33');
    expect(w33).toBe('unit blue (blue-1-33-abc) serves on AKS 1.33, whose support ends on 2026-07-31 (46 days after 2026-06-15): after that AKS gives it platform support only (Azure infrastructure, no Kubernetes fixes) while it is within N-3, and upgrades the cluster by itself when it would drop to N-4 (from about 2026-10-01, when 1.37 reaches GA on AKS). Start a newer unit and move the traffic to it before (the date is from the AKS calendar as shipped on 2026-12-07, 0 days before 2026-06-15: check the cloud\'s calendar and override it with supportCalendar entries where it moved).');
    const w34 = KubernetesSupportCalendar.aks({ asOf: '2026-12-20' }).warningFor('green (green-1-34-def)', '1.34.2');
    expect(w34).toMatch(/^unit green \(green-1-34-def\) serves on AKS 1\.34, whose support ended on 2026-11-30 \(20 days before 2026-12-20\): after that AKS gives it platform support only .*N-3.*N-4 \(once 1\.38 reaches GA on AKS\)\. Start a newer unit/);
    expect(w34).toContain('as shipped on 2026-12-07, 13 days before 2026-12-20');
    // AKS never "upgrades the control plane" at end of life: that is EKS's behaviour.
    expect(w33).not.toMatch(/control plane/);
    expect(KubernetesSupportCalendar.aks({ asOf: '2026-05-01' }).warningFor('blue', '1.33')).toBeUndefined();
  });

  test('EKS: the warning says EKS upgrades the control plane by itself, and how old the shipped date is', () => {
    const w = KubernetesSupportCalendar.eks({ asOf: '2027-11-01' }).warningFor('blue', '1.34', true);
    expect(w).toMatch(/^unit blue serves on EKS 1\.34, whose extended support ends on 2027-12-02 \(31 days after 2027-11-01\): after that EKS upgrades the control plane by itself\. /);
    expect(w).toContain(`EKS calendar as shipped on ${EKS_CALENDAR_AS_OF}, 329 days before 2027-11-01`);
    expect(w).not.toMatch(/platform support/);
    expect(KubernetesSupportCalendar.eks().endOfSupport('1.35', true)).toBe('2028-03-27');
  });

  test("a fleet's own entry replaces the shipped date, and the warning says so instead of the shipped day", () => {
    const cal = KubernetesSupportCalendar.aks({ asOf: '2026-10-01', entries: [{ minor: '1.34', endOfSupport: '2026-11-01', endOfPlatformSupport: '2027-02-01' }] });
    const w = cal.warningFor('blue', '1.34')!;
    expect(w).toContain("whose support ends on 2026-11-01 (31 days after 2026-10-01)");
    expect(w).toContain('from about 2027-02-01, when 1.38 reaches GA on AKS');
    expect(w).toContain("the date is the fleet's own supportCalendar entry");
    expect(w).not.toContain(AKS_CALENDAR_AS_OF);
    expect(() => KubernetesSupportCalendar.aks({ entries: [{ minor: '1.34', endOfSupport: '2026-11-01', endOfPlatformSupport: 'soon' }] }))
      .toThrow(/supportCalendar\.entries\[0\]\.endOfPlatformSupport.*"soon".*YYYY-MM-DD/s);
  });
});
