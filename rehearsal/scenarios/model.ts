// What a scenario is: fleets in a git repo driven by the CLI, a list of steps (each one deploy),
// and what each step must show. The run group (group.ts) carries the steps out.
import type { FaultSpec as WorldFault } from '../world/faults';
import { EscapeHatch, FleetKind, HcpRuns, SlowBuild } from './app-fleets';
import { DeployResult, ScenarioApp, ScenarioRepo, StateFile } from './harness';

/** One entry of the world's action log (the contract of rehearsal/world). */
export interface WorldAction {
  readonly seq: number;
  readonly clock: number;
  readonly stack: string;
  readonly provider: string;
  readonly type: string;
  readonly action: string;
  readonly id?: string;
  readonly name?: string;
  readonly unit?: string;
  readonly detail?: unknown;
}

/** A fault to inject before a step, in the world's own terms (rehearsal/world/faults.ts). */
export interface FaultSpec {
  /** How the report names it, e.g. "nodes NotReady". */
  readonly label: string;
  /** The fleet and slot the fault is aimed at; the runner names the unit (slots repeat across fleets). */
  readonly fleet: string;
  readonly slot?: string;
  readonly fault: WorldFault;
}

/** What the scenarios need from the simulated world (implemented by world-port.ts). */
export interface WorldPort {
  /** The action log, oldest first. */
  actions(): WorldAction[];
  /** Share in percent per unit name of a fleet's front door (10,000 simulated requests). */
  shares(fleet: string): Record<string, number>;
  /** The world's simulated clock (s). */
  clock(): number;
  /** Moves the simulated clock forward (the time between two merged steps). */
  advanceClock(seconds: number): void;
  /**
   * Issue 19: a fleet's traffic sampled at simulated instants from `from` to `to` + the router's lag
   * (propagation, DNS TTL, client connections), including `instants`.
   */
  timeline(fleet: string, from: number, to: number, instants: number[]): TimelineView;
  setFaults(faults: FaultSpec[]): void;
  clearFaults(): void;
  /** Everything in the world that belongs to a unit (by name), as short descriptions. */
  remainsOf(fleet: string, unit: string): string[];
  /** Node-pool fleets (issue 13): a Deployment `<namespace>/<name>` with a PDB `<name>-pdb` in the fleet's cluster. */
  addWorkload(fleet: string, w: SampleWorkload): void;
  /** Changes the sample workload's replicas and/or its PDB's minAvailable (new pods are scheduled at once). */
  changeWorkload(fleet: string, change: { replicas?: number; minAvailable?: number }): void;
  /** Workload pods per unit name of the fleet's cluster (pending pods under ''). */
  podsPerUnit(fleet: string): Record<string, number>;
  /** Workload pods per node name of the fleet's cluster. */
  podsPerNode(fleet: string): Record<string, number>;
  /** The cluster autoscaler adds a node to a unit's pool; returns the node's name. */
  addPoolNode(fleet: string, unit: string): string;
  /** The nodes of a unit's pool: their taints and whether they are cordoned (spec.unschedulable). */
  nodesOfUnit(fleet: string, unit: string): Array<{ name: string; taints: string[]; unschedulable: boolean }>;
}

/** Traffic over time (rehearsal/world/timeline.ts), as the checks read it. */
export interface TimelineView {
  readonly router: string;
  readonly lagSeconds: number;
  readonly propagationSeconds: number;
  readonly dnsTtlSeconds: number;
  readonly clientKeepSeconds: number;
  readonly samples: Array<{ readonly t: number; readonly requests: number; readonly counts: Record<string, number>; readonly dropped: number; readonly droppedAfterServing: number }>;
}

/** The sample workload of node-pool scenarios. */
export interface SampleWorkload {
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  readonly minAvailable: number;
  readonly nodeSelector: Record<string, string>;
}

/** A fleet of a scenario. */
export interface FleetDecl {
  readonly name: string;
  readonly kind: FleetKind;
  /** Version of the first unit (blue). */
  readonly version: string;
  /** Node pools: the control plane's first version. */
  readonly controlPlane?: string;
  /** Policy written into the new state file. @default the CLI's defaults */
  readonly policy?: Record<string, number | string>;
  readonly extraProps?: Record<string, unknown>;
  /** A unit whose build is slow (see app-fleets.ts). */
  readonly slowBuild?: SlowBuild;
  /**
   * Issue 15: deploy the ready-made SLO gates against the world's metrics API (true: a plain
   * Prometheus queried from the deploy machine; 'managed': the cloud's managed Prometheus from a Job
   * in the unit, with the unit's workload identity). @default false
   */
  readonly sloGates?: boolean | 'managed';
  /** Issue 19 item 4: the fleet's stacks run in HCP Terraform workspaces (app-fleets.ts, hcp-app.ts). @default none */
  readonly hcp?: HcpRuns;
}

