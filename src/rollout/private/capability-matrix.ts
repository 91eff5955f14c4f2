import { ITerraformDependable, TerraformStack } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { BlueGreenError, show } from '../../core/errors';
import { PlannedUnit, UnitDeclaration } from '../../core/rollout-model';
import { IValidationCheck } from '../../kubernetes/check';
import { isGateCheck } from '../../kubernetes/metric-gate-check';
import { HcpTerraformBackendFactory } from '../backends';

/** The four fleet kinds. Internal. */
export enum FleetKind {
  AKS_CLUSTER = 'AksFleet',
  EKS_CLUSTER = 'EksFleet',
  AKS_NODE_POOL = 'AksNodePoolFleet',
  EKS_NODE_POOL = 'EksNodePoolFleet',
}

/** What a fleet can do beyond building, checking and routing units. Internal. */
export enum Capability {
  GITOPS = 'GitOps bootstrap',
  WORKLOAD_ACCESS = 'workload access',
  SLO_GATES = 'SLO gates',
  DRAIN = 'drain',
  VERSION_OFFERED = 'version offered',
  SUPPORT_WARNINGS = 'support warnings',
  HCP_WORKSPACES = 'HCP workspaces',
}

/**
 * One capability as a part a fleet composes: each member is optional, and the engine calls it at its
 * phase (plan, shared stack, unit stack, validation stack, report). Internal.
 */
export interface FleetCapability<B = unknown> {
  readonly capability: Capability;
  /** What the capability puts in a unit's stack, merged into the unit's identity (its fingerprint). */
  identity?(u: UnitDeclaration): { [key: string]: unknown };
  /** Checks it adds to every candidate and serving unit (SYNC-phase ones run before the fleet's own). */
  readonly checks?: IValidationCheck[];
  /** Fleet-wide rules once every unit is planned. */
  checkAll?(units: PlannedUnit[]): void;
  /** Adds to the shared stack what must hold before the candidates are built. */
  bindShared?(stack: TerraformStack, candidates: PlannedUnit[]): void;
  /** Adds to a live unit's stack; returns what later capabilities of the unit wait for. */
  bindUnit?(stack: TerraformStack, u: PlannedUnit, built: B, after: ITerraformDependable[]): ITerraformDependable[];
  /** Adds to every validated live unit's validation stack what its checks wait for. */
  bindValidated?(stack: TerraformStack, u: PlannedUnit, provider: KubernetesProvider): ITerraformDependable[];
  /** A warning about a serving unit, for the plan and the synth output. */
  warning?(u: PlannedUnit): string | undefined;
}

/** A cell of the matrix: supported (and where it is proven), or refused with the reason. Internal. */
export interface CapabilityCell {
  /** The rehearsal scenario that deploys it with this fleet kind. */
  readonly rehearsal?: string;
  /** Why no rehearsal scenario deploys it yet, and the jest test that synthesizes it instead. */
  readonly notRehearsed?: { readonly why: string; readonly test: string };
  /** Why it does not apply to this fleet kind: the refusal at synth. */
  readonly refused?: string;
}

const POOL_GITOPS = "GitOps bootstrap belongs to the cluster, not to a pool: a pool's nodes run the cluster's workloads, and the cluster lives in the shared stack, which is no unit; bootstrap it once with the cluster";
const POOL_ACCESS = "workload access belongs to the cluster, not to a pool: federated credentials and pod identity associations are made per cluster (its OIDC issuer, its service accounts), the same for every pool; grant them on the cluster";
const POOL_GATES = 'an SLO gate judges a unit by its own traffic, and a node pool has none: the scheduler spreads a Service\'s pods over every schedulable pool, so no metric tells one pool\'s requests apart; check a pool with NodesReadyCheck and Jobs pinned to its nodes';
const POOL_OFFERED = "a pool's version follows its control plane (never newer, at most 3 minors older, checked at synth), and the control plane moves one minor per step in the shared stack, whose apply fails on a version the cloud does not offer before any pool is built";

