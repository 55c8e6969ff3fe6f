/**
 * The process boundaries are the build's rule, not a promise: `npm run check`
 * lints with the project's own ESLint configuration, and these are the
 * imports it must refuse and the ones it must let through.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The boundary rule's messages for one import written into an existing file of the tree. */
async function boundaryProblems(filePath: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import * as imported from '${specifier}';\nexport const used = imported;\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const forbidden: [file: string, specifier: string, says: RegExp][] = [
  ['electron/host/services/users.ts', '../../../relay/session/auth.js', /host imports from relay\/ only/],
  ['electron/host/services/server/smarthost-test.ts', '../../../../relay/delivery/smarthost.js', /host imports from relay\/ only/],
  ['electron/cli/users.ts', '../../relay/queue/spool.js', /host imports from relay\/ only/],
  ['relay/session/auth.ts', '../../electron/host/host.js', /relay imports nothing from electron\//],
  ['relay/main.ts', '../electron/api/contract.js', /relay imports nothing from electron\//],
  ['renderer/src/App.tsx', '#api/dispatcher.js', /renderer talks to the host only through the API contract/],
  ['renderer/src/screens/users/UsersScreen.tsx', '../../../../electron/host/services/users.js', /renderer talks to the host only/],
  ['renderer/src/App.tsx', '../../relay/protocol.js', /renderer talks to the host only/],
];

for (const [file, specifier, says] of forbidden) {
  test(`${file} may not import ${specifier}`, async () => {
    const problems = await boundaryProblems(file, specifier);
    assert.equal(problems.length, 1, `expected one boundary error, got: ${JSON.stringify(problems)}`);
    assert.match(problems[0] ?? '', says);
  });
}

const allowed: [file: string, specifier: string][] = [
  ['electron/host/services/users.ts', '../../../relay/shared/verifier.js'],
  ['electron/host/host.ts', '../../relay/protocol.js'],
  ['electron/host/host.ts', '../../relay/events.js'],
  ['relay/session/auth.ts', '../shared/verifier.js'],
  ['renderer/src/App.tsx', '#api/contract.js'],
  ['renderer/src/App.tsx', '#api/schemas/users.js'],
  ['renderer/src/App.tsx', '#api/client.js'],
  ['renderer/src/screens/status/RelayScreen.tsx', './StatusScreen.js'],
];

for (const [file, specifier] of allowed) {
  test(`${file} may import ${specifier}`, async () => {
    assert.deepEqual(await boundaryProblems(file, specifier), []);
  });
}
