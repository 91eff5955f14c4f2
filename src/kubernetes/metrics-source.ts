import { BlueGreenError, show } from '../core/errors';

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
   * Client id of the user-assigned managed identity (or app registration) the gate Job runs as,
   * through AKS workload identity. It needs the `Monitoring Data Reader` role on the workspace and
   * a federated credential for the Job's service account in every unit's cluster.
   */
  readonly clientId: string;
  /** The label that names the unit on every series. @default 'bluegreen_unit' */
  readonly unitLabel?: string;
}

/** Options of an Amazon Managed Service for Prometheus workspace. */
export interface AmazonManagedPrometheusSourceProps {
  /** Workspace id, e.g. `ws-0123abcd-4567-89ef-0123-456789abcdef`. */
  readonly workspaceId: string;
  /** Region of the workspace, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * IAM role the gate Job assumes through IRSA (`aps:QueryMetrics` on the workspace; its trust policy
   * names each unit's OIDC provider and the Job's service account).
   */
  readonly roleArn: string;
  /** The label that names the unit on every series. @default 'bluegreen_unit' */
  readonly unitLabel?: string;
}

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/;

function checkUrl(field: string, url: unknown, example: string): string {
  if (typeof url !== 'string' || !/^https?:\/\/[^\s/$.?#][^\s]*$/.test(url) || url.length > 500 || url.includes('@')) {
    throw new BlueGreenError({ fleet: '(any)', field, value: show(typeof url === 'string' ? url.slice(0, 100) : url), rule: 'an endpoint is an http(s) URL of at most 500 characters without credentials in it (no user:password@)', fix: `${field.split('.').pop()}: '${example}'` });
  }
  return url.replace(/\/+$/, '');
}

function checkLabel(label: unknown): string {
  if (label === undefined) return 'bluegreen_unit';
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
    return new MetricsSource('azure-monitor-workspace', url, MetricsAccess.IN_UNIT, checkLabel(props.unitLabel), 'azure', { clientId: props.clientId });
  }

  /**
   * Amazon Managed Service for Prometheus. Every query must be signed with SigV4
   * (https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-onboard-query-APIs.html), which the
   * http provider cannot do: the gate runs as a Job in the unit, with IRSA
   * (https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html).
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
    return new MetricsSource('amazon-managed-prometheus', url, MetricsAccess.IN_UNIT, checkLabel(props.unitLabel), 'amp', { roleArn: props.roleArn, region: props.region });
  }

  /** e.g. `prometheus`, `azure-monitor-workspace`, `amazon-managed-prometheus`. */
  public readonly kind: string;
  /** Base URL of the query API (templated per unit for `prometheus`). */
  public readonly url: string;
  /** Where the query runs. */
  public readonly access: MetricsAccess;
  /** The label that names the unit on every series. */
  public readonly unitLabel: string;
  /** How the in-unit Job authenticates: `none`, `azure` (Entra token) or `amp` (SigV4). */
  public readonly auth: string;
  /** Azure: the workload identity's client id. @default - none */
  public readonly clientId?: string;
  /** AWS: the role the Job assumes. @default - none */
  public readonly roleArn?: string;
  /** AWS: the workspace's region. @default - none */
  public readonly region?: string;

  private constructor(kind: string, url: string, access: MetricsAccess, unitLabel: string, auth: string, extra: { clientId?: string; roleArn?: string; region?: string } = {}) {
    this.kind = kind;
    this.url = url;
    this.access = access;
    this.unitLabel = unitLabel;
    this.auth = auth;
    this.clientId = extra.clientId;
    this.roleArn = extra.roleArn;
    this.region = extra.region;
  }
}
