#!/usr/bin/env bash
# Fault tests R1–R7 (npm run test:faults), R8 (bench/faults/r8-pg-failover.mjs) and R9 (bench/faults/r9-redis-failover.mjs): own PostgreSQL cluster, Redis, nginx (deploy/nginx/nginx.conf with only
# listen/upstream addresses/log paths templated), the job worker and an SMTP sink, on spare ports — never the
# shared services. Every gate is at its bar's own number (recovery ≤ 10 s, exit ≤ 10 s, RSS growth ≤ 10 %, 503 only
# while the database is down, every reminder exactly once, …) and every fault asserts that it happened; one miss
# fails the suite. R7 here is a shortened soak (30 s warm-up + 120 s; the bar's 30 minutes: --soak 1800).
# Runtime: 8–9.5 min measured on a 2-core machine at load average 11–25 (the outer timeout is 15 min).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f apps/api/dist/server.js ] && [ -f apps/api/dist/worker.js ] || npm run build
rc=0
timeout 900 npm run test:faults -- --soak 120 --warmup 30 || rc=$?
# R8: the PostgreSQL leader SIGKILLed under writes on Patroni + etcd + HAProxy (deploy/ha/pg-stack.mjs, ports 55xx;
# apt-get installs patroni, etcd-server, haproxy when missing). 50–65 s measured here, most of it the stack's start.
# Then the whole leader node (Patroni too; its leader key must expire first): ~70 s.
timeout 240 node bench/faults/r8-pg-failover.mjs || rc=$?
timeout 240 node bench/faults/r8-pg-failover.mjs --kill node || rc=$?
# R9: the Redis master SIGKILLed under CRUD, SSE and job load on 3 Redis nodes + 3 Sentinels (deploy/ha/redis-stack.sh,
# ports 5601-5603/26601-26603); two API instances and the worker follow it through REDIS_SENTINELS. 75-100 s here.
command -v redis-sentinel >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-sentinel >/dev/null; }
timeout 240 node bench/faults/r9-redis-failover.mjs || rc=$?
exit $rc
