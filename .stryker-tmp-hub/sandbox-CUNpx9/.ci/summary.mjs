// @ts-nocheck
// Reads vitest's JSON report, prints one closing line ("N passed, N failed, N skipped")
// and fails when anything was skipped: in CI every service-backed test must run.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const passed = report.numPassedTests;
const failed = report.numFailedTests;
const skipped = report.numPendingTests + report.numTodoTests;
const skippedNames = report.testResults.flatMap((file) =>
  file.assertionResults
    .filter((t) => t.status !== 'passed' && t.status !== 'failed')
    .map((t) => `${file.name}: ${t.fullName}`),
);
for (const name of skippedNames) console.log(`skipped in CI: ${name}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || skipped > 0 || passed === 0) process.exit(1);
