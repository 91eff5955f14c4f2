import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
// EKS cases of the synth benchmark: the library (EksFleet) against the floor (a plain cdktf
// program that creates the same provider resources directly, one TerraformStack per unit).
import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { DataAwsEksClusterVersions } from '@cdktf/provider-aws/lib/data-aws-eks-cluster-versions';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { DataHttp } from '@cdktf/provider-http/lib/data-http';
import { HttpProvider } from '@cdktf/provider-http/lib/provider';
import { DataKubernetesNodes } from '@cdktf/provider-kubernetes/lib/data-kubernetes-nodes';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { Sleep } from '@cdktf/provider-time/lib/sleep';
import { App, Fn, LocalBackend, TerraformStack, Token } from 'cdktf';
import * as path from 'path';
import { EksFleet, Route53WeightedRouter, UnitDeclaration, UnitLifecycle } from '../src';

/** Route 53 takes 100 weighted records per name: larger cases are split into fleets of this size. */
const UNITS_PER_FLEET = 100;
const REGION = 'eu-west-1';
const VPC = 'vpc-0a1b2c3d4e5f60000';
const SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'];
const LB_SUBNETS = ['subnet-0a1b2c3d4e5f6a001', 'subnet-0a1b2c3d4e5f6a002'];
const ZONE = 'Z0123456789ABCDEFGHIJ';
const PRINCIPAL = 'arn:aws:iam::123456789012:role/platform-deployer';
const ADDONS: { [name: string]: string } = { 'vpc-cni': 'v1.20.1-eksbuild.3', 'kube-proxy': 'v1.34.0-eksbuild.2', 'eks-pod-identity-agent': 'v1.3.8-eksbuild.2', 'coredns': 'v1.12.3-eksbuild.1' };

/** Unit i of a case: unit 0 serves everything; the others alternate candidate / standby. */
function declaration(i: number): UnitDeclaration {
  if (i === 0) return { slot: 'u0', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100 };
  return { slot: `u${i}`, kubernetesVersion: '1.34', lifecycle: i % 2 === 1 ? UnitLifecycle.CANDIDATE : UnitLifecycle.STANDBY };
}

function fleets(units: number): Array<{ name: string; units: UnitDeclaration[] }> {
  const out: Array<{ name: string; units: UnitDeclaration[] }> = [];
  for (let start = 0, f = 0; start < units; start += UNITS_PER_FLEET, f++) {
    const count = Math.min(UNITS_PER_FLEET, units - start);
    out.push({ name: `bench-eks-${f}`, units: Array.from({ length: count }, (_, i) => declaration(i)) });
  }
  return out;
}

/**
 * An EKS fleet (or several, above 100 units) with `units` whole-cluster units behind Route 53:
 * one serving unit with all the weight, the rest candidates and standby units.
 */
export function buildEksLibraryApp(app: App, units: number): void {
  for (const f of fleets(units)) {
    new EksFleet(app, f.name, {
      spec: { region: REGION, subnetIds: SUBNETS, nodeGroups: [{ name: 'apps', instanceTypes: ['m7i.large'], minSize: 2, maxSize: 6 }] },
      router: new Route53WeightedRouter({ recordName: `www.${f.name}.example.com` }),
      vpcId: VPC,
      loadBalancerSubnetIds: LB_SUBNETS,
      originDomain: { hostedZoneId: ZONE, domainName: `${f.name}.example.com` },
      validationPrincipalArn: PRINCIPAL,
      units: f.units,
    });
  }
}

// ---- the floor: the same resources, written out by hand, no checks, no plan ----

const PROTECT = { preventDestroy: true };

function floorStack(app: App, name: string): TerraformStack {
  const stack = new TerraformStack(app, name);
  new LocalBackend(stack, { path: path.resolve(process.cwd(), `terraform.${name}.tfstate`) });
  new AwsProvider(stack, 'aws', { region: REGION });
  return stack;
}

