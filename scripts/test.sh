#!/usr/bin/env bash
# npm test: the typecheck (tests included), the lint and the format check, the same
# set-up as npm start, a test database recreated for this run, then every unit,
# service (test/medium) and e2e test against the real PostgreSQL and Redis. It fails
# on any error, and when the run leaves the working tree other than it found it.
. "$(dirname "$0")/env.sh"

# ── A clean tree: the state of every changed or untracked file (ignored ones are not
# listed), taken before anything runs and compared at the end. Skipped outside a git
# checkout, or with SHOUHU_SKIP_TREE_CHECK=1 (a working tree others edit during the run).
in_git_checkout() { command -v git >/dev/null 2>&1 && git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; }
tree_state() {
  git -C "$ROOT" status --porcelain=v1 --untracked-files=all --no-renames | while IFS= read -r line; do
    local path="${line:3}"
    if [ -f "$ROOT/$path" ]; then printf '%s %s\n' "$line" "$(git -C "$ROOT" hash-object -- "$path" 2>/dev/null || echo '?')"; else printf '%s\n' "$line"; fi
  done
}
CHECK_TREE=0
if [ "${SHOUHU_SKIP_TREE_CHECK:-}" != 1 ] && in_git_checkout; then
  CHECK_TREE=1
  TREE_BEFORE="$(tree_state)"
fi

ensure_node_modules
cd "$ROOT"

# ── Static checks, in the background while the services start and the build runs;
# jest starts only once they passed. SHOUHU_NO_CHECKS=1 skips them (a quick local run of
# a few test files; CI never sets it).
CHECKS_LOG="$STATE/checks-$$.log"
CHECKS_PID=""
CHECKS='set -e
echo "typecheck (tests included): tsc -p tsconfig.json --noEmit"
npx --no-install tsc -p tsconfig.json --noEmit
echo "lint"
npm run -s lint
echo "format check"
npm run -s format:check'
# In a process group of their own (setsid), so that an early exit stops them whole.
stop_checks() { if [ -n "$CHECKS_PID" ]; then kill -- "-$CHECKS_PID" 2>/dev/null || kill "$CHECKS_PID" 2>/dev/null || true; fi; }
if [ "${SHOUHU_NO_CHECKS:-}" != 1 ]; then
  if command -v setsid >/dev/null 2>&1; then setsid bash -c "$CHECKS" > "$CHECKS_LOG" 2>&1 &
  else bash -c "$CHECKS" > "$CHECKS_LOG" 2>&1 &
  fi
  CHECKS_PID=$!
  trap stop_checks EXIT
fi

services_up
ensure_browser
# SHOUHU_NO_BUILD=1 reuses dist/ (several runs at once on one machine must not rebuild it
# under each other); the console is still typechecked, as the build would.
if [ "${SHOUHU_NO_BUILD:-}" = 1 ] && [ -f "$ROOT/dist/scripts/db.js" ]; then
  npx --no-install tsc -p apps/console/tsconfig.json || die "the console does not typecheck"
else
  build
fi
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
# Evidence files of this run go to a folder of their own, removed when it ends.
export ATTACHMENT_DIR="$STATE/test-attachments-$$"
trap 'stop_checks; cleanup_redis; rm -rf "$ATTACHMENT_DIR"' EXIT

export NODE_ENV=test
export DATABASE_URL="$TEST_DATABASE_URL" REDIS_URL="$TEST_REDIS_URL"
export QUEUE_PREFIX="$RUN_PREFIX"
export LOG_LEVEL="${LOG_LEVEL:-silent}"
node dist/scripts/db.js migrate
node dist/scripts/db.js seed --no-cases

if [ -n "$CHECKS_PID" ]; then
  if wait "$CHECKS_PID"; then
    CHECKS_PID=""
    say "typecheck, lint and format check passed"
    rm -f "$CHECKS_LOG"
  else
    CHECKS_PID=""
    cat "$CHECKS_LOG" >&2
    rm -f "$CHECKS_LOG"
    die "the static checks failed (above): fix them first (npm run lint, npm run format, npm run typecheck)"
  fi
fi

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

if [ "$CHECK_TREE" = 1 ]; then
  TREE_AFTER="$(tree_state)"
  if [ "$TREE_BEFORE" != "$TREE_AFTER" ]; then
    printf '%s\n' "the run changed the working tree (before < > after; status, path, content hash):" >&2
    diff <(printf '%s\n' "$TREE_BEFORE") <(printf '%s\n' "$TREE_AFTER") >&2 || true
    die "npm test must leave the tree as it found it: a tracked file was changed or a file added (a lockfile rewrite, a written snapshot…)"
  fi
fi
exit "$code"
