#!/usr/bin/env node
// Builds what `npm pack` ships (run by `prepack`): jsii compiles src/ to lib/ (JS + .d.ts) and writes
// the .jsii assembly; then lib/index.js is rewritten so that the modules needing one cloud's provider
// bindings load on first use. An AKS-only team then installs no AWS bindings, and the reverse.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const lib = path.join(root, 'lib');

/** The provider packages a team installs only for the cloud it uses (optional peers). */
const CLOUD_PEERS = require('./cloud-peers.json');

function main() {
  fs.rmSync(lib, { recursive: true, force: true });
  fs.rmSync(path.join(root, '.jsii'), { force: true });
  fs.rmSync(path.join(root, 'tsconfig.tsbuildinfo'), { force: true });
  execFileSync(process.execPath, [require.resolve('jsii/bin/jsii', { paths: [root] }), '--silence-warnings=reserved-word'], { cwd: root, stdio: 'inherit' });
  const lazy = makeIndexLazy(path.join(lib, 'index.js'));
  for (const [peer, modules] of Object.entries(lazy)) console.log(`lib/index.js: ${modules.length} modules load on first use (they need ${peer})`);
}

/** Package names a compiled module requires, following relative requires through lib/. */
function externalClosure(file, seen = new Map()) {
  if (seen.has(file)) return seen.get(file);
  const out = new Set();
  seen.set(file, out);
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/require\("([^"]+)"\)/g)) {
    const spec = m[1];
    if (spec.startsWith('.')) {
      const dep = resolveLocal(path.dirname(file), spec);
      for (const p of externalClosure(dep, seen)) out.add(p);
    } else {
      out.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  return out;
}

function resolveLocal(dir, spec) {
  for (const candidate of [path.join(dir, spec + '.js'), path.join(dir, spec, 'index.js')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`build: cannot resolve ${spec} from ${dir}`);
}

/**
 * Replaces `__exportStar(require("./x"), exports);` by getters for every module whose closure needs
 * a cloud's provider package. Returns the lazy modules per peer package.
 */
function makeIndexLazy(indexFile) {
  let text = fs.readFileSync(indexFile, 'utf8');
  const result = {};
  text = text.replace(/^__exportStar\(require\("(\.\/[^"]+)"\), exports\);$/gm, (line, spec) => {
    const file = resolveLocal(lib, spec);
    const needs = [...externalClosure(file)].filter((p) => CLOUD_PEERS[p]);
    if (needs.length === 0) return line;
    // A module may name a second cloud's bindings it loads only on demand (HcpWorkspaces: azurerm, only
    // for Azure runs it federates); loading it needs the first, and a missing one is named when used.
    const names = Object.keys(require(file)).filter((n) => n !== '__esModule' && n !== 'default');
    for (const peer of needs) (result[peer] = result[peer] || []).push(spec);
    return `__lazyExports(exports, ${JSON.stringify(spec)}, ${JSON.stringify(names)}, ${JSON.stringify(needs[0])});`;
  });
  const others = [...text.matchAll(/require\("(\.\/[^"]+)"\)/g)].map((m) => m[1])
    .filter((spec) => [...externalClosure(resolveLocal(lib, spec))].some((p) => CLOUD_PEERS[p]) && !text.includes(`__lazyExports(exports, ${JSON.stringify(spec)}`));
  if (others.length) throw new Error(`build: ${others.join(', ')} need a cloud provider but are not re-exported with export *; they would load eagerly`);
  const helper = `
// Added by scripts/build.js: cloud-specific modules load on first use, so only the provider package
// of the cloud a team uses must be installed. A missing one is named in a one-line refusal.
var __cloudPeers = ${JSON.stringify(CLOUD_PEERS)};
function __lazyExports(target, spec, names, peer) {
    var mod;
    function load(name) {
        if (mod) return mod;
        try {
            mod = require(spec);
        } catch (e) {
            var missing = e && e.code === "MODULE_NOT_FOUND" && /Cannot find module '((?:@[^/']+\\/)?[^/']+)/.exec(String(e.message));
            if (!missing || !__cloudPeers[missing[1]]) throw e;
            var p = __cloudPeers[missing[1]];
            var err = new Error(name + " needs the " + p.cloud + " provider bindings: install them with \`npm install " + missing[1] + "@" + p.version + "\` (" + p.flavours + ").");
            err.name = "BlueGreenError";
            err.stack = err.name + ": " + err.message;
            throw err;
        }
        return mod;
    }
    names.forEach(function (name) {
        Object.defineProperty(target, name, { enumerable: true, configurable: true, get: function () { return load(name)[name]; } });
    });
}
`;
  const first = text.search(/^(__exportStar\(require|__lazyExports\()/m);
  if (first < 0) throw new Error('build: lib/index.js has no export * line');
  text = text.slice(0, first) + helper.trimStart() + text.slice(first);
  fs.writeFileSync(indexFile, text);
  return result;
}

main();
