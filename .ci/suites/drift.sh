#!/usr/bin/env bash
# Drift gates (issue 12, item 6) through the commands a developer runs: docs/openapi.json must be what the code
# generates, and the migrations must agree with the Drizzle schema (offline, PGlite). The same gates, each with a
# planted drift, run in `npm test` (apps/api/src/scripts/openapi.test.ts, schema-drift.test.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run -s openapi:check
npm run -s db:check
