#!/usr/bin/env bash
# Starts or stops a local 3-master Redis Cluster for the cluster test pass (scripts/test.sh) and the swarm bench's
# --cluster mode: three redis-server --cluster-enabled yes on loopback ports (MAGEFLOW_CLUSTER_PORTS, default
# "7101 7102 7103"), no persistence, in artifacts/redis-cluster, joined by redis-cli --cluster create.
# Usage: bash scripts/redis-cluster.sh start|stop
# start prints the endpoints (host:port,host:port,host:port) on stdout once cluster_state is ok.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/lib.sh"
ports=(${MAGEFLOW_CLUSTER_PORTS:-7101 7102 7103})
dir="$root/artifacts/redis-cluster"

endpoints() {
  local out=() p
  for p in "${ports[@]}"; do out+=("127.0.0.1:$p"); done
  (IFS=,; echo "${out[*]}")
}

stop() {
  local p
  for p in "${ports[@]}"; do
    redis-cli -h 127.0.0.1 -p "$p" shutdown nosave >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
}

start() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    apt_install redis-server redis-tools || { echo "redis-server and redis-cli 7+ are required for the cluster tests (Debian: apt-get install redis-server redis-tools)." >&2; exit 1; }
  fi
  stop
  mkdir -p "$dir"
  local p
  for p in "${ports[@]}"; do
    redis-server --bind 127.0.0.1 --port "$p" --cluster-enabled yes --cluster-config-file "nodes-$p.conf" \
      --cluster-node-timeout 5000 --save '' --appendonly no --daemonize yes \
      --dir "$dir" --logfile "$dir/redis-$p.log" >/dev/null
  done
  for p in "${ports[@]}"; do
    for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$p" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  done
  local nodes=() 
  for p in "${ports[@]}"; do nodes+=("127.0.0.1:$p"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 || {
    cat "$dir/create.log" >&2; echo "redis-cli --cluster create failed" >&2; exit 1; }
  for _ in $(seq 1 100); do
    local ok=1
    for p in "${ports[@]}"; do
      redis-cli -h 127.0.0.1 -p "$p" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || ok=0
    done
    if [ "$ok" = 1 ]; then endpoints; return 0; fi
    sleep 0.1
  done
  echo "the Redis Cluster did not reach cluster_state:ok; see $dir" >&2
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: bash scripts/redis-cluster.sh start|stop" >&2; exit 2 ;;
esac
