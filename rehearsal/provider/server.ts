// A simulated Terraform provider process: HashiCorp go-plugin handshake (magic cookie, auto-mTLS,
// one handshake line on stdout), gRPC services tfplugin6.Provider and plugin.GRPCController.
// Started by Terraform through the wrapper install.ts writes into the filesystem mirror:
//   node server.js <provider> <schemas.json> <cert.json>
import * as fs from 'fs';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Diagnostic, Engine, SimContext, Simulator, toDiagnostic } from './engine';
import type { BlockSchema, ProviderSchemas, AttributeSchema } from './schema';

/** go-plugin's handshake cookie for Terraform providers (plugin.Handshake in terraform's internal/plugin6). */
const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const CORE_PROTOCOL_VERSION = 1;
const APP_PROTOCOL_VERSION = 6;

/** Appends to REHEARSAL_PROVIDER_LOG when set (one line per provider start and RPC, for debugging and measures). */
function trace(msg: string): void {
  const f = process.env.REHEARSAL_PROVIDER_LOG;
  if (f) fs.appendFileSync(f, `${new Date().toISOString()} ${process.pid} ${path.basename(process.cwd())} ${msg}\n`);
}

function log(msg: string): void {
  process.stderr.write(`[rehearsal-provider] ${msg}\n`);
  trace(msg);
}

// Terraform's client accepts large messages (schemas, big states); so do we.
const SERVER_OPTIONS = { 'grpc.max_receive_message_length': 256 << 20, 'grpc.max_send_message_length': 256 << 20 };

const NESTING: Record<string, string> = { single: 'SINGLE', list: 'LIST', set: 'SET', map: 'MAP' };

function attrToProto(a: AttributeSchema): unknown {
  return {
    name: a.name,
    type: a.type !== undefined ? Buffer.from(JSON.stringify(a.type)) : Buffer.alloc(0),
    nested_type: a.nested ? { attributes: a.nested.attributes.map(attrToProto), nesting: NESTING[a.nested.nesting] } : undefined,
    required: a.required,
    optional: a.optional,
    computed: a.computed,
  };
}

function blockToProto(b: BlockSchema): unknown {
  return {
    version: 0,
    attributes: b.attributes.map(attrToProto),
    block_types: b.blocks.map((nb) => ({
      type_name: nb.name,
      block: blockToProto(nb.block),
      nesting: NESTING[nb.nesting],
      min_items: nb.minItems,
      max_items: nb.maxItems,
    })),
  };
}

function schemaToProto(b: BlockSchema): unknown {
  return { version: 0, block: blockToProto(b) };
}

function diag(d: Diagnostic): unknown {
  return { severity: d.severity, summary: d.summary, detail: d.detail, attribute: d.attribute };
}

type Handler = (call: grpc.ServerUnaryCall<any, any>) => unknown;

/** Wraps a handler: errors become an ERROR diagnostic in the response (never a gRPC failure). */
function unary(what: string, fn: Handler): grpc.handleUnaryCall<any, any> {
  return (call, cb) => {
    trace(`${what} ${call.request?.type_name ?? ''}`);
    try {
      cb(null, fn(call) ?? {});
    } catch (e) {
      const d = toDiagnostic(e, `${what} ${call.request?.type_name ?? ''}`.trim());
      if (d.summary.startsWith('simulated provider failed')) log(`${what}: ${d.detail}`);
      cb(null, { diagnostics: [diag(d)] });
    }
  };
}

interface Protos {
  readonly provider: grpc.ServiceDefinition;
  readonly controller: grpc.ServiceDefinition;
}

function loadProtos(): Protos {
  const opts = { keepCase: true, longs: Number, enums: String, defaults: false, oneofs: true };
  // install.ts writes the parsed .proto files as JSON next to this file (faster than parsing them).
  const json = JSON.parse(fs.readFileSync(path.join(__dirname, 'proto', 'descriptors.json'), 'utf8'));
  const pkg = grpc.loadPackageDefinition(protoLoader.fromJSON(json, opts)) as any;
  return { provider: pkg.tfplugin6.Provider.service, controller: pkg.plugin.GRPCController.service };
}

let simulator: Simulator | undefined;
function sim(): Simulator {
  if (simulator) return simulator;
  const world = process.env.REHEARSAL_WORLD;
  if (!world) throw new Error('REHEARSAL_WORLD is not set: the simulated provider has no world file to act on');
  // The world is compiled next to this file (world.js) and loaded on first use only: processes
  // Terraform starts just to read the schema never pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openSimulator } = require(path.join(__dirname, 'world.js')) as { openSimulator(f: string): Simulator };
  simulator = openSimulator(world);
  return simulator;
}

