#!/usr/bin/env bash
# Cross-instance proofs (`npm run test:cluster`): two app instances on the shared PostgreSQL and Redis that .ci/run
# started and exported (TEST_DATABASE_URL, TEST_REDIS_URL), a streaming replica of that PostgreSQL (pg_basebackup),
# the worker process with a local SMTP server, the node:cluster primary, and the nginx config tests.
# Measured 2 min 58 s on the 2-core machine at load average ~24 (38 tests); bounded by the timeout below.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${TEST_DATABASE_URL:?TEST_DATABASE_URL must be exported (.ci/run does)}"
: "${TEST_REDIS_URL:?TEST_REDIS_URL must be exported (.ci/run does)}"

# The replica test streams from 127.0.0.1:5432: the server needs wal_level=replica (Debian's default),
# max_wal_senders > 0 (default 10) and a pg_hba rule that lets a replication connection in without a password — `host
# all` does not cover replication, and Debian's own `host replication all 127.0.0.1/32 scram-sha-256` wants one. The
# rule goes first (pg_hba is first match) and the configuration is reloaded.
replication_ok() { psql -w "host=127.0.0.1 user=postgres replication=true" -qAt -c IDENTIFY_SYSTEM >/dev/null 2>&1; }
if ! replication_ok; then
  PSQL=(psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt)
  hba=$("${PSQL[@]}" -c 'show hba_file')
  sed -i '1i host replication all 127.0.0.1/32 trust  # .ci/suites/cluster.sh: the streaming-replica test' "$hba"
  "${PSQL[@]}" -c 'select pg_reload_conf()' >/dev/null
  for _ in $(seq 1 40); do replication_ok && break; sleep 0.25; done  # the reload is a signal
  replication_ok || { echo "replication from 127.0.0.1 is still refused (see $hba)" >&2; exit 1; }
fi

timeout 420 npm run test:cluster
