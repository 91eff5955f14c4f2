#!/usr/bin/env node
// The cdktf-bluegreen CLI. In the published package it runs the compiled CLI (lib/) with plain node;
// in a checkout of the sources (src/ present) it runs the TypeScript sources through tsx (a
// devDependency), so a stale lib/ from an earlier `npm pack` is never used there.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'src', 'cli', 'main.ts');
let cli;
try {
  if (fs.existsSync(source)) {
    require('tsx/cjs');
    cli = require(source);
  } else {
    cli = require(path.join(root, 'lib', 'cli', 'main.js'));
  }
} catch (e) {
  // Even a broken installation ends in one line and exit 1, never a stack trace.
  process.stderr.write(`failed: cdktf-bluegreen could not start (${String(e && e.message ? e.message : e).split('\n')[0].slice(0, 200)}); reinstall the package.\n`);
  process.exit(1);
}
process.exitCode = cli.main(process.argv.slice(2), cli.processIo());
