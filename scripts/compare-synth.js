#!/usr/bin/env node
// Compares two synthesized cdktf.out directories (one per flavour): the same stacks with the same
// dependencies, every stack's Terraform JSON identical once the top-level "//" metadata block (the
// toolchain's version and the like) is set aside, and the same rollout plan. When the two apps live
// in different directories, give them: their paths (e.g. the local backend's state file, which is
// absolute) are compared as "<app>".
//   node scripts/compare-synth.js <cdktf.out of A> <cdktf.out of B> [<app dir of A> <app dir of B>]
'use strict';
const fs = require('fs');
const path = require('path');

const [a, b, rootA, rootB] = process.argv.slice(2);
if (!a || !b) { console.error('usage: compare-synth.js <outdir A> <outdir B>'); process.exit(2); }

const manifest = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
let relocated = 0;
/** The file's text with its app directory written as "<app>". */
const read = (file, root) => relocate(fs.readFileSync(file, 'utf8'), root);
const relocate = (text, root) => {
  if (!root) return text;
  const parts = text.split(JSON.stringify(path.resolve(root)).slice(1, -1));
  relocated += parts.length - 1;
  return parts.join('<app>');
};
/**
 * cdktf writes a local state file's path relative to the stack's own directory, so the same state file
 * reads differently when the two outputs sit at different depths from their apps (CI synthesizes this
 * repository into a temporary directory). Every relative "*.tfstate" path is resolved from the stack's
 * directory and written relative to the app, as "<app>/...".
 */
const relocateStatePaths = (value, stackDir, root) => {
  if (!root || value === null || typeof value !== 'object') return value;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && v.endsWith('.tfstate') && !path.isAbsolute(v)) {
      value[key] = `<app>/${path.relative(path.resolve(root), path.resolve(stackDir, v)).split(path.sep).join('/')}`;
      relocated++;
    } else relocateStatePaths(v, stackDir, root);
  }
  return value;
};
const stackJson = (dir, m, name) => {
  const file = path.join(dir, m.stacks[name].synthesizedStackPath);
  const root = dir === a ? rootA : rootB;
  const raw = relocateStatePaths(JSON.parse(fs.readFileSync(file, 'utf8')), path.dirname(file), root);
  const json = JSON.parse(relocate(JSON.stringify(raw), root));
  const metadata = json['//'];
  delete json['//'];
  return { json, metadata };
};

const ma = manifest(a);
const mb = manifest(b);
const problems = [];
const names = Object.keys(ma.stacks).sort();
if (JSON.stringify(names) !== JSON.stringify(Object.keys(mb.stacks).sort())) problems.push(`stacks differ:\n  ${names.join(' ')}\n  ${Object.keys(mb.stacks).sort().join(' ')}`);
let resources = 0;
for (const name of names.filter((n) => mb.stacks[n])) {
  const da = [...ma.stacks[name].dependencies].sort().join(' ');
  const db = [...mb.stacks[name].dependencies].sort().join(' ');
  if (da !== db) problems.push(`${name}: dependencies differ: [${da}] vs [${db}]`);
  const sa = stackJson(a, ma, name);
  const sb = stackJson(b, mb, name);
  const ta = JSON.stringify(sa.json, null, 1);
  const tb = JSON.stringify(sb.json, null, 1);
  if (ta !== tb) {
    const la = ta.split('\n');
    const lb = tb.split('\n');
    const i = la.findIndex((l, k) => l !== lb[k]);
    problems.push(`${name}: Terraform JSON differs at line ${i + 1}: ${la[i]} vs ${lb[i]}`);
  }
  for (const byName of Object.values(sa.json.resource || {})) resources += Object.keys(byName).length;
}
const plan = (dir) => read(path.join(dir, 'rollout-plan.json'), dir === a ? rootA : rootB);
if (plan(a) !== plan(b)) problems.push('rollout-plan.json differs');
const version = (dir, m) => (names.length ? stackJson(dir, m, names[0]).metadata?.metadata?.version : undefined);
if (problems.length) {
  console.error(`compare-synth: ${problems.length} difference(s):\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`compare-synth: ${names.length} stacks, ${resources} resources, identical Terraform JSON and rollout plan apart from the metadata (toolchain ${version(a, ma)} vs ${version(b, mb)}; ${relocated} app-directory paths compared as <app>)`);
