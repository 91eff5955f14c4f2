// Issue 20.5: nothing the library creates in a cluster may block the retry of an interrupted deploy.
// A check or drain Job created but not recorded in state (cdktf cut the apply off mid-command) must
// not make the retry of the same step fail `AlreadyExists`: every Job is named by the API server
// from a prefix (`generate_name`), so each create is a new Job. The world's side of it (a Job left
// behind, then a retry) is test/rehearsal/world-identity.test.ts and rehearsal scenario R8I.
import { AksFleet, FrontDoorRouter, MetricsSource, SloGates, UnitLifecycle } from '../src';
import { drainJobOf, eksPoolFleet, serving, standby } from './support/node-pool-fixtures';
import { aksSpec, SUBSCRIPTION } from './support/fixtures';
import { synthAll, testApp } from './support/synth';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups';

function jobsOf(stacks: Record<string, any>): Array<[string, any]> {
  return Object.entries(stacks).flatMap(([stack, json]) => Object.entries<any>(json.resource?.kubernetes_job_v1 ?? {}).map(([id, job]): [string, any] => [`${stack}/${id}`, job]));
}

test('every Job of an AKS fleet (sync, identity, smoke, SLO gates) is named by the API server from a prefix', () => {
  const app = testApp();
  const source = MetricsSource.azureMonitorWorkspace({
    queryEndpoint: 'https://amw.westeurope.prometheus.monitor.azure.com', clientId: '22222222-2222-2222-2222-222222222222',
    managedIdentityId: `${SUB}/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/gates`, gateImage: `registry.example.com/gate@sha256:${'c'.repeat(64)}`,
  });
  new AksFleet(app, 'shop', {
    subscriptionId: SUBSCRIPTION, spec: aksSpec(), router: new FrontDoorRouter(),
    gitOps: { repository: { url: 'https://github.com/example/shop-gitops', path: 'clusters/{slot}' } },
    workloadAccess: { identities: [{ namespace: 'shop', serviceAccount: 'api', managedIdentityId: `${SUB}/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-api` }] },
    checks: SloGates.all({ source }),
    units: [{ slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90 }, { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10 }],
  });
  const jobs = jobsOf(synthAll(app).stacks);
  expect(jobs.length).toBeGreaterThan(10);
  for (const [where, job] of jobs) {
    expect([where, job.metadata.name]).toEqual([where, undefined]);
    expect([where, job.metadata.generate_name]).toEqual([where, expect.stringMatching(/^[a-z0-9][a-z0-9-]{0,56}-$/)]);
  }
});

test('the drain Job of a node-pool fleet too: an interrupted drain is retried by a new Job', () => {
  const app = testApp();
  eksPoolFleet(app, {
    previousControlPlaneVersion: '1.33', controlPlaneVersion: '1.33',
    previousUnits: [serving('blue', '1.32', 0), serving('green', '1.33', 100)], units: [standby('blue', '1.32'), serving('green', '1.33')],
  });
  const { stacks } = synthAll(app);
  const drain = drainJobOf(stacks['shop-traffic']);
  expect(drain.metadata.name).toBeUndefined();
  expect(drain.metadata.generate_name).toMatch(/^drain-[a-z0-9]+-\$\{.*\}-$/);
  for (const [where, job] of jobsOf(stacks)) expect([where, job.metadata.name]).toEqual([where, undefined]);
});
