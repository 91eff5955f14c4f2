import * as path from 'path';
import { AzurermBackend, LocalBackend, NamedRemoteWorkspace, RemoteBackend, TerraformStack } from 'cdktf';
import { BlueGreenError, show } from '../core/errors';

/**
 * Gives every stack of a fleet its backend. One factory serves all stacks, so switching a team
 * from local state to HCP Terraform is one line.
 */
export interface IBackendFactory {
  /** Adds the backend of `stack`, whose name is `stackName`. */
  bind(stack: TerraformStack, stackName: string): void;
}

/** Options of {@link LocalBackendFactory}. */
export interface LocalBackendFactoryProps {
  /** Folder that holds one `terraform.<stack>.tfstate` per stack. @default - the working directory (as cdktf does) */
  readonly directory?: string;
}

/** Local state files, one per stack (the default). */
export class LocalBackendFactory implements IBackendFactory {
  constructor(private readonly props: LocalBackendFactoryProps = {}) {}

  public bind(stack: TerraformStack, stackName: string): void {
    new LocalBackend(stack, { path: path.resolve(this.props.directory ?? process.cwd(), `terraform.${stackName}.tfstate`) });
  }
}

/** Options of {@link HcpTerraformBackendFactory}. */
export interface HcpTerraformBackendFactoryProps {
  /** HCP Terraform / Terraform Cloud organization. */
  readonly organization: string;
  /** Prefix of every workspace name; the workspace is `<prefix><stack name>`. @default '' */
  readonly workspacePrefix?: string;
  /** Host name. @default 'app.terraform.io' */
  readonly hostname?: string;
}

const WORKSPACE = /^[A-Za-z0-9_-]{1,90}$/;

/**
 * HCP Terraform / Terraform Cloud with one named workspace per stack, through the `remote` backend
 * (the `cloud` block would make synth call `terraform version`). Set the token through
 * `TF_TOKEN_app_terraform_io` or `terraform login`, never in code.
 */
export class HcpTerraformBackendFactory implements IBackendFactory {
  constructor(private readonly props: HcpTerraformBackendFactoryProps) {
    if (typeof props.organization !== 'string' || !WORKSPACE.test(props.organization)) {
      throw new BlueGreenError({ fleet: '(backend)', field: 'HcpTerraformBackendFactory.organization', value: show(props.organization), rule: 'an organization name is letters, digits, "-" and "_"', fix: "organization: 'my-org'" });
    }
  }

  /** The workspace that holds `stackName`'s state. */
  public workspaceName(stackName: string): string {
    return `${this.props.workspacePrefix ?? ''}${stackName}`;
  }

  public bind(stack: TerraformStack, stackName: string): void {
    const name = this.workspaceName(stackName);
    if (!WORKSPACE.test(name)) {
      throw new BlueGreenError({ fleet: '(backend)', field: 'HcpTerraformBackendFactory.workspacePrefix', value: show(this.props.workspacePrefix ?? ''), rule: `workspace names are 1-90 letters, digits, "-" and "_" ("${name}" is not)`, fix: `use a shorter prefix so "${name}" fits in 90 characters` });
    }
    new RemoteBackend(stack, {
      hostname: this.props.hostname ?? 'app.terraform.io',
      organization: this.props.organization,
      workspaces: new NamedRemoteWorkspace(name),
    });
  }
}

/** Options of {@link AzurermBackendFactory}. */
export interface AzurermBackendFactoryProps {
  /** Resource group of the storage account. */
  readonly resourceGroupName: string;
  /** Storage account that holds the state blobs. */
  readonly storageAccountName: string;
  /** Blob container. */
  readonly containerName: string;
  /** Prefix of every state blob; the blob is `<prefix><stack name>.tfstate`. @default '' */
  readonly keyPrefix?: string;
  /** Subscription of the storage account. @default - the provider's */
  readonly subscriptionId?: string;
}

/** State in an Azure Storage blob per stack, with Entra ID auth (no storage keys in config). */
export class AzurermBackendFactory implements IBackendFactory {
  constructor(private readonly props: AzurermBackendFactoryProps) {}

  public bind(stack: TerraformStack, stackName: string): void {
    new AzurermBackend(stack, {
      resourceGroupName: this.props.resourceGroupName,
      storageAccountName: this.props.storageAccountName,
      containerName: this.props.containerName,
      key: `${this.props.keyPrefix ?? ''}${stackName}.tfstate`,
      subscriptionId: this.props.subscriptionId,
      useAzureadAuth: true,
    });
  }
}
