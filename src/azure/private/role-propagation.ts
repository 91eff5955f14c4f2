import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { Sleep } from '@cdktf/provider-time/lib/sleep';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';

/** How long a new Azure RBAC role assignment on an AKS cluster may take to reach its authorizer. */
export const ROLE_PROPAGATION_SECONDS = 300;

/**
 * Waits out the propagation of a role assignment the validation stacks rely on: "new role
 * assignments can take up to five minutes to propagate and be updated by the authorization server"
 * (https://learn.microsoft.com/azure/aks/manage-azure-rbac). A `time_sleep` after the assignment,
 * in the same stack, is created once with it (no triggers, so later deploys do not wait again);
 * the stack's apply ends only after it, and the validation stack runs after the stack, so the first
 * checks do not meet a 403. prevent_destroy like every other resource of a live unit.
 * @see https://registry.terraform.io/providers/hashicorp/time/latest/docs/resources/sleep
 */
export function waitForRolePropagation(scope: Construct, id: string, grant: RoleAssignment): Sleep {
  const stack = TerraformStack.of(scope);
  if (!stack.node.tryFindChild('time')) new TimeProvider(stack, 'time');
  return new Sleep(scope, id, {
    createDuration: `${ROLE_PROPAGATION_SECONDS}s`,
    dependsOn: [grant],
    lifecycle: { preventDestroy: true },
  });
}
