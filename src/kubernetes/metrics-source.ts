import { BlueGreenError, show } from '../core/errors';
import { fitName, NAME_RULES } from '../core/naming';

/** How a metric gate's query reaches the metrics. */
export enum MetricsAccess {
  /** From the machine that runs the deploy, with the `http` provider's data source; no credential. */
  DEPLOY_MACHINE = 'deploy-machine',
  /** From a Job inside the unit, with the unit's workload identity. */
  IN_UNIT = 'in-unit',
}

/** Options of a plain Prometheus-compatible endpoint. */
export interface PrometheusSourceProps {
  /**
   * Base URL of the Prometheus HTTP API (the part before `/api/v1/query`). May contain `{{slot}}`,
   * `{{unit}}` or `{{fleet}}` when each unit has its own Prometheus (e.g.
   * `https://prometheus-{{slot}}.internal.example.com`).
   */
  readonly url: string;
  /**
   * Run the query from a Job inside the unit instead of the deploy machine (for a Prometheus only the
   * cluster's network reaches, e.g. `http://prometheus.monitoring.svc:9090`). @default false
   */
  readonly fromInsideUnit?: boolean;
  /** The label that names the unit on every series. @default 'bluegreen_unit' */
  readonly unitLabel?: string;
}

/** Options of an Azure Monitor workspace (managed Prometheus). */
export interface AzureMonitorWorkspaceSourceProps {
  /** The workspace's query endpoint, e.g. `https://shop-amw-abcd.westeurope.prometheus.monitor.azure.com`. */
  readonly queryEndpoint: string;
  /**
   * Client id of the user-assigned managed identity the gate Job runs as, through AKS workload
   * identity. It needs the `Monitoring Data Reader` role on the workspace.
   */
  readonly clientId: string;
  /**
   * Resource id of that managed identity
   * (`/subscriptions/.../resourceGroups/.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`).
   * Every unit's stack creates the federated identity credential for the gate Job's service account
   * on it (issuer: the unit's OIDC issuer), counted against the 20 an identity may hold.
   * @see https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations
   */
  readonly managedIdentityId: string;
  /**
   * The image the gate Job runs, pinned by digest (`<image>@sha256:<64 hex digits>`): Python 3 with
   * the service's maintained SDK (`azure-identity`, whose WorkloadIdentityCredential reads what the workload identity webhook injects), so signing and token exchange are never written by hand and
   * every unit runs the same code. docs/slo-gates.md, "The gate image", has a Dockerfile.
   */
  readonly gateImage: string;
  /**
   * The label that names the unit on every series. The managed Prometheus default scrape labels
   * each series with the cluster alias `cluster`, which is the AKS cluster's name unless you set
   * `cluster_alias` in `ama-metrics-settings-configmap`: the gate then selects
   * `cluster="<the unit's cluster name>"`. A label of your own (written by your scrape
   * configuration) selects the unit's name instead.
   * @see https://learn.microsoft.com/azure/azure-monitor/containers/prometheus-metrics-scrape-configuration#cluster-alias
   * @default 'cluster'
   */
  readonly unitLabel?: string;
}

/** Options of an Amazon Managed Service for Prometheus workspace. */
export interface AmazonManagedPrometheusSourceProps {
  /** Workspace id, e.g. `ws-0123abcd-4567-89ef-0123-456789abcdef`. */
  readonly workspaceId: string;
  /** Region of the workspace, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * IAM role the gate Job acts as, through EKS Pod Identity: every unit's stack associates it with
   * the gate Job's service account. It needs `aps:QueryMetrics` on the workspace, and its trust
   * policy trusts `pods.eks.amazonaws.com` (`sts:AssumeRole`, `sts:TagSession`), so one role serves
   * every cluster without an IAM OIDC provider per unit.
   * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
   */
  readonly roleArn: string;
  /**
   * The image the gate Job runs, pinned by digest (`<image>@sha256:<64 hex digits>`): Python 3 with
   * the service's maintained SDK (`botocore` or `boto3`, whose default credential chain includes EKS Pod Identity's container credential provider), so signing and token exchange are never written by hand and
   * every unit runs the same code. docs/slo-gates.md, "The gate image", has a Dockerfile.
   */
  readonly gateImage: string;
  /** The label that names the unit on every series (your collector's configuration writes it). @default 'bluegreen_unit' */
  readonly unitLabel?: string;
}

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/;
/** An image pinned by digest. @internal */
export const GATE_IMAGE = /^[a-z0-9][a-z0-9._\-/:]{0,250}@sha256:[0-9a-f]{64}$/;

