// Flat config: typescript-eslint strict + type-checked; the two rules the issue names are errors. JavaScript is
// linted the same way (src/cli/bin.mjs is in the type check through checkJs); only this config file itself is not.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'coverage/**', 'dist/**', 'test/host-vm/.work/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // tsc (checkJs) already reports undefined names in JavaScript, with Node's types; ESLint's own check knows no globals.
  { files: ['**/*.mjs'], rules: { 'no-undef': 'off' } },
);
