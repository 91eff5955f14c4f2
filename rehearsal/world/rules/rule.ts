// What a per-type rule may define. The simulator does the generic part (ids, storing, logging,
// unknowns → null, cascade); a rule adds the behaviour its provider/cloud documentation describes.
import { WorldOps } from '../ops';
import { WorldObject } from '../model';
import { Attrs } from '../values';

export interface SimContext {
  readonly provider: string;
  readonly providerConfig: Record<string, unknown>;
  readonly stack: string;
}

export interface Call {
  readonly ops: WorldOps;
  readonly ctx: SimContext;
  readonly type: string;
}

export interface ResourceRule {
  /**
   * The object's id in the world, for a type whose schema has no `id` attribute (plugin-framework
   * resources such as aws_eks_capability, kubernetes_manifest), derived from its arguments. @default attrs.id
   */
  key?(attrs: Attrs): string;
  /** Display name of the object (for the log and lookups). @default attrs.name */
  name?(attrs: Attrs): string | undefined;
  /** Key of the cluster the object lives in (k8s objects, pools). Throws SimError when unreachable. */
  cluster?(call: Call, attrs: Attrs): string | undefined;
  /** Validates and fills computed values of a new object (only unknowns). Must set `id`. */
  create?(call: Call, attrs: Attrs): void;
  /** Runs after the object was stored (side objects: nodes, clock). */
  created?(call: Call, obj: WorldObject): void;
  /** Validates and fills computed values of an in-place update. */
  update?(call: Call, prior: WorldObject, attrs: Attrs): void;
  updated?(call: Call, prior: WorldObject, obj: WorldObject): void;
  /** Before the object is removed (refusals, clock). */
  delete?(call: Call, obj: WorldObject): void;
  /** Refresh: what the API returns now (default: the stored attributes). */
  read?(call: Call, obj: WorldObject): Attrs | null;
  /** Unit of the object when tags/labels/stack do not tell. */
  unit?(call: Call, attrs: Attrs, cluster?: string): string | undefined;
}

export interface DataRule {
  /** Looks the object up; throws SimError when absent, as the real data source does. */
  read(call: Call, config: Attrs): Attrs;
  name?(config: Attrs): string | undefined;
}
