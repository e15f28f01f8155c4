#!/usr/bin/env bash
# npm start: install what is missing, bring up PostgreSQL and Redis, migrate, seed the
# demo district, run api + worker. Ctrl-C stops api and worker (not the databases:
# npm run services:down does that).
. "$(dirname "$0")/env.sh"

# The api's port: PORT when set (then it must be free), else the one remembered for this
# checkout in .shouhu/ports.env (3000 the first time), or the next free one when another
# program holds it, as for PostgreSQL and Redis.
HOST="${HOST:-127.0.0.1}"
PORT_GIVEN="${PORT:-}"
choose_api_port() {
  if [ -n "$PORT_GIVEN" ]; then
    port_free "$PORT_GIVEN" "$HOST" || die "port $PORT_GIVEN on $HOST is taken by another program, and PORT=$PORT_GIVEN is set: stop that program, or set PORT to a free port (or unset PORT to let npm start choose one)"
    PORT="$PORT_GIVEN"
    return
  fi
  local wanted="${SAVED_API_PORT:-3000}" port
  port="$wanted"
  while ! port_free "$port" "$HOST"; do
    port=$((port + 1))
    [ "$port" -le $((wanted + 40)) ] || die "ports $wanted to $((port - 1)) on $HOST are all taken: set PORT to a free port"
  done
  if [ "$port" != "$wanted" ]; then
    say "port $wanted is taken by another program: the api takes port $port (remembered for this checkout in .shouhu/ports.env; PORT=… chooses)"
  elif [ "$port" != 3000 ] && [ -z "${PORT:-}" ]; then
    say "the api takes port $port, remembered for this checkout in .shouhu/ports.env (PORT=… chooses)"
  fi
  if [ "$port" != "${SAVED_API_PORT:-}" ]; then
    { grep -v '^SAVED_API_PORT=' "$STATE/ports.env" 2>/dev/null || true; echo "SAVED_API_PORT=$port"; } > "$STATE/ports.env.new" && mv "$STATE/ports.env.new" "$STATE/ports.env"
    SAVED_API_PORT="$port"
  fi
  PORT="$port"
}
# Early, so that a taken PORT stops npm start before it installs and builds anything.
choose_api_port

ensure_node_modules
services_up
build
cd "$ROOT"
node dist/scripts/db.js migrate
node dist/scripts/db.js seed

export NODE_ENV="${NODE_ENV:-development}"
# Again: the build took a while, and the port may have been taken meanwhile.
choose_api_port
export HOST PORT
# The api writes "<pid> <port>" there once it listens (apps/api/src/main.ts).
READY_FILE="$STATE/api.ready"
rm -f "$READY_FILE"
SHOUHU_READY_FILE="$READY_FILE" node dist/apps/api/src/main.js &
API_PID=$!
node dist/apps/worker/src/main.js &
WORKER_PID=$!

stop() {
  trap - INT TERM
  rm -f "$READY_FILE"
  say "stopping api and worker…"
  kill "$API_PID" "$WORKER_PID" 2>/dev/null || true
  wait "$API_PID" "$WORKER_PID" 2>/dev/null || true
  say "stopped (PostgreSQL and Redis keep running; npm run services:down stops them)"
  exit 0
}
trap stop INT TERM

# The banner only once this api process listens, on the port it reports, and answers there:
# never because some other program answers on a port we expected to hold.
http_ok() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; }
case "$HOST" in 0.0.0.0 | :: | '[::]') PROBE_HOST=127.0.0.1 ;; *) PROBE_HOST="$HOST" ;; esac
BOUND_PORT=""
ours_and_healthy() {
  kill -0 "$API_PID" 2>/dev/null || return 1
  if [ -z "$BOUND_PORT" ]; then
    local pid port
    [ -f "$READY_FILE" ] && read -r pid port < "$READY_FILE" && [ "$pid" = "$API_PID" ] || return 1
    BOUND_PORT="$port"
  fi
  http_ok "http://$PROBE_HOST:$BOUND_PORT/api/health/live" && http_ok "http://$PROBE_HOST:$BOUND_PORT/api/health" && kill -0 "$API_PID" 2>/dev/null
}
healthy=0
for _ in $(seq 1 150); do
  if ours_and_healthy; then healthy=1; break; fi
  kill -0 "$API_PID" 2>/dev/null || break
  sleep 0.2
done
URL="http://$HOST:${BOUND_PORT:-$PORT}"
if [ "$healthy" = 1 ]; then
  DEMO_PASSWORD_SHOWN="${DEMO_PASSWORD:-shouhu-demo}"
  cat >&2 <<BANNER

  守护 Shouhu is running
    Console    $URL/            (守护工作台: open it in a browser)
    API        $URL/api
    API docs   $URL/api/docs
    Health     $URL/api/health

  Demo logins (demo only, password: $DEMO_PASSWORD_SHOWN)
    admin                      系统管理员 (admin: users, no case content)
    district1, district2       区民政局 / 未保中心 (district staff)
    sup-xa … sup-sy            街道督导员 (street supervisors: xa 新安, xx 西乡, hc 航城, fy 福永, fh 福海,
                               sj 沙井, xq 新桥, sg 松岗, yl 燕罗, sy 石岩)
    dir-xa-01 … dir-sy-03      社区儿童主任 (community directors, three per street)

  Ctrl-C stops api and worker.

BANNER
elif kill -0 "$API_PID" 2>/dev/null; then
  say "the api (pid $API_PID) has not answered $URL/api/health within 30 s: see its log above (no banner until it does)"
fi
# If either process dies, stop the other and report.
set +e
wait -n "$API_PID" "$WORKER_PID"
code=$?
kill "$API_PID" "$WORKER_PID" 2>/dev/null
wait 2>/dev/null
die "api or worker exited (code $code)"
