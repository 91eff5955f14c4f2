import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DRAIN_SCRIPT } from '../src/kubernetes/node-pool-drain-script';
import { tempDir } from './support/temp';

// The drain Job's script, run by sh against a fake kubectl that records every call and answers like
// a cluster whose pool "blue" (nodes blue-1, blue-2) runs shop/web (Deployment web, PDB web-pdb)
// and a DaemonSet pod. Two runs: a PDB that blocks, and a drain that succeeds.
const FAKE_KUBECTL = `#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE/calls"
case "$1" in
  get)
    case "$2" in
      nodes) printf 'blue-1\\nblue-2\\n' ;;
      pods)
        case "$*" in
          *'{"/"}'*) printf 'shop/web-7d9-abc/ReplicaSet\\nkube-system/cilium-x/DaemonSet\\n' ;;
          *) printf 'shop ReplicaSet web-7d9\\nkube-system DaemonSet cilium\\n' ;;
        esac ;;
      rs) printf 'web' ;;
      pdb) printf 'shop/web-pdb ' ;;
    esac ;;
  -n)
    case "$3" in
      get) case "$4" in rs) printf 'web' ;; pdb) printf 'shop/web-pdb ' ;; esac ;;
      create) printf '%s\\n' "$*" ;;
      rollout) exit 0 ;;
    esac ;;
  drain) exit "$FAKE_DRAIN_RC" ;;
  apply) cat >> "$FAKE/result" ;;
esac
exit 0
`;

function run(drainRc: number) {
  const dir = tempDir('drain-');
  fs.writeFileSync(path.join(dir, 'kubectl'), FAKE_KUBECTL, { mode: 0o755 });
  const out = spawnSync('sh', ['-c', DRAIN_SCRIPT.replace(/\/tmp\//g, `${dir}/`)], {
    env: {
      PATH: `${dir}:${process.env.PATH}`, FAKE: dir, FAKE_DRAIN_RC: String(drainRc),
      STEP: 's1', ATTEMPT: '2', NODE_LABEL_KEY: 'kubernetes.azure.com/agentpool', DRAIN_POOLS: 'blue', SERVING_POOLS: 'green', ENTERING_POOLS: 'green',
      BATCH_SIZE: '1', TIMEOUT_SECONDS: '60', POD_SELECTOR: 'app.kubernetes.io/managed-by!=cdktf-bluegreen',
      RESULT_NAMESPACE: 'shop-drain', RESULT_CONFIGMAP: 'drain-result', HOME: dir,
    },
    encoding: 'utf8',
  });
  const calls = fs.readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n');
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: out.status, stdout: out.stdout, calls };
}

describe('the drain Job script', () => {
  const blocked = run(1);
  const drained = run(0);

  test('a PodDisruptionBudget that blocks: the result names the PDB and the pods, and the schedulable set is put back', () => {
    expect(blocked.status).toBe(0);
    expect(blocked.stdout).toContain('blocked: PodDisruptionBudget(s) shop/web-pdb allow no eviction; pods still on blue after 60 s: shop/web-7d9-abc. Nothing was deleted; pools blue are schedulable again');
    expect(blocked.stdout).not.toContain('cilium');
    const create = blocked.calls.find((c) => c.includes('create configmap drain-result'))!;
    expect(create).toContain('--from-literal=status=blocked');
    expect(create).toContain('--from-literal=step=s1');
    expect(create).toContain('--from-literal=attempt=2');
    // order: serving pools uncordoned, blue cordoned, drained one node at a time (first batch fails), then restored
    const idx = (re: RegExp) => blocked.calls.findIndex((c) => re.test(c));
    expect(idx(/^uncordon -l kubernetes.azure.com\/agentpool in \(green\)/)).toBe(0);
    expect(idx(/^cordon -l kubernetes.azure.com\/agentpool in \(blue\)/)).toBe(1);
    const drains = blocked.calls.filter((c) => c.startsWith('drain '));
    expect(drains).toHaveLength(1);
    expect(drains[0]).toMatch(/^drain blue-1 --ignore-daemonsets --delete-emptydir-data --pod-selector=app.kubernetes.io\/managed-by!=cdktf-bluegreen --timeout=\d+s$/);
    const restoreAt = blocked.calls.findIndex((c, i) => i > idx(/^drain /) && /^uncordon -l kubernetes.azure.com\/agentpool in \(blue\)/.test(c));
    expect(restoreAt).toBeGreaterThan(0);
    expect(blocked.calls.slice(restoreAt).some((c) => /^cordon -l kubernetes.azure.com\/agentpool in \(green\)/.test(c))).toBe(true);
    // nothing is ever deleted by the drain, and no workload waits once the drain failed
    expect(blocked.calls.some((c) => /^(-n \S+ )?delete /.test(c))).toBe(false);
    expect(blocked.calls.some((c) => c.includes('rollout status'))).toBe(false);
  });

  test('a drain that succeeds: every node drained, the Deployment waited for until Ready, result drained', () => {
    expect(drained.status).toBe(0);
    expect(drained.calls.filter((c) => c.startsWith('drain ')).map((c) => c.split(' ')[1])).toEqual(['blue-1', 'blue-2']);
    expect(drained.calls.some((c) => /^-n shop rollout status deployment\/web --timeout=\d+s$/.test(c))).toBe(true);
    expect(drained.stdout).toContain('drained: pools blue hold no workload pod; 1 workload(s) Ready on green');
    expect(drained.calls.some((c) => /^uncordon -l .*\(blue\)/.test(c))).toBe(false);
  });
});
