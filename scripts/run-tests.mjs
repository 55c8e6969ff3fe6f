#!/usr/bin/env node
// Runs the built test suites in order (unit, integration, e2e) with Node's own
// test runner, prints each test as it finishes, and ends with one summary line:
// "tests: N passed, N failed". Usage: node scripts/run-tests.mjs [suite ...]
import { readdirSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/** Each suite: where its compiled tests live and how many files may run at once. */
const suites = {
  unit: { dirs: ['relay/test', 'electron/test'], concurrency: availableParallelism() },
  integration: { dirs: ['e2e/integration'], concurrency: 2 },
  e2e: { dirs: ['e2e/ui'], concurrency: 1 },
};

/** Compiled tests whose source still exists: a deleted test's old build output never runs. */
function testFiles(dirs) {
  return dirs
    .filter((d) => existsSync(join(dist, d)))
    .flatMap((d) =>
      readdirSync(join(dist, d))
        .filter((f) => f.endsWith('.test.js') && existsSync(join(root, d, f.replace(/\.js$/, '.ts'))))
        .map((f) => join(dist, d, f)),
    )
    .sort();
}

async function runSuite(name, { dirs, concurrency }) {
  const files = testFiles(dirs);
  const counts = { passed: 0, failed: 0, skipped: 0 };
  if (files.length === 0) return counts;
  console.log(`\n── ${name}: ${files.length} file(s) ──`);
  const stream = run({ files, concurrency, timeout: 5 * 60_000 });
  stream.on('test:pass', (data) => {
    if (data.details.type === 'suite') return;
    if (data.skip || data.todo) counts.skipped++;
    else counts.passed++;
  });
  stream.on('test:fail', (data) => {
    if (data.details.type === 'suite') return;
    counts.failed++;
  });
  await new Promise((resolve, reject) => {
    const out = stream.compose(spec);
    out.on('data', (chunk) => process.stdout.write(chunk));
    out.on('end', resolve);
    out.on('error', reject);
  });
  console.log(`${name}: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  return counts;
}

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in suites)) {
    console.error(`unknown suite "${name}"; choose from ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
}
const total = { passed: 0, failed: 0, skipped: 0 };
for (const [name, suite] of Object.entries(suites)) {
  if (wanted.length && !wanted.includes(name)) continue;
  const counts = await runSuite(name, suite);
  for (const key of Object.keys(total)) total[key] += counts[key];
}
console.log(`tests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exitCode = total.failed > 0 || total.passed === 0 ? 1 : 0;
