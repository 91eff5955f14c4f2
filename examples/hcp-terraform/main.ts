// Two fleets whose state and runs live in HCP Terraform (Terraform Cloud), one workspace per stack,
// plus the bootstrap stack `hcp-workspaces` that declares those workspaces.
// Read docs/hcp-terraform.md first; in short:
//
//   1. once, by hand: create workspace `acme-bg-hcp-workspaces` with execution mode "local"
//      (it holds the bootstrap stack's state; its runs happen in CI with a TFE_TOKEN);
//   2. every step: `cdktf deploy '*'` — the bootstrap stack runs first (every fleet stack depends
//      on it), so each new unit's workspace exists, configured, before `terraform init` touches it.
//
// shop-hcp-weu (AKS): finishing an upgrade, blue is retired; every stack runs locally in the CI
//   job (state in HCP). Blue's workspace stays while blue is declared retired.
// shop-hcp-euw1 (EKS, private API): mid-canary; cloud-API stacks run on HCP's hosted runners with
//   AWS workload identity, validation stacks on an agent pool inside the VPC.
import { App, TerraformStack } from 'cdktf';
import {
  AksFleet, EksAmiType, EksFleet, FrontDoorRouter, HcpExecution, HcpTerraformBackendFactory, HcpWorkspaces,
  Route53WeightedRouter, synthesizeRollout, UnitLifecycle,
} from 'cdktf-bluegreen';

/** Adds the example's fleets and their workspaces to `app`. */
export function build(app: App): void {
  const backend = new HcpTerraformBackendFactory({ organization: 'acme', workspacePrefix: 'acme-bg-' });

  const aks = new AksFleet(app, 'shop-hcp-weu', {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    spec: {
      location: 'westeurope',
      adminGroupObjectIds: ['11111111-1111-1111-1111-111111111111'],
      systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 3, maxCount: 5 },
      userPools: [{ name: 'apps', vmSize: 'Standard_D8ds_v5', minCount: 3, maxCount: 20, labels: { workload: 'apps' } }],
    },
    router: new FrontDoorRouter({ healthProbePath: '/healthz' }),
    backend,
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.RETIRED, fingerprint: 'kjhpmf' },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100, fingerprint: 'yzlrby' },
    ],
  });

  const eks = new EksFleet(app, 'shop-hcp-euw1', {
    spec: {
      region: 'eu-west-1',
      subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003'],
      nodeGroups: [
        { name: 'system', instanceTypes: ['m7g.large'], amiType: EksAmiType.AL2023_ARM_64_STANDARD, minSize: 2, maxSize: 3, labels: { role: 'system' } },
        { name: 'apps', instanceTypes: ['m7i.xlarge', 'm6i.xlarge'], minSize: 3, maxSize: 20, labels: { workload: 'apps' } },
      ],
    },
    router: new Route53WeightedRouter({ recordName: 'www.shop.example.com', ttlSeconds: 30 }),
    vpcId: 'vpc-0a1b2c3d4e5f60000',
    loadBalancerSubnetIds: ['subnet-0a1b2c3d4e5f6a001', 'subnet-0a1b2c3d4e5f6a002', 'subnet-0a1b2c3d4e5f6a003'],
    originDomain: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', domainName: 'shop.example.com' },
    origin: { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/01234567-89ab-cdef-0123-456789abcdef', targetPort: 8080 },
    // The role the runs assume through workload identity also reads the clusters for the checks.
    validationPrincipalArn: 'arn:aws:iam::123456789012:role/hcp-terraform-deployer',
    allowedAccountIds: ['123456789012'],
    backend,
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90, fingerprint: 'nk7pbu' },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10, fingerprint: '5os2k2' },
    ],
  });

  // The bootstrap stack: its own workspace (step 1 above), deployed before every fleet stack.
  const bootstrap = new TerraformStack(app, 'hcp-workspaces');
  backend.bind(bootstrap, 'hcp-workspaces');
  new HcpWorkspaces(bootstrap, 'workspaces', {
    backend,
    terraformVersion: '1.11.4',
    projectId: 'prj-AbCdEf123456789',
    fleets: [
      // Local execution everywhere: HCP stores and locks state; the CI job's Azure login runs everything.
      { fleet: aks, execution: { default: HcpExecution.local() } },
      {
        fleet: eks,
        execution: { default: HcpExecution.hosted(), validation: HcpExecution.agent('apool-Xy12AbCdEfGh3456') },
        // A read-only role for plans (a PR's speculative plan), the deployer role for applies.
        aws: { runRoleArn: 'arn:aws:iam::123456789012:role/hcp-terraform-deployer', planRoleArn: 'arn:aws:iam::123456789012:role/hcp-terraform-planner' },
      },
    ],
  });
}

if (require.main === module) synthesizeRollout(build);
