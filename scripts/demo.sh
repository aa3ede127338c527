#!/usr/bin/env bash
# The demo: a root task fans out to children on the Hatchet dev engine and an aggregate callback fans in.
# Starts a local Redis when none answers on REDIS_URL (default 127.0.0.1:6379), installing Debian's
# redis-server first when it is missing and this is root with apt-get; otherwise it says what to install.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source "$root/scripts/lib.sh"

ensure_redis
log "building the fan-out/fan-in sample"
dotnet build samples/Sample9_FanOutFanIn -c Release -nologo -v quiet >/dev/null
exec dotnet run -c Release --no-build --project samples/Sample9_FanOutFanIn
