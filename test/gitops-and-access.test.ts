import { AksFleet, AksFleetProps, AksWorkloadAccess, EksWorkloadAccess, FrontDoorRouter, UnitDeclaration, UnitLifecycle } from '../src';
import { eksFleet } from './aws/eks-fixtures';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { resourcesOf, synthAll, testApp } from './support/synth';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups';
const AKS_ACCESS: AksWorkloadAccess = {
  identities: [
    { namespace: 'shop', serviceAccount: 'api', managedIdentityId: `${SUB}/shop-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-api`, verifySecret: 'shop-kv/db-password' },
    { namespace: 'shop', serviceAccount: 'worker', managedIdentityId: `${SUB}/shop-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-worker`, verify: false },
  ],
  registryIds: [`${SUB}/shared-rg/providers/Microsoft.ContainerRegistry/registries/shopacr`],
  dataStores: [{ name: 'orders-db', networkSecurityGroupId: `${SUB}/data-rg/providers/Microsoft.Network/networkSecurityGroups/orders-nsg`, port: 5432 }],
};
const NODE_SUBNET = `${SUB}/net-rg/providers/Microsoft.Network/virtualNetworks/shop-vnet/subnets/nodes`;
const GITOPS = { repository: { url: 'https://github.com/example/shop-gitops', path: 'clusters/{minor}/{slot}' } };

// Two steps of one rollout: green is a candidate next to serving blue, then green serves and blue is retired.
const STEP_A: UnitDeclaration[] = [
  { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 },
  { slot: 'green', kubernetesVersion: '1.34.2', lifecycle: UnitLifecycle.CANDIDATE, weight: 0 },
];
const STEP_C: UnitDeclaration[] = [
  { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.RETIRED, weight: 0 },
  { slot: 'green', kubernetesVersion: '1.34.2', lifecycle: UnitLifecycle.SERVING, weight: 100 },
];

function aksFleet(units: UnitDeclaration[], extra: Partial<AksFleetProps> = {}) {
  const app = testApp();
  const fleet = new AksFleet(app, 'shop', {
    subscriptionId: SUBSCRIPTION, spec: aksSpec({ nodeSubnetId: NODE_SUBNET }), router: new FrontDoorRouter(),
    gitOps: GITOPS, workloadAccess: AKS_ACCESS, units, ...extra,
  });
  return { app, fleet };
}
function aks(units: UnitDeclaration[], extra: Partial<AksFleetProps> = {}) {
  const { app, fleet } = aksFleet(units, extra);
  return { fleet, ...synthAll(app) };
}
const count = (json: any, type: string) => Object.keys(json.resource?.[type] ?? {}).length;
const dataCount = (json: any, type: string) => Object.keys(json.data?.[type] ?? {}).length;

