#!/usr/bin/env bash
# Issue 16's figure: what a connected, subscribed, idle session costs, with 10,000 of them in one
# process against a local mosquitto, on MQTT 3.1.1 and on 5. Each version runs in a process of its own
# (session.TestIdleSessionMemory from the test binary of internal/session), which reports its Go heap
# and goroutine stacks per session; this script reads the process's RSS from /proc before it connects
# and once every session is up.
#
#   scripts/session-mem.sh        (N=10000 sessions)
set -euo pipefail
export GOTOOLCHAIN=go1.26.10 # go.mod needs it; see .ci/run
export PATH="$PATH:/usr/sbin"
n=${N:-10000}
# A file descriptor per session in each process, and a few spare; the hard limit is as far as it goes.
ulimit -n "$(ulimit -Hn)"
(($(ulimit -n) > n + 100)) || { echo "session-mem: ulimit -n is $(ulimit -n), too few for $n sessions" >&2; exit 2; }

dir=$(mktemp -d)
broker='' test=''
trap 'for p in $test $broker; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"' EXIT
(cd "$(dirname "$0")/.." && go test -c -o "$dir/session.test" ./internal/session)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" > "$dir/m.conf"
[ "$(id -u)" = 0 ] && echo "user root" >> "$dir/m.conf"
mosquitto -c "$dir/m.conf" > "$dir/broker.log" 2>&1 & broker=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done

rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; } # KiB

# wait_for PATTERN: until the test's stderr has a line matching it; prints that line.
wait_for() {
	local line
	for _ in $(seq 6000); do
		line=$(grep -m1 -E "$1" "$dir/test.err" || true)
		[ -n "$line" ] && { echo "$line"; return 0; }
		kill -0 "$test" 2>/dev/null || break
		sleep 0.05
	done
	cat "$dir/test.err" >&2
	echo "session-mem: the test did not get to '$1'" >&2
	exit 2
}

echo "session-mem: $n idle sessions, subscribed, keep-alive 60 s, to mosquitto $(mosquitto -h 2>/dev/null | head -1 | awk '{print $3}') on 127.0.0.1:$port"
for v in 3.1.1 5; do
	rm -f "$dir/gate" && mkfifo "$dir/gate"
	SESSION_MEM_N=$n SESSION_MEM_PORT=$port SESSION_MEM_GATE="$dir/gate" \
		"$dir/session.test" -test.run "^TestIdleSessionMemory\$/^${v//./\\.}\$" -test.v -test.timeout 30m \
		> "$dir/test.out" 2> "$dir/test.err" & test=$!
	exec 3> "$dir/gate"
	wait_for '^session-mem: baseline' > /dev/null
	base=$(rss "$test")
	echo >&3
	wait_for '^session-mem: holding' > /dev/null
	held=$(rss "$test")
	broker_rss=$(rss "$broker")
	echo >&3
	exec 3>&-
	rc=0 && wait "$test" || rc=$?
	test=''
	awk -v v="$v" -v n="$n" -v a="$base" -v b="$held" -v m="$broker_rss" 'BEGIN {
		printf "MQTT %-5s RSS %7.1f MiB before, %7.1f MiB with %d sessions: %5.1f KiB each (mosquitto: %.1f MiB)\n",
			v, a / 1024, b / 1024, n, (b - a) / n, m / 1024 }'
	sed -nE 's/^ +idle_test.go:[0-9]+: (.*)/           \1/p' "$dir/test.out"
	((rc == 0)) || echo "session-mem: the test failed (exit $rc)" >&2
done
