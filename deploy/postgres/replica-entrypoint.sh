#!/bin/sh
# A hot-standby streaming replica: on first start, clone the primary with pg_basebackup (-R writes
# standby.signal and primary_conninfo), then run postgres as usual.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h postgres -p 5432 -U replicator; do sleep 1; done
  export PGPASSWORD="$REPLICATION_PASSWORD"
  pg_basebackup -h postgres -p 5432 -U replicator -D "$PGDATA" -X stream -S replica_1 -R -P
  chmod 0700 "$PGDATA"
fi
exec docker-entrypoint.sh postgres -c hot_standby=on -c max_standby_streaming_delay=30s
