#!/usr/bin/env bash
# npm start: install what is missing, bring up PostgreSQL and Redis, migrate, seed the
# demo district, run api + worker. Ctrl-C stops api and worker (not the databases:
# npm run services:down does that).
. "$(dirname "$0")/env.sh"
ensure_node_modules
services_up
build
cd "$ROOT"
node dist/scripts/db.js migrate
node dist/scripts/db.js seed

export NODE_ENV="${NODE_ENV:-development}"
HOST="${HOST:-127.0.0.1}"; PORT="${PORT:-3000}"; export HOST PORT
node dist/apps/api/src/main.js &
API_PID=$!
node dist/apps/worker/src/main.js &
WORKER_PID=$!

stop() {
  trap - INT TERM
  say "stopping api and worker…"
  kill "$API_PID" "$WORKER_PID" 2>/dev/null || true
  wait "$API_PID" "$WORKER_PID" 2>/dev/null || true
  say "stopped (PostgreSQL and Redis keep running; npm run services:down stops them)"
  exit 0
}
trap stop INT TERM

URL="http://$HOST:$PORT"
http_ok() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; }
for _ in $(seq 1 100); do
  http_ok "$URL/api/health" && break
  kill -0 "$API_PID" 2>/dev/null || break
  sleep 0.2
done
if http_ok "$URL/api/health"; then
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
fi
# If either process dies, stop the other and report.
set +e
wait -n "$API_PID" "$WORKER_PID"
code=$?
kill "$API_PID" "$WORKER_PID" 2>/dev/null
wait 2>/dev/null
die "api or worker exited (code $code)"
