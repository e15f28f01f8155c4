#!/usr/bin/env bash
# npm run services:up | services:down | services:status — the project's own PostgreSQL and Redis.
. "$(dirname "$0")/env.sh"
case "${1:-}" in
  up)
    unset DATABASE_URL REDIS_URL
    services_up
    say "PostgreSQL: 127.0.0.1:$PG_PORT (database shouhu), Redis: 127.0.0.1:$REDIS_PORT; data in $STATE"
    ;;
  down)
    ensure_secrets
    pg_down
    redis_down
    ;;
  status)
    ensure_secrets
    bin="$(pg_bin)"; data="$(pg_data_path)"
    if [ -n "$bin" ] && [ -f "$data/PG_VERSION" ] && as_pg_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then echo "postgres: up (127.0.0.1:$PG_PORT)"; else echo "postgres: down"; fi
    if command -v redis-cli >/dev/null && [ "$(redis_cli ping 2>/dev/null || true)" = PONG ]; then echo "redis: up (127.0.0.1:$REDIS_PORT)"; else echo "redis: down"; fi
    ;;
  *) die "usage: services.sh up|down|status" ;;
esac