/** What a step's verify callback can read. */
export interface StepView {
  readonly deploy: DeployResult;
  /** The world's actions of this deploy, for this scenario's fleets. */
  readonly actions: WorldAction[];
  readonly world: WorldPort;
  readonly repo: ScenarioRepo;
  state(fleet: string): StateFile;
  /** Unit names (slot → name) of a fleet at this step, from the synthesized rollout plan. */
  unitNames(fleet: string): Record<string, string>;
  /** The warnings of a fleet in this step's rollout plan (cdktf.out/rollout-plan.json), as a reviewer reads them. */
  planWarnings(fleet: string): string[];
  /** Stacks of a fleet in this deploy. */
  stacksOf(fleet: string): string[];
  /** Shares measured before this step's deploy. */
  sharesBefore(fleet: string): Record<string, number>;
}

/** One step: CLI commands on the state files, optional faults, one `cdktf deploy '*'`, checks. */
export interface StepSpec {
  readonly label: string;
  /** CLI commands, each [fleet, ...args]; committed as one step with `check --base HEAD~1`. */
  readonly cli?: Array<[string, ...string[]]>;
  /**
   * The step is written by `cdktf-bluegreen autopilot --fleet <fleet>` instead of by hand: a policy of
   * one ring that lets every step kind merge itself, a window open all week, the fleet's region
   * (`cloud`/`region`) offering `offered`, decided at the step's merge time (`--at`). Its output must
   * contain `writes` (e.g. "cdktf-bluegreen start 1.35"), or the step fails before anything deploys.
   */
  readonly autopilot?: { readonly fleet: string; readonly cloud: string; readonly region: string; readonly offered: string[]; readonly writes: string };
  /** Node pools: the control plane's version from this step on. */
  readonly controlPlane?: Record<string, string>;
  /** Changes to the world before the deploy (the sample workload, its PDB), after the CLI step. */
  readonly before?: (w: WorldPort) => void;
  /** Faults set before the deploy (cleared after it unless keepFaults). */
  readonly faults?: FaultSpec[];
  /** Extra fleet props for this step only, per fleet, over the fleet's own (R18: a check declared at one step). */
  readonly props?: Record<string, Record<string, unknown>>;
  /** Escape hatches applied to the app from this step on (R10). */
  readonly escapeHatch?: Record<string, EscapeHatch>;
  /** Per fleet: does the deploy apply or fail for this fleet? @default 'applied' for every fleet */
  readonly expect?: Record<string, 'applied' | 'failed'>;
  /** Run the standard per-step checks (order, live units untouched, traffic shares). @default true */
  readonly standard?: boolean;
  /** Extra checks; returns the problems found (empty = fine). */
  readonly verify?: (v: StepView) => string[];
  /**
   * Minutes after the previous kept commit this step is merged (its commit time, and the time
   * `check --base` judges it at: the soak). A step with it but without `cli` commits the working
   * tree as it is. @default 60
   */
  readonly mergedAfterMinutes?: number;
  /**
   * `check --base HEAD~1` must refuse the step with a message containing this; the commit is then
   * undone (the change stays in the working tree) and the step is not deployed.
   */
  readonly checkRefused?: string;
}

/** A scenario: PASS when every step did what it must, FAIL with the first problem otherwise. */
export interface ScenarioDef {
  readonly id: string;
  readonly text: string;
  readonly fleets: FleetDecl[];
  readonly steps: StepSpec[];
  /**
   * The toolchain: `cdktf` (default; cdktf 0.21 and the library's sources) or `cdktn` (CDK Terrain
   * 0.24: the packed library in an app set up as the README says, deployed by `cdktn deploy '*'`).
   * The scenarios of one group share one.
   */
  readonly flavour?: 'cdktf' | 'cdktn';
  /**
   * A scenario that drives its own deploys (the autopilot calendar, R25) instead of `steps`: given
   * the group's app and world, it returns the problems it found (none = PASS). Its group holds it alone.
   */
  readonly run?: (ctx: ScenarioRunContext) => Promise<string[]>;
}

/** What a scenario with its own `run` gets from its group. */
export interface ScenarioRunContext {
  readonly dir: string;
  readonly app: ScenarioApp;
  readonly env: NodeJS.ProcessEnv;
  readonly world: WorldPort;
  readonly log: (line: string) => void;
  /** Its figures, to fill in (steps, stacks applied, requests over time, simulated seconds, evidence). */
  readonly result: ScenarioResult;
}

/** The figures printed per scenario. */
export interface ScenarioResult {
  readonly id: string;
  readonly text: string;
  passed: boolean;
  why?: string;
  steps: number;
  stacksApplied: number;
  terraformRuns: number;
  seconds: number;
  maxShareError: number;
  /** Requests sampled across deploys and drain windows (timeline), and how many of them failed. */
  timelineRequests?: number;
  failedRequests?: number;
  /** Simulated seconds the scenario's deploys spanned (the world's clock). */
  simulatedSeconds?: number;
  /** Lines worth quoting when it failed (Terraform's error). */
  evidence: string[];
}
