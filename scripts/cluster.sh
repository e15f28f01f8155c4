#!/usr/bin/env bash
# npm run test:cluster: the scale-out topology on loopback (issue 15, point 4; SCALING.md). It starts
# servers of its OWN, never the shared ones of scripts/env.sh:
#   - a PostgreSQL primary (initdb into a fresh folder under .shouhu/cluster/, wal_level=replica, a
#     replication role) and a streaming replica made from it with pg_basebackup -R, each on a free port;
#   - Redis: a three-master Redis Cluster through scripts/redis-cluster.sh when that file exists
#     (REDIS_CLUSTER_NODES), and always a plain redis-server of its own (REDIS_URL is required);
# waits until the replica streams, then runs scripts/test.sh (the same test database, migrations, seed
# and jest run as npm test) with DATABASE_URL on the primary and DATABASE_REPLICA_URLS on the replica:
# the e2e and medium suites plus test/cluster (replica routing and fallback; two apis and two workers
# from dist/ on one database). It prints its run time; the trap stops and removes every server it started.
#
#   npm run test:cluster                      # everything (e2e + medium + cluster)
#   npm run test:cluster -- test/cluster      # only the given jest paths / patterns
#   CLUSTER_SHELL=1 npm run test:cluster      # bring the servers up, print their variables, wait (Ctrl-C stops them)
#
# Settings: CLUSTER_PG_PORT (58432; the replica takes the next free port), CLUSTER_REDIS_PORT (58379),
# CLUSTER_REDIS=single (the plain redis-server only: the replica's part alone), CLUSTER_REDIS_BASE_PORT (the Redis Cluster's first node; its bus port is +10000, so below 55536;
# default: a free one from redis_cluster_free_base), CLUSTER_KEEP=1 (keep the data folder).
# SHOUHU_NO_BUILD=1 reuses dist/ as npm test does; the static checks are npm test's business (skipped).
. "$(dirname "$0")/env.sh"
ensure_node_modules
ensure_postgres_installed
ensure_redis_installed
ensure_secrets
cd "$ROOT"
STARTED_AT="$(date +%s)"

free_port() {
  local p="$1"
  while ! port_free "$p"; do p=$((p + 1)); done
  printf '%s' "$p"
}
C_PG_PORT="$(free_port "${CLUSTER_PG_PORT:-58432}")"
C_REPLICA_PORT="$(free_port $((C_PG_PORT + 1)))"
C_REDIS_PORT="$(free_port "${CLUSTER_REDIS_PORT:-58379}")"