/** The tfplugin6.Provider implementation of one provider; `stackOf` names the stack a connection works for. */
function providerImpl(providerName: string, schemas: ProviderSchemas, stackOf: (peer: string) => string): grpc.UntypedServiceImplementation {
  const configs = new Map<string, Record<string, unknown>>();
  const ctxOf = (peer: string): SimContext => ({ provider: providerName, providerConfig: configs.get(peer) ?? {}, stack: stackOf(peer) });
  const engine = new Engine(schemas, sim, ctxOf);
  const capabilities = { plan_destroy: false, get_provider_schema_optional: false, move_resource_state: false };
  let schemaResponse: unknown;
  return {
    GetMetadata: unary('GetMetadata', () => ({
      server_capabilities: capabilities,
      resources: Object.keys(schemas.resources).map((type_name) => ({ type_name })),
      data_sources: Object.keys(schemas.dataSources).map((type_name) => ({ type_name })),
    })),
    GetProviderSchema: unary('GetProviderSchema', () => (schemaResponse ??= {
      provider: schemaToProto(schemas.config),
      resource_schemas: Object.fromEntries(Object.entries(schemas.resources).map(([k, b]) => [k, schemaToProto(b)])),
      data_source_schemas: Object.fromEntries(Object.entries(schemas.dataSources).map(([k, b]) => [k, schemaToProto(b)])),
      server_capabilities: capabilities,
    })),
    ValidateProviderConfig: unary('ValidateProviderConfig', () => ({})),
    ValidateResourceConfig: unary('ValidateResourceConfig', () => ({})),
    ValidateDataResourceConfig: unary('ValidateDataResourceConfig', () => ({})),
    UpgradeResourceState: unary('UpgradeResourceState', (c) => engine.upgradeResourceState(c.request.type_name, c.request.raw_state?.json)),
    ConfigureProvider: unary('ConfigureProvider', (c) => {
      configs.set(c.getPeer(), engine.decodeProviderConfig(c.request.config));
      return {};
    }),
    ReadResource: unary('ReadResource', (c) => engine.readResource(c.getPeer(), c.request.type_name, c.request.current_state)),
    PlanResourceChange: unary('PlanResourceChange', (c) =>
      engine.planResourceChange(c.getPeer(), c.request.type_name, c.request.prior_state, c.request.proposed_new_state, c.request.config)),
    ApplyResourceChange: unary('ApplyResourceChange', (c) =>
      engine.applyResourceChange(c.getPeer(), c.request.type_name, c.request.prior_state, c.request.planned_state)),
    ReadDataSource: unary('ReadDataSource', (c) => engine.readDataSource(c.getPeer(), c.request.type_name, c.request.config)),
    GetFunctions: unary('GetFunctions', () => ({ functions: {} })),
    StopProvider: unary('StopProvider', () => ({})),
  };
}

function readSchemas(schemasFile: string): Record<string, ProviderSchemas> {
  return JSON.parse(fs.readFileSync(schemasFile, 'utf8')) as Record<string, ProviderSchemas>;
}

export function main(argv: string[]): void {
  if (argv[0] === '--daemon') return daemon(argv[1], argv[2], argv[3]);
  const [providerName, schemasFile, certFile] = argv;
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    process.stderr.write(
      'This binary is a simulated Terraform provider of the cdktf-bluegreen rehearsal. It is started by Terraform, not directly.\n',
    );
    process.exit(1);
  }
  const versions = (process.env.PLUGIN_PROTOCOL_VERSIONS ?? '').split(',');
  if (!versions.includes(String(APP_PROTOCOL_VERSION))) {
    process.stderr.write(`Terraform offers plugin protocol versions ${versions.join(',')}; this provider speaks only ${APP_PROTOCOL_VERSION}.\n`);
    process.exit(1);
  }
  const clientCert = process.env.PLUGIN_CLIENT_CERT;
  if (!clientCert) {
    process.stderr.write('PLUGIN_CLIENT_CERT is not set: Terraform did not offer auto-mTLS.\n');
    process.exit(1);
  }
  // go-plugin servers ignore interrupts: Terraform handles Ctrl-C and then stops the plugin itself.
  process.on('SIGINT', () => undefined);

  const schemas = readSchemas(schemasFile)[providerName];
  if (!schemas) throw new Error(`${schemasFile} has no schemas for provider ${providerName}`);
  const cert = JSON.parse(fs.readFileSync(certFile, 'utf8')) as { certPem: string; keyPem: string; derBase64: string };
  const protos = loadProtos();
  // Terraform starts its providers in its working directory: cdktf.out/stacks/<stack>.
  const stack = process.env.REHEARSAL_STACK ?? path.basename(process.cwd());

  const server = new grpc.Server(SERVER_OPTIONS);
  server.addService(protos.provider, providerImpl(providerName, schemas, () => stack));
  server.addService(protos.controller, {
    Shutdown: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => {
      cb(null, {});
      setImmediate(() => {
        server.forceShutdown();
        process.exit(0);
      });
    },
  });

  const creds = grpc.ServerCredentials.createSsl(
    Buffer.from(clientCert),
    [{ private_key: Buffer.from(cert.keyPem), cert_chain: Buffer.from(cert.certPem) }],
    true,
  );
  server.bindAsync('127.0.0.1:0', creds, (err, port) => {
    if (err) {
      process.stderr.write(`cannot listen: ${err.message}\n`);
      process.exit(1);
    }
    // The one line go-plugin reads: core version | app version | network | address | protocol | server cert.
    const line = [CORE_PROTOCOL_VERSION, APP_PROTOCOL_VERSION, 'tcp', `127.0.0.1:${port}`, 'grpc', cert.derBase64.replace(/=+$/, '')].join('|');
    process.stdout.write(`${line}\n`);
    trace(`start ${providerName} (${Math.round(process.uptime() * 1000)} ms to listen)`);
  });
}

