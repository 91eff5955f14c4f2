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

export const CORDON_KEY = 'bluegreen.cdktf.io/cordoned';

/** The pool resource of a unit stack's JSON (AKS user pool or EKS node group), or undefined. */
export function poolOf(stack: any): any {
  const r = stack?.resource ?? {};
  return Object.values<any>(r.azurerm_kubernetes_cluster_node_pool ?? r.aws_eks_node_group ?? {})[0];
}

/** Values of the router's cordon taint in the pool's own spec (AKS `node_taints`, EKS `taint`). */
export function cordonOf(stack: any): string[] {
  const pool = poolOf(stack);
  if (!pool) return [];
  if (pool.node_taints !== undefined) {
    return (pool.node_taints as string[]).filter((t) => t.startsWith(`${CORDON_KEY}=`)).map((t) => t.slice(CORDON_KEY.length + 1).split(':')[0]);
  }
  return ((pool.taint ?? []) as any[]).filter((t) => t.key === CORDON_KEY).map((t) => t.value);
}

/** A unit stack's JSON without the pool's taints: the one attribute allowed to change across steps. */
export function withoutPoolTaints(stack: any): string {
  const copy = JSON.parse(JSON.stringify(stack));
  const pool = poolOf(copy);
  if (pool) { delete pool.node_taints; delete pool.taint; }
  return JSON.stringify(copy);
}

/** The drain Job of a traffic stack's JSON, or undefined. */
export function drainJobOf(traffic: any): any {
  return Object.values<any>(traffic?.resource?.kubernetes_job_v1 ?? {}).find((j) => j.metadata.labels['bluegreen.cdktf.io/action'] === 'drain');
}

/** Pool names the traffic stack drains in this step (the drain Job's annotation). */
export function drainedPools(traffic: any): string[] {
  const job = drainJobOf(traffic);
  return job ? job.metadata.annotations['bluegreen.cdktf.io/drain-pools'].split(',').filter((x: string) => x) : [];
}
