// The shape of the simulated world as it is stored in the world file (plain JSON).
// Kept extensible: later issues add workloads (13) and metrics (15) under `ext`.

/** One row of the action log: every create/update/delete/read/check the world saw, in order. */
export interface ActionLogEntry {
  readonly seq: number;
  readonly clock: number;
  readonly stack: string;
  readonly provider: string;
  readonly type: string;
  readonly action: string; // create | update | delete | replace | read | check-pass | check-fail | sleep | job-run | probe | cascade-delete | error …
  readonly id: string;
  readonly name: string;
  readonly unit?: string;
  readonly detail?: string;
}

/** A thing that exists in the world: a Terraform resource's object, or something the cloud made (node, k8s object). */
export interface WorldObject {
  /** Terraform type (`azurerm_kubernetes_cluster`) or world kind (`node`). */
  type: string;
  provider: string;
  id: string;
  name: string;
  stack: string;
  unit?: string;
  /** Fleet (from the `bluegreen-fleet` tag/label or the stack name). */
  fleet?: string;
  /** Key of the cluster this object lives in (pools, nodes, k8s objects). */
  cluster?: string;
  /** Simulated clock when created. */
  createdAt: number;
  attrs: Record<string, unknown>;
}

/** A fault injected by the scenario runner (see faults.ts). */
export interface Fault {
  readonly id: number;
  readonly kind: string;
  /** Unit name, or slot (`blue` / `green`), matched against the object's unit or its name. */
  readonly unit?: string;
  /** For `apply-error`: resource type and name. */
  readonly type?: string;
  readonly name?: string;
  /** Counted faults (late origin, late role assignment): attempts/reads still to fail. */
  remaining?: number;
  /** Timed faults (late origin, late role assignment): effective until this many simulated seconds after the object's creation. */
  readonly seconds?: number;
  /** For `wrong-kubelet-version`: the version nodes report. */
  readonly version?: string;
  /** For `origin-status`: the HTTP status the origin answers. */
  readonly status?: number;
  /** For `metric-value`: the signal and the value its series reads (metrics.ts). */
  readonly metric?: string;
  readonly value?: number;
  readonly note?: string;
}

export interface World {
  version: number;
  /** Simulated clock in seconds. */
  clock: number;
  seq: number;
  nextId: number;
  /** key = `<type>/<id>` */
  objects: Record<string, WorldObject>;
  log: ActionLogEntry[];
  faults: Fault[];
  nextFaultId: number;
  /** Room for later extensions (workloads, metrics) without changing the file format. */
  ext: Record<string, unknown>;
}

export function emptyWorld(): World {
  return { version: 1, clock: 0, seq: 0, nextId: 1, objects: {}, log: [], faults: [], nextFaultId: 1, ext: {} };
}

export function objectKey(type: string, id: string): string {
  return `${type}/${id}`;
}
