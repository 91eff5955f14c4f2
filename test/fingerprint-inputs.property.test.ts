import { Testing } from 'cdktf';
import {
  AksFleet, AksFleetProps, AksNodePoolFleet, AksNodePoolFleetProps, EksFleet, EksFleetProps, EksNodePoolFleet, EksNodePoolFleetProps,
  RolloutFleet, UnitLifecycle,
} from '../src';
import { BlueGreenError } from '../src/core/errors';
import { eksFleetProps } from './aws/eks-fixtures';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { aksPoolProps, eksPoolProps } from './support/node-pool-fixtures';
import { testApp } from './support/synth';

// Issue 24 item 3: a unit's fingerprint is derived from everything that reaches its stack. For every
// input of every fleet kind (each leaf of a rich set of props), the property: perturb it, and either
// the fingerprint changes (a new unit), or the unit's stack is exactly as before, or synth refuses
// the value. A leaf that changes a pinned unit's stack without changing its fingerprint is an input
// the fingerprint forgot (issue 20 item 8: AKS node-pool fleet `tags` and node subnet).
// Defects it catches: aksPool's identity without `subnetId` and `tags` (aks-node-pool-fleet.ts) →
// "forgotten: cluster.nodeSubnetId, tags.team"; unitFingerprint without the capabilities' identities
// (plan-phase.ts) → AksFleet "forgotten: gitOps.repository.url, … workloadAccess.dataStores.0.port".

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups';
const SERVING = [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }];
// Props that are class instances (router, access, checks, backend, calendar) are behaviour, not
// data: their inputs are covered by the fleet kind's own tests. `units` is the step itself.
const NOT_LEAVES = new Set(['units', 'previousUnits', 'router', 'access', 'checks', 'backend', 'supportCalendar']);

type Build = (props: any) => RolloutFleet;
interface Kind { readonly name: string; readonly props: any; readonly build: Build }

const KINDS: Kind[] = [
  {
    name: 'AksFleet',
    props: {
      subscriptionId: SUBSCRIPTION, units: SERVING, tags: { team: 'shop' }, resourceGroupName: 'shop-rg', validationPrincipalObjectId: '22222222-2222-2222-2222-222222222222',
      spec: aksSpec({ nodeSubnetId: `${SUB}/net-rg/providers/Microsoft.Network/virtualNetworks/shop-vnet/subnets/nodes`, maintenanceWindow: { dayOfWeek: 'Sunday', startTime: '02:00', durationHours: 4 } }),
      gitOps: { repository: { url: 'https://github.com/example/shop-gitops', path: 'clusters/{minor}/{slot}', branch: 'main' } },
      workloadAccess: {
        identities: [{ namespace: 'shop', serviceAccount: 'api', managedIdentityId: `${SUB}/shop-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-api` }],
        registryIds: [`${SUB}/shared-rg/providers/Microsoft.ContainerRegistry/registries/shopacr`],
        dataStores: [{ name: 'orders-db', networkSecurityGroupId: `${SUB}/data-rg/providers/Microsoft.Network/networkSecurityGroups/orders-nsg`, port: 5432 }],
      },
    } as AksFleetProps,
    build: (props) => new AksFleet(testApp(), 'shop', props),
  },
  {
    name: 'EksFleet',
    props: eksFleetProps(SERVING, {
      tags: { team: 'shop' }, allowedAccountIds: ['123456789012'],
      origin: { targetPort: 8080, healthCheckPath: '/healthz', allowedCidrs: ['203.0.113.0/24'] },
      gitOps: { repository: { url: 'https://github.com/example/shop-gitops', path: 'clusters/{minor}/{slot}' }, identityCenterInstanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef' },
      workloadAccess: {
        identities: [{ namespace: 'shop', serviceAccount: 'api', roleArn: 'arn:aws:iam::123456789012:role/shop-api' }],
        registryArns: ['arn:aws:ecr:eu-west-1:210987654321:repository/shop/api'],
        dataStores: [{ name: 'orders-db', securityGroupId: 'sg-0a1b2c3d4e5f60009', port: 5432 }],
      },
    }) as EksFleetProps,
    build: (props) => new EksFleet(testApp(), 'shop', props),
  },
  {
    name: 'AksNodePoolFleet',
    props: aksPoolProps({
      tags: { team: 'shop' }, resourceGroupName: 'shop-rg', clusterName: 'shop-aks', validationPrincipalObjectId: '22222222-2222-2222-2222-222222222222',
      cluster: { ...aksPoolProps().cluster, nodeSubnetId: `${SUB}/net-rg/providers/Microsoft.Network/virtualNetworks/shop-vnet/subnets/nodes` },
      pool: { vmSize: 'Standard_D8ds_v5', minCount: 3, maxCount: 10, labels: { workload: 'apps' }, taints: ['dedicated=apps:NoSchedule'] },
    }) as AksNodePoolFleetProps,
    build: (props) => new AksNodePoolFleet(testApp(), 'shop', props),
  },
  {
    name: 'EksNodePoolFleet',
    props: eksPoolProps({
      tags: { team: 'shop' }, clusterName: 'shop-eks', validationPrincipalArn: 'arn:aws:iam::123456789012:role/platform-deployer',
      pool: { instanceTypes: ['m7i.xlarge'], minSize: 3, maxSize: 10, labels: { workload: 'apps' }, taints: [{ key: 'dedicated', value: 'apps', effect: 'NO_SCHEDULE' }] },
    }) as EksNodePoolFleetProps,
    build: (props) => new EksNodePoolFleet(testApp(), 'shop', props),
  },
];

/** Every data leaf of `value` as a path (keys and indexes). */
function leaves(value: any, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype) return [];
    return Object.keys(value).filter((k) => path.length > 0 || !NOT_LEAVES.has(k)).flatMap((k) => leaves(value[k], [...path, k]));
  }
  return [path];
}