describe('AKS: what arrives on a new unit by itself', () => {
  const a = aks(STEP_A);
  const c = aks(STEP_C);
  const [blue, green] = a.fleet.plan.units.map((u) => u.name);
  const unitStacks = (s: Record<string, any>) => Object.keys(s).filter((n) => n.startsWith('shop-unit-'));
  const otherStacks = (s: Record<string, any>) => Object.keys(s).filter((n) => !n.startsWith('shop-unit-'));

  test('every declared identity and grant appears once per live unit, in that unit\'s stack, and in no other stack', () => {
    for (const name of [blue, green]) {
      const unit = a.stacks[`shop-unit-${name}`];
      const fics = Object.values<any>(unit.resource.azurerm_federated_identity_credential);
      expect(fics.map((f) => f.subject).sort()).toEqual(['system:serviceaccount:shop:api', 'system:serviceaccount:shop:worker']);
      for (const f of fics) {
        expect(f.issuer).toMatch(/^\$\{azurerm_kubernetes_cluster\.unit_cluster_[0-9A-F]+\.oidc_issuer_url\}$/);
        expect(f.audience).toEqual(['api://AzureADTokenExchange']);
        expect(f.lifecycle.prevent_destroy).toBe(true);
      }
      const pulls = resourcesOf(unit).filter(([t, , b]) => t === 'azurerm_role_assignment' && b.role_definition_name === 'AcrPull');
      expect(pulls).toHaveLength(1);
      expect(pulls[0][2].principal_id).toMatch(/kubelet_identity\[0\]\.object_id\}$/);
      expect(count(unit, 'azurerm_network_security_rule')).toBe(1);
      expect(count(unit, 'azurerm_kubernetes_flux_configuration')).toBe(1);
      expect(count(unit, 'azurerm_kubernetes_cluster_extension')).toBe(1);
    }
    for (const s of otherStacks(a.stacks)) {
      for (const t of ['azurerm_federated_identity_credential', 'azurerm_network_security_rule', 'azurerm_kubernetes_flux_configuration']) expect(count(a.stacks[s], t)).toBe(0);
      expect(resourcesOf(a.stacks[s]).filter(([, , b]) => b.role_definition_name === 'AcrPull')).toHaveLength(0);
    }
    expect(unitStacks(a.stacks)).toHaveLength(2);
  });

  test("the unit's Flux configuration follows its own path and gives the manifests its slot and version", () => {
    const flux = Object.values<any>(a.stacks[`shop-unit-${green}`].resource.azurerm_kubernetes_flux_configuration)[0];
    expect(flux.kustomizations[0].path).toBe('clusters/1.34/green');
    expect(flux.kustomizations[0].post_build.substitute).toEqual({ BLUEGREEN_FLEET: 'shop', BLUEGREEN_SLOT: 'green', BLUEGREEN_UNIT: green, BLUEGREEN_VERSION: '1.34.2' });
    expect(flux.git_repository).toMatchObject({ url: 'https://github.com/example/shop-gitops', reference_type: 'branch', reference_value: 'main' });
    expect(flux.depends_on.join(' ')).toMatch(/azurerm_kubernetes_cluster_extension/);
    expect(flux.depends_on.join(' ')).toMatch(/azurerm_federated_identity_credential/);
  });

  test('a retired unit\'s stack has none of its grants (nothing at all) and the live unit\'s stack is byte-identical across steps', () => {
    expect(c.stacks[`shop-unit-${blue}`].resource ?? {}).toEqual({});
    expect(JSON.stringify(c.stacks[`shop-unit-${green}`])).toBe(JSON.stringify(a.stacks[`shop-unit-${green}`]));
  });

  test('checks run in phases: the sync, then the identity, then nodes / smoke / probe; the failure names the sync', () => {
    const v = a.stacks[`shop-validate-${green}`];
    const jobs = Object.entries<any>(v.resource.kubernetes_job_v1);
    const sync = jobs.find(([, j]) => j.metadata.generate_name.startsWith('sync-workloads-apps-'))!;
    expect(sync[1].spec.template.spec.container[0].args).toEqual(expect.arrayContaining(['--for=condition=Ready', 'kustomizations.kustomize.toolkit.fluxcd.io/workloads-apps', '--namespace', 'flux-system', '--timeout=600s']));
    const identity = jobs.filter(([, j]) => j.metadata.generate_name.startsWith('wi-'));
    expect(identity.map(([, j]) => j.metadata.generate_name.replace(/-[a-z2-7]{8}-$/, ''))).toEqual(['wi-api']); // verify: false is not checked
    expect(identity[0][1].metadata.namespace).toBe('shop');
    expect(identity[0][1].spec.template.spec.service_account_name).toBe('api');
    expect(identity[0][1].spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(identity[0][1].spec.template.spec.container[0].command[2]).toContain('az keyvault secret show --vault-name shop-kv --name db-password --query id --output none');
    expect(identity[0][1].depends_on).toContain(`kubernetes_job_v1.${sync[0]}`);
    const probe = Object.values<any>(v.data.http)[0];
    expect(probe.depends_on).toEqual(expect.arrayContaining([`kubernetes_job_v1.${sync[0]}`, `kubernetes_job_v1.${identity[0][0]}`]));
    expect(a.fleet.plan.units[1].checks).toEqual(['gitops-sync', 'nodes-ready', 'cluster-dns', 'http-probe', 'identity-shop-api']);
  });

  test('the shared stack confirms a candidate\'s version is offered at plan, listing the offered ones, and checks nothing once no unit is a candidate', () => {
    const looks = Object.entries<any>(a.stacks['shop-shared'].data.azurerm_kubernetes_service_versions);
    expect(looks.map(([k]) => k)).toEqual(['version-offered-1-34-2']);
    const post = looks[0][1].lifecycle.postcondition[0];
    expect(post.condition).toBe('${anytrue([for v in self.versions : v == "1.34.2" || startswith(v, "1.34.2.")])}');
    expect(post.error_message).toContain('Kubernetes 1.34.2 (unit green) is not offered by AKS in westeurope; nothing was built. Offered versions: ${join(", ", self.versions)}');
    expect(looks[0][1].include_preview).toBe(false);
    expect(dataCount(c.stacks['shop-shared'], 'azurerm_kubernetes_service_versions')).toBe(0);
  });

  test('GitOps and access are part of the unit\'s identity: changing them makes new units', () => {
    // The plan is known once the fleet is constructed: no synth needed.
    const other = aksFleet(STEP_A, { workloadAccess: { ...AKS_ACCESS, registryIds: [] } });
    expect(other.fleet.plan.units[0].name).not.toBe(blue);
    const sameWithDefaults = aksFleet(STEP_A, { gitOps: { repository: { ...GITOPS.repository, branch: 'main' }, configurationName: 'workloads' } });
    expect(sameWithDefaults.fleet.plan.units[0].name).toBe(blue);
  });
});

