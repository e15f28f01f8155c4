#!/usr/bin/env bash
# npm run bench: one command, one report. A bench database grown through the sizes of
# BENCH_SIZES (default 10000,100000,1000000) and BENCH_CASES (default 200000) by bulk inserts
# (bench/bulk-cases.sql); at each size the queue's latency (bench/http.mjs queue); at
# BENCH_CASES every scenario beside its ceiling: the queue and GET /api/health/live, the
# filing at each of BENCH_FILING_CONNECTIONS (BENCH_FILING_ROUNDS pairs of runs beside its
# ceiling), pgbench replaying the SQL one real request sent
# (captured from the statement log by bench/capture.mjs), the indicators, the console's queue
# in Chromium (bench/console.mjs), the uploads.
# Writes bench/results/latest.json and queue-p99.svg, prints the Markdown table (bench/report.mjs).
# Shorter: BENCH_SECONDS (10 per run), BENCH_SIZES=2000,10000 BENCH_CASES=5000,
# BENCH_UPLOADS=0 (skips the uploads), BENCH_NO_BUILD=1 (uses dist/ as it is).
. "$(dirname "$0")/../scripts/env.sh"
ensure_node_modules
services_up
# The HTTP load comes from wrk (C): autocannon (Node) took a quarter of a core from the 2 the
# api and PostgreSQL share. Without root or apt, autocannon it is (bench/http.mjs falls back).
if ! command -v wrk >/dev/null; then
  if is_root && command -v apt-get >/dev/null; then apt_install wrk || say "wrk could not be installed: autocannon generates the load"; else say "wrk is not installed (apt-get install wrk): autocannon generates the load"; fi
fi
# The console's queue is timed in Chromium (bench/console.mjs), as the browser tests run it.
if ! command -v chromium >/dev/null && is_root && command -v apt-get >/dev/null; then ensure_browser || say "Chromium could not be installed: the console is not timed"; fi
if [ "${BENCH_NO_BUILD:-}" != 1 ]; then
  # The shared build lock: other checkouts' test runs read dist/ meanwhile.
  exec 9>/tmp/shouhu-build.lock
  flock 9
  build
  flock -u 9
  exec 9>&-
fi
cd "$ROOT"
N="${BENCH_CASES:-200000}"
# BENCH_DB and BENCH_PORT let two benches run side by side (each its own database, api and queues).
DB="${BENCH_DB:-shouhu_bench}"
BENCH_PORT="${BENCH_PORT:-3900}"
SECONDS_EACH="${BENCH_SECONDS:-10}"
FILING_CONNECTIONS="${BENCH_FILING_CONNECTIONS:-1,8,32,128}"
FILING_ROUNDS="${BENCH_FILING_ROUNDS:-5}"
SIZES="$(printf '%s\n' ${BENCH_SIZES:-10000,100000,1000000} | tr ',' '\n' | grep -E '^[0-9]+$' | { cat; echo "$N"; } | sort -n -u | tr '\n' ' ')"
OUT="${BENCH_OUT_DIR:-$ROOT/bench/results}"
PARTS="$OUT/parts"
rm -rf "$PARTS"
mkdir -p "$PARTS"
export PG_BIN="$(pg_bin)"
PSQL="$PG_BIN/psql"
ADMIN_URL="$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/postgres"; console.log(u.toString())' "$DATABASE_URL")"
BENCH_URL="$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.toString())' "$DATABASE_URL" "$DB")"
"$PSQL" "$ADMIN_URL" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
# The queues of the dropped database go with it: timers of an earlier run (448,000 after two runs)
# would otherwise fire into nothing, and Redis would snapshot them in the middle of the measurements.
node -e '
const Redis = require("ioredis");
const r = new Redis(process.env.REDIS_URL);
(async () => {
  let cursor = "0", n = 0;
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", `${process.argv[1]}:*`, "COUNT", 5000);
    if (keys.length) n += await r.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
  if (n) console.log(`removed ${n} Redis key(s) of the earlier bench database`);
  await r.quit();
})().catch((e) => { console.error(e.message); process.exit(1); });' "$DB"
export DATABASE_URL="$BENCH_URL" QUEUE_PREFIX="$DB" LOG_LEVEL=warn PORT="$BENCH_PORT" HOST=127.0.0.1
export LOGIN_MAX_ATTEMPTS_PER_IP=100000
# The uploads benchmark writes ~200 MB of encrypted files: a folder of its own, emptied each run.
export ATTACHMENT_DIR="$STATE/$DB-attachments"
rm -rf "$ATTACHMENT_DIR"
node dist/scripts/db.js migrate >/dev/null
node dist/scripts/db.js seed --no-cases >/dev/null
URL="http://127.0.0.1:$BENCH_PORT"

