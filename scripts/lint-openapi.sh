#!/usr/bin/env bash
# npm run lint:openapi: Redocly CLI's lint (recommended rules, with the departures and their
# reasons in redocly.yaml) on the OpenAPI document the api builds, written to dist/openapi.json
# as npm run console:types writes it. test/e2e/openapi.e2e-spec.ts lints the served document alike.
. "$(dirname "$0")/env.sh"
ensure_node_modules
services_up
# SHOUHU_NO_BUILD=1 reuses dist/ (as npm test does), e.g. right after a build.
[ "${SHOUHU_NO_BUILD:-}" = 1 ] && [ -f "$ROOT/dist/scripts/openapi.js" ] || build_api
cd "$ROOT"
LOG_LEVEL=silent node dist/scripts/openapi.js --json dist/openapi.json >/dev/null
code=0
report="$(REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx --no-install redocly lint dist/openapi.json --config redocly.yaml "$@" 2>&1)" || code=$?
printf '%s\n' "$report"
# Redocly exits 0 on warnings; here (as in the e2e test) a warning fails too.
if [ "$code" = 0 ] && grep -E 'You have [0-9]+ warnings?' <<<"$report" >/dev/null; then
  die "lint:openapi: warnings fail this check (fix them, or turn the rule off in redocly.yaml with its reason)"
fi
exit "$code"
