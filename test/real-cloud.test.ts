import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { AksFleet, AksFleetProps, EksFleet, AksOsType, AlbWeightedRouter, EksAmiType, EksCapacityType, EksFleetProps, EksSupportType, KubernetesSupportCalendar, FrontDoorRouter, GlobalAcceleratorRouter, TrafficManagerRouter, UnitDeclaration, UnitLifecycle } from '../src';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { stackJson, synthAll, testApp, warningsBesideSupport } from './support/synth';
import { eksFleet, eksSpec } from './aws/eks-fixtures';
import { aksPoolFleet } from './support/node-pool-fixtures';

// Issue 10 ("Real-cloud correctness"): one synth per router, each assertion names the item it pins.

const step: UnitDeclaration[] = [
  { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90 },
  { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10 },
  { slot: 'teal', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.CANDIDATE },
  { slot: 'gray', kubernetesVersion: '1.32', lifecycle: UnitLifecycle.STANDBY },
];

function aksApp(router: FrontDoorRouter | TrafficManagerRouter) {
  const app = testApp();
  const fleet = new AksFleet(app, 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), router, units: step, validationPrincipalObjectId: '22222222-2222-2222-2222-222222222222' });
  return { fleet, ...synthAll(app) };
}

function eksApp(router?: AlbWeightedRouter | GlobalAcceleratorRouter) {
  const app = testApp();
  const fleet = eksFleet(app, 'shop', step, router ? { router } : {});
  return { fleet, ...synthAll(app) };
}

const frontDoor = aksApp(new FrontDoorRouter());
const trafficManager = aksApp(new TrafficManagerRouter());
const route53 = eksApp();
const alb = eksApp(new AlbWeightedRouter());
const accelerator = eksApp(new GlobalAcceleratorRouter());
const all = { 'Front Door': frontDoor, 'Traffic Manager': trafficManager, 'Route 53': route53, 'ALB': alb, 'Global Accelerator': accelerator };

describe('item 1: Front Door weights decide the split', () => {
  test('the origin group lets every origin within 1000 ms of the fastest share traffic by weight', () => {
    const [group] = Object.values<any>(frontDoor.stacks['shop-traffic'].resource.azurerm_cdn_frontdoor_origin_group);
    expect(group.load_balancing.additional_latency_in_milliseconds).toBe(1000);
  });
});

describe('item 2: the traffic stack waits for every live unit, for every router', () => {
  test.each(Object.keys(all))('%s: traffic depends on the unit stack of every unit that is not retired, candidates included', (router) => {
    const { fleet, deps } = all[router as keyof typeof all];
    for (const u of fleet.plan.units) expect({ router, dependsOn: deps['shop-traffic'] }).toEqual({ router, dependsOn: expect.arrayContaining([`shop-unit-${u.name}`]) });
  });
});

describe('item 12: every entry point has prevent_destroy', () => {
  const protectedTypes: Array<[string, typeof frontDoor, string, string[]]> = [
    ['Front Door', frontDoor, 'shop-shared', ['azurerm_cdn_frontdoor_profile', 'azurerm_cdn_frontdoor_endpoint']],
    ['Front Door', frontDoor, 'shop-traffic', ['azurerm_cdn_frontdoor_origin_group', 'azurerm_cdn_frontdoor_route']],
    ['Traffic Manager', trafficManager, 'shop-shared', ['azurerm_traffic_manager_profile']],
    ['ALB', alb, 'shop-shared', ['aws_lb', 'aws_lb_listener']],
    ['ALB', alb, 'shop-traffic', ['aws_lb_listener_rule']],
    ['Global Accelerator', accelerator, 'shop-shared', ['aws_globalaccelerator_accelerator']],
    ['Global Accelerator', accelerator, 'shop-traffic', ['aws_globalaccelerator_listener', 'aws_globalaccelerator_endpoint_group']],
  ];
  test.each(protectedTypes.map(([r, a, s, t]) => [r, s, t, a] as const))('%s: %s protects %j', (_router, stack, types, app) => {
    for (const type of types) {
      const bodies = Object.entries<any>(app.stacks[stack].resource[type] ?? {});
      expect(bodies.length).toBeGreaterThan(0);
      for (const [name, body] of bodies) expect({ type, name, preventDestroy: body.lifecycle?.prevent_destroy }).toEqual({ type, name, preventDestroy: true });
    }
  });
});

