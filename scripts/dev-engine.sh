#!/usr/bin/env bash
# Starts the standalone Hatchet dev engine in the foreground on 127.0.0.1:7077 and writes .dev/hatchet.env,
# which points any Hatchet SDK (TypeScript, Python, MageFlow.Hatchet) at it. Its signing key is kept in
# .dev/hatchet.env.key, so the token in .dev/hatchet.env stays valid across restarts.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mkdir -p .dev
exec dotnet run -c Release --project src/MageFlow.Hatchet.DevEngine.Cli -- --port "${HATCHET_DEV_PORT:-7077}" --env-file .dev/hatchet.env "$@"
