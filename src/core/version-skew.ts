import { KubernetesVersion } from './kubernetes-version';

/**
 * Why a kubelet version may not run against a control plane version, or undefined when it may.
 *
 * Upstream skew policy: a kubelet is never newer than kube-apiserver and at most 3 minors older
 * (2 minors when the kubelet is older than 1.25).
 */
export function kubeletSkewProblem(controlPlane: KubernetesVersion, kubelet: KubernetesVersion): string | undefined {
  const behind = controlPlane.minorsAhead(kubelet);
  if (behind < 0) {
    return `a node pool is never newer than its control plane (${controlPlane.minorVersion})`;
  }
  const allowed = kubelet.minor < 25 ? 2 : 3;
  if (behind > allowed) {
    return `a kubelet at most ${allowed} minors older than its control plane is supported (control plane ${controlPlane.minorVersion}, so ${controlPlane.major}.${controlPlane.minor - allowed} or newer)`;
  }
  return undefined;
}

/**
 * Why a control plane upgraded in place may not move from `from` to `to`, or undefined when it may.
 * Control planes move one minor at a time and never back.
 */
export function controlPlaneStepProblem(from: KubernetesVersion, to: KubernetesVersion): string | undefined {
  const step = to.minorsAhead(from);
  if (step < 0) return `a control plane is never downgraded (it is at ${from.minorVersion})`;
  if (step > 1) return `a control plane upgraded in place moves one minor at a time (from ${from.minorVersion} the next is ${from.major}.${from.minor + 1})`;
  return undefined;
}
