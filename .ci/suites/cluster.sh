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
# max_wal_senders > 0 (default 10) and a pg_hba rule for replication connections — `host all` does not cover them.
PSQL=(psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt)
if [ "$("${PSQL[@]}" -c "select count(*) from pg_hba_file_rules where error is null and type = 'host' and 'replication' = any(database) and address = '127.0.0.1'")" = 0 ]; then
  hba=$("${PSQL[@]}" -c 'show hba_file')
  echo 'host replication all 127.0.0.1/32 trust  # .ci/suites/cluster.sh: the streaming-replica test' >>"$hba"
  "${PSQL[@]}" -c 'select pg_reload_conf()' >/dev/null
  # The reload is a signal: wait until a replication connection is accepted.
  for _ in $(seq 1 40); do
    psql "host=127.0.0.1 user=postgres replication=true" -qAt -c IDENTIFY_SYSTEM >/dev/null 2>&1 && break
    sleep 0.25
  done
fi

timeout 300 npm run test:cluster
