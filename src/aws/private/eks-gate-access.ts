import { BlueGreenError, show } from '../../core/errors';
import { IValidationCheck } from '../../kubernetes/check';
import { METRIC_GATE_SERVICE_ACCOUNT, MetricGate } from '../../kubernetes/metric-gate-check';
import { EksWorkloadAccess } from '../eks-workload-access';

/**
 * The fleet's workload access plus the identity of its Amazon Managed Prometheus gates: every unit's
 * stack then associates the gate Job's service account (in the checks' namespace) with the gates'
 * role through EKS Pod Identity (the agent add-on runs on every unit), so a new unit's gates get
 * credentials from the container credential provider without an IAM OIDC provider per unit.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html
 */
export function withEksGateAccess(fleet: string, access: EksWorkloadAccess | undefined, checks: IValidationCheck[] | undefined, namespace: string): EksWorkloadAccess | undefined {
  const gates = (checks ?? []).filter((c): c is MetricGate => c instanceof MetricGate && c.source.auth === 'amp');
  if (gates.length === 0) return access;
  const roles = [...new Set(gates.map((g) => g.source.roleArn!))];
  if (roles.length > 1) {
    throw new BlueGreenError({
      fleet, field: `checks: MetricGate(${gates.find((g) => g.source.roleArn === roles[1])!.checkName}).source.roleArn`, value: show(roles[1]),
      rule: `the gates of a fleet share one service account (${METRIC_GATE_SERVICE_ACCOUNT}), which has one pod identity association per cluster; this gate's role differs from ${roles[0]}`,
      fix: 'give every Amazon Managed Prometheus gate of the fleet the same MetricsSource',
    });
  }
  return {
    ...access,
    identities: [...(access?.identities ?? []), { namespace, serviceAccount: METRIC_GATE_SERVICE_ACCOUNT, roleArn: roles[0], verify: false }],
  };
}
