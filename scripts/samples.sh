#!/usr/bin/env bash
# Runs every sample (they are already built by the solution build) and fails if one does: each sample checks the
# behaviour it shows and exits 0 only if it saw it. Needs Redis (REDIS_URL) and Node.js (the mixed-language sample).
# Usage: bash scripts/samples.sh [--build]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ "${1:-}" = "--build" ]; then
  dotnet build MageFlow.sln -c Release -warnaserror -nologo -v quiet
fi

failed=()
passed=0
for project in $(ls -d samples/Sample*/ | sort -V); do
  name=$(basename "$project")
  echo "==> $name"
  if timeout 300 dotnet run -c Release --no-build --project "$project"; then
    passed=$((passed + 1))
  else
    failed+=("$name")
  fi
done

echo "samples: ${passed} passed, ${#failed[@]} failed${failed:+ (${failed[*]})}"
[ "${#failed[@]}" -eq 0 ]
