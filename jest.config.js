// Jest runs the TypeScript sources through swc (decorator metadata on). NestJS 12
// ships ESM only, so swc also transforms @nestjs and its ESM-only dependencies.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const esmOnly = ['@nestjs', 'uid', 'file-type', 'load-esm', 'strtok3', 'token-types', '@tokenizer', 'uint8array-extras', '@casl', '@ucast', 'content-disposition',
  // openapi-typescript's CommonJS build requires these (test/e2e/console-types.e2e-spec.ts); listed itself so its nested node_modules are reached.
  'openapi-typescript', 'parse-json', 'index-to-position', 'change-case', 'supports-color'];

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  // *.spec.ts: unit tests beside the code (npm run test:unit); *.medium-spec.ts: services against PostgreSQL (test/medium); *.e2e-spec.ts: HTTP.
  testRegex: '\\.(spec|medium-spec|e2e-spec)\\.ts$',
  // The console is built and tested in the browser (test/browser), not by jest's module system.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/apps/console/'],
  modulePathIgnorePatterns: ['<rootDir>/apps/console/dist/'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper: {
    '^@shouhu/([a-z-]+)$': '<rootDir>/libs/$1/src',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // A test file fails when pg was handed two statements at once on one connection (test/helpers/pg-warnings.ts).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/pg-warnings.ts'],
  testTimeout: 30000,
  slowTestThreshold: 10,
};
