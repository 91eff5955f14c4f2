import { Construct } from 'constructs';
import { PlannedUnit } from '../../core/rollout-model';
import { KubernetesSupportCalendar } from '../../core/support-calendar';
import { VersionOfferedUnit } from '../../core/version-offered';
import { Capability, FleetCapability } from './capability-matrix';

/**
 * Support warnings: a serving unit whose Kubernetes minor nears the end of the cloud's support is
 * named in the plan and at synth. `extended` says whether the unit stays on extended support.
 */
export function supportWarnings(calendar: KubernetesSupportCalendar, extended?: (u: PlannedUnit) => boolean): FleetCapability {
  return {
    capability: Capability.SUPPORT_WARNINGS,
    warning: (u) => calendar.warningFor(`${u.slot} (${u.name})`, u.kubernetesVersion.toString(), extended?.(u) ?? false),
  };
}

/**
 * Version offered: the shared stack looks up the versions the cloud offers in the region and fails
 * its plan on a candidate's version that is not offered, so no unit stack runs.
 */
export function versionOffered(lookUp: (scope: Construct, candidates: VersionOfferedUnit[]) => void): FleetCapability {
  return {
    capability: Capability.VERSION_OFFERED,
    bindShared: (stack, candidates) => lookUp(stack, candidates.map((c) => ({ slot: c.slot, kubernetesVersion: c.kubernetesVersion.toString() }))),
  };
}