function checkGateImage(field: string, image: unknown, sdk: string): string {
  if (typeof image !== 'string' || !GATE_IMAGE.test(image)) {
    throw new BlueGreenError({
      fleet: '(any)', field, value: show(typeof image === 'string' ? image.slice(0, 120) : image),
      rule: `the gate Job runs ${sdk} from an image pinned by digest (<image>@sha256:<64 hex digits>; docs/slo-gates.md, "The gate image")`,
      fix: `${field.split('.').pop()}: 'registry.example.com/platform/bluegreen-gate@sha256:<digest of your build>'`,
    });
  }
  return image;
}
const IDENTITY_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]{1,90}\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]{3,128}$/i;

function checkUrl(field: string, url: unknown, example: string): string {
  if (typeof url !== 'string' || !/^https?:\/\/[^\s/$.?#][^\s]*$/.test(url) || url.length > 500 || url.includes('@')) {
    throw new BlueGreenError({ fleet: '(any)', field, value: show(typeof url === 'string' ? url.slice(0, 100) : url), rule: 'an endpoint is an http(s) URL of at most 500 characters without credentials in it (no user:password@)', fix: `${field.split('.').pop()}: '${example}'` });
  }
  return url.replace(/\/+$/, '');
}

function checkLabel(label: unknown, fallback = 'bluegreen_unit'): string {
  if (label === undefined) return fallback;
  if (typeof label !== 'string' || !LABEL.test(label)) {
    throw new BlueGreenError({ fleet: '(any)', field: 'MetricsSource.unitLabel', value: show(label), rule: 'a Prometheus label name is letters, digits and "_", not starting with a digit', fix: "unitLabel: 'bluegreen_unit'" });
  }
  return label;
}

/**
 * Where metric gates read their metrics, and how they authenticate. The http provider can send
 * only static headers, which Terraform would keep in state, so a service that needs a token or a
 * signature is queried from a Job inside the unit, with the unit's workload identity; the token
 * lives only in that pod's memory.
 */
export class MetricsSource {
  /**
   * A Prometheus-compatible HTTP API reachable without credentials (inside your network, or behind a
   * proxy that authenticates by network identity). Queried from the deploy machine unless
   * `fromInsideUnit`. https://prometheus.io/docs/prometheus/latest/querying/api/
   */
  public static prometheus(props: PrometheusSourceProps): MetricsSource {
    const url = checkUrl('MetricsSource.prometheus.url', props.url, 'http://prometheus.monitoring.internal:9090');
    return new MetricsSource('prometheus', url, props.fromInsideUnit ? MetricsAccess.IN_UNIT : MetricsAccess.DEPLOY_MACHINE, checkLabel(props.unitLabel), 'none');
  }

  /**
   * Azure Monitor managed service for Prometheus. Queries need a Microsoft Entra token
   * (https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/prometheus-api-promql), which
   * the http data source cannot obtain without a secret in state: the gate runs as a Job in the
   * unit with AKS workload identity (https://learn.microsoft.com/en-us/azure/aks/workload-identity-overview).
   */
  public static azureMonitorWorkspace(props: AzureMonitorWorkspaceSourceProps): MetricsSource {
    const url = checkUrl('MetricsSource.azureMonitorWorkspace.queryEndpoint', props.queryEndpoint, 'https://shop-amw-abcd.westeurope.prometheus.monitor.azure.com');
    if (typeof props.clientId !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(props.clientId)) {
      throw new BlueGreenError({ fleet: '(any)', field: 'MetricsSource.azureMonitorWorkspace.clientId', value: show(props.clientId), rule: 'a client id is a GUID in lowercase', fix: "clientId: '00000000-0000-0000-0000-000000000000'" });
    }
    if (typeof props.managedIdentityId !== 'string' || !IDENTITY_ID.test(props.managedIdentityId)) {
      throw new BlueGreenError({
        fleet: '(any)', field: 'MetricsSource.azureMonitorWorkspace.managedIdentityId', value: show(typeof props.managedIdentityId === 'string' ? props.managedIdentityId.slice(0, 160) : props.managedIdentityId),
        rule: "the gates' identity is the resource id of a user-assigned managed identity (each unit federates its gate service account with it)",
        fix: "managedIdentityId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-gates'",
      });
    }
    const gateImage = checkGateImage('MetricsSource.azureMonitorWorkspace.gateImage', props.gateImage, 'azure-identity');
    return new MetricsSource('azure-monitor-workspace', url, MetricsAccess.IN_UNIT, checkLabel(props.unitLabel, 'cluster'), 'azure', { clientId: props.clientId, managedIdentityId: props.managedIdentityId, gateImage });
  }

  /**
   * Amazon Managed Service for Prometheus. Every query must be signed with SigV4
   * (https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-onboard-query-APIs.html), which the
   * http provider cannot do: the gate runs as a Job in the unit, with EKS Pod Identity
   * (https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html), signed by botocore.
   */
  public static amazonManagedPrometheus(props: AmazonManagedPrometheusSourceProps): MetricsSource {
    if (typeof props.workspaceId !== 'string' || !/^ws-[0-9a-f-]{8,60}$/.test(props.workspaceId)) {
      throw new BlueGreenError({ fleet: '(any)', field: 'MetricsSource.amazonManagedPrometheus.workspaceId', value: show(props.workspaceId), rule: 'a workspace id is "ws-" and the workspace\'s hexadecimal id', fix: "workspaceId: 'ws-0123abcd-4567-89ef-0123-456789abcdef'" });
    }
    if (typeof props.region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-[0-9]$/.test(props.region)) {
      throw new BlueGreenError({ fleet: '(any)', field: 'MetricsSource.amazonManagedPrometheus.region', value: show(props.region), rule: 'a region is an AWS region code', fix: "region: 'eu-west-1'" });
    }
    if (typeof props.roleArn !== 'string' || !/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[\w+=,.@/-]{1,512}$/.test(props.roleArn)) {
      throw new BlueGreenError({ fleet: '(any)', field: 'MetricsSource.amazonManagedPrometheus.roleArn', value: show(props.roleArn), rule: 'the gate Job assumes an IAM role, named by its ARN', fix: "roleArn: 'arn:aws:iam::123456789012:role/bluegreen-metric-gates'" });
    }
    const url = `https://aps-workspaces.${props.region}.amazonaws.com/workspaces/${props.workspaceId}`;
    const gateImage = checkGateImage('MetricsSource.amazonManagedPrometheus.gateImage', props.gateImage, 'botocore');
    return new MetricsSource('amazon-managed-prometheus', url, MetricsAccess.IN_UNIT, checkLabel(props.unitLabel), 'amp', { roleArn: props.roleArn, region: props.region, gateImage });
  }

  /** e.g. `prometheus`, `azure-monitor-workspace`, `amazon-managed-prometheus`. */
  public readonly kind: string;
  /** Base URL of the query API (templated per unit for `prometheus`). */
  public readonly url: string;
  /** Where the query runs. */
  public readonly access: MetricsAccess;
  /** The label that names the unit on every series. */
  public readonly unitLabel: string;

  /**
   * The value of `unitLabel` on the series of one unit: Azure Monitor's `cluster` label holds the
   * cluster alias, the unit's AKS cluster name (`AksUnitNames.clusterName`); any other label the unit name.
   */
  public unitLabelValue(fleet: string, unitName: string): string {
    return this.kind === 'azure-monitor-workspace' && this.unitLabel === 'cluster' ? fitName(NAME_RULES.aksCluster, [fleet, unitName]) : unitName;
  }
  /** How the in-unit Job authenticates: `none`, `azure` (Entra token) or `amp` (SigV4). */
  public readonly auth: string;
  /** Azure: the workload identity's client id. @default - none */
  public readonly clientId?: string;
  /** Azure: resource id of the workload identity (federated with each unit). @default - none */
  public readonly managedIdentityId?: string;
  /** The image of the gate Job (managed services: pinned by digest). @default - none: a plain Prometheus uses the gate's own default */
  public readonly gateImage?: string;
  /** AWS: the role the Job assumes. @default - none */
  public readonly roleArn?: string;
  /** AWS: the workspace's region. @default - none */
  public readonly region?: string;

  private constructor(kind: string, url: string, access: MetricsAccess, unitLabel: string, auth: string, extra: { clientId?: string; managedIdentityId?: string; roleArn?: string; region?: string; gateImage?: string } = {}) {
    this.kind = kind;
    this.url = url;
    this.access = access;
    this.unitLabel = unitLabel;
    this.auth = auth;
    this.clientId = extra.clientId;
    this.managedIdentityId = extra.managedIdentityId;
    this.gateImage = extra.gateImage;
    this.roleArn = extra.roleArn;
    this.region = extra.region;
  }
}