/**
 * Long-lived mode: one process serves every simulated provider (plaintext gRPC on 127.0.0.1, as
 * go-plugin's reattach does no TLS) and writes the TF_REATTACH_PROVIDERS value to `reattachFile`
 * (the mechanism of debugger-based provider debugging: https://developer.hashicorp.com/terraform/plugin/debugging).
 * Terraform then attaches instead of starting a provider process per use. Connections from
 * concurrent Terraform processes share it: provider configuration is kept per connection and the
 * stack is the working directory of the Terraform process owning the connection's client socket.
 */
function daemon(schemasFile: string, reattachFile: string, parentPid?: string): void {
  process.on('SIGINT', () => undefined);
  // Never outlive the runner that started us (it may die without stopping us).
  if (parentPid) {
    setInterval(() => {
      try {
        process.kill(Number(parentPid), 0);
      } catch {
        process.exit(0);
      }
    }, 1000).unref();
  }
  const all = readSchemas(schemasFile);
  const protos = loadProtos();
  const reattach: Record<string, unknown> = {};
  const names = Object.keys(all);
  let pending = names.length;
  for (const name of names) {
    const server = new grpc.Server(SERVER_OPTIONS);
    server.addService(protos.provider, providerImpl(name, all[name], stackOfPeer));
    server.addService(protos.controller, { Shutdown: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, {}) });
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) {
        process.stderr.write(`cannot listen: ${err.message}\n`);
        process.exit(1);
      }
      reattach[`registry.terraform.io/hashicorp/${name}`] = {
        Protocol: 'grpc', ProtocolVersion: APP_PROTOCOL_VERSION, Pid: process.pid, Test: true,
        Addr: { Network: 'tcp', String: `127.0.0.1:${port}` },
      };
      if (--pending === 0) {
        fs.writeFileSync(`${reattachFile}.tmp`, JSON.stringify(reattach));
        fs.renameSync(`${reattachFile}.tmp`, reattachFile);
        trace(`daemon serving ${names.join(', ')} (${Math.round(process.uptime() * 1000)} ms to listen)`);
      }
    });
  }
}

const peerStacks = new Map<string, { inode: string; stack: string }>();

/**
 * Inode of the socket whose local end is 127.0.0.1:<port> (the Terraform side of a connection):
 * /proc/net/tcp rows are `sl local_address rem_address st ... inode`, addresses in hex, st 01 =
 * ESTABLISHED (https://www.kernel.org/doc/Documentation/networking/proc_net_tcp.txt).
 */
function clientSocketInode(port: number): string | undefined {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(hexPort) && f[3] === '01') return f[9];
    }
  }
  return undefined;
}

/**
 * The stack of a connection: the working directory of the Terraform process that owns the client
 * end of the TCP connection (Linux /proc). Cached per connection, re-checked by socket inode so a
 * reused ephemeral port is never attributed to the previous owner.
 */
function stackOfPeer(peer: string): string {
  const port = Number(/:(\d+)$/.exec(peer)?.[1]);
  const inode = clientSocketInode(port);
  const known = peerStacks.get(peer);
  // A socket whose process already closed it (Terraform exiting while its last call is answered) is
  // orphaned: still ESTABLISHED, but with inode 0 and no owner. The connection's first calls named its stack.
  if (known && (inode === undefined || inode === '0' || known.inode === inode)) return known.stack;
  if (!inode) throw new Error(`no TCP connection from local port ${port} (peer ${peer})`);
  const target = `socket:[${inode}]`;
  const pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  // Terraform processes first: scanning every process's descriptors is the slow path.
  const comm = (pid: string): string => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  const ordered = [...pids.filter((p) => comm(p) === 'terraform'), ...pids.filter((p) => comm(p) !== 'terraform')];
  for (const pid of ordered) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (link === target) {
        const stack = path.basename(fs.readlinkSync(`/proc/${pid}/cwd`));
        peerStacks.set(peer, { inode, stack });
        return stack;
      }
    }
  }
  throw new Error(`no process owns the client socket of peer ${peer}`);
}

if (require.main === module) main(process.argv.slice(2));
