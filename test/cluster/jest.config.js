// npm run test:cluster (scripts/cluster.sh): the project's jest set-up, plus the cluster tests
// (*.cluster-spec.ts), which need the primary, the streaming replica and the servers that script starts
// and so never run under plain npm test.
const base = require('../../jest.config.js');

module.exports = {
  ...base,
  rootDir: require('node:path').join(__dirname, '..', '..'),
  testRegex: '\\.(spec|medium-spec|e2e-spec|cluster-spec)\\.ts$',
  testTimeout: 60000,
};
