import { AksClusterSpec } from '../../src';

export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** A small valid AKS spec. */
export function aksSpec(overrides: Partial<AksClusterSpec> = {}): AksClusterSpec {
  return {
    location: 'westeurope',
    adminGroupObjectIds: ['11111111-1111-1111-1111-111111111111'],
    systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 2, maxCount: 3 },
    userPools: [{ name: 'apps', vmSize: 'Standard_D8ds_v5', minCount: 2, maxCount: 10, labels: { workload: 'apps' } }],
    ...overrides,
  };
}
