// The reference deployment of this repository: what `npx cdktf synth` builds.
import * as path from 'path';
import { App } from 'cdktf';
import { addAwsReferenceFleets } from './aws';
import { addNodePoolReferenceFleets } from './node-pools';
import { AksClusterSpec, AksFleet, FrontDoorRouter, RolloutState, synthesizeRollout, TrafficManagerRouter } from '../src';

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

/** The rollout state file of a fleet: `stacks/rollout/<fleet>.json`. */
function stateFile(fleet: string): string {
  return path.join(__dirname, 'rollout', `${fleet}.json`);
}

/** Adds every fleet of the reference deployment to `app`. */
export function buildReference(app: App): void {
  // Canary (state file step 2): blue (1.33) serves 90 %, green (1.34) was validated and serves 10 %.
  new AksFleet(app, 'shop-prod-weu', {
    subscriptionId,
    spec: aksSpec('westeurope'),
    router: new FrontDoorRouter(),
    // Stepped by `npx cdktf-bluegreen shift|promote|retire ...`; every PR is guarded by `check --base`.
    units: RolloutState.unitsOf(stateFile('shop-prod-weu'), 'shop-prod-weu'),
  });

  // Finishing (step 7): green (1.34) serves everything; blue (1.33) is retired and is destroyed after the drain timer.
  new AksFleet(app, 'shop-prod-neu', {
    subscriptionId,
    spec: aksSpec('northeurope'),
    router: new TrafficManagerRouter({ ttlSeconds: 30 }),
    drainSeconds: 120,
    units: RolloutState.unitsOf(stateFile('shop-prod-neu'), 'shop-prod-neu'),
  });

  // EKS: whole clusters behind Route 53, mid-canary.
  addAwsReferenceFleets(app);

  // Node pools replaced blue-green inside one cluster per cloud, control planes upgraded in place.
  addNodePoolReferenceFleets(app);
}

if (require.main === module) synthesizeRollout(buildReference);
