import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/**
 * Layers of src/lib, lowest first: a folder may import only the folders listed for it (and itself).
 * A new cross-layer import fails `npm run lint` (and so `npm test`).
 */
const LAYERS = {
  analysis: [],
  onnx: [],
  tokenize: [],
  export: ['analysis'],
  lstmvis: ['analysis', 'tokenize', 'export', 'record'],
  record: ['onnx', 'tokenize', 'analysis'],
  store: ['onnx', 'tokenize', 'record', 'analysis', 'export', 'lstmvis'],
  query: ['store', 'record', 'analysis', 'tokenize', 'onnx', 'export'],
  recorder: ['record', 'store', 'onnx', 'tokenize', 'analysis'],
  findings: ['store', 'record', 'analysis', 'export', 'tokenize', 'onnx'],
  views: [
    'analysis',
    'onnx',
    'tokenize',
    'export',
    'record',
    'store',
    'query',
    'recorder',
    'findings',
    'lstmvis'
  ]
};
/** Folders whose code is pure computation: no Svelte, no DOM framework, no storage. */
const PURE = ['analysis', 'onnx', 'tokenize', 'export', 'record', 'lstmvis'];
const ALL = [...Object.keys(LAYERS), 'routes', 'cli'];

const boundary = (folder) => {
  const banned = ALL.filter((f) => f !== folder && !LAYERS[folder].includes(f)).join('|');
  const patterns = [
    {
      regex: `^((\\.\\./)+|\\$lib/)(${banned})(/|$)`,
      message: `src/lib/${folder}/ may import only ${LAYERS[folder].join(', ') || 'nothing else in src/lib'} (layers in eslint.config.js).`
    }
  ];
  if (PURE.includes(folder))
    patterns.push({
      regex: '^(svelte|\\$app|dexie|d3-selection)(/|$)',
      message: `src/lib/${folder}/ is pure computation: no Svelte, SvelteKit, DOM or storage imports.`
    });
  return {
    files: [`src/lib/${folder}/**/*.{ts,svelte}`],
    ignores: [`src/lib/${folder}/**/*.test.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns }] }
  };
};

export default ts.config(
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  { languageOptions: { globals: { ...globals.browser, ...globals.node } } },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig
      }
    }
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'svelte/no-at-html-tags': 'error',
      // Links are built with resolve() and then given a query string, which this rule cannot follow.
      'svelte/no-navigation-without-resolve': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }
      ]
    }
  },
  ...Object.keys(LAYERS).map(boundary),
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(lib/views|routes)(/|$)|^(svelte|\\$app)(/|$)',
              message:
                'The CLI runs in Node: it may use src/lib but not its views, routes or Svelte.'
            }
          ]
        }
      ]
    }
  },
  { ignores: ['build/', '.svelte-kit/', 'node_modules/', 'models/', 'test-results/'] }
);