describe('item 13: no EKS token in state', () => {
  test('validation stacks authenticate with `aws eks get-token` (exec), never aws_eks_cluster_auth', () => {
    const green = route53.fleet.plan.units[1].name;
    const v = route53.stacks[`shop-validate-${green}`];
    expect(v.data.aws_eks_cluster_auth).toBeUndefined();
    const provider = v.provider.kubernetes[0];
    expect(provider.token).toBeUndefined();
    expect(provider.exec).toEqual([{ api_version: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', `shop-${green}`, '--region', 'eu-west-1', '--output', 'json'] }]);
  });
});

describe('item 16: state is kept where it is not lost', () => {
  test('the default local backend writes a relative path that resolves, from the stack folder, to terraform.<stack>.tfstate in the working directory', () => {
    for (const [name, json] of Object.entries<any>(frontDoor.stacks)) {
      const p: string = json.terraform.backend.local.path;
      expect({ name, absolute: path.isAbsolute(p) }).toEqual({ name, absolute: false });
      const stackDir = path.join((frontDoor.fleet.node.root as App).outdir, 'stacks', name);
      expect(path.resolve(stackDir, p)).toBe(path.resolve(process.cwd(), `terraform.${name}.tfstate`));
    }
  });

  test('with CI set, a fleet on local state gets a synth warning (a runner loses its disk, and a retired unit would be orphaned)', () => {
    const before = process.env.CI;
    process.env.CI = 'true';
    try {
      const app = testApp();
      new AksFleet(app, 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units: step.slice(0, 1).map((u) => ({ ...u, weight: 100 })) });
      const warnings = app.node.findAll().flatMap((c) => c.node.metadata).filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
      expect(warnings.filter((w) => /local state/.test(w))).toEqual([expect.stringMatching(/\[shop\] .*CI is set.*local state.*(HcpTerraformBackendFactory|S3BackendFactory|AzurermBackendFactory)/)]);
    } finally {
      if (before === undefined) delete process.env.CI; else process.env.CI = before;
    }
  });

  test('.gitignore keeps state files (and their backups) out of git', () => {
    const ignore = fs.readFileSync(path.join(__dirname, '..', '.gitignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignore).toContain('*.tfstate*');
  });

  test('the CI example installs what the checks authenticate with: kubelogin and the AWS CLI', () => {
    const workflow = fs.readFileSync(path.join(__dirname, '..', 'examples', 'ci', 'rollout.yml'), 'utf8');
    for (const job of ['pull-request:', 'deploy:']) {
      const body = workflow.slice(workflow.indexOf(`  ${job}`)).split(/\n  [a-z-]+:\n/)[0];
      expect({ job, kubelogin: /azure\/use-kubelogin@v1/.test(body), awsCli: /aws --version/.test(body) }).toEqual({ job, kubelogin: true, awsCli: true });
    }
  });
});

describe('item 14: serving → retired is refused at synth when the fleet knows the previous step', () => {
  const before: UnitDeclaration[] = [
    { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 50 },
    { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 50 },
  ];
  const after: UnitDeclaration[] = [
    { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.RETIRED },
    { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100 },
  ];
  test('AKS: a unit serving in previousUnits cannot be retired in this step', () => {
    expect(() => new AksFleet(testApp(), 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units: after, previousUnits: before }))
      .toThrow('fleet "shop", unit "blue": lifecycle = "retired" (previous step: serving 50) is refused: a serving unit stands by (weight 0, kept for rollback) for at least one step before it is retired, so traffic has left it and a rollback is possible. Fix: lifecycle: UnitLifecycle.STANDBY, weight: 0 in this step; UnitLifecycle.RETIRED in the next.');
  });
  test('EKS: the same refusal; a standby unit may be retired', () => {
    expect(() => eksFleet(testApp(), 'shop', after, { previousUnits: before })).toThrow(/unit "blue": lifecycle = "retired" \(previous step: serving 50\) is refused: a serving unit stands by/);
    const fleet = eksFleet(testApp(), 'shop', after, { previousUnits: [{ ...before[0], lifecycle: UnitLifecycle.STANDBY, weight: 0 }, { ...before[1], weight: 100 }] });
    expect(fleet.plan.units.map((u) => u.lifecycle)).toEqual(['retired', 'serving']);
  });
});

const isSupportWarning = (w: string) => / serves on (AKS|EKS) /.test(w);

describe('item 4: no live unit is changed by the cloud on its own', () => {
  test('EKS units default to upgrade_policy EXTENDED (AWS does not upgrade them at the end of standard support)', () => {
    for (const u of route53.fleet.plan.units) {
      const [cluster] = Object.values<any>(route53.stacks[`shop-unit-${u.name}`].resource.aws_eks_cluster);
      expect(cluster.upgrade_policy).toEqual({ support_type: 'EXTENDED' });
    }
  });

  const serving: UnitDeclaration[] = [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }];
  test('EKS: the plan warns when a serving unit is within 60 days of the end of its (extended) support, with the date', () => {
    const soon = eksFleet(testApp(), 'shop', serving, { supportCalendar: KubernetesSupportCalendar.eks({ asOf: '2027-06-15' }) });
    expect(soon.plan.warnings.filter(isSupportWarning)).toEqual([`unit blue (${soon.plan.units[0].name}) serves on EKS 1.33, whose extended support ends on 2027-07-29 (44 days after 2027-06-15): after that EKS upgrades the control plane by itself. Start a newer unit and move the traffic to it before (the date is from the EKS calendar as shipped on 2026-12-07, 190 days before 2027-06-15: check the cloud's calendar and override it with supportCalendar entries where it moved).`]);
    expect(eksFleet(testApp(), 'shop', serving, { supportCalendar: KubernetesSupportCalendar.eks({ asOf: '2027-05-29' }) }).plan.warnings.filter(isSupportWarning)).toEqual([]);
    const standard = eksFleet(testApp(), 'shop', serving, { spec: eksSpec({ supportType: EksSupportType.STANDARD }), supportCalendar: KubernetesSupportCalendar.eks({ asOf: '2026-07-01' }) });
    expect(standard.plan.warnings.filter(isSupportWarning)).toEqual([expect.stringContaining('serves on EKS 1.33, whose support ends on 2026-07-29 (28 days after 2026-07-01)')]);
    // The example tests set these date-dependent warnings aside (and only these): both forms are recognised.
    const ended = eksFleet(testApp(), 'shop', serving, { spec: eksSpec({ supportType: EksSupportType.STANDARD }), supportCalendar: KubernetesSupportCalendar.eks({ asOf: '2026-11-22' }) });
    expect(ended.plan.warnings.filter(isSupportWarning)).toEqual([expect.stringContaining('whose support ended on 2026-07-29')]);
    for (const plan of [soon.plan, standard.plan, ended.plan]) {
      expect(warningsBesideSupport(plan)).toEqual(plan.warnings.filter((w) => !isSupportWarning(w)));
      expect(warningsBesideSupport({ warnings: [...plan.warnings, 'another warning'] })).toContain('another warning');
    }
  });

  test('AKS: the shipped calendar and an override per fleet', () => {
    const aks = (kubernetesVersion: string, supportCalendar: KubernetesSupportCalendar) => new AksFleet(testApp(), 'shop', {
      subscriptionId: SUBSCRIPTION, spec: aksSpec(), supportCalendar,
      units: [{ slot: 'blue', kubernetesVersion, lifecycle: UnitLifecycle.SERVING, weight: 100 }], minimumKubernetesVersion: '1.29',
    });
    expect(aks('1.32', KubernetesSupportCalendar.aks({ asOf: '2026-02-01' })).plan.warnings.filter(isSupportWarning)).toEqual([expect.stringContaining('serves on AKS 1.32, whose support ends on 2026-03-31 (58 days after 2026-02-01)')]);
    expect(aks('1.34', KubernetesSupportCalendar.aks({ asOf: '2026-02-01' })).plan.warnings.filter(isSupportWarning)).toEqual([]);
    expect(aks('1.34', KubernetesSupportCalendar.aks({ asOf: '2026-10-01', entries: [{ minor: '1.34', endOfSupport: '2026-11-01' }] })).plan.warnings.filter(isSupportWarning))
      .toEqual([expect.stringContaining('serves on AKS 1.34, whose support ends on 2026-11-01 (31 days after 2026-10-01)')]);
  });
});

describe('item 8: a retired unit leaves nothing behind', () => {
  test('each EKS unit owns its control-plane log group (/aws/eks/<cluster>/cluster) with a retention, created before the cluster', () => {
    const u = route53.fleet.plan.units[1];
    const unit = route53.stacks[`shop-unit-${u.name}`].resource;
    const groups = Object.entries<any>(unit.aws_cloudwatch_log_group ?? {});
    expect(groups.map(([, g]) => [g.name, g.retention_in_days, g.lifecycle?.prevent_destroy])).toEqual([[`/aws/eks/shop-${u.name}/cluster`, 90, true]]);
    const [cluster] = Object.values<any>(unit.aws_eks_cluster);
    expect(cluster.depends_on).toContain(`aws_cloudwatch_log_group.${groups[0][0]}`);
  });

  test('the retention is a setting, checked against the values CloudWatch Logs takes', () => {
    const units: UnitDeclaration[] = [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }];
    const fleet = eksFleet(testApp(), 'shop', units, { spec: eksSpec({ controlPlaneLogRetentionDays: 365 }) });
    const [group] = Object.values<any>(synthAll(App.of(fleet) as App).stacks[`shop-unit-${fleet.plan.units[0].name}`].resource.aws_cloudwatch_log_group);
    expect(group.retention_in_days).toBe(365);
    expect(() => eksFleet(testApp(), 'shop', units, { spec: eksSpec({ controlPlaneLogRetentionDays: 100 }) }))
      .toThrow(/spec.controlPlaneLogRetentionDays = 100 is refused: .*Fix: controlPlaneLogRetentionDays: 90/);
  });
});

describe('item 6: Windows pools are refused (the Cilium dataplane is Linux-only, the smoke Job is a Linux image)', () => {
  test('a Windows user pool of a whole-cluster unit', () => {
    expect(() => new AksFleet(testApp(), 'shop', {
      subscriptionId: SUBSCRIPTION, units: step.slice(0, 1).map((u) => ({ ...u, weight: 100 })),
      spec: aksSpec({ userPools: [{ name: 'win', vmSize: 'Standard_D8ds_v5', osType: AksOsType.WINDOWS }] }),
    })).toThrow('fleet "shop": spec.userPools[0].osType = "Windows" is refused: the clusters use Azure CNI powered by Cilium, which runs Linux nodes only, and the checks run Linux images. Fix: osType: AksOsType.LINUX (run Windows workloads in a cluster outside this library).');
  });
  test('a Windows node-pool unit', () => {
    expect(() => aksPoolFleet(testApp(), { pool: { vmSize: 'Standard_D8ds_v5', osType: AksOsType.WINDOWS } }))
      .toThrow(/fleet "shop": pool.osType = "Windows" is refused: the clusters use Azure CNI powered by Cilium, which runs Linux nodes only/);
  });
});

describe('item 5: a pinned unit accepts no change: everything that reaches its stack is in its fingerprint', () => {
  const one: UnitDeclaration[] = [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }];
  const aksFp = (props: Partial<AksFleetProps>) => new AksFleet(testApp(), 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units: one, ...props }).plan.units[0].fingerprint;
  const eksFp = (props: Partial<EksFleetProps>) => eksFleet(testApp(), 'shop', one, props).plan.units[0].fingerprint;
  const unitJson = (fleet: AksFleet | EksFleet) => stackJson(fleet.unitStacks[fleet.plan.units[0].name]);

  test('AKS: fleet tags, validation principal, resource group and subscription change the fingerprint', () => {
    const base = aksFp({});
    const changed = {
      tags: aksFp({ tags: { costcenter: 'cc-1' } }),
      validationPrincipalObjectId: aksFp({ validationPrincipalObjectId: '22222222-2222-2222-2222-222222222222' }),
      resourceGroupName: aksFp({ resourceGroupName: 'other-rg' }),
      subscriptionId: aksFp({ subscriptionId: '11111111-1111-1111-1111-111111111111' }),
    };
    for (const [field, fp] of Object.entries(changed)) expect({ field, same: fp === base }).toEqual({ field, same: false });
  });

  test('AKS: writing out a documented default changes neither the fingerprint nor the unit', () => {
    const explicit = aksSpec({
      skuTier: 'Standard',
      maintenanceWindow: { dayOfWeek: 'Sunday', startTime: '02:00', durationHours: 4, utcOffset: '+00:00' },
      systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 2, maxCount: 3, maxPods: 110, osDiskSizeGb: 128, zones: ['1', '2', '3'], osType: AksOsType.LINUX },
    });
    const written = new AksFleet(testApp(), 'shop', { subscriptionId: SUBSCRIPTION, spec: explicit, units: one });
    const implicit = new AksFleet(testApp(), 'shop', { subscriptionId: SUBSCRIPTION, spec: aksSpec(), units: one });
    expect(written.plan.units[0].fingerprint).toBe(implicit.plan.units[0].fingerprint);
    expect(unitJson(written)).toEqual(unitJson(implicit));
  });

  test('EKS: fleet tags, validation principal and policy, origin settings, subnets and allowed accounts change the fingerprint', () => {
    const base = eksFp({});
    const changed = {
      tags: eksFp({ tags: { costcenter: 'cc-1' } }),
      validationPrincipalArn: eksFp({ validationPrincipalArn: 'arn:aws:iam::123456789012:role/other' }),
      validationAccessPolicy: eksFp({ validationAccessPolicy: 'AmazonEKSViewPolicy' }),
      loadBalancerSubnetIds: eksFp({ loadBalancerSubnetIds: ['subnet-0a1b2c3d4e5f6a001', 'subnet-0a1b2c3d4e5f6a009'] }),
      subnetIds: eksFp({ spec: eksSpec({ subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60009'] }) }),
      allowedAccountIds: eksFp({ allowedAccountIds: ['123456789012'] }),
    };
    for (const [field, fp] of Object.entries(changed)) expect({ field, same: fp === base }).toEqual({ field, same: false });
  });

  test('EKS: writing out a documented default changes neither the fingerprint nor the unit', () => {
    const explicit = eksSpec({
      supportType: EksSupportType.EXTENDED, imdsHopLimit: 1, kmsKeyDeletionWindowDays: 30, controlPlaneLogRetentionDays: 90,
      endpointAccess: { publicAccess: false }, additionalLogTypes: [],
      nodeGroups: [{ name: 'apps', instanceTypes: ['m7i.large'], minSize: 2, maxSize: 6, desiredSize: 2, amiType: EksAmiType.AL2023_X86_64_STANDARD, capacityType: EksCapacityType.ON_DEMAND, labels: { workload: 'apps' } }],
    });
    const written = eksFleet(testApp(), 'shop', one, { spec: explicit, validationAccessPolicy: 'AmazonEKSClusterAdminPolicy', origin: { targetPort: 80, healthCheckPath: '/healthz', allowedCidrs: ['0.0.0.0/0'] } });
    const implicit = eksFleet(testApp(), 'shop', one);
    expect(written.plan.units[0].fingerprint).toBe(implicit.plan.units[0].fingerprint);
    expect(unitJson(written)).toEqual(unitJson(implicit));
  });
});

describe('item 7: checks wait within a readiness window before they fail, and say what was missing', () => {
  const green = () => frontDoor.fleet.plan.units[1].name;
  test('the HTTP probe polls every 10 s for the default 600 s window; its failure names the unit, the URL and the last status', () => {
    const [probe] = Object.values<any>(frontDoor.stacks[`shop-validate-${green()}`].data.http);
    expect(probe.retry).toEqual({ attempts: 60, min_delay_ms: 10000, max_delay_ms: 10000 });
    const url = `https://shop-${green()}.westeurope.cloudapp.azure.com/healthz`;
    expect(probe.url).toBe(url);
    expect(probe.lifecycle.postcondition).toEqual([{
      condition: '${self.status_code == 200}',
      error_message: `[shop/${green()}] ${url} still answered \${self.status_code} (expected 200) at the end of the 600 s readiness window: the unit's origin is not serving yet (ingress not installed, or the Service not bound to the origin?). The traffic stack does not run, so the serving units keep the traffic.`,
    }]);
  });

  test('the window is a fleet setting (readinessSeconds), checked', () => {
    const units: UnitDeclaration[] = [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 100 }];
    const fleet = eksFleet(testApp(), 'shop', units, { readinessSeconds: 120 });
    const [probe] = Object.values<any>(stackJson(fleet.validationStacks[fleet.plan.units[0].name]).data.http);
    expect(probe.retry.attempts).toBe(12);
    expect(() => eksFleet(testApp(), 'shop', units, { readinessSeconds: 5 })).toThrow('fleet "shop": readinessSeconds = 5 is refused: the readiness window is a whole number of seconds from 10 to 3600 (checks poll every 10 s within it). Fix: readinessSeconds: 600.');
  });

  test("AKS: the unit waits out the role assignment's propagation (up to 5 min) once, when it is built, so its checks do not get 403", () => {
    const unit = frontDoor.stacks[`shop-unit-${green()}`];
    const [[name, wait]] = Object.entries<any>(unit.resource.time_sleep);
    const [grantName] = Object.entries<any>(unit.resource.azurerm_role_assignment).find(([, r]) => r.role_definition_name === 'Azure Kubernetes Service RBAC Cluster Admin')!;
    expect({ name, create_duration: wait.create_duration, depends_on: wait.depends_on, triggers: wait.triggers, prevent_destroy: wait.lifecycle?.prevent_destroy })
      .toEqual({ name: expect.any(String), create_duration: '300s', depends_on: [`azurerm_role_assignment.${grantName}`], triggers: undefined, prevent_destroy: true });
    expect(unit.provider.time).toBeDefined();
    expect(frontDoor.deps[`shop-validate-${green()}`]).toEqual([`shop-unit-${green()}`]);
  });
});

describe('item 9: Route 53 records are health-checked, and a unit without weight is never answered', () => {
  const traffic = () => route53.stacks['shop-traffic'].resource;
  test('every serving unit has a record with its own HTTP health check on its origin', () => {
    const checks = traffic().aws_route53_health_check;
    const records = Object.values<any>(traffic().aws_route53_record);
    const serving = route53.fleet.plan.units.filter((u) => u.weight > 0);
    expect(records.map((r) => [r.set_identifier, r.weighted_routing_policy.weight])).toEqual(serving.map((u) => [u.name, u.weight]));
    for (const r of records) {
      const id = /^\$\{aws_route53_health_check\.([^.]+)\.id\}$/.exec(r.health_check_id)![1];
      expect(checks[id]).toMatchObject({ fqdn: `${r.set_identifier}.shop.example.com`, type: 'HTTP', port: 80, resource_path: '/healthz', failure_threshold: 3, request_interval: 10 });
    }
  });

  test('candidates and standby units have no record: Route 53 answers zero-weight records when every weighted one is unhealthy', () => {
    const names = Object.values<any>(traffic().aws_route53_record).map((r) => r.set_identifier);
    for (const u of route53.fleet.plan.units.filter((x) => x.weight === 0)) expect(names).not.toContain(u.name);
    expect(route53.fleet.plan.units.filter((u) => u.weight === 0).map((u) => u.routerWeight)).toEqual(['no record (weight 0)', 'no record (weight 0)']);
  });
});

describe('item 11: origins accept traffic only through the front door, where the router allows it; validation still reaches them', () => {
  test('Front Door: the probe reaches the origin as Front Door does, with this profile\'s X-Azure-FDID', () => {
    const green = frontDoor.fleet.plan.units[1].name;
    const v = frontDoor.stacks[`shop-validate-${green}`];
    const [[profileId, profile]] = Object.entries<any>(v.data.azurerm_cdn_frontdoor_profile);
    expect(profile).toMatchObject({ name: 'shop-afd', resource_group_name: 'shop-rg' });
    const [probe] = Object.values<any>(v.data.http);
    expect(probe.request_headers).toEqual({ 'X-Azure-FDID': `\${data.azurerm_cdn_frontdoor_profile.${profileId}.resource_guid}` });
  });

  test('Global Accelerator: unit load balancers are internal, and the probe runs inside the unit (a Job), not from the deploy machine', () => {
    const green = accelerator.fleet.plan.units[1].name;
    const [lb] = Object.values<any>(accelerator.stacks[`shop-unit-${green}`].resource.aws_lb);
    expect(lb.internal).toBe(true);
    const v = accelerator.stacks[`shop-validate-${green}`];
    expect(v.data?.http).toBeUndefined();
    const job = Object.values<any>(v.resource.kubernetes_job_v1).find((j) => j.metadata.generate_name.startsWith('http-probe-'));
    expect(job.spec.template.spec.container[0].command.join(' ')).toContain(`http://${green}.shop.example.com/healthz`);
  });

  test('ALB: a unit has no load balancer of its own; its target group hangs only off the shared listener', () => {
    const green = alb.fleet.plan.units[1].name;
    const unit = alb.stacks[`shop-unit-${green}`].resource;
    expect(unit.aws_lb).toBeUndefined();
    expect(unit.aws_lb_listener).toBeUndefined();
    expect(Object.values<any>(unit.aws_lb_listener_rule).map((r) => r.listener_arn)).toEqual([expect.stringMatching(/^\$\{data\.aws_lb_listener\./)]);
  });
});
