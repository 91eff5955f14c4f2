// jest globalSetup: one temp folder for the whole run (removed by global-teardown.js). Tests make their
// temp folders inside it (test/support/temp.ts), so `npm test` leaves nothing in the system's temp
// directory, whichever worker made what.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-jest-'));
  // others may traverse it: some tests run a command as another user in a folder inside
  fs.chmodSync(root, 0o755);
  process.env.BLUEGREEN_TEST_TMP = root;
};
