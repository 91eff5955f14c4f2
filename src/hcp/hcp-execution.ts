import { StackRole } from '../core/plan-report';

/**
 * Where HCP Terraform runs a workspace's plans and applies (the workspace's execution mode).
 * See https://developer.hashicorp.com/terraform/cloud-docs/workspaces/settings#execution-mode
 */
export class HcpExecution {
  /**
   * Runs happen where `cdktf deploy` runs (your CI job); HCP Terraform only stores and locks the
   * state. Credentials are the CI job's own.
   */
  public static local(): HcpExecution {
    return new HcpExecution('local');
  }

  /**
   * Runs happen on an HCP Terraform agent of the pool `agentPoolId` (`apool-…`), inside your
   * network: the pool for private cluster endpoints, with the tools the checks need installed.
   * See https://developer.hashicorp.com/terraform/cloud-docs/agents
   */
  public static agent(agentPoolId: string): HcpExecution {
    return new HcpExecution('agent', agentPoolId);
  }

  /**
   * Runs happen on HCP Terraform's hosted runners: fine for stacks that only call cloud APIs,
   * never for stacks that reach a cluster (refused at synth).
   */
  public static hosted(): HcpExecution {
    return new HcpExecution('remote');
  }

  private constructor(
    /** The workspace's `execution_mode`: "local", "agent" or "remote". */
    public readonly mode: string,
    /** The agent pool, for agent execution. */
    public readonly agentPoolId?: string,
  ) {}

  /** True when runs happen in HCP Terraform or on its agents (workspace variables are used). */
  public get runsRemotely(): boolean {
    return this.mode !== 'local';
  }
}

/**
 * Where each role of stack runs. A role not given falls back to `default`. Stacks that reach a
 * cluster (validation stacks, and any stack with a kubernetes, helm or http provider such as a
 * node-pool fleet's traffic stack) may run locally or on an agent, never on hosted runners.
 */
export interface HcpExecutionPolicy {
  /** Every role not set below. @default HcpExecution.local() */
  readonly default?: HcpExecution;
  /** The fleet's shared stack. @default - `default` */
  readonly shared?: HcpExecution;
  /** Unit stacks. @default - `default` */
  readonly unit?: HcpExecution;
  /** Validation stacks (never hosted). @default - `default` */
  readonly validation?: HcpExecution;
  /** The traffic stack. @default - `default` */
  readonly traffic?: HcpExecution;
}

/** The execution a policy gives a stack role. */
export function executionFor(policy: HcpExecutionPolicy | undefined, role: StackRole): HcpExecution {
  const byRole: { [role: string]: HcpExecution | undefined } = {
    [StackRole.SHARED]: policy?.shared,
    [StackRole.UNIT]: policy?.unit,
    [StackRole.VALIDATE]: policy?.validation,
    [StackRole.TRAFFIC]: policy?.traffic,
  };
  return byRole[role] ?? policy?.default ?? HcpExecution.local();
}
