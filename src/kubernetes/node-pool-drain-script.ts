/**
 * The POSIX sh script the drain Job runs (kubectl only). Internal: the Job's environment is its
 * whole interface (see docs/node-pools.md, "The drain Job").
 *
 * 1. uncordon the nodes of serving pools (a cordon a previous drain left there, e.g. before a rollback);
 * 2. cordon every node of the pools that stop serving, then `kubectl drain` them BATCH_SIZE nodes at
 *    a time: kubectl evicts through the Eviction API and retries while a PodDisruptionBudget refuses
 *    (HTTP 429), until the time left of TIMEOUT_SECONDS runs out
 *    (https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/);
 * 3. wait until every Deployment / StatefulSet that lost a pod is fully available again;
 * 4. write the outcome to ConfigMap RESULT_CONFIGMAP (keys step, attempt, status, detail): the traffic
 *    stack reads it and fails the deploy with `detail` unless status is `drained`.
 * On a blocked eviction or a workload that does not become Ready, the schedulable set is put back
 * as it was before the step (drained pools uncordoned, pools that entered service cordoned) and the
 * detail names the PodDisruptionBudgets that allow no disruption and the pods still on the pools.
 */
export const DRAIN_SCRIPT = [
  "set -u",
  "now() { date +%s; }",
  "deadline=$(( $(now) + TIMEOUT_SECONDS ))",
  "left() { l=$(( deadline - $(now) )); [ \"$l\" -lt 1 ] && l=1; echo \"$l\"; }",
  "sel() { echo \"$NODE_LABEL_KEY in ($1)\"; }",
  "result() {",
  "  kubectl -n \"$RESULT_NAMESPACE\" create configmap \"$RESULT_CONFIGMAP\" --from-literal=step=\"$STEP\" \\",
  "    --from-literal=status=\"$1\" --from-literal=detail=\"$2\" --from-literal=attempt=\"$ATTEMPT\" --dry-run=client -o yaml | kubectl apply -f - >/dev/null || exit 2",
  "  echo \"$1: $2\"",
  "  exit 0",
  "}",
  "restore() {",
  "  kubectl uncordon -l \"$(sel \"$DRAIN_POOLS\")\" >/dev/null 2>&1",
  "  [ -n \"$ENTERING_POOLS\" ] && kubectl cordon -l \"$(sel \"$ENTERING_POOLS\")\" >/dev/null 2>&1",
  "  return 0",
  "}",
  "# Both are best effort: a selector with no node left is not an error, and kubectl drain cordons too.",
  "[ -n \"$SERVING_POOLS\" ] && kubectl uncordon -l \"$(sel \"$SERVING_POOLS\")\" >/dev/null 2>&1",
  "kubectl cordon -l \"$(sel \"$DRAIN_POOLS\")\" >/dev/null 2>&1",
  "nodes=$(kubectl get nodes -l \"$(sel \"$DRAIN_POOLS\")\" -o jsonpath='{range .items[*]}{.metadata.name}{\"\\n\"}{end}') || result failed \"could not list the nodes of $DRAIN_POOLS\"",
  "owners=/tmp/owners",
  ": > \"$owners\"",
  "for n in $nodes; do",
  "  kubectl get pods -A --field-selector \"spec.nodeName=$n\" -l \"$POD_SELECTOR\" \\",
  "    -o jsonpath='{range .items[*]}{.metadata.namespace}{\" \"}{.metadata.ownerReferences[0].kind}{\" \"}{.metadata.ownerReferences[0].name}{\"\\n\"}{end}' >> \"$owners\" || true",
  "done",
  "set -- $nodes",
  "failed=\"\"",
  "while [ $# -gt 0 ] && [ -z \"$failed\" ]; do",
  "  pids=\"\"; i=0",
  "  while [ $# -gt 0 ] && [ \"$i\" -lt \"$BATCH_SIZE\" ]; do",
  "    kubectl drain \"$1\" --ignore-daemonsets --delete-emptydir-data --pod-selector=\"$POD_SELECTOR\" --timeout=\"$(left)s\" > \"/tmp/drain-$1.log\" 2>&1 &",
  "    pids=\"$pids $!\"; shift; i=$((i + 1))",
  "  done",
  "  for p in $pids; do wait \"$p\" || failed=yes; done",
  "done",
  "if [ -n \"$failed\" ]; then",
  "  stuck=\"\"; nss=\"\"",
  "  for n in $nodes; do",
  "    for x in $(kubectl get pods -A --field-selector \"spec.nodeName=$n\" -l \"$POD_SELECTOR\" \\",
  "      -o jsonpath='{range .items[*]}{.metadata.namespace}{\"/\"}{.metadata.name}{\"/\"}{.metadata.ownerReferences[0].kind}{\"\\n\"}{end}'); do",
  "      case \"$x\" in */DaemonSet) continue ;; esac",
  "      stuck=\"$stuck ${x%/*}\"; nss=\"$nss ${x%%/*}\"",
  "    done",
  "  done",
  "  pdbs=\"\"",
  "  for ns in $(echo $nss | tr ' ' '\\n' | sort -u); do",
  "    pdbs=\"$pdbs $(kubectl -n \"$ns\" get pdb -o jsonpath='{range .items[?(@.status.disruptionsAllowed==0)]}{.metadata.namespace}{\"/\"}{.metadata.name}{\" \"}{end}')\"",
  "  done",
  "  restore",
  "  pdbs=$(echo $pdbs)",
  "  stuck=$(echo $stuck | tr ' ' '\\n' | sort -u | tr '\\n' ' ')",
  "  result blocked \"PodDisruptionBudget(s) ${pdbs:-(none found)} allow no eviction; pods still on $DRAIN_POOLS after $TIMEOUT_SECONDS s: ${stuck% }. Nothing was deleted; pools $DRAIN_POOLS are schedulable again\"",
  "fi",
  "sort -u \"$owners\" | while read -r ns kind name; do",
  "  case \"$kind\" in",
  "    ReplicaSet) d=$(kubectl -n \"$ns\" get rs \"$name\" -o jsonpath='{.metadata.ownerReferences[0].name}') && [ -n \"$d\" ] && echo \"$ns deployment/$d\" ;;",
  "    StatefulSet) echo \"$ns statefulset/$name\" ;;",
  "  esac",
  "done | sort -u > /tmp/workloads",
  "while read -r ns w; do",
  "  kubectl -n \"$ns\" rollout status \"$w\" --timeout=\"$(left)s\" >/dev/null 2>&1 || { restore; result not-ready \"$ns/$w did not run Ready on the serving pools $SERVING_POOLS within $TIMEOUT_SECONDS s; pools $DRAIN_POOLS are schedulable again\"; }",
  "done < /tmp/workloads",
  "result drained \"pools $DRAIN_POOLS hold no workload pod; $(wc -l < /tmp/workloads | tr -d ' ') workload(s) Ready on $SERVING_POOLS\"",
].join('\n') + '\n';
