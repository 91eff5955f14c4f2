// Used by a slow unit build (app-fleets.ts, SlowBuild) as a local-exec provisioner: waits until
// the world's action log shows an action of the given stack that is newer than the moment this
// command started, then a grace period; or gives up after the timeout. Always exits 0.
// usage: node wait-for-stack.js <stack> <timeoutSeconds> <graceSeconds>   (world file: $REHEARSAL_WORLD)
'use strict';
const fs = require('fs');
const [stack, timeout, grace] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const file = process.env.REHEARSAL_WORLD;
const log = () => { try { return JSON.parse(fs.readFileSync(file, 'utf8')).log || []; } catch { return []; } };
const start = log().reduce((m, a) => Math.max(m, a.seq), 0);
const until = Date.now() + timeout * 1000;
const tick = () => {
  if (log().some((a) => a.seq > start && a.stack === stack)) return setTimeout(() => process.exit(0), grace * 1000);
  if (Date.now() > until) return process.exit(0);
  setTimeout(tick, 1000);
};
tick();
