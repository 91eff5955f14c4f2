// AKS fleets for the synth benchmark: the library's AksFleet, and the floor — a plain cdktf program
// that creates the same provider resources directly, one stack per unit / validation / traffic / shared.
import { CdnFrontdoorEndpoint } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-endpoint';
import { CdnFrontdoorProfile } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-profile';
import { DataAzurermKubernetesCluster } from '@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster';
import { DataAzurermTrafficManagerProfile } from '@cdktf/provider-azurerm/lib/data-azurerm-traffic-manager-profile';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { TrafficManagerExternalEndpoint } from '@cdktf/provider-azurerm/lib/traffic-manager-external-endpoint';
import { TrafficManagerProfile } from '@cdktf/provider-azurerm/lib/traffic-manager-profile';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { DataHttp } from '@cdktf/provider-http/lib/data-http';
import { HttpProvider } from '@cdktf/provider-http/lib/provider';
import { DataKubernetesNodes } from '@cdktf/provider-kubernetes/lib/data-kubernetes-nodes';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { Sleep } from '@cdktf/provider-time/lib/sleep';
import { App, Fn, LocalBackend, TerraformStack } from 'cdktf';
import { AksFleet, TrafficManagerRouter, UnitDeclaration, UnitLifecycle } from '../src';

const SUB = '00000000-0000-0000-0000-000000000000';
const VERSIONS = ['1.33', '1.34'];

/** N serving units whose weights add up to 100. */
export function benchUnits(n: number): UnitDeclaration[] {
  return Array.from({ length: n }, (_, i) => ({
    slot: `u${i}`, kubernetesVersion: VERSIONS[i % 2], lifecycle: UnitLifecycle.SERVING,
    weight: Math.floor(100 / n) + (i < 100 % n ? 1 : 0),
  }));
}

const SPEC = {
  location: 'westeurope',
  adminGroupObjectIds: ['11111111-1111-1111-1111-111111111111'],
  systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 2, maxCount: 3 },
  userPools: [{ name: 'apps', vmSize: 'Standard_D8ds_v5', minCount: 2, maxCount: 10 }],
};

export function buildAksLibraryApp(app: App, n: number): void {
  new AksFleet(app, 'bench', { subscriptionId: SUB, spec: SPEC, units: benchUnits(n), router: new TrafficManagerRouter() });
}

export function buildAksFloorApp(app: App, n: number): void {
  const stack = (name: string) => {
    const s = new TerraformStack(app, name);
    new LocalBackend(s, { path: `terraform.${name}.tfstate` });
    new AzurermProvider(s, 'azurerm', { features: [{}], subscriptionId: SUB });
    return s;
  };
  const shared = stack('bench-shared');
  new ResourceGroup(shared, 'rg', { name: 'bench-rg', location: 'westeurope' });
  new TrafficManagerProfile(shared, 'tm', {
    name: 'bench-tm', resourceGroupName: 'bench-rg', trafficRoutingMethod: 'Weighted',
    dnsConfig: { relativeName: 'bench', ttl: 30 }, monitorConfig: { protocol: 'HTTPS', port: 443, path: '/healthz' },
  });
  void CdnFrontdoorProfile; void CdnFrontdoorEndpoint;
  const traffic = stack('bench-traffic');
  traffic.addDependency(shared);
  const profile = new DataAzurermTrafficManagerProfile(traffic, 'tm', { name: 'bench-tm', resourceGroupName: 'bench-rg' });
  const endpoints: TrafficManagerExternalEndpoint[] = [];
  benchUnits(n).forEach((u, i) => {
    const name = `u${i}-${u.kubernetesVersion.replace('.', '-')}`;
    const unit = stack(`bench-unit-${name}`);
    unit.addDependency(shared);
    traffic.addDependency(unit);
    const id = new UserAssignedIdentity(unit, 'identity', { name: `bench-${name}-cp`, location: 'westeurope', resourceGroupName: 'bench-rg' });
    const ip = new PublicIp(unit, 'ip', { name: `bench-${name}-origin`, location: 'westeurope', resourceGroupName: 'bench-rg', allocationMethod: 'Static', sku: 'Standard', domainNameLabel: `bench-${name}` });
    new RoleAssignment(unit, 'ip-grant', { scope: ip.id, roleDefinitionName: 'Network Contributor', principalId: id.principalId });
    const cluster = new KubernetesCluster(unit, 'cluster', {
      name: `bench-${name}`, location: 'westeurope', resourceGroupName: 'bench-rg', dnsPrefix: `bench-${name}`, kubernetesVersion: u.kubernetesVersion,
      localAccountDisabled: true, oidcIssuerEnabled: true, workloadIdentityEnabled: true,
      azureActiveDirectoryRoleBasedAccessControl: { azureRbacEnabled: true, adminGroupObjectIds: SPEC.adminGroupObjectIds },
      identity: { type: 'UserAssigned', identityIds: [id.id] },
      networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay' },
      defaultNodePool: { name: 'system', vmSize: 'Standard_D4ds_v5', autoScalingEnabled: true, minCount: 2, maxCount: 3 },
      lifecycle: { preventDestroy: true },
    });
    new KubernetesClusterNodePool(unit, 'pool', { name: 'apps', kubernetesClusterId: cluster.id, vmSize: 'Standard_D8ds_v5', autoScalingEnabled: true, minCount: 2, maxCount: 10 });
    const v = stack(`bench-validate-${name}`);
    v.addDependency(unit);
    const data = new DataAzurermKubernetesCluster(v, 'cluster', { name: `bench-${name}`, resourceGroupName: 'bench-rg' });
    const k8s = new KubernetesProvider(v, 'kubernetes', {
      host: data.kubeConfig.get(0).host, clusterCaCertificate: Fn.base64decode(data.kubeConfig.get(0).clusterCaCertificate),
      exec: [{ apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'kubelogin', args: ['get-token'] }],
    });
    new HttpProvider(v, 'http');
    new NamespaceV1(v, 'ns', { provider: k8s, metadata: { name: 'checks' } });
    new DataKubernetesNodes(v, 'nodes', { provider: k8s, lifecycle: { postcondition: [{ condition: '${length(self.nodes) > 0}', errorMessage: 'no nodes' }] } });
    new JobV1(v, 'job', {
      provider: k8s, metadata: { name: 'smoke', namespace: 'checks' }, waitForCompletion: true,
      spec: { template: { metadata: {}, spec: { restartPolicy: 'Never', container: [{ name: 'c', image: 'busybox:1.37.0', command: ['true'] }] } } },
    });
    new DataHttp(v, 'probe', { url: `https://bench-${name}.westeurope.cloudapp.azure.com/healthz` });
    traffic.addDependency(v);
    endpoints.push(new TrafficManagerExternalEndpoint(traffic, `ep-${name}`, { name, profileId: profile.id, target: `bench-${name}.westeurope.cloudapp.azure.com`, weight: u.weight! * 10 }));
  });
  new TimeProvider(traffic, 'time');
  new Sleep(traffic, 'drain', { createDuration: '60s', dependsOn: endpoints });
}
