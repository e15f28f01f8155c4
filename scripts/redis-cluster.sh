#!/usr/bin/env bash
# A local Redis Cluster of three masters (no replicas) on loopback, for the cluster tests.
# Never touches the shared redis-server of scripts/env.sh: its own ports, folder and processes.
#
# Sourced (scripts/cluster.sh):
#   redis_cluster_up DIR BASE_PORT   starts masters on BASE_PORT..BASE_PORT+2 (cluster bus on +10000),
#                                    creates the cluster, waits for cluster_state:ok, prints the
#                                    REDIS_CLUSTER_NODES value and exports REDIS_CLUSTER_NODES and
#                                    REDIS_PASSWORD (the nodes' password, kept in DIR/password).
#   redis_cluster_down DIR           stops the nodes it started there (by their pid files).
#   redis_cluster_free_base          prints a base port whose six ports (3 + 3 bus) are free.
# Run:
#   bash scripts/redis-cluster.sh up DIR BASE_PORT | down DIR
#   bash scripts/redis-cluster.sh test [jest arguments]
#     starts a cluster of its own under .shouhu/redis-cluster-<pid>, runs scripts/test.sh with
#     REDIS_CLUSTER_NODES set (by default the deadline, login throttle and cluster tests), and
#     removes the cluster at the end whatever happens.

RC_MASTERS=3

_rc_say() { printf '\033[1;34m[redis-cluster]\033[0m %s\n' "$*" >&2; }
_rc_die() {
  printf '\033[1;31m[redis-cluster]\033[0m %s\n' "$*" >&2
  return 1
}

# _rc_port_free PORT: nothing accepts connections on 127.0.0.1:PORT.
_rc_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

_rc_cli() {
  local dir="$1" port="$2"
  shift 2
  redis-cli -h 127.0.0.1 -p "$port" -a "$(cat "$dir/password")" --no-auth-warning "$@"
}

# The bases lie in 20000-22699, so that the nodes (base..base+2) and their bus ports (+10000,
# up to 32701) stay below Linux's ephemeral range (32768-60999 by default): a port only checked
# free there can be taken by an outgoing connection before the node binds it.
redis_cluster_free_base() {
  local base=$((20000 + RANDOM % 2700)) tries=0 i ok
  while [ "$tries" -lt 200 ]; do
    ok=1
    for i in $(seq 0 $((RC_MASTERS - 1))); do
      if ! _rc_port_free $((base + i)) || ! _rc_port_free $((base + i + 10000)); then
        ok=0
        break
      fi
    done
    if [ "$ok" = 1 ]; then
      printf '%s\n' "$base"
      return 0
    fi
    base=$((base + RC_MASTERS))
    [ "$base" -le 22697 ] || base=20000
    tries=$((tries + 1))
  done
  _rc_die "no free ports for a cluster"
}

