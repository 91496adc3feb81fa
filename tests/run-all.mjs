#!/usr/bin/env node
/**
 * `npm test`: type check, unit tests (Vitest) and real-browser tests (Playwright + Debian Chromium),
 * then one plain summary line: "N passed, N failed, N skipped".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: false }).status ?? 1;
let passed = 0;
let failed = 0;
let skipped = 0;

const check =
  run('npx', ['svelte-kit', 'sync']) ||
  run('npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings']);
if (check === 0) passed++;
else failed++;
console.log(`type check (svelte-check): ${check === 0 ? 'passed' : 'FAILED'}`);

const lint =
  run('npx', ['eslint', '.']) || run('npx', ['prettier', '--check', '--log-level', 'warn', '.']);
if (lint === 0) passed++;
else failed++;
console.log(`lint (eslint, prettier): ${lint === 0 ? 'passed' : 'FAILED'}`);

for (const f of ['.vitest.json', '.e2e.json']) rmSync(f, { force: true });
run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=.vitest.json']);
if (existsSync('.vitest.json')) {
  const r = JSON.parse(readFileSync('.vitest.json', 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numFailedTestSuites ?? 0);
  skipped += r.numPendingTests + r.numTodoTests;
} else failed++;

if (!process.env.SKIP_E2E) {
  run('npx', ['playwright', 'test', '-c', 'tests/e2e/playwright.config.ts']);
  if (existsSync('.e2e.json')) {
    const s = JSON.parse(readFileSync('.e2e.json', 'utf8')).stats;
    passed += s.expected + (s.flaky ?? 0);
    failed += s.unexpected;
    skipped += s.skipped;
    if (s.expected + s.unexpected === 0) failed++;
  } else failed++;
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