/** The capability matrix: every fleet kind × capability, supported or refused. Internal. */
export const CAPABILITY_MATRIX: { readonly [kind: string]: { readonly [capability: string]: CapabilityCell } } = {
  [FleetKind.AKS_CLUSTER]: {
    [Capability.GITOPS]: { rehearsal: 'R18' },
    [Capability.WORKLOAD_ACCESS]: { rehearsal: 'R18' },
    [Capability.SLO_GATES]: { rehearsal: 'R15' },
    [Capability.DRAIN]: { rehearsal: 'R1' },
    [Capability.VERSION_OFFERED]: { rehearsal: 'R19' },
    [Capability.SUPPORT_WARNINGS]: { rehearsal: 'R11' },
    [Capability.HCP_WORKSPACES]: { rehearsal: 'R25H' },
  },
  [FleetKind.EKS_CLUSTER]: {
    [Capability.GITOPS]: { rehearsal: 'R18E' },
    [Capability.WORKLOAD_ACCESS]: { rehearsal: 'R18E' },
    [Capability.SLO_GATES]: { rehearsal: 'R15E' },
    [Capability.DRAIN]: { rehearsal: 'R3' },
    [Capability.VERSION_OFFERED]: { rehearsal: 'R3' },
    [Capability.SUPPORT_WARNINGS]: { rehearsal: 'R11' },
    [Capability.HCP_WORKSPACES]: { rehearsal: 'R25HE' },
  },
  [FleetKind.AKS_NODE_POOL]: {
    [Capability.GITOPS]: { refused: POOL_GITOPS },
    [Capability.WORKLOAD_ACCESS]: { refused: POOL_ACCESS },
    [Capability.SLO_GATES]: { refused: POOL_GATES },
    [Capability.DRAIN]: { rehearsal: 'R6' },
    [Capability.VERSION_OFFERED]: { refused: POOL_OFFERED },
    [Capability.SUPPORT_WARNINGS]: { rehearsal: 'R14' },
    [Capability.HCP_WORKSPACES]: { rehearsal: 'R25H' },
  },
  [FleetKind.EKS_NODE_POOL]: {
    [Capability.GITOPS]: { refused: POOL_GITOPS },
    [Capability.WORKLOAD_ACCESS]: { refused: POOL_ACCESS },
    [Capability.SLO_GATES]: { refused: POOL_GATES },
    [Capability.DRAIN]: { rehearsal: 'R7' },
    [Capability.VERSION_OFFERED]: { refused: POOL_OFFERED },
    [Capability.SUPPORT_WARNINGS]: { rehearsal: 'R14' },
    [Capability.HCP_WORKSPACES]: { rehearsal: 'R25HE' },
  },
};

/** How a user asks for each capability: the field of the fleet's props, and whether these props ask. */
const REQUESTS: { readonly [capability: string]: { readonly field: string; asked(props: any): unknown } } = {
  [Capability.GITOPS]: { field: 'gitOps', asked: (p) => p.gitOps },
  [Capability.WORKLOAD_ACCESS]: { field: 'workloadAccess', asked: (p) => p.workloadAccess },
  [Capability.SLO_GATES]: { field: 'checks', asked: (p) => (Array.isArray(p.checks) ? p.checks.find((c: IValidationCheck) => c && isGateCheck(c))?.checkName : undefined) },
  [Capability.DRAIN]: { field: 'drainSeconds', asked: (p) => p.drainSeconds },
  [Capability.VERSION_OFFERED]: { field: 'verifyVersionOffered', asked: (p) => (p.verifyVersionOffered ? true : undefined) },
  [Capability.SUPPORT_WARNINGS]: { field: 'supportCalendar', asked: (p) => p.supportCalendar },
  [Capability.HCP_WORKSPACES]: { field: 'backend', asked: (p) => (p.backend instanceof HcpTerraformBackendFactory ? p.backend.organization : undefined) },
};

/** The field of a fleet's props that asks for a capability. */
export function capabilityField(capability: Capability): string {
  return REQUESTS[capability].field;
}

/**
 * Refuses, at synth, props that ask a fleet kind for a capability the matrix refuses it, with the
 * matrix's reason; and refuses a composition of a capability the matrix does not support (a bug).
 */
export function checkCapabilities(fleet: string, kind: FleetKind, props: object, composed: FleetCapability<any>[]): void {
  const row = CAPABILITY_MATRIX[kind];
  for (const capability of Object.values(Capability)) {
    const cell = row[capability];
    const asked = REQUESTS[capability].asked(props ?? {});
    if (cell.refused !== undefined && asked !== undefined && asked !== false) {
      throw new BlueGreenError({ fleet, field: REQUESTS[capability].field, value: show(asked), rule: `${kind} does not support ${capability}: ${cell.refused}`, fix: `remove ${REQUESTS[capability].field}` });
    }
  }
  for (const c of composed) {
    if (row[c.capability]?.refused !== undefined) throw new Error(`internal: ${kind} composes ${c.capability}, which its capability matrix refuses`);
  }
}

/** The matrix as a Markdown table (docs/capabilities.md is this, generated). */
export function capabilityMatrixMarkdown(): string {
  const kinds = Object.values(FleetKind);
  const rows = [`| capability | ${kinds.join(' | ')} |`, `|---|${kinds.map(() => '---|').join('')}`];
  for (const capability of Object.values(Capability)) {
    const cells = kinds.map((k) => {
      const c = CAPABILITY_MATRIX[k][capability];
      if (c.refused !== undefined) return `refused at synth: ${c.refused}`;
      if (c.rehearsal !== undefined) return `supported (rehearsal ${c.rehearsal})`;
      return `supported, not rehearsed: ${c.notRehearsed!.why} (synthesized in ${c.notRehearsed!.test})`;
    });
    rows.push(`| ${capability} (\`${REQUESTS[capability].field}\`) | ${cells.join(' | ')} |`);
  }
  return rows.join('\n') + '\n';
}
