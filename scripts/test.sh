#!/usr/bin/env bash
# The whole test suite: services check, type-check + lint + layer rules, then every test file
# (unit, medium against the real services). Ends with "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export KEEPWATCH_TEST_PG_URL="${KEEPWATCH_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export KEEPWATCH_TEST_MYSQL_HOST="${KEEPWATCH_TEST_MYSQL_HOST:-127.0.0.1}"

bash scripts/test-services.sh || echo "warning: some test services could not be prepared (the tests that need them will say how to start them)"

lint_failed=0
echo "== lint: type-check, eslint, prettier, layer rules"
if ! npm run --silent lint; then
  lint_failed=1
  echo "lint: FAILED"
fi

echo "== web build (the end-to-end tests drive the built UI)"
if ! npx vite build --config web/vite.config.ts --logLevel warn || ! node scripts/measure-bundle.mjs; then
  lint_failed=1
  echo "web build or bundle budget: FAILED"
fi

echo "== tests"
mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
vitest_rc=$?

node -e '
const fs = require("fs");
let passed = 0, failed = 0;
try {
  const r = JSON.parse(fs.readFileSync("test-results/vitest.json", "utf8"));
  passed = r.numPassedTests; failed = r.numFailedTests;
  // A file that fails to load has no tests but must count as a failure.
  failed += r.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
} catch { failed += 1; }
const lint = Number(process.argv[1]);
if (lint) failed += 1;
console.log(`tests: ${passed + (lint ? 0 : 1)} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
' "$lint_failed"
rc=$?
[ $vitest_rc -ne 0 ] && [ $rc -eq 0 ] && rc=$vitest_rc
exit $rc
