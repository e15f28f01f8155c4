#!/usr/bin/env bash
# npm test: the same set-up as npm start, a test database recreated for this run,
# then every unit and e2e test against the real PostgreSQL and Redis.
. "$(dirname "$0")/env.sh"
ensure_node_modules
services_up
build
cd "$ROOT"

# The test database: TEST_DATABASE_URL, else the main URL's database name + "_test".
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  TEST_DATABASE_URL="$(node -e 'const u = new URL(process.argv[1]); u.pathname = u.pathname.replace(/\/?$/, "") + "_test"; console.log(u.toString())' "$DATABASE_URL")"
fi
node -e '
  const { Client } = require("pg");
  const target = new URL(process.argv[1]);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z0-9_]+$/.test(name) || !name.endsWith("_test")) { console.error("refusing to recreate database " + name + ": its name must end in _test"); process.exit(1); }
  const admin = new URL(process.argv[1]); admin.pathname = "/postgres";
  const c = new Client({ connectionString: admin.toString() });
  c.connect()
    .then(() => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
    .then(() => c.query(`CREATE DATABASE "${name}"`))
    .then(() => c.end())
    .catch((e) => { console.error("cannot recreate the test database: " + e.message); process.exit(1); });
' "$TEST_DATABASE_URL"
say "test database recreated"

if [ -z "${TEST_REDIS_URL:-}" ]; then
  if [ "$OWN_REDIS" = 1 ]; then
    TEST_REDIS_URL="${REDIS_URL%/0}/1"
    redis_cli -n 1 flushdb >/dev/null
  else
    TEST_REDIS_URL="$REDIS_URL"
  fi
fi

export NODE_ENV=test
export DATABASE_URL="$TEST_DATABASE_URL" REDIS_URL="$TEST_REDIS_URL"
export QUEUE_PREFIX="shouhu-test-$$"
export LOG_LEVEL="${LOG_LEVEL:-silent}"
node dist/scripts/db.js migrate
node dist/scripts/db.js seed

RESULT="$STATE/jest-result.json"
rm -f "$RESULT"
set +e
npx --no-install jest --runInBand --json --outputFile="$RESULT" "$@"
code=$?
set -e
if [ -f "$RESULT" ]; then
  node -e '
    const r = require(process.argv[1]);
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    console.log(`${r.numPassedTests} passed, ${failed} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
  ' "$RESULT"
else
  echo "0 passed, 1 failed"
fi
exit "$code"
