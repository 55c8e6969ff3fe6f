import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The process boundaries (README, "Rules the layout keeps"), enforced: an
 * import may cross one only through the declared modules. The test
 * harnesses in e2e/ and bench/ drive the processes from outside and are
 * exempt.
 */
const boundaries = [
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    message: 'The renderer talks to the host only through the API contract: import #api/contract.js, #api/schemas/*, #api/client.js or #api/transports.js.',
    patterns: [{ regex: '^#api/(?!(contract|client|transports)\\.js$|schemas/)' }, { regex: '(^|/)(electron|relay)/' }],
  },
  {
    files: ['relay/**/*.ts'],
    message: 'The relay imports nothing from electron/: what it shares with the host is in relay/protocol.ts, relay/events.ts and relay/shared/.',
    patterns: [{ regex: '(^|/)electron/' }, { regex: '^#api/' }],
  },
  {
    files: ['electron/**/*.ts'],
    message: 'The host imports from relay/ only relay/protocol.js, relay/events.js and relay/shared/*: everything else is the relay child\'s own.',
    patterns: [{ regex: '(^|/)relay/(?!(protocol|events)\\.js$|shared/)' }],
  },
].map(({ files, message, patterns }) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: patterns.map((p) => ({ ...p, message })) }],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'node_modules/', 'e2e/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // tsc must not emit this build config, so it is in no project: lint it with the one it builds for.
          allowDefaultProject: ['electron/vite.preload.config.ts'],
          defaultProject: 'electron/tsconfig.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // node:test's test() returns a promise the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  ...boundaries,
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