function floorUnit(stack: TerraformStack, fleet: string, unit: string): void {
  const cluster = `${fleet}-${unit}`;
  const tags = { 'bluegreen-fleet': fleet, 'bluegreen-unit': unit, 'managed-by': 'cdktf-bluegreen' };
  const assume = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] });
  new CloudwatchLogGroup(stack, 'control-plane-logs', { name: `/aws/eks/${cluster}/cluster`, retentionInDays: 90, tags, lifecycle: PROTECT });
  const key = new KmsKey(stack, 'secrets-key', { description: `Secrets of EKS cluster ${cluster}`, enableKeyRotation: true, deletionWindowInDays: 30, tags, lifecycle: PROTECT });
  const clusterRole = new IamRole(stack, 'cluster-role', { name: `${cluster}-cluster`, assumeRolePolicy: assume('eks.amazonaws.com'), tags, lifecycle: PROTECT });
  const cpa = new IamRolePolicyAttachment(stack, 'cluster-role-policy', { role: clusterRole.name, policyArn: 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy', lifecycle: PROTECT });
  const kpol = new IamRolePolicy(stack, 'cluster-role-secrets-key', {
    name: 'secrets-key', role: clusterRole.id, lifecycle: PROTECT,
    policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'], Resource: key.arn }] }),
  });
  const eks = new EksCluster(stack, 'cluster', {
    name: cluster, version: '1.34', roleArn: clusterRole.arn,
    vpcConfig: { subnetIds: SUBNETS, endpointPrivateAccess: true, endpointPublicAccess: false },
    accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
    encryptionConfig: { resources: ['secrets'], provider: { keyArn: key.arn } },
    enabledClusterLogTypes: ['api', 'audit', 'authenticator'],
    upgradePolicy: { supportType: 'STANDARD' }, bootstrapSelfManagedAddons: false,
    tags, dependsOn: [cpa, kpol], lifecycle: PROTECT,
  });
  const addon = (name: string, dependsOn?: any[]) => new EksAddon(stack, `addon-${name}`, {
    clusterName: eks.name, addonName: name, addonVersion: ADDONS[name], resolveConflictsOnCreate: 'OVERWRITE', resolveConflictsOnUpdate: 'OVERWRITE', tags, dependsOn, lifecycle: PROTECT,
  });
  const early = ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'].map((n) => addon(n));
  const nodeRole = new IamRole(stack, 'node-role', { name: `${cluster}-node`, assumeRolePolicy: assume('ec2.amazonaws.com'), tags, lifecycle: PROTECT });
  const npa = ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'].map((p) => new IamRolePolicyAttachment(stack, `node-role-${p}`, {
    role: nodeRole.name, policyArn: `arn:aws:iam::aws:policy/${p}`, lifecycle: PROTECT,
  }));
  const lt = new LaunchTemplate(stack, 'launch-template-apps', {
    name: `${cluster}-apps`, description: `Nodes of apps in ${cluster}`,
    metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'disabled' },
    tagSpecifications: [{ resourceType: 'instance', tags }, { resourceType: 'volume', tags }], tags, lifecycle: PROTECT,
  });
  const ng = new EksNodeGroup(stack, 'node-group-apps', {
    clusterName: eks.name, nodeGroupName: 'apps', nodeRoleArn: nodeRole.arn, version: '1.34', subnetIds: SUBNETS,
    amiType: 'AL2023_x86_64_STANDARD', capacityType: 'ON_DEMAND', instanceTypes: ['m7i.large'],
    scalingConfig: { minSize: 2, maxSize: 6, desiredSize: 2 }, updateConfig: { maxUnavailable: 1 },
    launchTemplate: { id: lt.id, version: Token.asString(lt.latestVersion) }, tags, dependsOn: [...npa, ...early],
    lifecycle: { ...PROTECT, ignoreChanges: ['scaling_config[0].desired_size'] },
  });
  addon('coredns', [ng]);
  const entry = new EksAccessEntry(stack, 'validation-access-entry', { clusterName: eks.name, principalArn: PRINCIPAL, type: 'STANDARD', tags, lifecycle: PROTECT });
  new EksAccessPolicyAssociation(stack, 'validation-access-policy', {
    clusterName: eks.name, principalArn: entry.principalArn, policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', accessScope: { type: 'cluster' }, lifecycle: PROTECT,
  });
  const name = `${fleet}-${unit}`.slice(0, 32).replace(/-+$/, '');
  const tg = new LbTargetGroup(stack, 'origin-target-group', {
    name, targetType: 'ip', protocol: 'HTTP', port: 80, vpcId: VPC, deregistrationDelay: '30',
    healthCheck: { enabled: true, path: '/healthz', matcher: '200-399', interval: 10, healthyThreshold: 2, unhealthyThreshold: 3 },
    stickiness: { type: 'lb_cookie', enabled: false }, tags, lifecycle: PROTECT,
  });
  const sg = new SecurityGroup(stack, 'origin-security-group', {
    name: `${name}-alb`, description: `Internet-facing ALB of ${unit}`, vpcId: VPC,
    ingress: [{ description: 'clients', protocol: 'tcp', fromPort: 80, toPort: 80, cidrBlocks: ['0.0.0.0/0'] }],
    egress: [{ description: 'to the targets (pod IPs)', protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }], tags, lifecycle: PROTECT,
  });
  const lb = new Lb(stack, 'origin-load-balancer', { name, loadBalancerType: 'application', internal: false, securityGroups: [sg.id], subnets: LB_SUBNETS, dropInvalidHeaderFields: true, tags, lifecycle: PROTECT });
  new LbListener(stack, 'origin-listener', { loadBalancerArn: lb.arn, port: 80, protocol: 'HTTP', defaultAction: [{ type: 'forward', targetGroupArn: tg.arn }], tags, lifecycle: PROTECT });
  new Route53Record(stack, 'origin-record', { zoneId: ZONE, name: `${unit}.${fleet}.example.com`, type: 'A', alias: { name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: true }, lifecycle: PROTECT });
}