redis_cluster_up() {
  local dir="${1:?usage: redis_cluster_up DIR BASE_PORT}" base="${2:?usage: redis_cluster_up DIR BASE_PORT}"
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 \
    || { _rc_die "redis-server and redis-cli are needed: sudo apt-get install -y redis-server"; return 1; }
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ ! -s "$dir/password" ]; then
    (umask 077 && node -e 'console.log(require("crypto").randomBytes(18).toString("hex"))' > "$dir/password")
  fi
  local password i port nodes=() node_list
  password="$(cat "$dir/password")"
  for i in $(seq 0 $((RC_MASTERS - 1))); do
    port=$((base + i))
    if [ -f "$dir/$port/redis.pid" ] && kill -0 "$(cat "$dir/$port/redis.pid")" 2>/dev/null; then
      nodes+=("127.0.0.1:$port")
      continue
    fi
    _rc_port_free "$port" && _rc_port_free $((port + 10000)) || { _rc_die "port $port or $((port + 10000)) is taken: choose another BASE_PORT"; return 1; }
    mkdir -p "$dir/$port"
    # redis-server --daemonize returns 0 even when the port is taken: polled below.
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$dir/$port" \
      --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" --cluster-node-timeout 3000 \
      --appendonly yes --save '' --requirepass "$password" --masterauth "$password" \
      --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log" >/dev/null
    nodes+=("127.0.0.1:$port")
  done
  for i in $(seq 0 $((RC_MASTERS - 1))); do
    port=$((base + i))
    local tries=0
    until [ "$(_rc_cli "$dir" "$port" ping 2>/dev/null || true)" = PONG ]; do
      tries=$((tries + 1))
      if [ "$tries" -ge 100 ]; then
        tail -n 5 "$dir/$port/redis.log" >&2 2>/dev/null || true
        _rc_die "node $port did not start; log: $dir/$port/redis.log"
        return 1
      fi
      sleep 0.1
    done
  done
  # A new cluster (no slot assigned yet) is created; an existing one is left as it is.
  if [ "$(_rc_cli "$dir" "$base" cluster info | tr -d '\r' | sed -n 's/^cluster_slots_assigned://p')" = 0 ]; then
    _rc_say "creating the cluster on ${nodes[*]}"
    redis-cli -a "$password" --no-auth-warning --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 \
      || { cat "$dir/create.log" >&2; _rc_die "redis-cli --cluster create failed"; return 1; }
  fi
  local tries=0
  for i in $(seq 0 $((RC_MASTERS - 1))); do
    port=$((base + i))
    until _rc_cli "$dir" "$port" cluster info 2>/dev/null | tr -d '\r' | grep -qx 'cluster_state:ok'; do
      tries=$((tries + 1))
      [ "$tries" -lt 300 ] || { _rc_die "the cluster did not reach cluster_state:ok"; return 1; }
      sleep 0.1
    done
  done
  node_list="$(IFS=,; printf '%s' "${nodes[*]}")"
  printf '%s\n' "$base" > "$dir/base-port"
  export REDIS_CLUSTER_NODES="$node_list"
  export REDIS_PASSWORD="$password"
  _rc_say "cluster_state:ok on $node_list"
  printf '%s\n' "$node_list"
}

redis_cluster_down() {
  local dir="${1:?usage: redis_cluster_down DIR}" pidfile pid port tries pids=()
  [ -d "$dir" ] || return 0
  for pidfile in "$dir"/*/redis.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    port="$(basename "$(dirname "$pidfile")")"
    # Only a redis-server this script started there (the pid file's process, on that port).
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "redis-server.*:$port"; then
      kill "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for pid in "${pids[@]}"; do
    tries=0
    while kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 50 ]; do
      sleep 0.1
      tries=$((tries + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$dir"
}

# ── Run as a command ─────────────────────────────────────────────────────────
_rc_main() {
  set -euo pipefail
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  case "${1:-}" in
    up)
      [ $# -eq 3 ] || _rc_die "usage: $0 up DIR BASE_PORT"
      redis_cluster_up "$2" "$3"
      ;;
    down)
      [ $# -eq 2 ] || _rc_die "usage: $0 down DIR"
      redis_cluster_down "$2"
      ;;
    test)
      shift
      local dir base code
      dir="$root/.shouhu/redis-cluster-$$"
      trap 'redis_cluster_down "'"$dir"'"' EXIT
      trap 'exit 130' INT TERM
      base="$(redis_cluster_free_base)"
      redis_cluster_up "$dir" "$base" >/dev/null
      local files=("$@")
      if [ ${#files[@]} -eq 0 ]; then
        files=(test/e2e/deadlines.e2e-spec.ts test/medium/deadlines.medium-spec.ts test/medium/deadline-sweeper.medium-spec.ts
          test/e2e/auth.e2e-spec.ts libs/auth/src/login-throttle.spec.ts test/medium/redis-cluster.medium-spec.ts)
      fi
      _rc_say "running ${files[*]} on the cluster"
      set +e
      REDIS_CLUSTER_NODES="$REDIS_CLUSTER_NODES" REDIS_PASSWORD="$REDIS_PASSWORD" bash "$root/scripts/test.sh" "${files[@]}"
      code=$?
      set -e
      return "$code"
      ;;
    *)
      _rc_die "usage: $0 up DIR BASE_PORT | down DIR | test [jest arguments]"
      ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  _rc_main "$@"
fi
