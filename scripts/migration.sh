#!/usr/bin/env bash
# npm run migration:generate -- <Name> | migration:run | migration:revert | migration:show | seed
. "$(dirname "$0")/env.sh"
ensure_node_modules
services_up
build
cd "$ROOT"
case "${1:-}" in
  generate)
    name="${2:-}"
    [[ "$name" =~ ^[A-Z][A-Za-z0-9]+$ ]] || die "usage: npm run migration:generate -- <PascalCaseName>"
    node dist/scripts/db.js migrate
    npx --no-install typeorm migration:generate "migrations/$name" -d dist/libs/database/src/data-source.js --pretty
    say "review the new file in migrations/, then: npm run migration:run"
    ;;
  run) node dist/scripts/db.js migrate ;;
  revert) node dist/scripts/db.js revert ;;
  show) node dist/scripts/db.js show ;;
  seed) node dist/scripts/db.js migrate && node dist/scripts/db.js seed ;;
  *) die "usage: migration.sh generate <Name>|run|revert|show|seed" ;;
esac