HAVE=0
grow_to() {
  local want="$1" start
  [ "$want" -gt "$HAVE" ] || return 0
  say "inserting $((want - HAVE)) cases (to $want)…"
  start=$(date +%s.%N)
  "$PSQL" "$BENCH_URL" -v ON_ERROR_STOP=1 -q -v n="$((want - HAVE))" -v o="$HAVE" -f bench/bulk-cases.sql
  say "inserted in $(node -e "console.log((Number(process.argv[2]) - Number(process.argv[1])).toFixed(1))" "$start" "$(date +%s.%N)") s"
  echo "{\"to\": $want, \"seconds\": $(node -e "console.log((Number(process.argv[2]) - Number(process.argv[1])).toFixed(1))" "$start" "$(date +%s.%N)")}" > "$PARTS/insert-$want.json"
  HAVE="$want"
}

API=""
WORKER=""
# After a bulk load the worker folds the marked days into the indicator rollups (minutes at a
# million cases): measured after it, on a quiet machine, not against it.
wait_folded() {
  [ -n "$WORKER" ] || return 0
  local start left
  start=$(date +%s)
  while :; do
    left="$("$PSQL" "$BENCH_URL" -Atc 'SELECT count(*) FROM stats_dirty')"
    [ "$left" = 0 ] && break
    [ $(($(date +%s) - start)) -lt "${BENCH_STATS_FOLD_WAIT_S:-900}" ] || { say "still $left day mark(s) to fold: measuring anyway"; break; }
    sleep 2
  done
  say "rollups folded $(($(date +%s) - start)) s after the load"
}
# And on an idle machine: whatever the load left behind (the server writing, the worker catching up)
# settles first. Waits until the cores are less than BENCH_QUIET_PCT (20) % busy over 2 s, at most
# BENCH_QUIET_WAIT_S (120) seconds, and says how long it took.
wait_quiet() {
  local start busy
  start=$(date +%s)
  while :; do
    busy="$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat; sleep 2; awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)"
    busy="$(echo $busy | awk '{ b = $3 - $1; i = $4 - $2; printf "%d", ((b + i) > 0 ? 100 * b / (b + i) : 0) }')"
    [ "$busy" -lt "${BENCH_QUIET_PCT:-20}" ] && break
    [ $(($(date +%s) - start)) -lt "${BENCH_QUIET_WAIT_S:-120}" ] || { say "the machine is still ${busy} % busy: measuring anyway"; return 0; }
  done
  say "quiet ($busy % busy) $(($(date +%s) - start)) s later"
}
stop_all() {
  [ -n "$API" ] && kill "$API" 2>/dev/null || true
  [ -n "$WORKER" ] && kill "$WORKER" 2>/dev/null || true
  "$PSQL" "$ADMIN_URL" -q -c "ALTER DATABASE $DB RESET log_statement" 2>/dev/null || true
}
trap stop_all EXIT
start_api() {
  node dist/apps/api/src/main.js >> /tmp/$DB-api.log 2>&1 &
  API=$!
  for _ in $(seq 1 150); do node -e 'fetch(process.argv[1] + "/api/health").then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$URL" && return 0; sleep 0.2; done
  die "the bench api did not answer on $URL (log: /tmp/$DB-api.log)"
}
stop_api() {
  kill "$API" 2>/dev/null || true
  wait "$API" 2>/dev/null || true
  API=""
}
: > /tmp/$DB-api.log