WORK="$STATE/cluster/run-$$"
mkdir -p "$WORK"
chmod 755 "$STATE/cluster" "$WORK"
C_PRIMARY="$WORK/primary"
C_REPLICA="$WORK/replica"
C_REDIS_DIR="$WORK/redis"
mkdir -p "$C_PRIMARY" "$C_REDIS_DIR"
if is_root; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  chown postgres "$C_PRIMARY" "$WORK"
fi
chmod 700 "$C_PRIMARY"
C_PG_PASSWORD="$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
C_REPL_PASSWORD="$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
C_REDIS_PASSWORD="$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
REDIS_CLUSTER_DIR="$WORK/redis-cluster"
REDIS_CLUSTER_STARTED=0

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [ "$REDIS_CLUSTER_STARTED" = 1 ] && declare -F redis_cluster_down >/dev/null; then redis_cluster_down "$REDIS_CLUSTER_DIR" >/dev/null 2>&1 || true; fi
  redis-cli -h 127.0.0.1 -p "$C_REDIS_PORT" -a "$C_REDIS_PASSWORD" --no-auth-warning shutdown nosave >/dev/null 2>&1 || true
  local d
  for d in "$C_REPLICA" "$C_PRIMARY"; do
    if [ -f "$d/postmaster.pid" ]; then as_pg_owner "$PG_BIN/pg_ctl" -D "$d" -m immediate -w -t 20 stop >/dev/null 2>&1 || true; fi
  done
  if [ "${CLUSTER_KEEP:-}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
  say "test:cluster finished in $(($(date +%s) - STARTED_AT)) s"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ── The primary: its own cluster, a replication role allowed from loopback only.
pwfile="$WORK/pw"
printf '%s\n' "$C_PG_PASSWORD" > "$pwfile"
if is_root; then chown postgres "$pwfile"; fi
as_pg_owner "$PG_BIN/initdb" -D "$C_PRIMARY" -U shouhu --pwfile="$pwfile" -A scram-sha-256 -E UTF8 --no-locale >/dev/null
rm -f "$pwfile"
cat >> "$C_PRIMARY/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $C_PG_PORT
unix_socket_directories = '$WORK'
max_connections = 200
wal_level = replica
max_wal_senders = 5
wal_keep_size = '256MB'
hot_standby = on
hot_standby_feedback = on
fsync = off
full_page_writes = on
EOF
echo "host replication replicator 127.0.0.1/32 scram-sha-256" >> "$C_PRIMARY/pg_hba.conf"
say "starting the cluster's primary on 127.0.0.1:$C_PG_PORT…"
as_pg_owner "$PG_BIN/pg_ctl" -D "$C_PRIMARY" -l "$C_PRIMARY/server.log" -w -t 30 start >/dev/null || { cat "$C_PRIMARY/server.log" >&2; die "the primary did not start"; }
psql_primary() { PGPASSWORD="$C_PG_PASSWORD" "$PG_BIN/psql" -h 127.0.0.1 -p "$C_PG_PORT" -U shouhu -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
psql_primary -c "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '$C_REPL_PASSWORD'" >/dev/null
psql_primary -c 'CREATE DATABASE shouhu' >/dev/null

# ── The replica: a base backup of the primary with its standby settings written (-R), streaming WAL.
say "pg_basebackup into the replica…"
if is_root; then
  (cd / && runuser -u postgres -- env PGPASSWORD="$C_REPL_PASSWORD" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$C_PG_PORT" -U replicator -D "$C_REPLICA" -R -X stream -c fast) \
    || die "pg_basebackup failed"
else
  PGPASSWORD="$C_REPL_PASSWORD" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$C_PG_PORT" -U replicator -D "$C_REPLICA" -R -X stream -c fast || die "pg_basebackup failed"
fi
cat >> "$C_REPLICA/postgresql.conf" <<EOF
port = $C_REPLICA_PORT
EOF
say "starting the replica on 127.0.0.1:$C_REPLICA_PORT…"
as_pg_owner "$PG_BIN/pg_ctl" -D "$C_REPLICA" -l "$C_REPLICA/server.log" -w -t 30 start >/dev/null || { cat "$C_REPLICA/server.log" >&2; die "the replica did not start"; }
for _ in $(seq 1 100); do
  [ "$(psql_primary -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] && break
  sleep 0.1
done
[ "$(psql_primary -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] || die "the replica does not stream (log: $C_REPLICA/server.log)"
say "the replica streams"

# ── Redis: a plain server of our own, and the three-master cluster when scripts/redis-cluster.sh exists.
redis-server --port "$C_REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$C_REDIS_DIR" --save '' --appendonly no \
  --requirepass "$C_REDIS_PASSWORD" --pidfile "$C_REDIS_DIR/redis.pid" --logfile "$C_REDIS_DIR/redis.log" >/dev/null
for _ in $(seq 1 50); do
  [ "$(redis-cli -h 127.0.0.1 -p "$C_REDIS_PORT" -a "$C_REDIS_PASSWORD" --no-auth-warning ping 2>/dev/null || true)" = PONG ] && break
  sleep 0.1
done
if [ -f "$ROOT/scripts/redis-cluster.sh" ] && [ "${CLUSTER_REDIS:-cluster}" != single ]; then
  # shellcheck disable=SC1091
  . "$ROOT/scripts/redis-cluster.sh"
  mkdir -p "$REDIS_CLUSTER_DIR"
  REDIS_CLUSTER_STARTED=1
  # Not in a subshell: it exports REDIS_CLUSTER_NODES and REDIS_PASSWORD (the nodes' password) itself.
  redis_cluster_up "$REDIS_CLUSTER_DIR" "${CLUSTER_REDIS_BASE_PORT:-$(redis_cluster_free_base)}" > "$WORK/redis-cluster.nodes" || die "the Redis Cluster did not start"
  export REDIS_CLUSTER_NODES REDIS_PASSWORD
  say "Redis Cluster: $REDIS_CLUSTER_NODES"
fi

# ── The variables scripts/test.sh reads (the test database is recreated on the primary; the replica follows).
export DATABASE_URL="postgres://shouhu:$C_PG_PASSWORD@127.0.0.1:$C_PG_PORT/shouhu"
export REDIS_URL="redis://:$C_REDIS_PASSWORD@127.0.0.1:$C_REDIS_PORT/0"
export TEST_DATABASE_URL="postgres://shouhu:$C_PG_PASSWORD@127.0.0.1:$C_PG_PORT/shouhu_test"
export DATABASE_REPLICA_URLS="postgres://shouhu:$C_PG_PASSWORD@127.0.0.1:$C_REPLICA_PORT/shouhu_test"
# For test/cluster: how to stop and start the replica (the fallback test), and the primary's admin URL.
export CLUSTER_PG_BIN="$PG_BIN" CLUSTER_REPLICA_DATA="$C_REPLICA" CLUSTER_PG_OWNER="$(is_root && echo postgres || id -un)"
export CLUSTER_PRIMARY_PORT="$C_PG_PORT" CLUSTER_REPLICA_PORT="$C_REPLICA_PORT"
export SHOUHU_NO_CHECKS=1

if [ "${CLUSTER_SHELL:-}" = 1 ]; then
  say "servers up; in another shell:"
  for v in DATABASE_URL TEST_DATABASE_URL DATABASE_REPLICA_URLS REDIS_URL CLUSTER_PG_BIN CLUSTER_REPLICA_DATA CLUSTER_PG_OWNER CLUSTER_PRIMARY_PORT CLUSTER_REPLICA_PORT; do
    printf 'export %s=%q\n' "$v" "${!v}"
  done
  if [ -n "${REDIS_CLUSTER_NODES:-}" ]; then printf 'export REDIS_CLUSTER_NODES=%q REDIS_PASSWORD=%q\n' "$REDIS_CLUSTER_NODES" "$REDIS_PASSWORD"; fi
  # (sleep in the background: bash runs the trap on a signal at once only while it waits)
  while true; do sleep 3600 & wait $!; done
fi

if [ "$#" -eq 0 ]; then set -- test/e2e test/medium test/cluster; fi
set +e
bash "$ROOT/scripts/test.sh" --config test/cluster/jest.config.js "$@"
code=$?
set -e
lag="$(psql_primary -c "SELECT coalesce(max(replay_lag)::text, 'none') FROM pg_stat_replication")"
say "replica replay lag at the end (pg_stat_replication.replay_lag): $lag"
exit "$code"
