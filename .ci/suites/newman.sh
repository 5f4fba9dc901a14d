#!/usr/bin/env bash
# Postman suite (issue 14 item 3; docs/api.md, "Postman"): `newman run` of the committed collection
# (docs/postman/, generated from docs/openapi.json by `npm run postman`) against the built server, started here on a
# free port with its own DATA_DIR (embedded database, mail to the outbox, no Redis). The account the collection signs
# in with is registered first and made an admin with the CLI (the embedded database is held by the server, so it is
# stopped for that and started again). Fails on any failed request or assertion. Measured on the 2-core box: 27 s at
# load 15 (newman's own run 4.9 s for 40 requests), 88 s at load 27; both with a rebuild by build-if-needed, which
# CI's build makes a no-op. Bounded: 90 s per server start, 120 s for the newman run.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)

node scripts/build-if-needed.mjs >/dev/null

work=$(mktemp -d)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
base="http://127.0.0.1:$port"
email="newman@example.test"
password="quartz meadow violin lantern"

# The server's environment: its own DATA_DIR, none of the shared services. `env` execs node, so $! is the server.
run_env=(env -u REDIS_URL -u DATABASE_URL -u DATABASE_REPLICA_URL -u SMTP_URL -u METRICS_TOKEN
  -u OTEL_EXPORTER_OTLP_ENDPOINT PORT="$port" HOST=127.0.0.1 NODE_ENV=development SERVE_WEB=false LOG_LEVEL=warn
  DATA_DIR="$work/data" RATE_LIMIT_AUTH_IP_MAX=10000 RATE_LIMIT_API_MAX=100000)

start_server() {
  "${run_env[@]}" node apps/api/dist/server.js >>"$work/server.log" 2>&1 &
  server_pid=$!
  # Wait on readiness (or the process ending), at most 90 s.
  for _ in $(seq 1 900); do
    if curl -fsS "$base/health/ready" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "the server did not become ready on $base:"
  tail -n 40 "$work/server.log"
  exit 1
}

echo "--- server on $base (DATA_DIR $work/data)"
start_server
code=$(curl -sS -o "$work/register.json" -w '%{http_code}' -H 'content-type: application/json' \
  -d "{\"name\":\"Newman\",\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/auth/register")
if [ "$code" != 201 ]; then
  echo "register answered $code: $(cat "$work/register.json")"
  exit 1
fi
stop_server
"${run_env[@]}" node apps/api/dist/cli.js make-admin "$email"
start_server

echo "--- newman run docs/postman/primetrade-tasks.postman_collection.json"
status=0
timeout 120 node_modules/.bin/newman run docs/postman/primetrade-tasks.postman_collection.json \
  --environment docs/postman/local.postman_environment.json \
  --env-var "baseUrl=$base" --env-var "email=$email" --env-var "password=$password" --env-var admin=true \
  --timeout-request 10000 --bail failure --color off \
  --reporters cli,json --reporter-json-export "$work/newman.json" || status=$?

node -e '
const run = require(process.argv[1]).run;
const s = run.stats;
console.log(`newman: ${s.requests.total} requests (${s.requests.failed} failed), ${s.assertions.total} assertions (${s.assertions.failed} failed), ${run.failures.length} failures`);
' "$work/newman.json" || true
echo "newman suite: $(($(date +%s) - start)) s"
exit "$status"