describe('EKS: what arrives on a new unit by itself', () => {
  const access: EksWorkloadAccess = {
    identities: [{ namespace: 'shop', serviceAccount: 'api', roleArn: 'arn:aws:iam::123456789012:role/shop-api', verifySecret: 'shop/db-password' }],
    registryArns: ['arn:aws:ecr:eu-west-1:210987654321:repository/shop/api'],
    dataStores: [{ name: 'orders-db', securityGroupId: 'sg-0a1b2c3d4e5f60009', port: 5432 }],
  };
  const gitOps = { ...GITOPS, identityCenterInstanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef' };
  const run = (units: UnitDeclaration[]) => {
    const app = testApp();
    const fleet = eksFleet(app, 'shop', units, { workloadAccess: access, gitOps });
    return { fleet, ...synthAll(app) };
  };
  const a = run(STEP_A);
  const c = run(STEP_C);
  const [blue, green] = a.fleet.plan.units.map((u) => u.name);

  test('pod identity associations, ECR pull, security group rules and the Argo CD capability are in each live unit\'s stack only', () => {
    for (const name of [blue, green]) {
      const unit = a.stacks[`shop-unit-${name}`];
      const assoc = Object.values<any>(unit.resource.aws_eks_pod_identity_association);
      expect(assoc).toHaveLength(1);
      expect(assoc[0]).toMatchObject({ namespace: 'shop', service_account: 'api', role_arn: 'arn:aws:iam::123456789012:role/shop-api' });
      expect(count(unit, 'aws_vpc_security_group_ingress_rule')).toBe(1);
      expect(Object.values<any>(unit.resource.aws_vpc_security_group_ingress_rule)[0].referenced_security_group_id).toMatch(/vpc_config\[0\]\.cluster_security_group_id\}$/);
      const cap = Object.values<any>(unit.resource.aws_eks_capability);
      expect(cap).toHaveLength(1);
      expect(cap[0]).toMatchObject({ type: 'ARGOCD', delete_propagation_policy: 'RETAIN' });
      expect(resourcesOf(unit).filter(([t, , b]) => t === 'aws_iam_role_policy' && b.name === 'registry-pull')).toHaveLength(1);
    }
    for (const s of Object.keys(a.stacks).filter((n) => !n.startsWith('shop-unit-'))) {
      for (const t of ['aws_eks_pod_identity_association', 'aws_vpc_security_group_ingress_rule', 'aws_eks_capability']) expect(count(a.stacks[s], t)).toBe(0);
    }
    expect(c.stacks[`shop-unit-${blue}`].resource ?? {}).toEqual({});
    expect(JSON.stringify(c.stacks[`shop-unit-${green}`])).toBe(JSON.stringify(a.stacks[`shop-unit-${green}`]));
  });

  test('the validation stack registers the unit with its Argo CD, syncs the unit\'s path, and waits for it before the other checks', () => {
    const v = a.stacks[`shop-validate-${green}`];
    const app = Object.values<any>(v.resource.kubernetes_manifest)[0].manifest;
    expect(app).toMatchObject({ kind: 'Application', spec: { source: { path: 'clusters/1.34/green', targetRevision: 'main' }, destination: { name: 'in-cluster' } } });
    const secret = Object.values<any>(v.resource.kubernetes_secret_v1)[0];
    expect(secret.metadata.labels['argocd.argoproj.io/secret-type']).toBe('cluster');
    const sync = Object.values<any>(v.resource.kubernetes_job_v1).find((j) => j.metadata.generate_name.startsWith('sync-workloads-'));
    expect(sync.spec.template.spec.container[0].args).toEqual(expect.arrayContaining(['--for=jsonpath={.status.health.status}=Healthy', 'applications.argoproj.io/workloads']));
    expect(sync.depends_on.join(' ')).toMatch(/kubernetes_manifest\./);
    const shared = Object.values<any>(a.stacks['shop-shared'].data.aws_eks_cluster_versions);
    expect(shared).toHaveLength(1);
    expect(shared[0].lifecycle.postcondition[0].condition).toContain('"1.34")}');
  });

  test('bad input is refused with the field, the value and a fix', () => {
    expect(() => eksFleet(testApp(), 'shop', STEP_A, { workloadAccess: { identities: [{ namespace: 'shop', serviceAccount: 'api', roleArn: 'shop-api' }] } }))
      .toThrow('fleet "shop": workloadAccess.identities[0].roleArn = "shop-api" is refused: a workload identity is an IAM role ARN. Fix: roleArn: \'arn:aws:iam::123456789012:role/shop-api\'.');
    expect(() => aksFleet(STEP_A, { spec: aksSpec() })).toThrow(/workloadAccess\.dataStores\[0\] = "orders-db" is refused: a rule for the unit's nodes needs their subnet/);
    expect(() => aksFleet(STEP_A, { gitOps: { repository: { url: 'https://github.com/x/y', path: 'clusters/{colour}' } } })).toThrow(/gitOps\.repository\.path = "clusters\/\{colour\}" is refused: placeholders are/);
  });
});
