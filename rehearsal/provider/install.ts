// Installs the simulated providers under their real source addresses (registry.terraform.io/
// hashicorp/<name>) as a Terraform filesystem mirror with a CLI configuration of our own, and gives
// the environment to run `terraform` / `cdktf deploy` with. The user's ~/.terraformrc is never read
// or written: TF_CLI_CONFIG_FILE points at the generated file.
// Mirror layout ("unpacked"): https://developer.hashicorp.com/terraform/cli/config/config-file#filesystem_mirror
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { EmittedTypes } from './collect-types';
import { PROVIDERS, ProviderSchemas, buildSchemas, bindingVersion, isSimulated, SchemaError } from './schema';

const REPO = path.resolve(__dirname, '..', '..');
const CACHE = path.join(__dirname, '.cache');

export interface Installation {
  /** Root of everything installed for this run (temp dir unless given). */
  readonly dir: string;
  /** The filesystem mirror directory. */
  readonly mirrorDir: string;
  /** The CLI configuration file (TF_CLI_CONFIG_FILE). */
  readonly cliConfigFile: string;
  /** Provider name → version installed (from the bindings' terraformGeneratorMetadata). */
  readonly versions: Record<string, string>;
  /** Resource and data-source types the providers serve, by provider. */
  readonly types: Record<string, { resources: string[]; dataSources: string[] }>;
  /** Milliseconds spent: compile, schemas, types. */
  readonly timings: Record<string, number>;
  /**
   * Environment for terraform / cdktf runs against `worldFile`. With reattach (the default) the
   * first call for a world file starts one long-lived provider process for it and the
   * environment carries TF_REATTACH_PROVIDERS.
   */
  env(worldFile: string, base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Stops every long-lived provider process this installation started (also done at exit). */
  stop(): void;
}

export interface InstallOptions {
  /** Where to install. @default a new temp dir */
  readonly dir?: string;
  /** Extra types to serve beyond what the library emits (e.g. a scenario's hand-written stack). */
  readonly extraResources?: string[];
  readonly extraDataSources?: string[];
  /** Serve exactly these types instead of what the library emits (tests: skips the synth). */
  readonly only?: { readonly resources: string[]; readonly dataSources: string[] };
  /** TypeScript module exporting openSimulator(file). @default rehearsal/world/simulator.ts */
  readonly simulator?: string;
  /**
   * Serve every Terraform run of a world from one long-lived provider process (TF_REATTACH_PROVIDERS)
   * instead of Terraform starting a provider process per use. @default true unless REHEARSAL_REATTACH=0
   */
  readonly reattach?: boolean;
}

/** Cache files are written whole (temp file + rename): concurrent runs never read half a file. */
function writeAtomic(file: string, text: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode });
  fs.renameSync(tmp, file);
}

