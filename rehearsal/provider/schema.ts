// Schemas of the simulated providers, derived mechanically from the installed @cdktf/provider-*
// bindings. The generator that wrote those bindings read each provider's real schema; every
// attribute of a generated class carries a line `// <name> - computed: X, optional: Y, required: Z`
// in the TypeScript source the package ships inline (index.js's source map), the HCL synthesizer
// (`synthesizeHclAttributes()` / `<struct>ToHclTerraform()`) gives each argument's type, storage class
// and whether it is a block, and computed-only attributes are getters over `getXAttribute('name')` or
// complex-list classes. Nothing here is a hand-typed attribute list: a type or construct the parser
// does not recognise throws (SchemaError) instead of guessing.
import * as fs from 'fs';
import * as path from 'path';

/** A Terraform type in cty's JSON notation, exactly as the plugin protocol carries it. */
export type CtyType = string | [string, any] | [string, any, string[]];

export interface AttributeSchema {
  readonly name: string;
  /** cty type; absent when `nested` describes the value. */
  readonly type?: CtyType;
  /** A framework-style nested attribute (settable object-valued attribute that is not a block). */
  readonly nested?: { readonly nesting: Nesting; readonly attributes: AttributeSchema[] };
  readonly required: boolean;
  readonly optional: boolean;
  readonly computed: boolean;
}

export type Nesting = 'single' | 'list' | 'set' | 'map';

export interface NestedBlockSchema {
  readonly name: string;
  readonly nesting: Nesting;
  readonly minItems: number;
  readonly maxItems: number;
  readonly block: BlockSchema;
}

export interface BlockSchema {
  readonly attributes: AttributeSchema[];
  readonly blocks: NestedBlockSchema[];
}

export interface ProviderSchemas {
  readonly provider: string;
  /** The provider version the bindings were generated from (terraformGeneratorMetadata). */
  readonly version: string;
  /** The @cdktf/provider-* package version (the cache key). */
  readonly bindingVersion: string;
  readonly config: BlockSchema;
  readonly resources: Record<string, BlockSchema>;
  readonly dataSources: Record<string, BlockSchema>;
}

export class SchemaError extends Error {}

export const PROVIDERS = ['azurerm', 'aws', 'kubernetes', 'time', 'http', 'tfe'] as const;

function packageDir(provider: string): string {
  return path.dirname(require.resolve(`@cdktf/provider-${provider}/package.json`));
}

export function bindingVersion(provider: string): string {
  return JSON.parse(fs.readFileSync(path.join(packageDir(provider), 'package.json'), 'utf8')).version;
}

/** The original TypeScript of one generated module (index.js and any index-structs/*.js), carried in each file's inline source map. */
function moduleSource(provider: string, module: string): string {
  const dir = path.join(packageDir(provider), 'lib', module);
  const index = path.join(dir, 'index.js');
  if (!fs.existsSync(index)) throw new SchemaError(`@cdktf/provider-${provider}: no module lib/${module}`);
  const files = [index];
  const structs = path.join(dir, 'index-structs');
  if (fs.existsSync(structs)) {
    for (const f of fs.readdirSync(structs).sort()) if (f.endsWith('.js')) files.push(path.join(structs, f));
  }
  return files.map((file) => {
    const js = fs.readFileSync(file, 'utf8');
    const m = /sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(js);
    if (!m) throw new SchemaError(`${file}: no inline source map to read the generated source from`);
    const src = JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')).sourcesContent?.[0];
    if (typeof src !== 'string') throw new SchemaError(`${file}: the source map carries no sourcesContent`);
    return src;
  }).join('\n');
}

interface ParsedModule {
  readonly src: string;
  readonly classes: Map<string, string>;
  readonly functions: Map<string, string>;
  readonly interfaces: Map<string, string>;
}

function parseModule(src: string): ParsedModule {
  const classes = new Map<string, string>();
  const functions = new Map<string, string>();
  const interfaces = new Map<string, string>();
  const re = /^export (class|function|interface) (\w+)[^\n]*\n([\s\S]*?)^\}/gm;
  for (let m = re.exec(src); m; m = re.exec(src)) (m[1] === 'class' ? classes : m[1] === 'function' ? functions : interfaces).set(m[2], m[3]);
  return { src, classes, functions, interfaces };
}

interface AttrComment {
  readonly name: string;
  readonly computed: boolean;
  readonly optional: boolean;
  readonly required: boolean;
  /** The declaration line right after the comment (`private _x ...` or `public get x() {`). */
  readonly decl: string;
  /** The getter's return expression. */
  readonly ret: string;
}

