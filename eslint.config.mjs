// ESLint (flat config): typescript-eslint's type-checked rules on the server code, the
// console (apps/console, with browser globals and its own tsconfig), the tests and the
// scripts. Landed migrations are never edited, so they are not linted; the console's
// generated API types are not ours to lint.
// Formatting is Prettier's (eslint-config-prettier turns off the rules it owns).
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['dist/', 'node_modules/', 'coverage/', '.shouhu/', '.dist-build-*/', 'apps/console/dist/', 'apps/console/src/api/schema.d.ts', 'migrations/'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [eslint.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A switch over a union or enum names every member; a default clause does not excuse a
      // missing one (a new workflow action must fail the lint where it is not handled).
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['apps/console/**/*.ts', 'apps/console/**/*.tsx'],
    languageOptions: { globals: globals.browser },
    rules: {
      // React JSX event attributes (onClick, onFinish) may be async: React ignores the returned promise; the handlers catch their own rejections.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      // supertest types every response body as `any`: the tests assert on its shape instead of typing each answer.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Test tables give every row one async signature (permissions.e2e `call`), whether or not that row awaits.
      '@typescript-eslint/require-await': 'off',
    },
  },
  prettier,
);
