// The simulated aws_eks_addon_version (rehearsal/world/rules/eks-addon-versions.ts).
import * as fs from 'fs';
import * as path from 'path';
import { openSimulator, SimContext, SimError } from '../../rehearsal/world/simulator';
import { tempDir } from '../support/temp';

const ctx: SimContext = { provider: 'aws', providerConfig: { region: 'us-east-2' }, stack: 'shop-unit-green-1-35-abc' };

describe('simulated EKS add-on versions (DescribeAddonVersions)', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir('world-addons-'); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('most_recent answers the newest compatible build, otherwise the default; a version with no build is not found', () => {
    const sim = openSimulator(path.join(dir, 'world.json'));
    const latest = sim.readData(ctx, 'aws_eks_addon_version', { addon_name: 'kube-proxy', kubernetes_version: '1.35', most_recent: true });
    const byDefault = sim.readData(ctx, 'aws_eks_addon_version', { addon_name: 'kube-proxy', kubernetes_version: '1.35' });
    expect([latest.version, byDefault.version]).toEqual(['v1.35.3-eksbuild.5', 'v1.35.0-eksbuild.2']);
    let err: unknown;
    try { sim.readData(ctx, 'aws_eks_addon_version', { addon_name: 'vpc-cni', kubernetes_version: '1.36', most_recent: true }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(SimError);
    expect(String((err as Error).message)).toMatch(/vpc-cni.*not compatible|no version of vpc-cni is compatible with Kubernetes 1\.36/);
  });
});
