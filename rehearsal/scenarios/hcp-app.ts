// A fleet whose stacks live in HCP Terraform workspaces (issue 19 item 4): the library's HcpWorkspaces
// in a bootstrap stack, as docs/hcp-terraform.md sets it up. There is no HCP Terraform to talk to, so
// each fleet stack's `remote` backend is replaced by a local state file, and where HCP would have kept
// that state (host, organization, workspace) is recorded next to the world file: the world then
// treats every azurerm call of that stack as a call of the workspace's run, in its plan or apply
// phase, with the credentials the workspace's settings and variables give it (world/hcp-runs.ts).
// The bootstrap stack itself runs in the CI job (its workspace is made by hand, local execution).
import * as fs from 'fs';
import * as path from 'path';
import { App, LocalBackend, RemoteBackend, TerraformStack } from 'cdktf';
import { HcpExecution, HcpTerraformBackendFactory, HcpWorkspaces, RolloutFleet } from '../../src';
import type { HcpRuns } from './app-fleets';

/** Adds `<fleet>-hcp-workspaces` (HcpWorkspaces for the fleet) and swaps the fleet stacks' HCP backends for local ones. */
export function addHcpWorkspaces(app: App, fleetName: string, hcp: HcpRuns, backend: HcpTerraformBackendFactory): void {
  const fleet = app.node.findChild(fleetName) as RolloutFleet;
  const bootstrap = new TerraformStack(app, `${fleetName}-hcp-workspaces`);
  new HcpWorkspaces(bootstrap, 'workspaces', {
    backend,
    terraformVersion: '1.11.4',
    projectId: hcp.projectId,
    projectName: hcp.projectName,
    fleets: [{
      fleet,
      execution: { default: HcpExecution.agent(hcp.agentPoolId) },
      ...(hcp.awsRunRoleArn
        ? { aws: { runRoleArn: hcp.awsRunRoleArn } }
        : { azure: { runClientId: hcp.runClientId, tenantId: hcp.tenantId, runIdentityId: hcp.runIdentityId } }),
    }],
  });
  const recorded: Record<string, { hostname: string; organization: string; workspace: string }> = {};
  for (const stack of app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c) && c.node.id.startsWith(`${fleetName}-`))) {
    const remote = stack.node.tryFindChild('backend');
    if (!(remote instanceof RemoteBackend)) continue;
    const workspace = ((remote.toTerraform() as { terraform: { backend: { remote: { workspaces: { name: string } } } } }).terraform.backend.remote.workspaces.name);
    recorded[stack.node.id] = { hostname: backend.hostname, organization: backend.organization, workspace };
    stack.node.tryRemoveChild('backend');
    new LocalBackend(stack, { path: path.resolve(`terraform.${stack.node.id}.tfstate`) });
  }
  const world = process.env.REHEARSAL_WORLD;
  if (!world) return; // an in-process synth of the harness (unit names): no world to tell
  const file = `${world}.hcp-backends.json`;
  const known = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> : {};
  const text = JSON.stringify({ ...known, ...recorded }, null, 2);
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  fs.writeFileSync(`${file}.${process.pid}.tmp`, text);
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
}
