import { BlueGreenError, show } from '../../core/errors';
import { IValidationCheck } from '../../kubernetes/check';
import { METRIC_GATE_SERVICE_ACCOUNT, MetricGate } from '../../kubernetes/metric-gate-check';
import { AksWorkloadAccess, MAX_FEDERATED_CREDENTIALS } from '../aks-workload-access';

/**
 * The fleet's workload access plus the identity of its Azure Monitor gates: every unit's stack then
 * federates the gate Job's service account (in the checks' namespace) with the gates' managed
 * identity, as it does the team's workloads, so a new unit's gates can exchange their token. The
 * gate identity is never verified by a WorkloadIdentityCheck (the gates themselves are the proof).
 * Refuses at synth what Entra would refuse at apply: more than 20 federated credentials on one
 * identity (https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations).
 */
export function withAksGateAccess(fleet: string, access: AksWorkloadAccess | undefined, checks: IValidationCheck[] | undefined, namespace: string, liveUnits: number): AksWorkloadAccess | undefined {
  const gates = (checks ?? []).filter((c): c is MetricGate => c instanceof MetricGate && c.source.auth === 'azure');
  if (gates.length === 0) return access;
  const ids = [...new Set(gates.map((g) => g.source.managedIdentityId!))];
  if (ids.length > 1) {
    throw new BlueGreenError({
      fleet, field: `checks: MetricGate(${gates.find((g) => g.source.managedIdentityId === ids[1])!.checkName}).source.managedIdentityId`, value: show(ids[1]),
      rule: `the gates of a fleet share one service account (${METRIC_GATE_SERVICE_ACCOUNT}), which names one client id; this gate's identity differs from ${ids[0]}`,
      fix: 'give every Azure Monitor gate of the fleet the same MetricsSource',
    });
  }
  const id = ids[0];
  const sharing = (access?.identities ?? []).filter((i) => typeof i.managedIdentityId === 'string' && i.managedIdentityId.toLowerCase() === id.toLowerCase()).length;
  const total = liveUnits * (sharing + 1);
  if (total > MAX_FEDERATED_CREDENTIALS) {
    throw new BlueGreenError({
      fleet, field: 'checks: MetricsSource.azureMonitorWorkspace.managedIdentityId', value: show(id),
      rule: `each of the ${liveUnits} live units federates ${sharing + 1} service account(s) with this identity (the gates'${sharing ? ` and ${sharing} of workloadAccess` : ''}): ${total} federated credentials, more than the ${MAX_FEDERATED_CREDENTIALS} an identity may hold`,
      fix: sharing ? 'give the gates a managed identity of their own' : 'retire units before starting new ones',
    });
  }
  return {
    ...access,
    identities: [...(access?.identities ?? []), { namespace, serviceAccount: METRIC_GATE_SERVICE_ACCOUNT, managedIdentityId: id, verify: false }],
  };
}
