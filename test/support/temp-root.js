// jest globalSetup / globalTeardown: one temp folder for the whole run, removed at its end. Tests make
// their temp folders inside it (test/support/temp.ts), so `npm test` leaves nothing in the system's
// temp directory, whichever worker made what.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports.setup = async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-jest-'));
  // others may traverse it: some tests run a command as another user in a folder inside
  fs.chmodSync(root, 0o755);
  process.env.BLUEGREEN_TEST_TMP = root;
};

module.exports.teardown = async () => {
  const root = process.env.BLUEGREEN_TEST_TMP;
  if (root && path.basename(root).startsWith('bluegreen-jest-')) fs.rmSync(root, { recursive: true, force: true });
};
