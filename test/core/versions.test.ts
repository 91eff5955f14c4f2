import { KubernetesVersion } from '../../src';
import { controlPlaneStepProblem, kubeletSkewProblem } from '../../src/core/version-skew';

const v = (s: string) => KubernetesVersion.parse(s);

describe('Kubernetes versions', () => {
  test('parse 1.MINOR and 1.MINOR.PATCH, with an optional v', () => {
    expect(v('1.31').toString()).toBe('1.31');
    expect(v('v1.31.4').toString()).toBe('1.31.4');
    expect(v('1.31.4').minorVersion).toBe('1.31');
    for (const bad of ['1', '1.x', '2.0', '1.31.4.1', '', 'latest']) expect(KubernetesVersion.tryParse(bad)).toBeUndefined();
  });

  test('compare minors, then patches', () => {
    expect(v('1.31').compare(v('1.30.9'))).toBe(1);
    expect(v('1.31.1').compare(v('1.31.2'))).toBe(-1);
    expect(v('1.31').minorsAhead(v('1.28'))).toBe(3);
  });

  test('kubelet skew: never newer, at most 3 minors older (2 below 1.25)', () => {
    expect(kubeletSkewProblem(v('1.31'), v('1.31'))).toBeUndefined();
    expect(kubeletSkewProblem(v('1.31'), v('1.28'))).toBeUndefined();
    expect(kubeletSkewProblem(v('1.31'), v('1.27'))).toMatch(/at most 3 minors older.*1\.28 or newer/);
    expect(kubeletSkewProblem(v('1.31'), v('1.32'))).toMatch(/never newer than its control plane \(1\.31\)/);
    expect(kubeletSkewProblem(v('1.26'), v('1.24'))).toBeUndefined();
    expect(kubeletSkewProblem(v('1.27'), v('1.24'))).toMatch(/at most 2 minors older/);
  });

  test('control planes move one minor at a time, never back', () => {
    expect(controlPlaneStepProblem(v('1.31'), v('1.31'))).toBeUndefined();
    expect(controlPlaneStepProblem(v('1.31'), v('1.32'))).toBeUndefined();
    expect(controlPlaneStepProblem(v('1.31'), v('1.33'))).toMatch(/one minor at a time \(from 1\.31 the next is 1\.32\)/);
    expect(controlPlaneStepProblem(v('1.31'), v('1.30'))).toMatch(/never downgraded/);
  });
});
