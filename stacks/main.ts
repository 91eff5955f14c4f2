// The reference deployment of this repository: what `npx cdktf synth` builds.
import { App } from 'cdktf';
import { AksClusterSpec, AksFleet, FrontDoorRouter, Refusal, RolloutPlan, TrafficManagerRouter, UnitLifecycle } from '../src';

const subscriptionId = '00000000-0000-0000-0000-000000000000';
const platformAdmins = ['11111111-1111-1111-1111-111111111111'];

function aksSpec(location: string): AksClusterSpec {
  return {
    location,
    adminGroupObjectIds: platformAdmins,
    systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 3, maxCount: 5 },
    userPools: [{ name: 'apps', vmSize: 'Standard_D8ds_v5', minCount: 3, maxCount: 20, labels: { workload: 'apps' } }],
    maintenanceWindow: { dayOfWeek: 'Sunday', startTime: '02:00', durationHours: 4 },
  };
}

/** Adds every fleet of the reference deployment to `app`. */
export function buildReference(app: App): void {
  // Canary: blue (1.33) serves 90 %, green (1.34) was validated and serves 10 %.
  new AksFleet(app, 'shop-prod-weu', {
    subscriptionId,
    spec: aksSpec('westeurope'),
    router: new FrontDoorRouter(),
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.SERVING, weight: 90, fingerprint: 'nljqy2' },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 10, fingerprint: 'ejqurb' },
    ],
  });

  // Finishing: green (1.34) serves everything; blue (1.33) is retired and is destroyed after the drain timer.
  new AksFleet(app, 'shop-prod-neu', {
    subscriptionId,
    spec: aksSpec('northeurope'),
    router: new TrafficManagerRouter({ ttlSeconds: 30 }),
    drainSeconds: 120,
    units: [
      { slot: 'blue', kubernetesVersion: '1.33', lifecycle: UnitLifecycle.RETIRED, fingerprint: 'y4jm4c' },
      { slot: 'green', kubernetesVersion: '1.34', lifecycle: UnitLifecycle.SERVING, weight: 100, fingerprint: 'yg5ibm' },
    ],
  });
}

if (require.main === module) {
  try {
    const app = new App();
    buildReference(app);
    app.synth();
    const files = RolloutPlan.write(app);
    console.log(`Rollout plan: ${files.markdown} and ${files.json}`);
  } catch (e) {
    // A refusal is one readable message, not a stack trace.
    if (!Refusal.isRefusal(e)) throw e;
    console.error(Refusal.messageOf(e));
    process.exit(1);
  }
}
