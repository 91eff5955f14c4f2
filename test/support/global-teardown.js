// jest globalTeardown: removes the run's temp folder (global-setup.js).
const fs = require('fs');
const path = require('path');

module.exports = async () => {
  const root = process.env.BLUEGREEN_TEST_TMP;
  if (root && path.basename(root).startsWith('bluegreen-jest-')) fs.rmSync(root, { recursive: true, force: true });
};
