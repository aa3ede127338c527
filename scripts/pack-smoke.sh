#!/usr/bin/env bash
# Packs every package into artifacts/packages, then uses them the way a user gets them: tests/PackageSmoke, a console
# project with package references only (no project references), runs a task and a root task through them on an
# in-process dev engine; and the hatchet-dev-engine tool is installed into a temporary tool path and answers --version.
# Needs Redis (REDIS_URL, default localhost:6379) for the orchestration check. Run by scripts/test.sh (full runs only).
# Usage: bash scripts/pack-smoke.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source "$root/scripts/lib.sh"

packages="$root/artifacts/packages"
work="$root/artifacts/package-smoke"
smoke="$root/tests/PackageSmoke"
rm -rf "$packages" "$work" "$smoke/bin" "$smoke/obj"
mkdir -p "$packages" "$work"

version=$(dotnet msbuild src/MageFlow.Hatchet/MageFlow.Hatchet.csproj -nologo -getProperty:PackageVersion -p:Configuration=Release)
log "packing $version into artifacts/packages"
for project in MageFlow.Hatchet MageFlow.Hatchet.Orchestration MageFlow.Hatchet.DevEngine MageFlow.Hatchet.Extensions.Hosting MageFlow.Hatchet.Orchestration.Extensions.Hosting MageFlow.Hatchet.Extensions.OpenTelemetry MageFlow.Hatchet.Orchestration.Viewer MageFlow.Hatchet.Orchestration.Mcp MageFlow.Hatchet.DevEngine.Cli; do
  dotnet pack "src/$project" -c Release -warnaserror -nologo -v quiet -o "$packages"
done
for id in MageFlow.Hatchet MageFlow.Hatchet.Orchestration MageFlow.Hatchet.DevEngine MageFlow.Hatchet.Extensions.Hosting MageFlow.Hatchet.Orchestration.Extensions.Hosting MageFlow.Hatchet.Extensions.OpenTelemetry MageFlow.Hatchet.Orchestration.Viewer MageFlow.Hatchet.Orchestration.Mcp hatchet-dev-engine; do
  for ext in nupkg snupkg; do
    [ -f "$packages/$id.$version.$ext" ] || { echo "pack-smoke: $id.$version.$ext was not produced" >&2; exit 1; }
  done
done

# A private packages folder: the global one may hold an earlier build of the same version, which NuGet would reuse
# instead of the packages just made.
export NUGET_PACKAGES="$work/nuget-packages"

log "building tests/PackageSmoke against the packages"
dotnet build "$smoke/PackageSmoke.csproj" -c Release -nologo -v quiet -p:MageFlowVersion="$version"
log "running tests/PackageSmoke"
timeout 300 dotnet "$smoke/bin/Release/net10.0/PackageSmoke.dll"

log "installing the hatchet-dev-engine tool into a temporary tool path"
tools="$work/tools"
dotnet tool install hatchet-dev-engine --tool-path "$tools" --version "$version" --configfile "$smoke/nuget.config" >/dev/null
reported=$("$tools/hatchet-dev-engine" --version)
case "$reported" in
  "$version"|"$version+"*) echo "ok: hatchet-dev-engine --version: $reported" ;;
  *) echo "pack-smoke: the installed tool reports '$reported', expected $version" >&2; exit 1 ;;
esac
echo "package smoke: all packages packed, consumed and installed"
