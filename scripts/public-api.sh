#!/usr/bin/env bash
# Brings each shipped library's PublicAPI.Unshipped.txt in line with its code, after a deliberate API change:
# adds what the analyzer reports as undeclared (RS0016) and drops what it reports as gone (RS0017). Review the
# diff it leaves: that diff is the API change.
# Usage: bash scripts/public-api.sh   (PUBLIC_API_PROJECTS="src/X src/Y" limits it to those projects)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for project in ${PUBLIC_API_PROJECTS:-src/MageFlow.Hatchet src/MageFlow.Hatchet.Orchestration src/MageFlow.Hatchet.DevEngine src/MageFlow.Hatchet.Extensions.Hosting src/MageFlow.Hatchet.Orchestration.Extensions.Hosting}; do
  dotnet build "$project" -c Release -nologo --no-incremental >"$log" 2>&1 || true
  python3 - "$project/PublicAPI.Unshipped.txt" "$project" "$log" <<'PY'
import re, sys
path, project, log = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
mine = [l for l in log.splitlines() if f"/{project}/" in l]
def symbols(code, pattern):
    return {m.group(1) for l in mine if code in l for m in [re.search(pattern, l)] if m}
added = symbols("RS0016", r"Symbol '(.*)' is not part of the declared public API")
removed = symbols("RS0017", r"Symbol '(.*)' is part of the declared API")
lines = [l for l in open(path).read().splitlines() if l and l != "#nullable enable"]
def key(s):
    for word in ("~", "static ", "override ", "virtual ", "abstract ", "const "):
        s = s.replace(word, "")
    return s
lines = sorted((set(lines) - removed) | added, key=key)
open(path, "w").write("#nullable enable\n" + "".join(l + "\n" for l in lines))
print(f"{path}: +{len(added)} -{len(removed)}")
PY
done
