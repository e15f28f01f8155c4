#!/usr/bin/env bash
# npm run bench: a bench database with BENCH_CASES bulk cases (default 200000), the
# compiled api on port 3900, then the HTTP benchmarks (bench/http.mjs) and the EXPLAIN of
# the queue queries. Figures go to the terminal; copy them into the README.
. "$(dirname "$0")/../scripts/env.sh"
ensure_node_modules
services_up
build
cd "$ROOT"
N="${BENCH_CASES:-200000}"
BENCH_URL="$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/shouhu_bench"; console.log(u.toString())' "$DATABASE_URL")"
node -e '
  const { Client } = require("pg");
  const admin = new URL(process.argv[1]); admin.pathname = "/postgres";
  const c = new Client({ connectionString: admin.toString() });
  c.connect().then(() => c.query("DROP DATABASE IF EXISTS shouhu_bench WITH (FORCE)")).then(() => c.query("CREATE DATABASE shouhu_bench")).then(() => c.end());
' "$DATABASE_URL"
export DATABASE_URL="$BENCH_URL" QUEUE_PREFIX="shouhu-bench" LOG_LEVEL=warn PORT=3900 HOST=127.0.0.1
export LOGIN_MAX_ATTEMPTS_PER_IP=100000
# The uploads benchmark writes ~200 MB of encrypted files: a folder of its own, emptied each run.
export ATTACHMENT_DIR="$STATE/bench-attachments"
rm -rf "$ATTACHMENT_DIR"
node dist/scripts/db.js migrate >/dev/null
node dist/scripts/db.js seed --no-cases >/dev/null
PSQL="$(pg_bin)/psql"
say "inserting $N cases…"
start=$(date +%s.%N)
"$PSQL" "$BENCH_URL" -v ON_ERROR_STOP=1 -q -v n="$N" -f bench/bulk-cases.sql
say "inserted in $(node -e "console.log((Number(process.argv[2]) - Number(process.argv[1])).toFixed(1))" "$start" "$(date +%s.%N)") s"
node dist/apps/api/src/main.js > /tmp/shouhu-bench-api.log 2>&1 &
API=$!
trap 'kill $API 2>/dev/null' EXIT
for _ in $(seq 1 100); do node -e 'fetch("http://127.0.0.1:3900/api/health").then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' && break; sleep 0.2; done
node bench/http.mjs http://127.0.0.1:3900
node bench/stats.mjs http://127.0.0.1:3900 "${BENCH_STATS_RUNS:-5}"
API_PID=$API node bench/uploads.mjs http://127.0.0.1:3900
say "api RSS after the run: $(ps -o rss= -p $API | awk '{printf "%.0f MB", $1/1024}')"
