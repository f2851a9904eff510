// ESLint flat config: typescript-eslint with type information, Vue SFCs included, the import
// boundaries of ARCHITECTURE.md (scripts/boundaries.mjs), no import cycles, Prettier last.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import prettier from 'eslint-config-prettier/flat';
import globals from 'globals';
import { parts, allowed } from './scripts/boundaries.mjs';

/** One zone per part: the parts it may not import (import-x/no-restricted-paths). */
const zones = parts.flatMap((from) => {
  const banned = parts.filter((to) => !allowed(from, to));
  if (banned.length === 0) return [];
  const glob = (p) => (p.name.endsWith('(root)') ? `./${p.path}/*` : `./${p.path}/**`);
  return [
    {
      target: glob(from),
      from: banned.map(glob),
      message: `${from.name} may import only ${from.may.join(', ') || 'nothing of ours'} (ARCHITECTURE.md, scripts/boundaries.mjs)`,
    },
  ];
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      '.e2e-data/**',
      'test-results/**',
      'playwright-report/**',
      'server/db/migrations/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
        parser: tseslint.parser,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    files: ['shared/**', 'server/**', 'client/**'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.base.json'] })],
      'import-x/extensions': ['.ts', '.vue', '.js', '.mjs'],
      // Imported .vue files are read with Vue's parser when the graph is walked (no-cycle).
      'import-x/parsers': { 'vue-eslint-parser': ['.vue'], '@typescript-eslint/parser': ['.ts', '.mjs', '.js'] },
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Across parts, or two levels up: an alias (@shared/, @server/, @client/), not a climb.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../../*'], message: 'use an alias: @shared/…, @server/… or @client/…' }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
