import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { AksFleet, AksUnitNames, EksUnitNames, UnitLifecycle } from '../src';
import { eksFleet } from './aws/eks-fixtures';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { stackJson, testApp } from './support/synth';

// docs/adopt-existing-cluster.md, "Import a cluster that already has the unit's name": the code it
// shows, and what Terraform is then given.
const serving = [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }];

describe('adopting an existing cluster as the first unit (cdktf importFrom → Terraform import blocks)', () => {
  test('EKS: the unit stack imports the cluster by its name and keeps prevent_destroy', () => {
    const app = testApp();
    const fleet = eksFleet(app, 'shop', serving);
    const unit = fleet.plan.units[0].name;
    const cluster = fleet.unitStacks[unit].node.findAll().find((c): c is EksCluster => c instanceof EksCluster)!;
    cluster.importFrom(EksUnitNames.clusterName('shop', unit));
    const json = stackJson(fleet.unitStacks[unit]);
    const [address, body] = Object.entries<any>(json.resource.aws_eks_cluster)[0];
    expect(json.import).toEqual([{ to: `aws_eks_cluster.${address}`, id: `shop-${unit}` }]);
    expect(body.name).toBe(`shop-${unit}`);
    expect(body.lifecycle.prevent_destroy).toBe(true);
  });

  test('AKS: the import id is the cluster\'s Azure resource id, in the fleet\'s resource group', () => {
    const app = testApp();
    const fleet = new AksFleet(app, 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units: serving });
    const unit = fleet.plan.units[0].name;
    const cluster = fleet.unitStacks[unit].node.findAll().find((c): c is KubernetesCluster => c instanceof KubernetesCluster)!;
    const id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/shop-rg/providers/Microsoft.ContainerService/managedClusters/${AksUnitNames.clusterName('shop', unit)}`;
    cluster.importFrom(id);
    const json = stackJson(fleet.unitStacks[unit]);
    const [address, body] = Object.entries<any>(json.resource.azurerm_kubernetes_cluster)[0];
    expect(json.import).toEqual([{ to: `azurerm_kubernetes_cluster.${address}`, id }]);
    expect(body.resource_group_name).toBe('shop-rg');
    expect(body.lifecycle.prevent_destroy).toBe(true);
  });
});
