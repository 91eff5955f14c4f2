import { AksFleet, AksFleetProps, AksOsType, FrontDoorRouter, NodesReadyCheck, SmokeJobCheck, TrafficManagerRouter, UnitDeclaration, UnitLifecycle } from '../src';
import { BlueGreenError } from '../src/core/errors';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { testApp } from './support/synth';

const S = UnitLifecycle.SERVING;
const blue = (o: Partial<UnitDeclaration> = {}): UnitDeclaration => ({ slot: 'blue', kubernetesVersion: '1.33', lifecycle: S, weight: 90, ...o });
const green = (o: Partial<UnitDeclaration> = {}): UnitDeclaration => ({ slot: 'green', kubernetesVersion: '1.34', lifecycle: S, weight: 10, ...o });

function build(props: Partial<AksFleetProps>, fleet = 'shop'): void {
  new AksFleet(testApp(), fleet, { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units: [blue(), green()], ...props });
}

/** Runs `fn` and returns the refusal it throws (failing the test when it does not throw one). */
function refusal(fn: () => void): BlueGreenError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BlueGreenError);
    return e as BlueGreenError;
  }
  throw new Error('expected a refusal, but the input was accepted');
}

interface Case {
  readonly title: string;
  readonly run: () => void;
  readonly unit?: string;
  readonly field: string | RegExp;
  readonly value: string | RegExp;
  readonly rule: RegExp;
  readonly fix: RegExp;
}

