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
// While a command runs, <stack>.log.<pid>.running holds this process's pid and Terraform's: the
// harness waits for those processes, not for an exit line. cdktf runs us in a pseudo-terminal; when it
// aborts a deploy (exit 7) we and Terraform die with it mid-command and write no exit line.
const running = file ? `${file}.${process.pid}.running` : undefined;
const mark = (pids) => { if (running) { try { fs.writeFileSync(running, pids.join(' ')); } catch { /* best effort */ } } };
const unmark = () => { if (running) { try { fs.unlinkSync(running); } catch { /* already gone */ } } };
mark([process.pid]);
append(`\n=== terraform ${process.argv.slice(2).join(' ')}\n`);
const child = spawn(real, process.argv.slice(2), { stdio: ['inherit', 'pipe', 'pipe'] });
if (child.pid) mark([process.pid, child.pid]);
// A write error on our own output (cdktf gone) must not end the recorder while Terraform still runs.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
child.stdout.on('data', (d) => { append(d); process.stdout.write(d); });
child.stderr.on('data', (d) => { append(d); process.stderr.write(d); });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('close', (code, signal) => {
  append(`\n=== exit ${code === null ? signal : code}\n`);
  unmark();
  process.exitCode = code === null ? 1 : code;
});
child.on('error', (e) => { append(`\n=== exit 127 (${e.message})\n`); unmark(); process.exitCode = 127; });
