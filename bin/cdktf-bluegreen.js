#!/usr/bin/env node
// The cdktf-bluegreen CLI: runs the compiled CLI of the published package (lib/), or, in a checkout
// of the sources, the TypeScript sources through tsx (a devDependency).
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'lib', 'cli', 'main.js');
let cli;
try {
  if (fs.existsSync(compiled)) {
    cli = require(compiled);
  } else {
    require('tsx/cjs');
    cli = require(path.join(root, 'src', 'cli', 'main.ts'));
  }
} catch (e) {
  // Even a broken installation ends in one line and exit 1, never a stack trace.
  process.stderr.write(`failed: cdktf-bluegreen could not start (${String(e && e.message ? e.message : e).split('\n')[0].slice(0, 200)}); reinstall the package.\n`);
  process.exit(1);
}
process.exitCode = cli.main(process.argv.slice(2), cli.processIo());
