#!/usr/bin/env bash
# npm run test:faults: the fault campaign (issue 15, point 1; RELIABILITY.md). It breaks servers on
# purpose, so it runs on servers of its OWN, never the shared ones of scripts/env.sh: a PostgreSQL
# cluster initialised into a fresh folder and a redis-server, each on a free port of its own, plus
# the api and the worker built in dist/ (apps/api/src/main.js, apps/worker/src/main.js). The trap
# stops and removes all of them, whatever happens.
#
# bench/faults/campaign.mjs then runs each fault under a mixed load and checks every acknowledged
# write in the database; it prints the Markdown table, writes .shouhu/faults/latest.{json,md} and
# exits non-zero on any violation.
#
# Settings: FAULTS_SOAK_S (600: the soak's length), FAULTS_ONLY (comma-separated fault keys, e.g.
# "api-kill,pg-restart"), FAULTS_NO_BUILD=1 (use dist/ as it is), FAULTS_KEEP=1 (keep the data folder).
. "$(dirname "$0")/env.sh"
ensure_node_modules
ensure_postgres_installed
ensure_redis_installed
ensure_secrets
cd "$ROOT"

OUT_DIR="$STATE/faults"
mkdir -p "$OUT_DIR"

free_port() {
  local p="$1"
  while ! port_free "$p"; do p=$((p + 1)); done
  printf '%s' "$p"
}
F_PG_PORT="$(free_port "${FAULTS_PG_PORT:-57432}")"
F_REDIS_PORT="$(free_port "${FAULTS_REDIS_PORT:-57379}")"
F_API_PORT="$(free_port "${FAULTS_API_PORT:-3950}")"

# As root PostgreSQL runs as the postgres user, which may not enter the checkout: its data lives
# in a fresh folder under /tmp then (mode 700, owned by postgres).
if is_root; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  WORK="$(mktemp -d /tmp/shouhu-faults.XXXXXX)"
  chmod 755 "$WORK"
else
  WORK="$OUT_DIR/run-$$"
  mkdir -p "$WORK"
fi
F_PG_DATA="$WORK/pg"
F_REDIS_DIR="$WORK/redis"
mkdir -p "$F_PG_DATA" "$F_REDIS_DIR"
if is_root; then chown postgres "$F_PG_DATA"; fi
chmod 700 "$F_PG_DATA"
F_PG_PASSWORD="$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
F_REDIS_PASSWORD="$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"

F_PIDS_FILE="$WORK/pids"
: > "$F_PIDS_FILE"
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  # The api and worker processes the campaign started (it records each pid it spawns).
  if [ -f "$F_PIDS_FILE" ]; then
    while read -r pid; do [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; done < "$F_PIDS_FILE"
  fi
  redis-cli -h 127.0.0.1 -p "$F_REDIS_PORT" -a "$F_REDIS_PASSWORD" --no-auth-warning shutdown nosave >/dev/null 2>&1 || true
  if as_pg_owner "$PG_BIN/pg_ctl" -D "$F_PG_DATA" status >/dev/null 2>&1; then
    as_pg_owner "$PG_BIN/pg_ctl" -D "$F_PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ "${FAULTS_KEEP:-}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "fault campaign: own PostgreSQL on 127.0.0.1:$F_PG_PORT, own Redis on 127.0.0.1:$F_REDIS_PORT, api on :$F_API_PORT ($WORK)"
PWFILE="$WORK/pw"
printf '%s\n' "$F_PG_PASSWORD" > "$PWFILE"
if is_root; then chown postgres "$PWFILE"; fi
as_pg_owner "$PG_BIN/initdb" -D "$F_PG_DATA" -U shouhu --pwfile="$PWFILE" -A scram-sha-256 -E UTF8 --no-locale >/dev/null
rm -f "$PWFILE"
# The options the campaign restarts PostgreSQL with (bench/faults/campaign.mjs: pg-restart).
F_PG_OPTS="-p $F_PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=on"
as_pg_owner "$PG_BIN/pg_ctl" -D "$F_PG_DATA" -l "$F_PG_DATA/server.log" -w -t 30 -o "$F_PG_OPTS" start >/dev/null \
  || die "the campaign's PostgreSQL did not start (log: $F_PG_DATA/server.log)"
export PGPASSWORD="$F_PG_PASSWORD"
"$PG_BIN/psql" -h 127.0.0.1 -p "$F_PG_PORT" -U shouhu -d postgres -qtA -c 'CREATE DATABASE shouhu_faults' >/dev/null

# The options the campaign restarts Redis with (append-only, as scripts/env.sh runs it).
F_REDIS_ARGS="--port $F_REDIS_PORT --bind 127.0.0.1 --daemonize yes --dir $F_REDIS_DIR --appendonly yes --requirepass $F_REDIS_PASSWORD --pidfile $F_REDIS_DIR/redis.pid --logfile $F_REDIS_DIR/redis.log --save ''"
# shellcheck disable=SC2086
eval redis-server $F_REDIS_ARGS >/dev/null
for _ in $(seq 1 50); do
  [ "$(redis-cli -h 127.0.0.1 -p "$F_REDIS_PORT" -a "$F_REDIS_PASSWORD" --no-auth-warning ping 2>/dev/null || true)" = PONG ] && break
  sleep 0.1
done
[ "$(redis-cli -h 127.0.0.1 -p "$F_REDIS_PORT" -a "$F_REDIS_PASSWORD" --no-auth-warning ping 2>/dev/null || true)" = PONG ] || die "the campaign's Redis did not start (log: $F_REDIS_DIR/redis.log)"

if [ "${FAULTS_NO_BUILD:-}" != 1 ]; then
  exec 9>/tmp/shouhu-build.lock
  flock 9
  build_api
  flock -u 9
  exec 9>&-
fi

export DATABASE_URL="postgres://shouhu:$F_PG_PASSWORD@127.0.0.1:$F_PG_PORT/shouhu_faults"
export REDIS_URL="redis://:$F_REDIS_PASSWORD@127.0.0.1:$F_REDIS_PORT/0"
export QUEUE_PREFIX=faults LOG_LEVEL="${FAULTS_LOG_LEVEL:-warn}" NODE_ENV=production HOST=127.0.0.1 PORT="$F_API_PORT"
export LOGIN_MAX_ATTEMPTS_PER_IP=100000 ATTACHMENT_DIR="$WORK/attachments"
node dist/scripts/db.js migrate >/dev/null
node dist/scripts/db.js seed --no-cases >/dev/null

export F_PG_BIN="$PG_BIN" F_PG_DATA F_PG_OPTS F_PG_PORT F_REDIS_PORT F_REDIS_PASSWORD F_REDIS_ARGS F_PIDS_FILE F_WORK="$WORK"
export F_AS_POSTGRES="$(is_root && echo 1 || echo 0)"
export F_OUT_DIR="$OUT_DIR"
node bench/faults/campaign.mjs
