// @ts-check
// Lint: typescript-eslint's type-checked rules, and the architecture's boundaries as import rules
// (docs/ARCHITECTURE.md). Formatting is Prettier's (.prettierrc.json), checked by `npm run lint`.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import prettier from 'eslint-config-prettier';

/** Folders of pure domain logic: no storage, no screens, no command line, no mailboxes. */
const PURE = ['src/classify/**', 'src/sequences/**', 'src/schedule/**'];
const STORAGE = {
  group: ['**/db/*', '**/db/index.ts', 'mongodb'],
  message: 'Pure domain logic reads no storage: take what it needs as arguments.',
};
const SCREENS = { group: ['**/web/*', '**/cli/*'], message: 'Only the app and the command line import screens and commands.' };

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.cache/', 'coverage/'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver()],
      // So no-cycle reads the TypeScript files it follows.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-cycle': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/db/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'mongodb', message: 'Only src/db talks to the database driver: add a store method there.' }] },
      ],
    },
  },
  {
    files: PURE,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [STORAGE, SCREENS, { group: ['**/inbound/*', '**/sending/*'], message: 'Pure domain logic does no mail I/O.' }] },
      ],
    },
  },
  {
    files: ['src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            SCREENS,
            {
              group: ['**/inbound/*', '**/sending/*', '**/tasks/*', '**/segments/*', '**/web/*'],
              message: 'Storage knows documents, not the parts that use them.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests and benchmarks read JSON output loosely and fake boundaries with small stand-ins.
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  prettier,
  // Plain JavaScript entry points (the analysis thread's, run from the sources): no type information.
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked, languageOptions: { parserOptions: { projectService: false } } },
);
