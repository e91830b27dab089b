#!/usr/bin/env bash
# Runs every fuzz target in the module, one at a time, each for $FUZZTIME (default 60s), and prints the
# executions each managed. Stops at the first failure and says which target failed: `go test` has then
# written the failing input to that package's testdata/fuzz/<Target>/, where plain `go test` runs it as a
# regression case from then on; commit it with the fix. Targets are found with `go test -list`, so a new
# Fuzz function (or a package merged in with one) is picked up without editing this file. Not for CI: at
# the default it takes a quarter of an hour.
#
#   scripts/fuzz.sh [REGEXP]    only the targets whose name matches REGEXP (grep -E), e.g. 'Parse|Match'
#
# FUZZTIME is anything -fuzztime takes (20s, 1m, 50000x); FUZZPARALLEL caps the fuzzing processes
# (default: one per CPU).
set -euo pipefail
export GOTOOLCHAIN=go1.26.10 # go.mod needs it; see .ci/run
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-60s}
only=${1:-.}

# `go test -list` prints a package's matching names, then its "ok  <package>" line.
if ! listing=$(go test -list '^Fuzz' ./... 2>&1); then
	printf '%s\n' "$listing" >&2
	echo "fuzz.sh: listing the fuzz targets failed" >&2
	exit 1
fi
targets=$(awk '/^Fuzz/ { names[n++] = $1; next }
	/^ok/ { for (i = 0; i < n; i++) print $2, names[i]; n = 0 }' <<<"$listing" | grep -E " .*($only)" || true)
if [ -z "$targets" ]; then
	echo "fuzz.sh: no fuzz target matches '$only'" >&2
	exit 1
fi
echo "$(wc -l <<<"$targets") fuzz targets, $fuzztime each"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
while read -r pkg name; do
	printf '%-28s %-24s ' "$pkg" "$name"
	if ! go test "$pkg" -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" ${FUZZPARALLEL:+-parallel "$FUZZPARALLEL"} >"$log" 2>&1; then
		echo "FAIL"
		tail -n 40 "$log"
		dir=$(go list -f '{{.Dir}}' "$pkg")
		echo
		echo "fuzz.sh: $name in $pkg failed; its input is in ${dir#"$PWD/"}/testdata/fuzz/$name/ (rerun: go test $pkg -run '$name/')"
		exit 1
	fi
	# The last progress line: "fuzz: elapsed: 60s, execs: 1234567 (20576/sec), new interesting: 3 (total: 40)".
	last=$(grep 'execs:' "$log" | tail -n 1)
	printf 'ok %12s execs, %s new corpus entries\n' \
		"$(sed -E 's/.*execs: ([0-9]+) .*/\1/' <<<"$last")" "$(sed -E 's/.*new interesting: ([0-9]+).*/\1/' <<<"$last")"
done <<<"$targets"
echo "all passed"