/** A neighbouring value of the same shape: the last letter or digit moved on, a number + 1, a boolean flipped. */
function perturbed(v: unknown): unknown {
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return v + 1;
  const s = String(v);
  const i = s.search(/[A-Za-z0-9][^A-Za-z0-9]*$/);
  const c = s[i];
  const next = /[0-9]/.test(c) ? String((Number(c) + 1) % 10) : c === 'f' ? 'a' : c === 'z' ? 'y' : c === 'Z' ? 'Y' : String.fromCharCode(c.charCodeAt(0) + 1);
  return s.slice(0, i) + next + s.slice(i + 1);
}

/** A copy of the plain data of `v` (class instances are kept as they are). */
function cloneData(v: any): any {
  if (Array.isArray(v)) return v.map(cloneData);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneData(x)]));
  }
  return v;
}

function withLeaf(props: any, path: (string | number)[], value: unknown): any {
  const copy = cloneData(props);
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k];
  at[path[path.length - 1]] = value;
  return copy;
}

/** blue's fingerprint, and its unit stack's JSON (the one it keeps while it lives), synthesized on demand. */
function blue(build: Build, props: any): { fingerprint: string; stack: () => string } {
  const fleet = build(props);
  const unit = fleet.plan.units.find((u) => u.slot === 'blue')!;
  return { fingerprint: unit.fingerprint, stack: () => Testing.synth(fleet.unitStacks[unit.name]) };
}

describe('a unit\'s fingerprint covers every input that reaches its stack, on every fleet kind', () => {
  test.each(KINDS.map((k) => [k.name, k] as const))('%s: perturbing any input changes the fingerprint, or leaves the unit\'s stack unchanged, or is refused', (_name, kind) => {
    const base = blue(kind.build, kind.props);
    const baseStack = base.stack();
    const forgotten: string[] = [];
    const seen = { fingerprint: 0, unreached: 0, refused: 0 };
    const paths = leaves(kind.props);
    for (const path of paths) {
      const props = withLeaf(kind.props, path, perturbed(path.reduce((o: any, k) => o[k], kind.props)));
      let after: { fingerprint: string; stack: () => string };
      try {
        after = blue(kind.build, props);
      } catch (e) {
        if (!(e instanceof BlueGreenError)) throw e;
        seen.refused++;
        continue;
      }
      if (after.fingerprint !== base.fingerprint) seen.fingerprint++;
      else if (after.stack() === baseStack) seen.unreached++;
      else forgotten.push(path.join('.'));
    }
    // eslint-disable-next-line no-console
    console.log(`${kind.name}: ${paths.length} inputs: ${seen.fingerprint} change the fingerprint, ${seen.unreached} do not reach the unit's stack, ${seen.refused} refused; forgotten: ${forgotten.join(', ') || 'none'}`);
    expect(forgotten).toEqual([]);
    // The property is not vacuous: inputs of every kind were perturbed, few were refused, many changed the fingerprint.
    expect(paths.length).toBeGreaterThanOrEqual(15);
    expect(seen.refused).toBeLessThanOrEqual(paths.length / 4);
    expect(seen.fingerprint).toBeGreaterThanOrEqual(9);
  });
});
