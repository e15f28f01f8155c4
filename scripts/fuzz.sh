#!/usr/bin/env bash
# npm run test:fuzz: the contract fuzzer (test/e2e/fuzz.e2e-spec.ts) at full strength:
# FUZZ_REQUESTS generated requests (default 20,000; npm test runs 2,000), through the same
# set-up as npm test (services, build, a fresh test database, migrations, seed). The static
# checks are skipped (npm test runs them). FUZZ_SEED replays a run, FUZZ_SHRINK=1 shrinks a
# counterexample, FUZZ_COLLECT=1 lists every failing request instead of stopping at the first.
# Other arguments go to jest, e.g. SHOUHU_NO_BUILD=1 SHOUHU_TEST_DB=fz_test npm run test:fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_REQUESTS="${FUZZ_REQUESTS:-20000}"
export SHOUHU_NO_CHECKS=1
exec bash scripts/test.sh test/e2e/fuzz.e2e-spec.ts "$@"
