#!/usr/bin/env bash
# A local Redis HA stack on loopback for tests and demos (quality.md R9): three redis-server nodes (one master, two
# replicas) and three redis-sentinel processes (quorum 2) watching master name $REDIS_MASTER_NAME.
#
#   deploy/ha/redis-stack.sh start|stop|status|master|pids
#
# Everything lives under $REDIS_HA_DIR (default /tmp/pt-redis-ha): one folder per process with its config, log and
# pid file. Every process is recorded by its PID and stopped by that PID only — never by name, so the machine's
# own Redis (6379) and any other redis-server keep running.
#
# Ports: Redis $REDIS_HA_PORT_BASE+0..2 (default 5601..5603), Sentinels $REDIS_HA_SENTINEL_BASE+0..2 (default
# 26601..26603). Detection is short for a local test: down-after-milliseconds 2000, failover-timeout 10000.
# The app follows it with REDIS_SENTINELS=127.0.0.1:26601,127.0.0.1:26602,127.0.0.1:26603 REDIS_MASTER_NAME=$NAME
# (printed by `start` and `status`).
set -euo pipefail

DIR=${REDIS_HA_DIR:-/tmp/pt-redis-ha}
NAME=${REDIS_MASTER_NAME:-primetrade}
PORT_BASE=${REDIS_HA_PORT_BASE:-5601}
SENTINEL_BASE=${REDIS_HA_SENTINEL_BASE:-26601}
DOWN_AFTER_MS=${REDIS_HA_DOWN_AFTER_MS:-2000}
FAILOVER_TIMEOUT_MS=${REDIS_HA_FAILOVER_TIMEOUT_MS:-10000}
QUORUM=2
NODES=(0 1 2)

command -v redis-server >/dev/null || { echo "redis-server is missing (apt-get install redis-server)" >&2; exit 1; }
SENTINEL_BIN=$(command -v redis-sentinel || true)
[ -n "$SENTINEL_BIN" ] || { echo "redis-sentinel is missing (apt-get install redis-sentinel)" >&2; exit 1; }

redis_port() { echo $((PORT_BASE + $1)); }
sentinel_port() { echo $((SENTINEL_BASE + $1)); }
sentinels_csv() {
  local out=() i
  for i in "${NODES[@]}"; do out+=("127.0.0.1:$(sentinel_port "$i")"); done
  (IFS=,; echo "${out[*]}")
}

# The PID recorded for a process, if that PID is still alive and is still the process we started (same start time,
# recorded next to the PID): a recycled PID is never signalled. (Redis rewrites its process title, so the command
# line cannot tell.)
starttime() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }
live_pid() {
  local pidfile=$1 pid st
  [ -f "$pidfile" ] || return 1
  read -r pid st <"$pidfile" || true
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ "$(starttime "$pid")" = "$st" ] || return 1
  echo "$pid"
}

wait_ping() {
  local port=$1 i
  for i in $(seq 1 100); do
    redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.1
  done
  echo "nothing answers on 127.0.0.1:$port" >&2
  return 1
}

start_proc() { # name bin conf
  local name=$1 bin=$2 conf=$3 d="$DIR/$1"
  if live_pid "$d/pid" >/dev/null; then return 0; fi
  # Foreground process in the background: $! is its PID (no daemonize, no pid file written by Redis itself).
  setsid "$bin" "$conf" >>"$d/out.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid $(starttime "$pid")" >"$d/pid"
}

start() {
  mkdir -p "$DIR"
  local i port d master_port
  master_port=$(redis_port 0)
  for i in "${NODES[@]}"; do
    port=$(redis_port "$i")
    d="$DIR/redis-$i"
    mkdir -p "$d"
    if [ ! -f "$d/redis.conf" ]; then
      {
        echo "port $port"
        echo "bind 127.0.0.1"
        echo "dir $d"
        echo "save \"\""
        echo "appendonly no"
        echo "protected-mode no"
        echo "logfile $d/redis.log"
        # Replicas: a replica promoted by Sentinel serves writes at once.
        echo "replica-read-only yes"
        [ "$i" -eq 0 ] || echo "replicaof 127.0.0.1 $master_port"
      } >"$d/redis.conf"
    fi
    start_proc "redis-$i" "$(command -v redis-server)" "$d/redis.conf"
  done
  for i in "${NODES[@]}"; do wait_ping "$(redis_port "$i")"; done
  for i in "${NODES[@]}"; do
    port=$(sentinel_port "$i")
    d="$DIR/sentinel-$i"
    mkdir -p "$d"
    # Sentinel rewrites its own config (epochs, known replicas and sentinels): written once, then left to it.
    if [ ! -f "$d/sentinel.conf" ]; then
      {
        echo "port $port"
        echo "bind 127.0.0.1"
        echo "dir $d"
        echo "protected-mode no"
        echo "logfile $d/sentinel.log"
        echo "sentinel resolve-hostnames no"
        echo "sentinel monitor $NAME 127.0.0.1 $master_port $QUORUM"
        echo "sentinel down-after-milliseconds $NAME $DOWN_AFTER_MS"
        echo "sentinel failover-timeout $NAME $FAILOVER_TIMEOUT_MS"
        echo "sentinel parallel-syncs $NAME 1"
      } >"$d/sentinel.conf"
    fi
    start_proc "sentinel-$i" "$SENTINEL_BIN" "$d/sentinel.conf"
  done
  for i in "${NODES[@]}"; do wait_ping "$(sentinel_port "$i")"; done
  # Ready when every Sentinel knows the master and both replicas.
  for _ in $(seq 1 100); do
    local ok=1
    for i in "${NODES[@]}"; do
      n=$(redis-cli -h 127.0.0.1 -p "$(sentinel_port "$i")" sentinel master "$NAME" 2>/dev/null |
        awk 'prev=="num-slaves"{print; exit} {prev=$0}')
      [ "${n:-0}" -ge 2 ] || ok=0
    done
    [ $ok -eq 1 ] && break
    sleep 0.2
  done
  status
}

stop() {
  local name d pid
  for name in sentinel-0 sentinel-1 sentinel-2 redis-0 redis-1 redis-2; do
    d="$DIR/$name"
    if pid=$(live_pid "$d/pid"); then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$d/pid"
  done
  [ "${1:-}" = "--keep" ] || rm -rf "$DIR"
}

pids() {
  local name pid port
  for name in redis-0 redis-1 redis-2 sentinel-0 sentinel-1 sentinel-2; do
    pid=$(live_pid "$DIR/$name/pid" || echo -)
    port=$([ "${name%%-*}" = redis ] && redis_port "${name#*-}" || sentinel_port "${name#*-}")
    echo "$name $port $pid"
  done
}

master() {
  local i
  for i in "${NODES[@]}"; do
    redis-cli -h 127.0.0.1 -p "$(sentinel_port "$i")" sentinel get-master-addr-by-name "$NAME" 2>/dev/null |
      paste -sd: - && return 0
  done
  return 1
}

status() {
  pids | while read -r name port pid; do
    if [ "${name%%-*}" = redis ]; then
      role=$(redis-cli -h 127.0.0.1 -p "$port" role 2>/dev/null | head -1 || true)
    else
      role=sentinel
    fi
    echo "$name port=$port pid=$pid role=${role:-down}"
  done
  echo "master: $(master || echo unknown)"
  echo "REDIS_SENTINELS=$(sentinels_csv) REDIS_MASTER_NAME=$NAME"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  status) status ;;
  master) master ;;
  pids) pids ;;
  *) echo "usage: $0 start|stop [--keep]|status|master|pids" >&2; exit 2 ;;
esac
