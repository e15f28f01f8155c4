#!/usr/bin/env bash
# npm run restore -- FILE [--database NAME] [--attachments-dir DIR] [--force] [--no-checksums] [--json]:
# checks the whole backup, restores it into a fresh database (RESTORE_DATABASE_URL, or NAME on
# DATABASE_URL's server) and its attachment files into a folder (RESTORE_ATTACHMENT_DIR, else
# ATTACHMENT_DIR), then counts and verifies what it restored; non-zero exit on any mismatch.
# shellcheck disable=SC1091
. "$(dirname "$0")/backup.sh"
backup_env
exec node "$BACKUP_TOOL" restore "$@"
