// Pod Security admission: a pod is refused at creation when it violates the level its namespace
// enforces (label `pod-security.kubernetes.io/enforce`). Levels and controls from the Pod Security
// Standards page (https://kubernetes.io/docs/concepts/security/pod-security-standards/) and the
// admission page (https://kubernetes.io/docs/concepts/security/pod-security-admission/): a namespace
// without the label is `privileged` (nothing checked). Only the controls a Job's pod spec as the
// kubernetes provider writes it can violate are checked; the rest (AppArmor, SELinux, /proc mount,
// sysctls) cannot be set through the library and are left out.
import { Attrs, block, str } from '../values';

const list = (v: unknown): Attrs[] => (Array.isArray(v) ? (v as Attrs[]) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Capabilities the baseline level allows a container to add. */
const BASELINE_CAPS = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
/** Volume types the restricted level allows. */
const RESTRICTED_VOLUMES = ['config_map', 'csi', 'downward_api', 'empty_dir', 'ephemeral', 'persistent_volume_claim', 'projected', 'secret'];

/**
 * The violations of `level` by a pod spec (the provider's `spec.template.spec` block), as the API
 * server lists them in its refusal; [] when the pod is admitted.
 */
export function podSecurityViolations(level: string, spec: Attrs): string[] {
  if (level !== 'baseline' && level !== 'restricted') return [];
  const out: string[] = [];
  const containers = [...list(spec.init_container), ...list(spec.container)];
  const podSc = block(spec.security_context) ?? {};
  // ---- baseline
  if (spec.host_network === true || spec.host_pid === true || spec.host_ipc === true) out.push('host namespaces (hostNetwork/hostPID/hostIPC=true)');
  if (list(spec.volume).some((v) => block(v.host_path))) out.push('hostPath volumes');
  for (const c of containers) {
    const sc = block(c.security_context) ?? {};
    const name = str(c.name) ?? '';
    if (sc.privileged === true) out.push(`privileged (container "${name}" must not set securityContext.privileged=true)`);
    const add = strings(block(sc.capabilities)?.add);
    const extra = add.filter((x) => !BASELINE_CAPS.includes(x));
    if (extra.length) out.push(`non-default capabilities (container "${name}" must not include ${extra.map((x) => `"${x}"`).join(', ')} in securityContext.capabilities.add)`);
    if (list(c.port).some((p) => Number(p.host_port ?? 0) > 0)) out.push(`hostPort (container "${name}" uses hostPort)`);
  }
  if (level === 'baseline') return out;
  // ---- restricted
  const badVolumes = list(spec.volume).filter((v) => !Object.entries(v).some(([k, x]) => RESTRICTED_VOLUMES.includes(k) && block(x)));
  if (badVolumes.length) out.push(`restricted volume types (volumes ${badVolumes.map((v) => `"${str(v.name) ?? ''}"`).join(', ')} use a restricted volume type)`);
  const podNonRoot = podSc.run_as_non_root === true;
  const podSeccomp = str(block(podSc.seccomp_profile)?.type);
  const noEscalation: string[] = [];
  const root: string[] = [];
  const seccomp: string[] = [];
  const caps: string[] = [];
  const addCaps: string[] = [];
  for (const c of containers) {
    const sc = block(c.security_context) ?? {};
    const name = str(c.name) ?? '';
    if (sc.allow_privilege_escalation !== false) noEscalation.push(name);
    const nonRoot = sc.run_as_non_root === true || (podNonRoot && sc.run_as_non_root !== false);
    if (!nonRoot) root.push(name);
    const runAsUser = sc.run_as_user ?? podSc.run_as_user;
    if (runAsUser !== undefined && runAsUser !== null && String(runAsUser) === '0') root.push(`${name} (runAsUser=0)`);
    const profile = str(block(sc.seccomp_profile)?.type) ?? podSeccomp;
    if (profile !== 'RuntimeDefault' && profile !== 'Localhost') seccomp.push(name);
    const cap = block(sc.capabilities) ?? {};
    if (!strings(cap.drop).includes('ALL')) caps.push(name);
    if (strings(cap.add).some((x) => x !== 'NET_BIND_SERVICE')) addCaps.push(name);
  }
  const q = (xs: string[]) => xs.map((x) => `"${x}"`).join(', ');
  if (noEscalation.length) out.push(`allowPrivilegeEscalation != false (container${noEscalation.length > 1 ? 's' : ''} ${q(noEscalation)} must set securityContext.allowPrivilegeEscalation=false)`);
  if (caps.length) out.push(`unrestricted capabilities (container${caps.length > 1 ? 's' : ''} ${q(caps)} must set securityContext.capabilities.drop=["ALL"])`);
  if (addCaps.length) out.push(`unrestricted capabilities (containers ${q(addCaps)} may only add "NET_BIND_SERVICE")`);
  if (root.length) out.push(`runAsNonRoot != true (pod or container${root.length > 1 ? 's' : ''} ${q(root)} must set securityContext.runAsNonRoot=true)`);
  if (seccomp.length) out.push(`seccompProfile (pod or container${seccomp.length > 1 ? 's' : ''} ${q(seccomp)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`);
  return out;
}
