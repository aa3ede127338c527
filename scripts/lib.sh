# Shared helpers for the scripts in this folder. Source it; do not run it.

log() { printf '==> %s\n' "$*" >&2; }

can_apt() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; }

apt_install() {
  if can_apt; then
    log "installing Debian packages: $*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    return 1
  fi
}

need_node() {
  if ! command -v node >/dev/null 2>&1; then
    apt_install nodejs npm || { echo "Node.js 20+ is required (the TypeScript interop tests run the official Hatchet SDK). Install it, e.g. 'apt-get install nodejs npm'." >&2; exit 1; }
  fi
}

# Installs tests/interop/ts/node_modules from package-lock.json when it is missing or stale.
ensure_interop_packages() {
  local dir="$root/tests/interop/ts"
  local stamp="$dir/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
    log "npm ci in tests/interop/ts"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

redis_url_port() {
  local url="${REDIS_URL:-redis://127.0.0.1:6379}"
  url="${url#*://}"; url="${url#*@}"; url="${url%%/*}"
  echo "${url##*:}"
}

redis_ping() {
  local port; port=$(redis_url_port)
  if command -v redis-cli >/dev/null 2>&1; then
    redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

# Makes sure a Redis answers on REDIS_URL's port (default 6379), starting a local one if needed.
ensure_redis() {
  if redis_ping; then
    return 0
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server || { echo "Redis 7+ is required. Install it (Debian/Ubuntu: 'sudo apt-get install redis-server') or set REDIS_URL to a running server." >&2; exit 1; }
  fi
  local port; port=$(redis_url_port)
  log "starting redis-server on 127.0.0.1:$port"
  mkdir -p "$root/artifacts/redis"
  redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --save '' --appendonly no \
    --dir "$root/artifacts/redis" --logfile "$root/artifacts/redis/redis.log" >/dev/null
  for _ in $(seq 1 50); do redis_ping && return 0; sleep 0.1; done
  echo "redis-server did not start; see $root/artifacts/redis/redis.log" >&2
  exit 1
}
