import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// Under jest every temp folder lives in the run's own folder (test/support/global-setup.js), removed when
// the run ends: a run of `npm test` used to leave about a thousand folders in the system's temp
// directory. Outside jest (npm run stress) the folder is this process's, removed when it exits.
let own: string | undefined;

function root(): string {
  const run = process.env.BLUEGREEN_TEST_TMP;
  if (run && fs.existsSync(run)) return run;
  if (own === undefined) {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-tmp-'));
    fs.chmodSync(made, 0o755);
    process.on('exit', () => fs.rmSync(made, { recursive: true, force: true }));
    own = made;
  }
  return own;
}

/** A fresh temp folder, `<prefix>XXXXXX`, removed with the test run. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(root(), prefix));
}