const cases: Case[] = [
  { title: 'weights that do not add up to 100', run: () => build({ units: [blue({ weight: 90 }), green({ weight: 20 })] }), field: 'units[*].weight', value: /^110 \(blue=90, green=20\)$/, rule: /add up to 100/, fix: /give "blue" weight 80/ },
  { title: 'weight for a unit without validation', run: () => build({ units: [blue(), green({ validation: false })] }), unit: 'green', field: 'validation', value: 'false', rule: /only a unit with a validation stack receives weight/, fix: /validation: true/ },
  { title: 'a negative weight', run: () => build({ units: [blue({ weight: 105 }), green({ weight: -5 })] }), unit: 'blue', field: 'weight', value: '105', rule: /whole number from 0 to 100/, fix: /weight: 100/ },
  { title: 'a negative weight (on its own)', run: () => build({ units: [blue({ weight: 100 }), green({ weight: -5 })] }), unit: 'green', field: 'weight', value: '-5', rule: /whole number from 0 to 100/, fix: /weight: 0/ },
  { title: 'a fractional weight', run: () => build({ units: [blue({ weight: 87.5 }), green({ weight: 12.5 })] }), unit: 'blue', field: 'weight', value: '87.5', rule: /whole number/, fix: /weight: 88/ },
  { title: 'a NaN weight', run: () => build({ units: [blue({ weight: NaN }), green()] }), unit: 'blue', field: 'weight', value: 'NaN', rule: /whole number/, fix: /weight: 10/ },
  { title: 'duplicate slots', run: () => build({ units: [blue({ weight: 50 }), blue({ weight: 50, kubernetesVersion: '1.34' })] }), unit: 'blue', field: 'slot', value: '"blue"', rule: /slots are unique in a fleet/, fix: /another slot, e\.g\. "green"/ },
  { title: 'an unparseable version', run: () => build({ units: [blue(), green({ kubernetesVersion: '1.3x' })] }), unit: 'green', field: 'kubernetesVersion', value: '"1.3x"', rule: /1\.MINOR or 1\.MINOR\.PATCH/, fix: /kubernetesVersion: "1\.37"/ },
  { title: 'a version with another major', run: () => build({ units: [blue(), green({ kubernetesVersion: '2.0' })] }), unit: 'green', field: 'kubernetesVersion', value: '"2.0"', rule: /1\.MINOR/, fix: /"1\.37"/ },
  { title: 'an unsupported (too new) version for a new unit', run: () => build({ units: [blue({ weight: 100 }), green({ kubernetesVersion: '1.50', lifecycle: UnitLifecycle.CANDIDATE, weight: 0 })] }), unit: 'green', field: 'kubernetesVersion', value: '"1.50"', rule: /supported minor, 1\.29 to 1\.37/, fix: /"1\.37"/ },
  { title: 'an unsupported (too old) version for a new unit', run: () => build({ units: [blue({ weight: 100 }), green({ kubernetesVersion: '1.22', lifecycle: UnitLifecycle.CANDIDATE, weight: 0 })] }), unit: 'green', field: 'kubernetesVersion', value: '"1.22"', rule: /supported minor/, fix: /"1\.37"/ },
  { title: 'a node pool newer than its control plane', run: () => build({ spec: aksSpec({ userPools: [{ name: 'apps', vmSize: 'Standard_D8ds_v5', kubernetesVersion: '1.34' }] }), units: [blue({ weight: 100 })] }), unit: 'blue', field: 'spec.userPools[0].kubernetesVersion', value: '"1.34"', rule: /never newer than its control plane \(1\.33\)/, fix: /kubernetesVersion: "1\.33"/ },
  { title: 'a node pool beyond the version skew', run: () => build({ spec: aksSpec({ userPools: [{ name: 'apps', vmSize: 'Standard_D8ds_v5', kubernetesVersion: '1.29' }] }), units: [blue({ weight: 100 })] }), unit: 'blue', field: 'spec.userPools[0].kubernetesVersion', value: '"1.29"', rule: /at most 3 minors older/, fix: /kubernetesVersion: "1\.33"/ },
  { title: 'an AKS Linux pool name over 12 characters', run: () => build({ spec: aksSpec({ userPools: [{ name: 'applicationpool', vmSize: 'Standard_D8ds_v5' }] }) }), field: 'spec.userPools[0].name', value: '"applicationpool"', rule: /AKS Linux node pool name is 1-12 lowercase letters and digits/, fix: /name: "applicationp"/ },
  { title: 'an AKS pool name with capitals and a dash', run: () => build({ spec: aksSpec({ userPools: [{ name: 'Apps-1', vmSize: 'Standard_D8ds_v5' }] }) }), field: 'spec.userPools[0].name', value: '"Apps-1"', rule: /lowercase letters and digits/, fix: /name: "apps1"/ },
  { title: 'an AKS Windows pool (the Cilium dataplane is Linux-only)', run: () => build({ spec: aksSpec({ userPools: [{ name: 'win', vmSize: 'Standard_D8ds_v5', osType: AksOsType.WINDOWS }] }) }), field: 'spec.userPools[0].osType', value: '"Windows"', rule: /Cilium, which runs Linux nodes only/, fix: /osType: AksOsType.LINUX/ },
  { title: 'a fleet with nothing serving', run: () => build({ units: [blue({ lifecycle: UnitLifecycle.STANDBY, weight: 0 }), green({ lifecycle: UnitLifecycle.CANDIDATE, weight: 0 })] }), field: 'units[*].lifecycle', value: /blue:standby, green:candidate/, rule: /at least one unit serves traffic/, fix: /make "blue" serving with weight 100/ },
  { title: 'a serving unit with weight 0', run: () => build({ units: [blue({ weight: 100 }), green({ weight: 0 })] }), unit: 'green', field: 'weight', value: '0', rule: /serving unit receives traffic/, fix: /UnitLifecycle\.STANDBY/ },
  { title: 'a candidate with weight', run: () => build({ units: [blue(), green({ lifecycle: UnitLifecycle.CANDIDATE })] }), unit: 'green', field: 'weight', value: '10', rule: /only a serving unit receives traffic; a candidate unit has weight 0/, fix: /weight: 0/ },
  { title: 'a drain timer shorter than the Front Door propagation + 2 × its TTL', run: () => build({ router: new FrontDoorRouter(), drainSeconds: 120 }), field: 'drainSeconds', value: '120', rule: /at least the Azure Front Door propagation of 1200 s \+ 2 × its TTL of 60 s/, fix: /drainSeconds: 1320/ },
  { title: 'a drain timer shorter than 2 × the Traffic Manager TTL', run: () => build({ router: new TrafficManagerRouter({ ttlSeconds: 45 }), drainSeconds: 60 }), field: 'drainSeconds', value: '60', rule: /propagation of 0 s \+ 2 × its TTL of 45 s/, fix: /drainSeconds: 90/ },
  { title: 'a slot that cannot be part of a name', run: () => build({ units: [blue({ slot: 'Blue_1' }), green()] }), unit: 'Blue_1', field: 'slot', value: '"Blue_1"', rule: /1-10 lowercase letters and digits/, fix: /slot: "blue1"/ },
  { title: 'a fleet name with capitals', run: () => build({}, 'Shop_Prod'), field: 'fleet name', value: '"Shop_Prod"', rule: /2-24 lowercase letters/, fix: /"shop-prod"/ },
  { title: 'a subscription id that is not a GUID', run: () => build({ subscriptionId: 'my-sub' }), field: 'subscriptionId', value: '"my-sub"', rule: /GUID/, fix: /00000000-/ },
  { title: 'no admin group (local accounts are disabled)', run: () => build({ spec: aksSpec({ adminGroupObjectIds: [] }) }), field: 'spec.adminGroupObjectIds', value: '[]', rule: /at least one Entra ID group/, fix: /adminGroupObjectIds/ },
  { title: 'a changed spec under a pinned fingerprint', run: () => build({ units: [blue({ weight: 100, fingerprint: 'aaaaaa' })] }), unit: 'blue', field: 'fingerprint', value: '"aaaaaa"', rule: /a unit is immutable/, fix: /new unit in another slot/ },
  { title: 'a maintenance window under 4 hours', run: () => build({ spec: aksSpec({ maintenanceWindow: { durationHours: 2 } }) }), field: 'spec.maintenanceWindow.durationHours', value: '2', rule: /4 to 24 whole hours/, fix: /durationHours: 4/ },
  { title: 'a pool whose minimum exceeds its maximum', run: () => build({ spec: aksSpec({ systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 6, maxCount: 3 } }) }), field: 'spec.systemPool.maxCount', value: '3', rule: /from minCount \(6\) to 1000/, fix: /maxCount: 6/ },
  { title: 'a unit spec for a slot that does not exist', run: () => build({ unitSpecs: { teal: aksSpec() } }), field: 'unitSpecs.teal', value: '"teal"', rule: /slot of a declared unit/, fix: /remove unitSpecs\.teal/ },
  { title: 'no units at all', run: () => build({ units: [] }), field: 'units', value: '[]', rule: /at least one unit/, fix: /serving unit/ },
  { title: 'two checks with one name', run: () => build({ checks: [new NodesReadyCheck(), new NodesReadyCheck()] }), field: 'checks', value: '"nodes-ready"', rule: /unique/, fix: /another name/ },
];

