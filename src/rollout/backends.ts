import * as path from 'path';
import { Annotations, App, AzurermBackend, LocalBackend, NamedRemoteWorkspace, RemoteBackend, S3Backend, TerraformStack } from 'cdktf';
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
  /**
   * Folder that holds one `terraform.<stack>.tfstate` per stack. A relative folder (and the default)
   * is written into the synthesized JSON as a path relative to the stack's folder under the app's
   * output directory, so the JSON is the same on every machine; an absolute folder is kept as is.
   * @default - the working directory of `cdktf synth` (as cdktf does)
   */
  readonly directory?: string;
}

const CI_WARNED = Symbol.for('cdktf-bluegreen.local-state-ci-warning');

/**
 * Local state files, one per stack (the default). Terraform resolves a relative `path` from its
 * working directory, which for a cdktf stack is `<outdir>/stacks/<stack>`.
 * @see https://developer.hashicorp.com/terraform/language/backend/local
 *
 * Local state lives and dies with the disk: on a CI runner it is gone after the job, and a retired
 * unit's empty stack then has nothing to destroy, orphaning the cluster. So with `CI` set, synth
 * warns once per app and names the remote backends.
 */
export class LocalBackendFactory implements IBackendFactory {
  constructor(private readonly props: LocalBackendFactoryProps = {}) {}