function attrComments(body: string): AttrComment[] {
  const out: AttrComment[] = [];
  const re = /^\s*\/\/ (\w+) - computed: (true|false), optional: (true|false), required: (true|false)\n([^\n]*)\n/gm;
  const hits: Array<{ m: RegExpExecArray; end: number }> = [];
  for (let m = re.exec(body); m; m = re.exec(body)) hits.push({ m, end: re.lastIndex });
  hits.forEach(({ m, end }, i) => {
    const until = i + 1 < hits.length ? hits[i + 1].m.index : body.length;
    const rest = body.slice(end, until);
    const ret = /return ([^;]*);/.exec(m[5].includes('return ') ? m[5] : rest)?.[1] ?? '';
    out.push({ name: m[1], computed: m[2] === 'true', optional: m[3] === 'true', required: m[4] === 'true', decl: m[5].trim(), ret: ret.trim() });
  });
  return out;
}

interface HclEntry {
  /** The binding's camelCase property the value is read from. */
  readonly prop: string;
  readonly isBlock: boolean;
  readonly type: string;
  readonly storageClassType: string;
}

function hclEntries(body: string, where: string): Map<string, HclEntry> {
  const out = new Map<string, HclEntry>();
  const start = body.indexOf('const attrs = {');
  if (start < 0) throw new SchemaError(`${where}: no HCL attribute table`);
  const re = /^\s*(\w+): \{\n\s*value: [^\n]*?(?:struct!\.|this\._)(\w+)\b[^\n]*\n\s*isBlock: (true|false),\n\s*type: "(\w+)",\n\s*storageClassType: "(\w+)",/gm;
  re.lastIndex = start;
  for (let m = re.exec(body); m; m = re.exec(body)) out.set(m[1], { prop: m[2], isBlock: m[3] === 'true', type: m[4], storageClassType: m[5] });
  return out;
}

// The generator renders a `dynamic` attribute as a map of `any` (@cdktf/provider-generator
// lib/get/generator/resource-parser.js, renderAttributeType case "dynamic"), so "anyMap" is read
// back as dynamic: a real map(dynamic) would have rendered as a map of maps.
const PRIMITIVE: Record<string, CtyType> = { string: 'string', number: 'number', boolean: 'bool' };
const COLLECTION: Record<string, CtyType> = {
  stringList: 'string', numberList: 'number', booleanList: 'bool',
  stringMap: 'string', numberMap: 'number', booleanMap: 'bool',
};
const GETTERS: Record<string, CtyType> = {
  getStringAttribute: 'string', getNumberAttribute: 'number', getBooleanAttribute: 'bool',
  getListAttribute: ['list', 'string'], getNumberListAttribute: ['list', 'number'],
  getBooleanListAttribute: ['list', 'bool'],
  getStringMapAttribute: ['map', 'string'], getNumberMapAttribute: ['map', 'number'],
  getBooleanMapAttribute: ['map', 'bool'], getAnyMapAttribute: 'dynamic',
  interpolationForAttribute: 'dynamic',
};
const CDKTF_MAPS: Record<string, CtyType> = {
  StringMap: ['map', 'string'], NumberMap: ['map', 'number'], BooleanMap: ['map', 'bool'], AnyMap: 'dynamic',
  StringListMap: ['map', ['list', 'string']], NumberListMap: ['map', ['list', 'number']],
  BooleanListMap: ['map', ['list', 'bool']], StringMapList: ['list', ['map', 'string']],
  NumberMapList: ['list', ['map', 'number']], BooleanMapList: ['list', ['map', 'bool']],
  AnyMapList: ['list', 'dynamic'],
};

/** Derives schemas for one module of one provider package. */
class ModuleReader {
  private readonly mod: ParsedModule;
  constructor(private readonly provider: string, private readonly module: string) {
    this.mod = parseModule(moduleSource(provider, module));
  }

  private where(cls: string): string {
    return `@cdktf/provider-${this.provider}/lib/${this.module} ${cls}`;
  }

  private classBody(name: string): string {
    const b = this.mod.classes.get(name);
    if (b === undefined) throw new SchemaError(`${this.where(name)}: class not found`);
    return b;
  }

  /** The top-level class: its terraform type and kind. */
  main(): { cls: string; type: string; kind: 'resource' | 'data' | 'provider' } {
    const m = /^export class (\w+) extends cdktf\.(TerraformResource|TerraformDataSource|TerraformProvider) \{/m.exec(this.mod.src);
    if (!m) throw new SchemaError(`${this.where('?')}: no resource, data source or provider class`);
    const t = /public static readonly tfResourceType = "(\w+)";/.exec(this.classBody(m[1]));
    if (!t) throw new SchemaError(`${this.where(m[1])}: no static tfResourceType`);
    const kind = m[2] === 'TerraformResource' ? 'resource' : m[2] === 'TerraformDataSource' ? 'data' : 'provider';
    return { cls: m[1], type: t[1], kind };
  }

  generatorVersion(): string {
    const m = /providerVersion: '([^']+)'/.exec(this.mod.src);
    if (!m) throw new SchemaError(`${this.where('?')}: no terraformGeneratorMetadata.providerVersion`);
    return m[1];
  }

  topBlock(): BlockSchema {
    const { cls, kind } = this.main();
    const body = this.classBody(cls);
    const hclStart = body.indexOf('synthesizeHclAttributes()');
    if (hclStart < 0) throw new SchemaError(`${this.where(cls)}: no synthesizeHclAttributes()`);
    const skip = kind === 'provider' ? new Set(['alias']) : new Set<string>();
    return this.block(cls, body, hclEntries(body.slice(hclStart), this.where(cls)), skip);
  }

  /** A block: its attributes (settable and computed-only) and nested blocks. */
  private block(cls: string, body: string, hcl: Map<string, HclEntry>, skip: Set<string> = new Set()): BlockSchema {
    const attributes: AttributeSchema[] = [];
    const blocks: NestedBlockSchema[] = [];
    const comments = attrComments(body);
    if (comments.length === 0 && hcl.size > 0) throw new SchemaError(`${this.where(cls)}: attributes without generator comments`);
    for (const c of comments) {
      if (skip.has(c.name)) continue;
      const e = hcl.get(c.name);
      const flags = { required: c.required, optional: c.optional, computed: c.computed };
      if (e?.isBlock) {
        blocks.push(this.nestedBlock(cls, body, c, e));
      } else if (e) {
        attributes.push(this.settableAttribute(cls, c, e, flags));
      } else {
        if (!c.computed || c.optional || c.required) {
          throw new SchemaError(`${this.where(cls)}.${c.name}: settable but missing from the HCL attribute table`);
        }
        attributes.push({ name: c.name, type: this.computedType(cls, body, c), ...flags });
      }
    }
    for (const name of hcl.keys()) {
      if (!skip.has(name) && !comments.some((c) => c.name === name)) {
        throw new SchemaError(`${this.where(cls)}.${name}: in the HCL attribute table but has no generator comment`);
      }
    }
    return { attributes, blocks };
  }

  private settableAttribute(cls: string, c: AttrComment, e: HclEntry, flags: Omit<AttributeSchema, 'name'>): AttributeSchema {
    if (e.type === 'simple' && PRIMITIVE[e.storageClassType]) return { name: c.name, type: PRIMITIVE[e.storageClassType], ...flags };
    if (e.type === 'map' && e.storageClassType === 'anyMap') return { name: c.name, type: 'dynamic', ...flags };
    if ((e.type === 'list' || e.type === 'set' || e.type === 'map') && COLLECTION[e.storageClassType]) {
      return { name: c.name, type: [e.type, COLLECTION[e.storageClassType]], ...flags };
    }
    // An object-valued argument that is not a block: a nested attribute.
    const nesting: Nesting | undefined = e.type === 'struct' ? 'single' : (e.type as Nesting);
    if (['single', 'list', 'set', 'map'].includes(nesting)) {
      const struct = structName(e.storageClassType, e.type);
      const inner = this.structBlock(struct);
      if (inner.blocks.length) throw new SchemaError(`${this.where(cls)}.${c.name}: nested attribute with blocks inside`);
      return { name: c.name, nested: { nesting, attributes: inner.attributes }, ...flags };
    }
    throw new SchemaError(`${this.where(cls)}.${c.name}: unknown argument kind type=${e.type} storageClassType=${e.storageClassType}`);
  }

  private nestedBlock(cls: string, body: string, c: AttrComment, e: HclEntry): NestedBlockSchema {
    const struct = structName(e.storageClassType, e.type);
    const block = this.structBlock(struct);
    // A block the bindings hold as a single OutputReference (with putX) allows one item.
    const single = new RegExp(`new ${struct}OutputReference\\(this, "${c.name}"\\)`).test(body);
    let nesting: Nesting;
    if (e.type === 'struct') nesting = 'single';
    else if (e.type === 'list' || e.type === 'set') nesting = e.type;
    else throw new SchemaError(`${this.where(cls)}.${c.name}: unknown block kind ${e.type}`);
    return { name: c.name, nesting, minItems: c.required ? 1 : 0, maxItems: nesting !== 'single' && single ? 1 : 0, block };
  }

  /** A struct's block: settable members from `<struct>ToHclTerraform`, computed ones from its OutputReference. */
  private structBlock(struct: string): BlockSchema {
    const fn = lcfirst(struct) + 'ToHclTerraform';
    const fnBody = this.mod.functions.get(fn);
    if (fnBody === undefined) throw new SchemaError(`${this.where(struct)}: no ${fn}()`);
    const hcl = fnBody.includes('const attrs = {') ? hclEntries(fnBody, this.where(fn)) : new Map<string, HclEntry>();
    const ref = struct + 'OutputReference';
    if (this.mod.classes.has(ref)) return this.block(ref, this.classBody(ref), hcl);
    // Provider configuration structs have no OutputReference: optionality is the interface's `?`.
    const iface = this.mod.interfaces.get(struct);
    if (iface === undefined) throw new SchemaError(`${this.where(struct)}: neither ${ref} nor interface ${struct}`);
    const members = new Map<string, boolean>();
    const re = /^\s*readonly (\w+)(\??):/gm;
    for (let m = re.exec(iface); m; m = re.exec(iface)) members.set(m[1], m[2] === '?');
    const synthetic = [...hcl].map(([name, e]) => {
      const optional = members.get(e.prop);
      if (optional === undefined) throw new SchemaError(`${this.where(struct)}.${e.prop}: not a member of the interface`);
      return `  // ${name} - computed: false, optional: ${optional}, required: ${!optional}\n  private _${e.prop}?: unknown;\n`;
    }).join('');
    return this.block(struct, synthetic, hcl);
  }

  /** Type of a computed-only attribute, read from its getter. */
  private computedType(cls: string, body: string, c: AttrComment): CtyType {
    const r = c.ret;
    let m = /^(cdktf\.Fn\.tolist\()?this\.(\w+)\('(\w+)'\)\)?$/.exec(r);
    if (m && GETTERS[m[2]]) {
      const t = GETTERS[m[2]];
      if (m[1]) {
        if (!Array.isArray(t) || t[0] !== 'list') throw new SchemaError(`${this.where(cls)}.${c.name}: tolist over ${m[2]}`);
        return ['set', t[1]];
      }
      return t;
    }
    let ctor: string | undefined;
    let setArg: string | undefined;
    m = /^new (\w+)\(this, ['"](\w+)['"](?:, (true|false))?\)$/.exec(r);
    if (m) { ctor = m[1]; setArg = m[3]; }
    m = /^this\.(_\w+)$/.exec(r);
    if (m) {
      const d = new RegExp(`private ${m[1]} = new ((?:cdktf\\.)?\\w+)\\(this, "\\w+"(?:, (true|false))?\\);`).exec(body);
      if (!d) throw new SchemaError(`${this.where(cls)}.${c.name}: cannot find the initialiser of ${m[1]}`);
      ctor = d[1]; setArg = d[2];
    }
    if (ctor?.startsWith('cdktf.')) {
      const t = CDKTF_MAPS[ctor.slice(6)];
      if (!t) throw new SchemaError(`${this.where(cls)}.${c.name}: unknown cdktf collection ${ctor}`);
      return t;
    }
    if (ctor?.endsWith('OutputReference')) return this.objectType(ctor);
    if (ctor?.endsWith('List')) return [setArg === 'true' ? 'set' : 'list', this.objectType(ctor.slice(0, -4) + 'OutputReference')];
    if (ctor?.endsWith('Map')) return ['map', this.objectType(ctor.slice(0, -3) + 'OutputReference')];
    throw new SchemaError(`${this.where(cls)}.${c.name}: cannot read a type from getter \`${r}\``);
  }

  /** The object type of a computed-only complex value: every member of its OutputReference. */
  private objectType(ref: string): CtyType {
    const b = this.block(ref, this.classBody(ref), new Map());
    const attrs: Record<string, any> = {};
    for (const a of b.attributes) attrs[a.name] = a.type ?? (() => { throw new SchemaError(`${this.where(ref)}.${a.name}: nested attribute in a computed object`); })();
    return ['object', attrs];
  }
}

function lcfirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function structName(storageClassType: string, kind: string): string {
  if (kind === 'struct') return storageClassType;
  if ((kind === 'list' || kind === 'set') && storageClassType.endsWith('List')) return storageClassType.slice(0, -4);
  if (kind === 'map' && storageClassType.endsWith('Map')) return storageClassType.slice(0, -3);
  throw new SchemaError(`unknown storage class ${storageClassType} for a ${kind}`);
}

/** The module that should hold a type by the generator's naming rule; verified by its tfResourceType. */
function conventionalModule(provider: string, type: string, kind: 'resource' | 'data'): string {
  const bare = provider === 'http' && type === 'http' ? 'http' : type.replace(new RegExp(`^${provider}_`), '');
  const dashed = bare.replace(/_/g, '-');
  return kind === 'data' ? `data-${provider}-${dashed}` : dashed;
}

const moduleIndexCache = new Map<string, Map<string, string>>();

/** Every module of a package by `kind:type`, read from each class's static tfResourceType (slow; fallback). */
function moduleIndex(provider: string): Map<string, string> {
  let idx = moduleIndexCache.get(provider);
  if (idx) return idx;
  idx = new Map();
  const lib = path.join(packageDir(provider), 'lib');
  for (const mod of fs.readdirSync(lib)) {
    const dts = path.join(lib, mod, 'index.d.ts');
    if (!fs.existsSync(dts)) continue;
    const s = fs.readFileSync(dts, 'utf8');
    const k = /extends cdktf\.(TerraformResource|TerraformDataSource) \{/.exec(s);
    const t = /static readonly tfResourceType = "(\w+)"/.exec(s);
    if (k && t) idx.set(`${k[1] === 'TerraformResource' ? 'resource' : 'data'}:${t[1]}`, mod);
  }
  moduleIndexCache.set(provider, idx);
  return idx;
}

/** Whether one of the simulated providers serves a type. */
export function isSimulated(type: string): boolean {
  return type === 'http' || PROVIDERS.some((x) => type.startsWith(`${x}_`));
}

/** Provider name of a resource or data-source type ("http" is the http provider's only data source). */
export function providerOf(type: string): string {
  if (type === 'http') return 'http';
  const p = PROVIDERS.find((x) => type.startsWith(`${x}_`));
  if (!p) throw new SchemaError(`no simulated provider serves type ${type}`);
  return p;
}

/** Derives the schema of one resource or data-source type; throws SchemaError when it cannot. */
export function deriveTypeSchema(type: string, kind: 'resource' | 'data'): { provider: string; module: string; block: BlockSchema } {
  const provider = providerOf(type);
  let module = conventionalModule(provider, type, kind);
  let reader: ModuleReader | undefined;
  try {
    reader = new ModuleReader(provider, module);
    const m = reader.main();
    if (m.type !== type || m.kind !== kind) reader = undefined;
  } catch (e) {
    if (!(e instanceof SchemaError)) throw e;
    reader = undefined;
  }
  if (!reader) {
    const found = moduleIndex(provider).get(`${kind}:${type}`);
    if (!found) throw new SchemaError(`@cdktf/provider-${provider} has no ${kind === 'data' ? 'data source' : 'resource'} class for ${type}`);
    module = found;
    reader = new ModuleReader(provider, module);
  }
  return { provider, module, block: reader.topBlock() };
}

/** Derives the provider configuration schema and version of one provider. */
export function deriveProviderConfig(provider: string): { version: string; config: BlockSchema } {
  const r = new ModuleReader(provider, 'provider');
  if (r.main().kind !== 'provider') throw new SchemaError(`@cdktf/provider-${provider}/lib/provider is not a provider class`);
  // The version lives on the resource classes; any one module of the package carries it.
  const sample = deriveAnyModuleVersion(provider);
  return { version: sample, config: r.topBlock() };
}

function deriveAnyModuleVersion(provider: string): string {
  const lib = path.join(packageDir(provider), 'lib');
  for (const mod of fs.readdirSync(lib).sort()) {
    if (mod === 'provider' || !fs.existsSync(path.join(lib, mod, 'index.js'))) continue;
    const m = /providerVersion: '([^']+)'/.exec(fs.readFileSync(path.join(lib, mod, 'index.js'), 'utf8'));
    if (m) return m[1];
  }
  throw new SchemaError(`@cdktf/provider-${provider}: no terraformGeneratorMetadata found`);
}

/** Builds the schemas of the given types for every provider (types of other providers are ignored). */
export function buildSchemas(types: { resources: string[]; dataSources: string[] }): Record<string, ProviderSchemas> {
  const out: Record<string, ProviderSchemas> = {};
  for (const p of PROVIDERS) {
    const { version, config } = deriveProviderConfig(p);
    out[p] = { provider: p, version, bindingVersion: bindingVersion(p), config, resources: {}, dataSources: {} };
  }
  for (const t of types.resources) out[providerOf(t)].resources[t] = deriveTypeSchema(t, 'resource').block;
  for (const t of types.dataSources) out[providerOf(t)].dataSources[t] = deriveTypeSchema(t, 'data').block;
  return out;
}
