import { EksSupportType, UnitLifecycle } from '../src';
import { aksPoolFleet, eksPoolFleet } from './support/node-pool-fixtures';
import { stackJson, testApp } from './support/synth';

// Issue 20 items 8 and 9: the drift between node-pool and cluster fleets, closed.
// Defect it catches: the `upgradePolicy` line of EksNodePoolControlPlane removed (both policy tests).

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups';
const NODES = `${SUB}/net-rg/providers/Microsoft.Network/virtualNetworks/shop-vnet/subnets/nodes`;

describe('a pinned node pool\'s stack cannot change without its fingerprint (issue 20 item 8)', () => {
  const pinned = (fingerprint: string) => [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100, fingerprint }];
  const aksBlue = (props: object) => aksPoolFleet(testApp(), props).plan.units[0].fingerprint;

  test.each([
    ['the fleet tags', { tags: { team: 'shop' } }, { tags: { team: 'shop', cost: 'apps' } }],
    ['the cluster\'s node subnet (the pool\'s default)', { cluster: { location: 'westeurope', adminGroupObjectIds: ['11111111-1111-1111-1111-111111111111'], systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5' }, nodeSubnetId: NODES } },
      { cluster: { location: 'westeurope', adminGroupObjectIds: ['11111111-1111-1111-1111-111111111111'], systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5' }, nodeSubnetId: `${NODES}2` } }],
  ])('AKS: a serving pool pinned before a change of %s is refused at synth, naming the new fingerprint', (_what, before, after) => {
    const fp = aksBlue(before);
    expect(aksBlue(after)).not.toBe(fp);
    expect(() => aksPoolFleet(testApp(), { ...after, units: pinned(fp) })).toThrow(new RegExp(`fingerprint = "${fp}" is refused: a unit is immutable, but the spec it is built from now has fingerprint`));
  });

  test('EKS: a serving node group pinned before a change of the fleet tags is refused at synth', () => {
    const fp = eksPoolFleet(testApp(), { tags: { team: 'shop' } }).plan.units[0].fingerprint;
    expect(() => eksPoolFleet(testApp(), { tags: { team: 'web' }, units: pinned(fp) })).toThrow(/is refused: a unit is immutable/);
  });
});

describe('the EKS node-pool control plane states its upgrade policy, as EksFleet does (issue 20 item 9)', () => {
  const cluster = (supportType?: EksSupportType) => {
    const fleet = eksPoolFleet(testApp(), { cluster: { subnetIds: ['subnet-aaa', 'subnet-bbb'], ...(supportType ? { supportType } : {}) } });
    return Object.values<any>(stackJson(fleet.sharedStack).resource.aws_eks_cluster)[0];
  };

  test('EXTENDED by default, so drift to STANDARD is corrected by the next apply', () => {
    expect(cluster().upgrade_policy).toEqual({ support_type: 'EXTENDED' });
  });

  test('the user\'s choice when given', () => {
    expect(cluster(EksSupportType.STANDARD).upgrade_policy).toEqual({ support_type: 'STANDARD' });
  });

  test('a support type that is not one is refused, naming the field and the choices', () => {
    expect(() => cluster('FOREVER' as EksSupportType)).toThrow(/fleet "shop": cluster\.supportType = "FOREVER" is refused: a support type is one of STANDARD, EXTENDED/);
  });
});
