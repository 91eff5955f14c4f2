// Faults the scenario runner injects between steps. They live in the world file, so every
// provider process sees them; the per-type rules apply them (see rules/*.ts).
import { SimError } from './errors';
import { Fault } from './model';
import { WorldOps } from './ops';
import { Call } from './rules/rule';
import { WorldStore } from './store';
import { targets } from './units';

export type FaultKind =
  /** Nodes of the unit report Ready=False. */
  | 'nodes-not-ready'
  /** Nodes of the unit report another kubelet version (`version`, default one minor below). */
  | 'wrong-kubelet-version'
  /** The unit's check Jobs fail (with `wait_for_completion`, the apply fails). */
  | 'job-fails'
  /**
   * The unit's origin answers HTTP `status` (default 503). 404 is what an origin whose route is not
   * there yet gives: an ingress controller answers a host no Ingress rule matches from its default
   * backend with 404 (https://kubernetes.github.io/ingress-nginx/user-guide/default-backend/), and the
   * http provider does not retry it (it retries connection errors and 5xx but 501; rules/http.ts).
   */
  | 'origin-status'
  /** The unit's origin does not answer (connection refused) for `attempts` requests and/or `seconds` after it was created. */
  | 'origin-late'
  /** The unit's role assignments are not effective: Kubernetes API calls get 403 for `reads` calls and/or `seconds` after the assignment was created. */
  | 'role-assignment-late'
  /** Creating/updating/deleting the resource `type` named `name` fails (`attempts` times, default until cleared). */
  | 'apply-error'
  /** The unit's EKS control plane reaches the end of standard support: with upgrade policy STANDARD, EKS upgrades it one minor by itself (seen at the next refresh). */
  | 'standard-support-ended'
  /** The unit's GitOps sync (Flux Kustomization) never becomes Ready: its check Job times out. */
  | 'sync-never-ready'
  /** One signal of the unit's metric series (metrics.ts) reads `value` (e.g. latency-p95 0.31) while the fault lasts. */
  | 'metric-value'
  /**
   * The unit's drain Job runs `seconds` of simulated time before it completes (its pod's start and
   * evictions that wait for terminationGracePeriodSeconds and for replacements to be Ready), within
   * the bound the library itself allows (the Job's activeDeadlineSeconds = timeout + 240 s).
   */
  | 'drain-slow'
  /**
   * The deploy is cut off right after the cloud created an object of resource `type` in the unit:
   * the object exists, but its create never returns, so Terraform does not record it (what cdktf's
   * abort of other stacks' applies does mid-command; docs/rehearsal.md). `attempts` times.
   */
  | 'interrupted-after-create'
  /** The region has no quota or capacity left for the unit's compute: creating its cluster or node pools fails (`attempts` times, default until cleared). */
  | 'quota-exceeded';

export const FAULT_KINDS: readonly FaultKind[] = ['nodes-not-ready', 'wrong-kubelet-version', 'job-fails', 'origin-status', 'origin-late', 'role-assignment-late', 'apply-error', 'standard-support-ended', 'sync-never-ready', 'metric-value', 'drain-slow', 'interrupted-after-create', 'quota-exceeded'];

export interface FaultSpec {
  readonly kind: FaultKind;
  /** Unit name or slot (`blue`, `green`: matches `green-…`). Required except for apply-error. */
  readonly unit?: string;
  /** apply-error: Terraform resource type and the resource's `name` attribute (omit name: any of the type). */
  readonly type?: string;
  readonly name?: string;
  /** origin-late: failed attempts before it answers. role-assignment-late: failed reads. apply-error: failures. */
  readonly attempts?: number;
  /** origin-late / role-assignment-late: also not effective until this many simulated seconds after creation. */
  readonly seconds?: number;
  /** wrong-kubelet-version: the version nodes report (e.g. `v1.33.4`). */
  readonly version?: string;
  /** origin-status: the HTTP status (default 503). */
  readonly status?: number;
  /** metric-value: the signal (metrics.ts METRIC_SIGNALS) and the value it reads. */
  readonly metric?: string;
  readonly value?: number;
  readonly note?: string;
}

/** Stores a fault in the world; returns it with its id. */
export function injectFault(worldFile: string, spec: FaultSpec): Fault {
  if (!FAULT_KINDS.includes(spec.kind)) throw new Error(`unknown fault kind "${String(spec.kind)}"; one of ${FAULT_KINDS.join(', ')}`);
  if (spec.kind === 'apply-error' ? !spec.type : !spec.unit || (spec.kind === 'interrupted-after-create' && !spec.type)) {
    throw new Error(spec.kind === 'apply-error' ? 'an apply-error fault needs `type` (and usually `name`)' : `a ${spec.kind} fault needs \`unit\``);
  }
  return new WorldStore(worldFile).update((w) => {
    const fault: Fault = {
      id: w.nextFaultId++,
      kind: spec.kind,
      unit: spec.unit,
      type: spec.type,
      name: spec.name,
      remaining: spec.attempts,
      seconds: spec.seconds,
      version: spec.version,
      status: spec.status,
      metric: spec.metric,
      value: spec.value,
      note: spec.note,
    };
    w.faults.push(JSON.parse(JSON.stringify(fault)) as Fault);
    return fault;
  });
}

