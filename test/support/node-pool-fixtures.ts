import { AksNodePoolFleet, AksNodePoolFleetProps, EksNodePoolFleet, EksNodePoolFleetProps, UnitDeclaration, UnitLifecycle } from '../../src';
import { App } from 'cdktf';

export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** Props of a small AKS node-pool fleet; override what the test is about. */
export function aksPoolProps(overrides: Partial<AksNodePoolFleetProps> = {}): AksNodePoolFleetProps {
  return {
    subscriptionId: SUBSCRIPTION,
    controlPlaneVersion: '1.33',
    cluster: {
      location: 'westeurope',
      adminGroupObjectIds: ['11111111-1111-1111-1111-111111111111'],
      systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 2, maxCount: 3 },
    },
    pool: { vmSize: 'Standard_D8ds_v5', minCount: 3, maxCount: 10, labels: { workload: 'apps' } },
    units: [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }],
    ...overrides,
  };
}

/** Props of a small EKS node-pool fleet. */
export function eksPoolProps(overrides: Partial<EksNodePoolFleetProps> = {}): EksNodePoolFleetProps {
  return {
    region: 'eu-west-1',
    controlPlaneVersion: '1.33',
    cluster: { subnetIds: ['subnet-aaa', 'subnet-bbb'], adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admin'] },
    pool: { instanceTypes: ['m7i.xlarge'], minSize: 3, maxSize: 10, labels: { workload: 'apps' } },
    units: [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }],
    ...overrides,
  };
}

export const serving = (slot: string, kubernetesVersion: string, weight = 100): UnitDeclaration => ({ slot, kubernetesVersion, lifecycle: UnitLifecycle.SERVING, weight });
export const candidate = (slot: string, kubernetesVersion: string): UnitDeclaration => ({ slot, kubernetesVersion, lifecycle: UnitLifecycle.CANDIDATE });
export const standby = (slot: string, kubernetesVersion: string): UnitDeclaration => ({ slot, kubernetesVersion, lifecycle: UnitLifecycle.STANDBY });
export const retired = (slot: string, kubernetesVersion: string): UnitDeclaration => ({ slot, kubernetesVersion, lifecycle: UnitLifecycle.RETIRED });

export function aksPoolFleet(app: App, props: Partial<AksNodePoolFleetProps> = {}, id = 'shop'): AksNodePoolFleet {
  return new AksNodePoolFleet(app, id, aksPoolProps(props));
}

export function eksPoolFleet(app: App, props: Partial<EksNodePoolFleetProps> = {}, id = 'shop'): EksNodePoolFleet {
  return new EksNodePoolFleet(app, id, eksPoolProps(props));
}