function hash(parts: string[]): string {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.') && e.name !== 'cdktf.out') walk(p);
      else if (e.isFile() && p.endsWith('.ts')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Types the library emits (synthesized reference + examples), cached by the sources' content. */
export function emittedTypes(): EmittedTypes {
  const files = ['src', 'stacks', 'examples'].flatMap((d) => sourceFiles(path.join(REPO, d)));
  const key = hash([...files.map((f) => `${path.relative(REPO, f)}:${fs.readFileSync(f, 'utf8')}`), ...PROVIDERS.map(bindingVersion)]);
  const file = path.join(CACHE, `types-${key}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const out = execFileSync(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'collect-types.ts')], {
    cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20,
  });
  writeAtomic(file, out);
  return JSON.parse(out);
}

/**
 * Types imported by deep module path anywhere in the library (src/): a superset of what the
 * reference synthesizes (e.g. Global Accelerator, which no example uses yet).
 */
export function importedTypes(): { resources: string[]; dataSources: string[] } {
  const resources = new Set<string>();
  const dataSources = new Set<string>();
  for (const f of sourceFiles(path.join(REPO, 'src'))) {
    const re = /@cdktf\/provider-(\w+)\/lib\/([\w-]+)/g;
    const text = fs.readFileSync(f, 'utf8');
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[2] === 'provider') continue;
      // The simulated providers: the five fleets deploy with, and tfe (HcpWorkspaces, rehearsed by R25H).
      if (!(PROVIDERS as readonly string[]).includes(m[1])) continue;
      const dts = fs.readFileSync(require.resolve(`@cdktf/provider-${m[1]}/lib/${m[2]}/index.d.ts`), 'utf8');
      const t = /static readonly tfResourceType = "(\w+)"/.exec(dts);
      if (!t) throw new SchemaError(`@cdktf/provider-${m[1]}/lib/${m[2]} has no tfResourceType`);
      (/extends cdktf\.TerraformDataSource/.test(dts) ? dataSources : resources).add(t[1]);
    }
  }
  return { resources: [...resources].sort(), dataSources: [...dataSources].sort() };
}

/** Derived schemas for the given types, cached by binding versions and type list. */
export function schemasFor(types: { resources: string[]; dataSources: string[] }): { file: string; schemas: Record<string, ProviderSchemas> } {
  const key = hash([fs.readFileSync(path.join(__dirname, 'schema.ts'), 'utf8'), ...PROVIDERS.map(bindingVersion), ...types.resources, '|', ...types.dataSources]);
  const file = path.join(CACHE, `schemas-${key}.json`);
  if (fs.existsSync(file)) return { file, schemas: JSON.parse(fs.readFileSync(file, 'utf8')) };
  const schemas = buildSchemas(types);
  writeAtomic(file, JSON.stringify(schemas));
  return { file, schemas };
}

/** The server certificate (self-signed, CN/SAN localhost, CA, server+client auth), generated once and cached. */
export function serverCert(): string {
  const file = path.join(CACHE, 'provider-cert.json');
  if (fs.existsSync(file)) return file;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const forge = require('node-forge') as typeof import('node-forge');
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01' + crypto.randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
  const attrs = [{ name: 'commonName', value: 'localhost' }, { name: 'organizationName', value: 'cdktf-bluegreen rehearsal' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  const out = { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey), derBase64: Buffer.from(der, 'binary').toString('base64') };
  writeAtomic(file, JSON.stringify(out), 0o600);
  return file;
}

function bundle(entry: string, out: string): void {
  const esbuild = require.resolve('esbuild/bin/esbuild', { paths: [require.resolve('tsx')] });
  execFileSync(esbuild, [
    entry, '--bundle', '--platform=node', '--target=node20', '--format=cjs',
    `--outfile=${out}`, '--log-level=warning', '--legal-comments=none',
  ], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
}

/**
 * Compiles the provider server and the world into JavaScript with esbuild, once per run, so
 * that no provider start pays for TypeScript: build/server.js (gRPC, engine) and build/world.js
 * (the Simulator, loaded on first use).
 */
export function compileServer(outDir: string, simulatorSource: string = DEFAULT_SIMULATOR): string {
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, 'server.js');
  bundle(path.join(__dirname, 'server.ts'), out);
  bundle(simulatorSource, path.join(outDir, 'world.js'));
  fs.cpSync(path.join(__dirname, 'proto'), path.join(outDir, 'proto'), { recursive: true });
  // The parsed .proto files as a JSON descriptor: a provider start skips the .proto parser.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const protobuf = require(require.resolve('protobufjs', { paths: [require.resolve('@grpc/proto-loader')] }));
  const root = new protobuf.Root();
  root.loadSync(['tfplugin6.proto', 'grpc_controller.proto'].map((f) => path.join(__dirname, 'proto', f)), { keepCase: true });
  fs.writeFileSync(path.join(outDir, 'proto', 'descriptors.json'), JSON.stringify(root.toJSON()));
  return out;
}

const DEFAULT_SIMULATOR = path.join(REPO, 'rehearsal', 'world', 'simulator.ts');

/**
 * The compiled server for these sources, from the cache when nothing changed (keyed by the
 * content of every source it bundles: this folder, the proto files and the world's folder).
 */
export function cachedServer(simulatorSource: string = DEFAULT_SIMULATOR): string {
  const files = [...sourceFiles(__dirname), ...sourceFiles(path.dirname(simulatorSource))];
  const protos = fs.readdirSync(path.join(__dirname, 'proto')).sort().map((f) => path.join(__dirname, 'proto', f));
  const key = hash([process.version, simulatorSource, ...[...files, ...protos].map((f) => `${f}:${fs.readFileSync(f, 'utf8')}`)]);
  const dir = path.join(CACHE, `build-${key}`);
  const server = path.join(dir, 'server.js');
  if (fs.existsSync(server)) return server;
  const tmp = `${dir}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  compileServer(tmp, simulatorSource);
  try {
    fs.renameSync(tmp, dir);
  } catch (e) {
    // Another run compiled the same sources first: theirs is identical.
    if (!fs.existsSync(server)) throw e;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return server;
}

/** Builds the mirror, CLI config and compiled server for one run. */
export function installProviders(options: InstallOptions = {}): Installation {
  const timings: Record<string, number> = {};
  let t = Date.now();
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-providers-'));
  const server = cachedServer(options.simulator);
  timings.compileMs = Date.now() - t;

  t = Date.now();
  const emitted: EmittedTypes = options.only ? { ...options.only, requiredProviders: {} } : emittedTypes();
  const imported = options.only ? { resources: [], dataSources: [] } : importedTypes();
  timings.typesMs = Date.now() - t;
  const union = (...xs: string[][]): string[] => [...new Set(xs.flat())].sort();
  const wanted = {
    resources: union(emitted.resources.filter(isSimulated), imported.resources, options.extraResources ?? []),
    dataSources: union(emitted.dataSources.filter(isSimulated), imported.dataSources, options.extraDataSources ?? []),
  };
  t = Date.now();
  const { file: schemasFile, schemas } = schemasFor(wanted);
  timings.schemasMs = Date.now() - t;
  const certFile = serverCert();

  const mirrorDir = path.join(dir, 'mirror');
  const versions: Record<string, string> = {};
  const types: Installation['types'] = {};
  for (const p of PROVIDERS) {
    const s = schemas[p];
    versions[p] = s.version;
    types[p] = { resources: Object.keys(s.resources), dataSources: Object.keys(s.dataSources) };
    const pinned = emitted.requiredProviders[p]?.version;
    if (pinned && pinned !== s.version) {
      throw new SchemaError(`the library pins ${p} ${pinned} but @cdktf/provider-${p} was generated from ${s.version}`);
    }
    const bin = path.join(mirrorDir, 'registry.terraform.io', 'hashicorp', p, s.version, 'linux_amd64');
    fs.mkdirSync(bin, { recursive: true });
    const wrapper = path.join(bin, `terraform-provider-${p}_v${s.version}`);
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${sh(process.execPath)} ${sh(server)} ${p} ${sh(schemasFile)} ${sh(certFile)}\n`, { mode: 0o755 });
  }
  const cliConfigFile = path.join(dir, 'terraform.rc');
  fs.writeFileSync(cliConfigFile, [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirrorDir)}`,
    '    include = ["registry.terraform.io/hashicorp/*"]',
    '  }',
    '}',
    '',
  ].join('\n'));

  const reattach = options.reattach ?? process.env.REHEARSAL_REATTACH !== '0';
  const daemons = new Map<string, { child: ChildProcess; value: string }>();
  const stop = (): void => {
    for (const d of daemons.values()) if (d.child.exitCode === null) d.child.kill('SIGTERM');
    daemons.clear();
  };
  // At exit: stop the daemons, and remove the install dir when it is a temp dir we made.
  process.once('exit', () => {
    stop();
    if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  const daemonFor = (world: string, base: NodeJS.ProcessEnv): string => {
    const known = daemons.get(world);
    if (known && known.child.exitCode === null) return known.value;
    const n = daemons.size + 1;
    const file = path.join(dir, `reattach-${n}.json`);
    const log = fs.openSync(path.join(dir, `daemon-${n}.log`), 'a');
    const child = spawn(process.execPath, [server, '--daemon', schemasFile, file, String(process.pid)], {
      env: { ...base, REHEARSAL_WORLD: world }, stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    child.unref();
    const deadline = Date.now() + 20000;
    while (!fs.existsSync(file)) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the long-lived provider process did not start (see ${path.join(dir, `daemon-${n}.log`)})`);
      }
      Atomics.wait(SLEEP, 0, 0, 25);
    }
    const value = fs.readFileSync(file, 'utf8');
    daemons.set(world, { child, value });
    return value;
  };

  return {
    dir, mirrorDir, cliConfigFile, versions, types, timings, stop,
    env(worldFile: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
      const world = path.resolve(worldFile);
      const env: NodeJS.ProcessEnv = {
        ...base,
        TF_CLI_CONFIG_FILE: cliConfigFile,
        REHEARSAL_WORLD: world,
        CHECKPOINT_DISABLE: '1',
        TF_IN_AUTOMATION: '1',
        TF_INPUT: '0',
      };
      delete env.TF_REATTACH_PROVIDERS;
      if (reattach) env.TF_REATTACH_PROVIDERS = daemonFor(world, base);
      return env;
    },
  };
}

const SLEEP = new Int32Array(new SharedArrayBuffer(4));

function sh(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
