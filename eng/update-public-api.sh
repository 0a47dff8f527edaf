#!/usr/bin/env bash
# Regenerates the public API baselines (src/*/PublicAPI.Unshipped.txt) of DaClip.MLNet and DaClip.MLNet.Training from
# the code: empties each Unshipped file, builds the library, and writes every symbol that the PublicApiAnalyzers report
# as undeclared (RS0016), sorted. Run it after an intended public API change (or after merging branches that add
# public API), then review the diff. PublicAPI.Shipped.txt is only changed at a release (docs/packaging.md).
set -euo pipefail
cd "$(dirname "$0")/.."
for project in DaClip.MLNet DaClip.MLNet.Training; do
  dir="src/$project"
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
  log=$(mktemp)
  dotnet build "$dir/$project.csproj" --no-incremental -nologo -v q -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= \
    -p:NoWarn='CS1591%3BNU1603' -clp:NoSummary > "$log" 2>&1 || true
  grep -F "[$PWD/$dir/$project.csproj" "$log" | grep -F 'RS0016' \
    | sed -n "s/.*Symbol '\(.*\)' is not part of the declared public API.*/\1/p" \
    | LC_ALL=C sort -u > "$log.symbols" || true
  if grep -E ' error [A-Z]+[0-9]+' "$log" | grep -v 'RS00' >/dev/null; then
    echo "$project does not build; fix the errors first:" >&2
    grep -E ' error ' "$log" | grep -v 'RS00' | head -n 20 >&2
    exit 1
  fi
  cat "$log.symbols" >> "$dir/PublicAPI.Unshipped.txt"
  echo "$dir/PublicAPI.Unshipped.txt: $(wc -l < "$log.symbols") symbols"
  rm -f "$log" "$log.symbols"
done
