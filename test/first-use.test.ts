import { AksFleet, AksFleetProps, UnitDeclaration, UnitLifecycle } from '../src';
import { BlueGreenError } from '../src/core/errors';
import { eksFleet } from './aws/eks-fixtures';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { testApp } from './support/synth';

// First-use refusals: placeholders copied from the docs, and a spec change under pinned fingerprints
// (every unit in one message, with the three ways out). No synth: refusals come at construction.
const S = UnitLifecycle.SERVING;
const blue = (o: Partial<UnitDeclaration> = {}): UnitDeclaration => ({ slot: 'blue', kubernetesVersion: '1.33', lifecycle: S, weight: 90, ...o });
const green = (o: Partial<UnitDeclaration> = {}): UnitDeclaration => ({ slot: 'green', kubernetesVersion: '1.34', lifecycle: S, weight: 10, ...o });
const aks = (props: Partial<AksFleetProps>) => new AksFleet(testApp(), 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units: [blue(), green()], ...props });

function refusal(fn: () => void): BlueGreenError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BlueGreenError);
    return e as BlueGreenError;
  }
  throw new Error('expected a refusal, but the input was accepted');
}

/** The fingerprints the current spec gives blue and green. */
const real = (() => {
  const units = aks({}).plan.units;
  return { blue: units.find((u) => u.slot === 'blue')!.fingerprint, green: units.find((u) => u.slot === 'green')!.fingerprint };
})();

describe('placeholders are refused as ids', () => {
  test('an AKS admin group copied from the docs', () => {
    const e = refusal(() => aks({ spec: aksSpec({ adminGroupObjectIds: ['<platform team group object id>'] }) }));
    expect(e.message).toBe('fleet "shop": spec.adminGroupObjectIds[0] = "<platform team group object id>" is refused: a placeholder from the documentation is not a value: Terraform would receive it as a literal id. '
      + 'Fix: put the real value in its place, e.g. spec.adminGroupObjectIds[0]: "2f4a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b" (an Entra ID / Azure GUID).');
  });

  test('an AKS subscription and an EKS principal ARN', () => {
    expect(refusal(() => aks({ subscriptionId: '<subscription id>' })).field).toBe('subscriptionId');
    const e = refusal(() => eksFleet(testApp(), 'api', [blue({ weight: 100 })], { validationPrincipalArn: '<deployer role ARN>' }));
    expect([e.field, e.value]).toEqual(['validationPrincipalArn', '"<deployer role ARN>"']);
    expect(e.fix).toContain('arn:aws:iam::123456789012:role/');
  });

  test('angle brackets inside a real value are not a placeholder', () => {
    expect(() => aks({ spec: aksSpec({ userPools: [{ name: 'apps', vmSize: 'Standard_D8ds_v5', labels: { note: 'a<b>c' } }] }) })).not.toThrow(/placeholder/);
  });
});

describe('a spec change under pinned fingerprints', () => {
  test('reports every changed unit at once, with the three choices', () => {
    const e = refusal(() => aks({ units: [blue({ fingerprint: 'aaaaaa' }), green({ fingerprint: 'bbbbbb' })] }));
    expect(e.unit).toBeUndefined();
    expect(e.field).toBe('units[*].fingerprint');
    expect(e.value).toBe('blue="aaaaaa", green="bbbbbb"');
    expect(e.rule).toContain(`fingerprint blue: "${real.blue}", green: "${real.green}"`);
    expect(e.fix).toMatch(/^\(1\) if a unit were a candidate .*this choice is closed; \(2\) revert the spec change .*; \(3\) keep the change and declare it as a new unit in another slot, e\.g\. \{ slot: "teal"/);
  });

  test('a candidate may pin its new fingerprint: the fix names the value', () => {
    const e = refusal(() => aks({ units: [blue({ weight: 100, fingerprint: real.blue }), green({ lifecycle: UnitLifecycle.CANDIDATE, weight: 0, fingerprint: 'bbbbbb' })] }));
    expect([e.unit, e.field, e.value]).toEqual(['green', 'fingerprint', '"bbbbbb"']);
    expect(e.fix).toContain(`(1) the change is intended and "green" is a candidate (no traffic yet): pin the new fingerprint (green: "${real.green}")`);
  });
});