function floorValidation(stack: TerraformStack, fleet: string, unit: string, checking: boolean, step: string): void {
  const cluster = new DataAwsEksCluster(stack, 'cluster', { name: `${fleet}-${unit}` });
  const provider = new KubernetesProvider(stack, 'kubernetes', {
    host: cluster.endpoint, clusterCaCertificate: Fn.base64decode(cluster.certificateAuthority.get(0).data),
    exec: [{ apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', `${fleet}-${unit}`, '--output', 'json'] }],
  });
  if (!checking) return;
  const ns = new NamespaceV1(stack, 'checks-namespace', { provider, metadata: { name: 'bluegreen-checks', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
  new DataKubernetesNodes(stack, `nodes-${step}`, {
    provider,
    lifecycle: { postcondition: [{ condition: '${length(self.nodes) >= 2}', errorMessage: `[${fleet}/${unit}] expected at least 2 nodes.` }] },
  });
  new JobV1(stack, `job-${step}`, {
    provider, metadata: { name: `cluster-dns-${step}`, namespace: ns.metadata.name }, waitForCompletion: true,
    spec: { backoffLimit: 1, template: { metadata: {}, spec: { restartPolicy: 'Never', container: [{ name: 'check', image: 'busybox:1.37.0', command: ['nslookup', 'kubernetes.default.svc.cluster.local'] }] } } },
  });
  new HttpProvider(stack, 'http-provider');
  new DataHttp(stack, `probe-${step}`, {
    url: `http://${unit}.${fleet}.example.com/healthz`,
    lifecycle: { postcondition: [{ condition: '${self.status_code == 200}', errorMessage: `[${fleet}/${unit}] not ready.` }] },
  });
}

/**
 * The floor for {@link buildEksLibraryApp}: the same stacks and provider resources, created directly
 * with one TerraformStack per unit, without the library's constructs, checks or plan report.
 */
export function buildEksFloorApp(app: App, units: number): void {
  for (const f of fleets(units)) {
    const step = 'benchstp';
    const shared = floorStack(app, `${f.name}-shared`);
    // The version-offered look-up for the candidates (all on one minor): one data source.
    if (f.units.some((u) => u.lifecycle === UnitLifecycle.CANDIDATE)) {
      new DataAwsEksClusterVersions(shared, 'version-offered-1-34', {
        lifecycle: { postcondition: [{ condition: '${contains([for v in self.cluster_versions : v.cluster_version], "1.34")}', errorMessage: '1.34 is not offered.' }] },
      });
    }
    const traffic = floorStack(app, `${f.name}-traffic`);
    traffic.addDependency(shared);
    f.units.forEach((u) => {
      const unit = `${u.slot}-1-34-bench${u.slot.length}`;
      const unitStack = floorStack(app, `${f.name}-unit-${unit}`);
      unitStack.addDependency(shared);
      traffic.addDependency(unitStack);
      floorUnit(unitStack, f.name, unit);
      const validate = floorStack(app, `${f.name}-validate-${unit}`);
      validate.addDependency(unitStack);
      floorValidation(validate, f.name, unit, u.lifecycle !== UnitLifecycle.STANDBY, step);
      if ((u.weight ?? 0) === 0) return;
      traffic.addDependency(validate);
      const check = new Route53HealthCheck(traffic, `health-check-${unit}`, { fqdn: `${unit}.${f.name}.example.com`, type: 'HTTP', port: 80, resourcePath: '/healthz', failureThreshold: 3, requestInterval: 10 });
      new Route53Record(traffic, `record-${unit}`, {
        zoneId: ZONE, name: `www.${f.name}.example.com`, type: 'CNAME', ttl: 30, records: [`${unit}.${f.name}.example.com`],
        setIdentifier: unit, weightedRoutingPolicy: { weight: u.weight ?? 0 }, healthCheckId: check.id,
      });
    });
    new TimeProvider(traffic, 'time');
    new Sleep(traffic, 'drain-timer', { createDuration: '60s', triggers: { fleet: f.name } });
  }
}