/** Removes faults: all of them, or those matching `filter` (id, kind, unit). */
export function clearFaults(worldFile: string, filter: { id?: number; kind?: FaultKind; unit?: string } = {}): number {
  return new WorldStore(worldFile).update((w) => {
    const before = w.faults.length;
    w.faults = w.faults.filter((f) => !((filter.id === undefined || f.id === filter.id) && (filter.kind === undefined || f.kind === filter.kind) && (filter.unit === undefined || f.unit === filter.unit)));
    return before - w.faults.length;
  });
}

export function listFaults(worldFile: string): Fault[] {
  return new WorldStore(worldFile).read().faults;
}

// ---- used by rules -------------------------------------------------------------------------

/** Faults of `kind` aimed at `unit` that are still active. */
export function activeFaults(ops: WorldOps, kind: FaultKind, unit: string | undefined): Fault[] {
  return ops.faults((f) => f.kind === kind && targets(f.unit, unit) && (f.remaining === undefined || f.remaining > 0));
}

/**
 * A counted/timed fault still bites for an object created at `createdAt`: it has attempts left
 * (consumes one) or the clock has not yet passed createdAt + seconds.
 */
export function bites(ops: WorldOps, f: Fault, createdAt: number): boolean {
  const seconds = f.seconds;
  const timed = seconds !== undefined && ops.clock < createdAt + seconds;
  const counted = f.remaining !== undefined && f.remaining > 0;
  if (counted) f.remaining = (f.remaining ?? 0) - 1;
  if (seconds === undefined && f.remaining === undefined) return true; // neither bound: until cleared
  return counted || timed;
}

/** Cuts a create off after the object was stored (fault `interrupted-after-create`): it stays in the world, not in Terraform's state. */
export function interruptAfterCreate(call: Call, unit: string | undefined): void {
  for (const f of call.ops.faults((x) => x.kind === 'interrupted-after-create' && x.type === call.type && targets(x.unit, unit))) {
    if (f.remaining !== undefined) {
      if (f.remaining <= 0) continue;
      f.remaining -= 1;
    }
    throw new SimError(`${call.type}: the apply was interrupted`, f.note ?? 'the deploy was cut off after the object was created and before Terraform recorded it (interrupted-after-create fault)');
  }
}

/** Fails a create/update/delete of a resource an apply-error fault names. */
export function applyErrorFault(call: Call, name: string | undefined, action: string): void {
  if (action === 'read') return;
  for (const f of call.ops.faults((x) => x.kind === 'apply-error' && x.type === call.type && (x.name === undefined || x.name === name))) {
    if (f.remaining !== undefined) {
      if (f.remaining <= 0) continue;
      f.remaining -= 1;
    }
    throw new SimError(`simulated ${action} error on ${call.type} "${name ?? ''}"`, f.note ?? 'injected by the rehearsal (apply-error fault)');
  }
}

/**
 * Compute the cloud must find quota and capacity for, and the error it answers when it cannot
 * (fault `quota-exceeded`, issue 19 item 5: a start step doubles a fleet's capacity).
 * - Azure: https://learn.microsoft.com/en-us/azure/azure-resource-manager/troubleshooting/error-resource-quota
 *   — a deployment exceeding a quota (regional or VM-family cores) fails with `QuotaExceeded`.
 * - EKS: https://docs.aws.amazon.com/eks/latest/APIReference/API_Issue.html — a node group whose
 *   Auto Scaling group cannot launch instances reports `AsgInstanceLaunchFailures`; EC2 answers
 *   `InsufficientInstanceCapacity` (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/troubleshooting-launch.html).
 */
const COMPUTE: Record<string, string> = {
  azurerm_kubernetes_cluster: 'QuotaExceeded: Operation could not be completed as it results in exceeding approved Total Regional Cores quota (simulated)',
  azurerm_kubernetes_cluster_node_pool: 'QuotaExceeded: Operation could not be completed as it results in exceeding approved standardDDSv5Family Cores quota (simulated)',
  aws_eks_node_group: 'AsgInstanceLaunchFailures: InsufficientInstanceCapacity: We currently do not have sufficient capacity in the Availability Zone you requested (simulated)',
};

/** Fails the create of a unit's compute while a quota-exceeded fault is aimed at the unit. */
export function quotaFault(call: Call, unit: string | undefined, name: string | undefined): void {
  const message = COMPUTE[call.type];
  if (!message) return;
  for (const f of activeFaults(call.ops, 'quota-exceeded', unit)) {
    if (f.remaining !== undefined) f.remaining -= 1;
    throw new SimError(`creating ${call.type} "${name ?? ''}"`, message);
  }
}
