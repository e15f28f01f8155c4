# Shared by the npm scripts: where state lives, how to install what is missing, and how
# to bring up the project's own PostgreSQL and Redis. Sourced, never run directly.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.shouhu"
mkdir -p "$STATE"
# glibc gives each thread that allocates its own malloc arena and rarely returns their memory:
# libvips' threads (image uploads) left the api ~110 MB larger after ten parallel uploads.
# Two arenas hold the api near 235 MB after the bench instead of ~345 MB (README, Benchmarks).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

# port_free PORT [HOST]: nothing listens on PORT at HOST (default 127.0.0.1), i.e. we could bind it.
port_free() { node -e 'const s = require("net").createServer(); s.once("error", () => process.exit(1)); s.listen(Number(process.argv[1]), process.argv[2], () => s.close(() => process.exit(0)));' "$1" "${2:-127.0.0.1}"; }

# Ports are chosen once per checkout and remembered (default 55432 and 56379, or the next
# free ones when another checkout's servers already hold those), unless SHOUHU_*_PORT is set.
if [ -f "$STATE/ports.env" ]; then
  # shellcheck disable=SC1091
  . "$STATE/ports.env"
else
  SAVED_PG_PORT=55432
  while ! port_free "$SAVED_PG_PORT" && [ "$SAVED_PG_PORT" -lt 55480 ]; do SAVED_PG_PORT=$((SAVED_PG_PORT + 1)); done
  SAVED_REDIS_PORT=56379
  while ! port_free "$SAVED_REDIS_PORT" && [ "$SAVED_REDIS_PORT" -lt 56420 ]; do SAVED_REDIS_PORT=$((SAVED_REDIS_PORT + 1)); done
  printf 'SAVED_PG_PORT=%s\nSAVED_REDIS_PORT=%s\n' "$SAVED_PG_PORT" "$SAVED_REDIS_PORT" > "$STATE/ports.env"
fi
PG_PORT="${SHOUHU_PG_PORT:-$SAVED_PG_PORT}"
REDIS_PORT="${SHOUHU_REDIS_PORT:-$SAVED_REDIS_PORT}"

