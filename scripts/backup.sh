#!/usr/bin/env bash
# npm run backup: one encrypted file with a consistent pg_dump of DATABASE_URL's database and the
# attachment store, written to BACKUP_DIR (default .shouhu/backups) as shouhu-<UTC time>.backup.
# The work is done by dist/scripts/backup.js (scripts/backup.ts); README "Backups" tells the rest.
# scripts/restore.sh sources this file for backup_env.
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

# The key, the database and the PostgreSQL client programs; the tool built when missing or older than its sources.
backup_env() {
  # Local secrets (with a generated BACKUP_ENCRYPTION_KEY) only outside production: a production
  # backup must never be encrypted with a key that lives only on the machine being backed up.
  if [ "${NODE_ENV:-}" = production ]; then
    [ -n "${BACKUP_ENCRYPTION_KEY:-}" ] || die "BACKUP_ENCRYPTION_KEY is not set (README \"Backups\": where the key lives)"
  else
    ensure_secrets
  fi
  # The project's own PostgreSQL (started if needed, as npm start does) unless DATABASE_URL is set.
  if [ -z "${DATABASE_URL:-}" ]; then pg_up; fi
  # pg_dump / pg_restore of the installed server's version (the newest installed), else the PATH's.
  if [ -z "${PG_BIN:-}" ]; then PG_BIN="$(pg_bin)"; fi
  export PG_BIN
  BACKUP_TOOL="$ROOT/dist/scripts/backup.js"
  if [ "${SHOUHU_NO_BUILD:-}" != 1 ] && [ -f "$ROOT/scripts/backup.ts" ]; then
    local stale=0 f
    [ -f "$BACKUP_TOOL" ] || stale=1
    for f in "$ROOT"/scripts/backup*.ts "$ROOT"/libs/config/src/app-config.ts "$ROOT"/libs/timeline/src/hash-chain.ts "$ROOT"/libs/evidence/src/file-cipher.ts; do
      if [ "$f" -nt "$BACKUP_TOOL" ]; then stale=1; fi
    done
    if [ "$stale" = 1 ]; then
      ensure_node_modules
      build_api
    fi
  fi
  [ -f "$BACKUP_TOOL" ] || die "$BACKUP_TOOL is missing: npm run build"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  backup_env
  exec node "$BACKUP_TOOL" create
fi