  public bind(stack: TerraformStack, stackName: string): void {
    const dir = this.props.directory;
    const file = path.resolve(dir ?? process.cwd(), `terraform.${stackName}.tfstate`);
    const app = App.of(stack);
    const statePath = dir !== undefined && path.isAbsolute(dir)
      ? file
      : path.relative(path.resolve(app.outdir, 'stacks', stackName), file).split(path.sep).join('/');
    new LocalBackend(stack, { path: statePath });
    const ci = process.env.CI;
    const marked = app as unknown as { [CI_WARNED]?: boolean };
    if (ci !== undefined && ci !== '' && ci !== 'false' && !marked[CI_WARNED]) {
      marked[CI_WARNED] = true;
      const fleet = stackName.replace(/-(shared|traffic|unit-.*|validate-.*)$/, '');
      Annotations.of(stack).addWarning(`[${fleet}] CI is set but the stacks keep local state (terraform.<stack>.tfstate): a CI runner's disk is gone after the job, and a retired unit's empty stack would then have nothing to destroy, orphaning its cluster. Use a remote backend: backend: new HcpTerraformBackendFactory(...), new S3BackendFactory(...) or new AzurermBackendFactory(...).`);
    }
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

// HCP Terraform workspace names: letters, digits, "-" and "_"; HCP recommends 90 characters or
// fewer, and the library holds every name to that. https://developer.hashicorp.com/terraform/cloud-docs/workspaces/create
const WORKSPACE = /^[A-Za-z0-9_-]{1,90}$/;

/**
 * HCP Terraform / Terraform Cloud with one named workspace per stack, through the `remote` backend
 * (the `cloud` block would make synth call `terraform version`). Set the token through
 * `TF_TOKEN_app_terraform_io` or `terraform login`, never in code.
 *
 * The `remote` backend creates a workspace that does not exist yet on `terraform init`, with the
 * organization's defaults (hosted execution unless changed): declare the workspaces with
 * `HcpWorkspaces` and deploy them first (docs/hcp-terraform.md).
 * https://developer.hashicorp.com/terraform/language/backend/remote
 */
export class HcpTerraformBackendFactory implements IBackendFactory {
  constructor(private readonly props: HcpTerraformBackendFactoryProps) {
    if (typeof props.organization !== 'string' || !WORKSPACE.test(props.organization)) {
      throw new BlueGreenError({ fleet: '(backend)', field: 'HcpTerraformBackendFactory.organization', value: show(props.organization), rule: 'an organization name is letters, digits, "-" and "_"', fix: "organization: 'my-org'" });
    }
  }

  /** The HCP Terraform organization. */
  public get organization(): string {
    return this.props.organization;
  }

  /** The HCP Terraform host. */
  public get hostname(): string {
    return this.props.hostname ?? 'app.terraform.io';
  }

  /** The workspace that holds `stackName`'s state. */
  public workspaceName(stackName: string): string {
    return `${this.props.workspacePrefix ?? ''}${stackName}`;
  }

  public bind(stack: TerraformStack, stackName: string): void {
    const name = this.workspaceName(stackName);
    if (!WORKSPACE.test(name)) {
      throw new BlueGreenError({ fleet: '(backend)', field: 'HcpTerraformBackendFactory.workspacePrefix', value: show(this.props.workspacePrefix ?? ''), rule: `HCP Terraform workspace names are letters, digits, "-" and "_", at most the 90 characters HCP recommends ("${name}", ${name.length} characters, is not)`, fix: `use a shorter prefix so "${name}" fits in 90 characters` });
    }
    new RemoteBackend(stack, {
      hostname: this.hostname,
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

/** How {@link S3BackendFactory} locks a stack's state while Terraform writes it. */
export enum S3StateLocking {
  /** S3 native locking: a `.tflock` object next to the state (`use_lockfile`, Terraform 1.10+). */
  LOCKFILE = 'lockfile',
  /** A DynamoDB table (`dynamodb_table`; deprecated by Terraform in favour of the lockfile). */
  DYNAMODB = 'dynamodb',
}

/** Options of {@link S3BackendFactory}. */
export interface S3BackendFactoryProps {
  /** The S3 bucket that holds the state objects (versioning on, public access blocked: your setup). */
  readonly bucket: string;
  /** Region of the bucket. */
  readonly region: string;
  /** Prefix of every state object; the object is `<prefix><stack name>.tfstate`. @default '' */
  readonly keyPrefix?: string;
  /** How the state is locked. @default S3StateLocking.LOCKFILE */
  readonly locking?: S3StateLocking;
  /** DynamoDB table with a `LockID` string hash key; required with `S3StateLocking.DYNAMODB`. @default - none */
  readonly dynamodbTable?: string;
  /** KMS key for server-side encryption of the state. @default - the bucket's default (SSE-S3) */
  readonly kmsKeyId?: string;
  /** Role the backend assumes to reach the bucket. @default - the caller's credentials */
  readonly roleArn?: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * State in one S3 object per stack, always encrypted at rest (`encrypt = true`) and locked, by
 * default with S3's native lockfile (no DynamoDB table to run). Credentials come from the
 * environment, never from code.
 */
export class S3BackendFactory implements IBackendFactory {
  constructor(private readonly props: S3BackendFactoryProps) {
    const refuse = (field: string, value: unknown, rule: string, fix: string): never => {
      throw new BlueGreenError({ fleet: '(backend)', field: `S3BackendFactory.${field}`, value: show(value), rule, fix });
    };
    if (typeof props.bucket !== 'string' || !BUCKET.test(props.bucket) || props.bucket.includes('..')) {
      refuse('bucket', props.bucket, 'an S3 bucket name is 3-63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit', "bucket: 'acme-terraform-state'");
    }
    if (typeof props.region !== 'string' || !/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(props.region)) {
      refuse('region', props.region, 'an AWS region is its code', "region: 'eu-west-1'");
    }
    const locking = props.locking ?? S3StateLocking.LOCKFILE;
    if (locking === S3StateLocking.DYNAMODB && !props.dynamodbTable) {
      refuse('dynamodbTable', props.dynamodbTable, 'DynamoDB locking needs the lock table', "dynamodbTable: 'terraform-locks', or locking: S3StateLocking.LOCKFILE");
    }
    if (locking === S3StateLocking.LOCKFILE && props.dynamodbTable) {
      refuse('dynamodbTable', props.dynamodbTable, 'a lock table is only used with S3StateLocking.DYNAMODB', 'remove dynamodbTable, or locking: S3StateLocking.DYNAMODB');
    }
  }

  /** The state object of `stackName`. */
  public key(stackName: string): string {
    return `${this.props.keyPrefix ?? ''}${stackName}.tfstate`;
  }

  public bind(stack: TerraformStack, stackName: string): void {
    const locking = this.props.locking ?? S3StateLocking.LOCKFILE;
    const backend = new S3Backend(stack, {
      bucket: this.props.bucket,
      key: this.key(stackName),
      region: this.props.region,
      encrypt: true,
      kmsKeyId: this.props.kmsKeyId,
      dynamodbTable: locking === S3StateLocking.DYNAMODB ? this.props.dynamodbTable : undefined,
      assumeRole: this.props.roleArn ? { roleArn: this.props.roleArn } : undefined,
    });
    // cdktf 0.21's S3Backend has no use_lockfile property yet.
    if (locking === S3StateLocking.LOCKFILE) backend.addOverride('use_lockfile', true);
  }
}
