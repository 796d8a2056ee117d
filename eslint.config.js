// Layer rules: folders are layers and imports flow one way
// (shared <- domain <- db, importers <- services <- http, cli). See docs/ARCHITECTURE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message }] }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'build/', 'build.next/', 'test-artifacts/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  layer(['src/shared/**'], ['**/domain/**', '**/db/**', '**/importers/**', '**/services/**', '**/http/**', '**/cli/**', '**/config/**'], 'shared/ imports nothing internal.'),
  layer(['src/domain/**'], ['**/db/**', '**/importers/**', '**/services/**', '**/http/**', '**/cli/**'], 'domain/ is pure: no I/O layers.'),
  layer(['src/importers/**'], ['**/db/**', '**/services/**', '**/http/**', '**/cli/**'], 'Parsers turn bytes into records: no database, HTTP or CLI.'),
  layer(['src/db/**'], ['**/importers/**', '**/services/**', '**/http/**', '**/cli/**'], 'The data layer knows no callers.'),
  layer(['src/services/**'], ['**/http/**', '**/cli/**'], 'Services know no transport.'),
  layer(['src/http/**'], ['**/db/repositories/**', '**/importers/*/**'], 'HTTP handlers are thin: call services, never SQL or parsers.'),
  {
    // The web application runs in the browser and talks to the server over HTTP only.
    files: ['web/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/src/**'], message: 'web/ talks to the server over HTTP only.' }] }] },
  },
  {
    files: ['src/cli/**', 'scripts/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