describe('bad input is refused at synth with one readable message', () => {
  test.each(cases.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    const e = refusal(c.run);
    expect(e.unit).toBe(c.unit);
    if (typeof c.field === 'string') expect(e.field).toBe(c.field); else expect(e.field).toMatch(c.field);
    if (typeof c.value === 'string') expect(e.value).toBe(c.value); else expect(e.value).toMatch(c.value);
    expect(e.rule).toMatch(c.rule);
    expect(e.fix).toMatch(c.fix);
    // The message itself says all of it, on one line.
    expect(e.message).toContain(`fleet "${e.fleet}"`);
    if (c.unit) expect(e.message).toContain(`unit "${c.unit}"`);
    expect(e.message).toContain(e.value);
    expect(e.message).toContain('Fix: ');
    expect(e.message).not.toContain('\n');
  });

  test('a suggested fix passes when applied (pool name)', () => {
    const e = refusal(() => build({ spec: aksSpec({ userPools: [{ name: 'applicationpool', vmSize: 'Standard_D8ds_v5' }] }) }));
    const suggested = /name: "([a-z0-9]+)"/.exec(e.fix)![1];
    expect(() => build({ spec: aksSpec({ userPools: [{ name: suggested, vmSize: 'Standard_D8ds_v5' }] }) })).not.toThrow();
  });

  test('all-zero weights are refused by the Azure routers themselves (no weight 0 exists there)', () => {
    const targets = [
      { unitName: 'blue-1-33-aaaaaa', slot: 'blue', lifecycle: 'standby', weight: 0, originHost: 'a.example' },
      { unitName: 'green-1-34-bbbbbb', slot: 'green', lifecycle: 'candidate', weight: 0, originHost: 'b.example' },
    ];
    for (const router of [new FrontDoorRouter(), new TrafficManagerRouter()]) {
      const e = refusal(() => router.checkTargets('shop', targets));
      expect(e.message).toMatch(new RegExp(`${router.routerName} has no weight 0`));
      expect(e.value).toBe('"blue=0, green=0"');
      expect(e.fix).toMatch(/at least one validated unit weight > 0/);
    }
  });

  test('check images are pinned and check pods never run as root', () => {
    expect(refusal(() => new SmokeJobCheck({ name: 'smoke', image: 'busybox:latest', command: ['true'] })).rule).toMatch(/pinned by tag or digest/);
    expect(refusal(() => new SmokeJobCheck({ name: 'smoke', image: 'busybox:1.37.0', command: ['true'], runAsUser: 0 })).rule).toMatch(/never run as root/);
  });
});