FIRST="${SIZES%% *}"
grow_to "$FIRST"
# The exact statements of one filing and of each queue request: log_statement = 'all' for the
# bench database only, a capture api (its connections open with the setting), one request
# each, then the setting off again and a fresh api for the measurements.
LOG_FILE="$("$PSQL" "$ADMIN_URL" -Atc 'SELECT pg_current_logfile()')"
if [ -z "$LOG_FILE" ]; then LOG_FILE="$(pg_data_path)/server.log"; fi
case "$LOG_FILE" in /*) ;; *) LOG_FILE="$("$PSQL" "$ADMIN_URL" -Atc 'SHOW data_directory')/$LOG_FILE" ;; esac
"$PSQL" "$ADMIN_URL" -q -c "ALTER DATABASE $DB SET log_statement = 'all'"
start_api
node bench/capture.mjs "$URL" "$LOG_FILE" "$PARTS"
stop_api
"$PSQL" "$ADMIN_URL" -q -c "ALTER DATABASE $DB RESET log_statement"

start_api
node dist/apps/worker/src/main.js >> /tmp/$DB-worker.log 2>&1 &
WORKER=$!
count() { "$PSQL" "$BENCH_URL" -Atc 'SELECT count(*) FROM "case"'; }
for size in $SIZES; do
  grow_to "$size"
  wait_folded
  wait_quiet
  if [ "$size" = "$N" ]; then
    # Reads first, filings last: the filings add cases (the report gives the count each saw).
    say "every scenario at $N cases…"
    BENCH_CASES_NOW="$(count)" BENCH_OUT="$PARTS/queue-$size.json" node bench/http.mjs "$URL" read || true
    say "the queue's ceiling (pgbench, the captured SQL)…"
    node bench/pgbench.mjs "$BENCH_URL" "$PARTS/queue-supervisor.pgbench" "${BENCH_CONNECTIONS:-20}" "$SECONDS_EACH" "$PARTS/pgbench-queue-supervisor.json"
    node bench/pgbench.mjs "$BENCH_URL" "$PARTS/queue-district.pgbench" "${BENCH_CONNECTIONS:-20}" "$SECONDS_EACH" "$PARTS/pgbench-queue-district.json"
    BENCH_OUT="$PARTS/stats.json" node bench/stats.mjs "$URL" "${BENCH_STATS_RUNS:-5}"
    say "the console: the queue's 50 rows in Chromium…"
    BENCH_OUT="$PARTS/console.json" node bench/console.mjs "$URL" || say "the console could not be measured (see above)"
    # The filing and its ceiling side by side: at each concurrency, BENCH_FILING_ROUNDS (5) pairs
    # of runs, each pair the app's run and pgbench's one after the other (which goes first
    # alternates). This machine's speed drifts by half or more within minutes (the same filing
    # took 2.8 ms of api time in one minute and 7.6 ms in the next); a pair sees the same machine,
    # and the pair with the median ratio stands for its concurrency (bench/collect.mjs).
    say "the filing and its ceiling (pgbench, the captured SQL) at $FILING_CONNECTIONS connections, ${FILING_ROUNDS} rounds…"
    filing_app() { BENCH_CASES_NOW="$(count)" BENCH_OUT="$PARTS/filing-$1-$2.json" BENCH_FILING_CONNECTIONS="$1" node bench/http.mjs "$URL" filing || true; }
    filing_ceiling() { BENCH_CASES_NOW="$(count)" node bench/pgbench.mjs "$BENCH_URL" "$PARTS/filing.pgbench" "$1" "$SECONDS_EACH" "$PARTS/pgbench-filing-$1-$2.json"; }
    # First BENCH_WARMUP seconds (5) of filings, not counted, as the queue has before its runs: the
    # first round would otherwise pay for the filing path's compiling and its statements' preparing
    # on each pooled connection (at 1 connection, a first round of 238 req/s against 431 and 397).
    if [ "${BENCH_WARMUP:-5}" != 0 ]; then BENCH_SECONDS="${BENCH_WARMUP:-5}" BENCH_FILING_CONNECTIONS=8 node bench/http.mjs "$URL" filing > /dev/null || true; fi
    for round in $(seq 1 "$FILING_ROUNDS"); do
      for conns in ${FILING_CONNECTIONS//,/ }; do
        if [ $((round % 2)) = 1 ]; then filing_app "$conns" "$round"; filing_ceiling "$conns" "$round"; else filing_ceiling "$conns" "$round"; filing_app "$conns" "$round"; fi
      done
    done
  else
    say "the queue at $size cases…"
    BENCH_CASES_NOW="$(count)" BENCH_OUT="$PARTS/queue-$size.json" node bench/http.mjs "$URL" queue || true
  fi
done
# Last, as they grow the api's memory: the uploads (BENCH_UPLOADS=0 skips them).
if [ "${BENCH_UPLOADS:-10}" != 0 ]; then API_PID=$API BENCH_UPLOADS_OUT="$PARTS/uploads.json" node bench/uploads.mjs "$URL"; fi
# Deadlines at volume: bench/deadlines.mjs starts its own workers (1, then 2); run.sh's worker
# stops first, as a third sweeper would share the work.
if [ "${BENCH_DEADLINES:-100000}" != 0 ]; then
  kill "$WORKER" 2>/dev/null || true
  wait "$WORKER" 2>/dev/null || true
  say "deadlines at volume (${BENCH_DEADLINES:-100000} due over ${BENCH_DEADLINE_SPREAD_S:-60} s, 1 and 2 workers)…"
  BENCH_OUT="$PARTS/deadlines.json" node bench/deadlines.mjs || true
  node dist/apps/worker/src/main.js >> /tmp/$DB-worker.log 2>&1 &
  WORKER=$!
  # The end of the run: once the restarted worker has done what the scenario left it (its RSS then, and its peak).
  node bench/settle.mjs "$WORKER" "$PARTS/settle.json" || true
fi
rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo null; }
echo "{\"apiRssMb\": $(rss "$API"), \"workerRssMb\": $(rss "$WORKER"), \"cases\": $("$PSQL" "$BENCH_URL" -Atc 'SELECT count(*) FROM "case"'), \"postgres\": \"$("$PSQL" "$BENCH_URL" -Atc 'SHOW server_version')\"}" > "$PARTS/end.json"
node bench/collect.mjs "$PARTS" "$OUT/latest.json" "$N" "$SECONDS_EACH"
node bench/chart.mjs "$OUT/latest.json" "$OUT/queue-p99.svg"
if [ -z "${BENCH_OUT_DIR:-}" ]; then
  # The full run's figures become the README's performance section (and are committed with it).
  node bench/report.mjs "$OUT/latest.json" --readme "$ROOT/README.md"
else
  node bench/report.mjs "$OUT/latest.json"
fi
say "written: $OUT/latest.json, $OUT/queue-p99.svg"
