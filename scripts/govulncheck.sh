#!/usr/bin/env bash
# Runs govulncheck on the module's code and fails when a known vulnerability is reachable from it (exit
# code 3 from govulncheck; a vulnerability in a package or module that no code of ours calls is listed but
# does not fail). govulncheck's own database host (vuln.go.dev) may be unreachable, as on the machines here:
# the database is built from the golang.org/x/vulndb module, which the Go module proxy serves, with that
# module's own cmd/indexdb, into a folder govulncheck reads with -db file://.
#
#   scripts/govulncheck.sh
#
# GOVULNCHECK_VERSION pins the tool (default below). VULNDB_VERSION picks the data (default: the newest
# the proxy has, so that a vulnerability published since the last change is still found).
set -euo pipefail
export GOTOOLCHAIN=go1.26.10 # go.mod needs it; see .ci/run
cd "$(dirname "$0")/.."
root=$PWD
tool_version=${GOVULNCHECK_VERSION:-v1.9.0} # the newest when this was written; it builds with Go 1.26
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Outside the module, so that none of this touches go.mod.
cd "$work"
db_version=${VULNDB_VERSION:-$(go list -m -f '{{.Version}}' golang.org/x/vulndb@latest)}
src=$(go mod download -json "golang.org/x/vulndb@$db_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$src/data/osv" ] || { echo "govulncheck.sh: no data/osv in golang.org/x/vulndb@$db_version" >&2; exit 2; }
go run "golang.org/x/vulndb/cmd/indexdb@$db_version" -vulns "$src/data/osv" -out "$work/db"
# A database that lost its entries would pass every module: it must at least know the standard library's.
grep -q '"path":"stdlib"' "$work/db/index/modules.json" ||
  { echo "govulncheck.sh: the database built from golang.org/x/vulndb@$db_version has no standard library entries" >&2; exit 2; }
GOBIN="$work/bin" go install "golang.org/x/vuln/cmd/govulncheck@$tool_version"

cd "$root"
echo "govulncheck $tool_version, database golang.org/x/vulndb@$db_version ($(ls "$src/data/osv" | wc -l) entries)"
"$work/bin/govulncheck" -db "file://$work/db" ./...
