#!/usr/bin/env node
// cdktf's Terraform binary during a rehearsal deploy (TERRAFORM_BINARY_NAME): runs the real
// `terraform` with the same arguments, passes its output through unchanged, and appends the
// command, its output and its exit code to $REHEARSAL_TF_LOG_DIR/<stack>.log (the stack is the
// working directory's name, as cdktf runs Terraform in cdktf.out/stacks/<stack>). cdktf 0.21 can
// abort a multi-stack deploy before printing a failed stack's error; this log keeps it.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const dir = process.env.REHEARSAL_TF_LOG_DIR;
const real = process.env.REHEARSAL_REAL_TERRAFORM || 'terraform';
const file = dir ? path.join(dir, `${path.basename(process.cwd())}.log`) : undefined;
const append = (s) => { if (file) { try { fs.appendFileSync(file, s); } catch { /* the log is best effort */ } } };
append(`\n=== terraform ${process.argv.slice(2).join(' ')}\n`);
const child = spawn(real, process.argv.slice(2), { stdio: ['inherit', 'pipe', 'pipe'] });
child.stdout.on('data', (d) => { append(d); process.stdout.write(d); });
child.stderr.on('data', (d) => { append(d); process.stderr.write(d); });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('close', (code, signal) => {
  append(`\n=== exit ${code === null ? signal : code}\n`);
  process.exitCode = code === null ? 1 : code;
});
child.on('error', (e) => { append(`\n=== exit 127 (${e.message})\n`); process.exitCode = 127; });
