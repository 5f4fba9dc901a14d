#!/usr/bin/env bash
# Fault tests R1–R4, R6, R7 (R5 lives with the jobs suite): own PostgreSQL cluster, Redis and nginx on spare ports,
# never the shared services. Fails on a real violation (lost or duplicated writes, forbidden 5xx, hangs, failed
# requests during a rolling restart, lost updates, soak errors), not on timings.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f apps/api/dist/server.js ] || npm run build
timeout 900 npm run test:faults -- --soak 120
