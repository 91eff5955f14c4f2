// RBAC authorization from the Roles, ClusterRoles and bindings that exist in the world's cluster
// (created through Terraform: kubernetes_role_v1, kubernetes_cluster_role_v1, kubernetes_role_binding_v1,
// kubernetes_cluster_role_binding_v1). https://kubernetes.io/docs/reference/access-authn-authz/rbac/:
// - permissions are purely additive, there are no deny rules; a request no rule allows is refused (403);
// - a ClusterRoleBinding grants its (Cluster)Role's rules in every namespace and at the cluster scope;
//   a RoleBinding grants them only in its own namespace (also when it refers to a ClusterRole);
// - a rule matches when apiGroups, resources (a subresource as `pods/eviction`) and verbs each list
//   the request's value or `*`, and resourceNames (when set) lists the object's name;
// - a service account's user name is `system:serviceaccount:<namespace>:<name>`; a subject of kind
//   ServiceAccount names it by name and namespace.
import { WorldObject } from '../model';
import { WorldOps } from '../ops';
import { Attrs, block, str } from '../values';

export interface Identity {
  /** `system:serviceaccount:<ns>:<name>` */
  readonly user: string;
  readonly serviceAccount?: { readonly namespace: string; readonly name: string };
  /** The provider's own credentials (cluster admin: bound to cluster-admin on both clouds). */
  readonly admin?: boolean;
}

export interface Access {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
}

export function serviceAccountIdentity(namespace: string, name: string): Identity {
  return { user: `system:serviceaccount:${namespace}:${name}`, serviceAccount: { namespace, name } };
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const meta = (a: Attrs): Attrs => block(a.metadata) ?? {};

function subjectMatches(binding: WorldObject, who: Identity): boolean {
  const subjects = (Array.isArray(binding.attrs.subject) ? binding.attrs.subject : []) as Attrs[];
  return subjects.some((s) => {
    if (s.kind === 'ServiceAccount') return !!who.serviceAccount && s.name === who.serviceAccount.name && (str(s.namespace) ?? str(meta(binding.attrs).namespace)) === who.serviceAccount.namespace;
    if (s.kind === 'User') return s.name === who.user;
    if (s.kind === 'Group') return s.name === 'system:serviceaccounts' || (!!who.serviceAccount && s.name === `system:serviceaccounts:${who.serviceAccount.namespace}`);
    return false;
  });
}

function rulesOf(ops: WorldOps, cluster: string, ref: Attrs, bindingNamespace?: string): Attrs[] {
  const kind = str(ref.kind);
  const name = str(ref.name);
  const role = kind === 'ClusterRole'
    ? ops.find('kubernetes_cluster_role_v1', (o) => o.cluster === cluster && str(meta(o.attrs).name) === name)
    : ops.find('kubernetes_role_v1', (o) => o.cluster === cluster && str(meta(o.attrs).name) === name && (str(meta(o.attrs).namespace) ?? 'default') === bindingNamespace);
  return (role && Array.isArray(role.attrs.rule) ? role.attrs.rule : []) as Attrs[];
}

function ruleAllows(rule: Attrs, a: Access): boolean {
  const has = (xs: string[], v: string) => xs.includes('*') || xs.includes(v);
  if (!has(list(rule.verbs), a.verb)) return false;
  if (!has(list(rule.api_groups), a.group)) return false;
  if (!has(list(rule.resources), a.resource)) return false;
  const names = list(rule.resource_names);
  return names.length === 0 || (!!a.name && names.includes(a.name));
}

/** undefined when allowed; otherwise why not (the caller answers 403). */
export function authorize(ops: WorldOps, cluster: string, who: Identity, a: Access): string | undefined {
  if (who.admin) return undefined;
  for (const b of ops.all('kubernetes_cluster_role_binding_v1', (o) => o.cluster === cluster)) {
    if (!subjectMatches(b, who)) continue;
    if (rulesOf(ops, cluster, block(b.attrs.role_ref) ?? {}).some((r) => ruleAllows(r, a))) return undefined;
  }
  if (a.namespace) {
    for (const b of ops.all('kubernetes_role_binding_v1', (o) => o.cluster === cluster && (str(meta(o.attrs).namespace) ?? 'default') === a.namespace)) {
      if (!subjectMatches(b, who)) continue;
      if (rulesOf(ops, cluster, block(b.attrs.role_ref) ?? {}, a.namespace).some((r) => ruleAllows(r, a))) return undefined;
    }
  }
  return `${who.user} cannot ${a.verb} ${a.group ? `${a.resource}.${a.group}` : a.resource}`;
}