say() { printf '\033[1;34m[shouhu]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[shouhu]\033[0m %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

# npm dependencies: installed when node_modules is missing or older than the lockfile.
# (npm ci rejects the lockfile npm 11 writes on this platform; install honours it.)
# argon2 is compiled at install (node-gyp); where Node's own headers are installed, build
# against them instead of downloading headers (this machine reaches no other host).
ensure_node_modules() {
  if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    if [ -z "${npm_config_nodedir:-}" ] && [ -f "/usr/include/node/node_version.h" ]; then export npm_config_nodedir=/usr; fi
    say "installing npm dependencies…"
    (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error)
  fi
}

# Secrets for local runs, generated once into the git-ignored state folder.
ensure_secrets() {
  local file="$STATE/secrets.env"
  if [ ! -f "$file" ]; then
    (umask 077 && node -e '
      const r = (n) => require("crypto").randomBytes(n);
      console.log("SHOUHU_JWT_SECRET=" + r(48).toString("base64url"));
      console.log("SHOUHU_DATA_ENCRYPTION_KEY=" + r(32).toString("base64"));
      console.log("SHOUHU_PG_PASSWORD=" + r(18).toString("hex"));
      console.log("SHOUHU_REDIS_PASSWORD=" + r(18).toString("hex"));
    ' > "$file")
    say "generated local secrets in $file"
  fi
  # Added later than the others: appended (once, under a lock) to a secrets file made before it existed.
  if ! grep -q '^SHOUHU_BACKUP_ENCRYPTION_KEY=' "$file"; then
    (umask 077 && flock 9 && { grep -q '^SHOUHU_BACKUP_ENCRYPTION_KEY=' "$file" \
      || node -e 'console.log("SHOUHU_BACKUP_ENCRYPTION_KEY=" + require("crypto").randomBytes(32).toString("base64"))' >> "$file"; }) 9> "$STATE/secrets.lock"
  fi
  # shellcheck disable=SC1090
  . "$file"
  export JWT_SECRET="${JWT_SECRET:-$SHOUHU_JWT_SECRET}"
  export DATA_ENCRYPTION_KEY="${DATA_ENCRYPTION_KEY:-$SHOUHU_DATA_ENCRYPTION_KEY}"
  # (npm run backup / restore; a production key lives elsewhere than its backups: README "Backups")
  export BACKUP_ENCRYPTION_KEY="${BACKUP_ENCRYPTION_KEY:-$SHOUHU_BACKUP_ENCRYPTION_KEY}"
}

missing_packages_help() {
  die "$1 is not installed. Install it with:
    sudo apt-get update && sudo apt-get install -y postgresql redis-server
  or set DATABASE_URL and REDIS_URL to servers you already run."
}

apt_install() {
  say "installing system packages: $* (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq -o Dpkg::Options::=--force-confold "$@" >/dev/null
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

ensure_postgres_installed() {
  if [ -z "$(pg_bin)" ]; then
    is_root || missing_packages_help "PostgreSQL"
    # Do not let the package create and start a cluster of its own on port 5432.
    mkdir -p /etc/postgresql-common
    [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
    apt_install postgresql
  fi
  PG_BIN="$(pg_bin)"
  [ -n "$PG_BIN" ] || die "PostgreSQL binaries not found under /usr/lib/postgresql after installing"
}

ensure_redis_installed() {
  if ! command -v redis-server >/dev/null 2>&1; then
    is_root || missing_packages_help "redis-server"
    apt_install redis-server
  fi
}

# As root, PostgreSQL runs as the 'postgres' user, which must be able to reach its data folder.
pg_data_dir() {
  local dir="$STATE/pg"
  if is_root; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    if ! runuser -u postgres -- test -x "$STATE"; then
      local alt="/var/lib/shouhu/$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)/pg"
      mkdir -p "$alt" && chmod 755 /var/lib/shouhu && chown -R postgres "$(dirname "$alt")"
      [ -L "$dir" ] || { rm -rf "$dir"; ln -s "$alt" "$dir"; }
      dir="$alt"
    fi
  fi
  printf '%s' "$dir"
}

# (from /, so the postgres user need not be able to enter the checkout)
as_pg_owner() { if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

pg_up() {
  ensure_postgres_installed
  local data; data="$(pg_data_dir)"
  mkdir -p "$data"
  if is_root; then chown postgres "$data"; fi
  chmod 700 "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    say "initialising PostgreSQL in $data…"
    local pwfile; pwfile="$(mktemp)"; printf '%s\n' "$SHOUHU_PG_PASSWORD" > "$pwfile"
    if is_root; then chown postgres "$pwfile"; fi
    as_pg_owner "$PG_BIN/initdb" -D "$data" -U shouhu --pwfile="$pwfile" -A scram-sha-256 -E UTF8 --no-locale >/dev/null
    rm -f "$pwfile"
  fi
  if ! as_pg_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT…"
    as_pg_owner "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 \
      -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
      || die "PostgreSQL did not start (is port $PG_PORT taken? set SHOUHU_PG_PORT). Log: $data/server.log"
  fi
  export PGPASSWORD="$SHOUHU_PG_PASSWORD"
  local psql="$PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U shouhu -v ON_ERROR_STOP=1 -qtA"
  $psql -d postgres -c 'SELECT 1' >/dev/null || die "cannot connect to PostgreSQL on port $PG_PORT (another server with other credentials?)"
  if [ "$($psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'shouhu'")" != 1 ]; then
    $psql -d postgres -c 'CREATE DATABASE shouhu' >/dev/null
  fi
  export DATABASE_URL="postgres://shouhu:$SHOUHU_PG_PASSWORD@127.0.0.1:$PG_PORT/shouhu"
}

# The data folder, through the link when it lives outside the checkout.
pg_data_path() { readlink -f "$STATE/pg" 2>/dev/null || printf '%s' "$STATE/pg"; }

pg_down() {
  local bin data; bin="$(pg_bin)"; data="$(pg_data_path)"
  [ -n "$bin" ] && [ -f "$data/PG_VERSION" ] || return 0
  if as_pg_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null && say "PostgreSQL stopped"
  fi
}

redis_cli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -a "$SHOUHU_REDIS_PASSWORD" --no-auth-warning "$@"; }

redis_up() {
  ensure_redis_installed
  mkdir -p "$STATE/redis"
  if [ "$(redis_cli ping 2>/dev/null || true)" != PONG ]; then
    say "starting Redis on 127.0.0.1:$REDIS_PORT…"
    # redis-server --daemonize returns 0 even when the port is taken: poll instead.
    # The append-only file is its persistence; no RDB snapshots besides (each forked a child that took
    # a core for seconds while the deadlines' timers were being written: lateness of a second and more).
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$STATE/redis" \
      --appendonly yes --save "" --requirepass "$SHOUHU_REDIS_PASSWORD" \
      --pidfile "$STATE/redis/redis.pid" --logfile "$STATE/redis/redis.log" >/dev/null
    local i reply
    for i in $(seq 1 1200); do
      reply="$(redis_cli ping 2>&1 || true)"
      [ "$reply" = PONG ] && break
      # Loading a large append-only file (a bench's timers) answers LOADING for seconds: wait for it (2 minutes at most);
      # anything else for 5 s is a failure.
      case "$reply" in *LOADING*) ;; *) [ "$i" -lt 50 ] || break ;; esac
      sleep 0.1
    done
    [ "$(redis_cli ping 2>/dev/null || true)" = PONG ] || die "Redis did not start (is port $REDIS_PORT taken? set SHOUHU_REDIS_PORT). Log: $STATE/redis/redis.log"
  fi
  export REDIS_URL="redis://:$SHOUHU_REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/0"
}

redis_down() {
  command -v redis-cli >/dev/null 2>&1 || return 0
  if [ "$(redis_cli ping 2>/dev/null || true)" = PONG ]; then
    redis_cli shutdown >/dev/null 2>&1 || true
    say "Redis stopped"
  fi
}

# Our own servers unless DATABASE_URL / REDIS_URL point elsewhere.
services_up() {
  ensure_secrets
  if [ -z "${DATABASE_URL:-}" ]; then pg_up; OWN_PG=1; else OWN_PG=0; fi
  if [ -z "${REDIS_URL:-}" ]; then redis_up; OWN_REDIS=1; else OWN_REDIS=0; fi
  export OWN_PG OWN_REDIS
}

build() {
  build_api
  build_console
}

# The api, the worker and the scripts (tsc into dist/). Compiles into a fresh folder and
# swaps it in, so a build never leaves dist/ half-written for another process (or a file
# deleted from the sources behind in dist/).
build_api() {
  say "building…"
  local out=".dist-build-$$"
  (cd "$ROOT" && rm -rf "$out" \
    && npx --no-install tsc -p tsconfig.build.json --outDir "$out" \
    && npx --no-install tsc-alias -p tsconfig.build.json --outDir "$out" \
    && { [ ! -d dist ] || mv dist "$out.old"; } && mv "$out" dist && rm -rf "$out.old") \
    || { rm -rf "$ROOT/$out"; die "build failed"; }
}

# The browser console (apps/console): typechecked, then bundled by Vite into apps/console/dist,
# which the api serves at /.
build_console() {
  say "building the console…"
  (cd "$ROOT" && npx --no-install tsc -p apps/console/tsconfig.json \
    && npx --no-install vite build apps/console --logLevel warn) || die "console build failed"
}

# The browser tests drive Debian's Chromium (no browser download reaches these machines).
ensure_browser() {
  # (grep reads all of fc-list's output: with pipefail, grep -q closing the pipe early would fail the check)
  if ! command -v chromium >/dev/null 2>&1 || ! fc-list : family 2>/dev/null | grep -i 'noto sans cjk' >/dev/null; then
    is_root || die "Chromium and CJK fonts are needed for the browser tests. Install them with:
    sudo apt-get update && sudo apt-get install -y chromium fonts-noto-cjk"
    apt_install chromium fonts-noto-cjk
  fi
}
