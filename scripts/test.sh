#!/usr/bin/env bash
# npm test: the same set-up as npm start, a test database recreated for this run,
# then every unit and e2e test against the real PostgreSQL and Redis.
. "$(dirname "$0")/env.sh"
ensure_node_modules
services_up
ensure_browser
# SHOUHU_NO_BUILD=1 reuses dist/ (several runs at once on one machine must not rebuild it under each other).
[ "${SHOUHU_NO_BUILD:-}" = 1 ] && [ -f "$ROOT/dist/scripts/db.js" ] || build
cd "$ROOT"

# The test database: TEST_DATABASE_URL, else the main URL's database name + "_test"
# (or SHOUHU_TEST_DB, so that two runs on one machine do not share a database).
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  TEST_DATABASE_URL="$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + (process.argv[2] || u.pathname.slice(1) + "_test"); console.log(u.toString())' "$DATABASE_URL" "${SHOUHU_TEST_DB:-}")"
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

# Redis: our own server's database 1 (or TEST_REDIS_URL); every key of this run
# carries its own prefix, removed when the run ends.
if [ -z "${TEST_REDIS_URL:-}" ]; then
  if [ "$OWN_REDIS" = 1 ]; then TEST_REDIS_URL="${REDIS_URL%/0}/1"; else TEST_REDIS_URL="$REDIS_URL"; fi
fi
RUN_PREFIX="shouhu-test-$$"
cleanup_redis() {
  node -e '
    const Redis = require("ioredis");
    const r = new Redis(process.argv[1], { maxRetriesPerRequest: 1 });
    const stream = r.scanStream({ match: process.argv[2] + ":*", count: 1000 });
    const dels = [];
    stream.on("data", (keys) => { if (keys.length) dels.push(r.unlink(...keys)); });
    stream.on("end", () => Promise.all(dels).finally(() => r.quit()));
    stream.on("error", () => r.disconnect());
  ' "$TEST_REDIS_URL" "$RUN_PREFIX" || true
}
trap cleanup_redis EXIT

export NODE_ENV=test
export DATABASE_URL="$TEST_DATABASE_URL" REDIS_URL="$TEST_REDIS_URL"
export QUEUE_PREFIX="$RUN_PREFIX"
export LOG_LEVEL="${LOG_LEVEL:-silent}"
node dist/scripts/db.js migrate
node dist/scripts/db.js seed --no-cases

RESULT="$STATE/jest-result-$$.json"
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
rm -f "$RESULT"
exit "$code"
