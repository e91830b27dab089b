#!/usr/bin/env bash
# Issue 5's figures: mqtt pub against mosquitto_pub on the same machine and the same local mosquitto,
# medians of 5 runs each (runs alternate between the two programs).
#
#   scripts/pub-bench.sh        (MQTT=path/to/mqtt, else built from this checkout; RUNS=5)
#
# 1. QoS 0, 1,000,000 lines of 16 bytes from a file, no subscriber: wall time.
# 2. QoS 1, 50,000 lines: wall time.
# 3. QoS 1, 100,000 and 1,000,000 lines: how many a subscriber received, and the exit code.
# 4. One message (-m), QoS 0 and QoS 1, as a cron job runs it: wall time and peak memory.
set -euo pipefail
export GOTOOLCHAIN=go1.26.10 # go.mod needs it; see .ci/run
runs=${RUNS:-5}
dir=$(mktemp -d)
trap 'kill $broker 2>/dev/null || true; rm -rf "$dir"' EXIT
export PATH="$PATH:/usr/sbin"
mqtt=${MQTT:-$dir/mqtt}
[ -n "${MQTT:-}" ] || (cd "$(dirname "$0")/.." && CGO_ENABLED=0 go build -o "$mqtt" .)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n' "$port" > "$dir/m.conf"
[ "$(id -u)" = 0 ] && echo "user root" >> "$dir/m.conf"
mosquitto -c "$dir/m.conf" > /dev/null 2>&1 & broker=$!
for _ in $(seq 100); do mosquitto_sub -p "$port" -t probe -W 1 -E 2>/dev/null && break; sleep 0.05; done
awk 'BEGIN{for(i=0;i<1000000;i++) printf "%015d\n", i}' > "$dir/1M"
head -100000 "$dir/1M" > "$dir/100k"
head -50000 "$dir/1M" > "$dir/50k"

# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# wall seconds (to the microsecond) and KiB of peak memory of one run: prints "SECONDS KIB"
timed() {
  local t0=$EPOCHREALTIME
  /usr/bin/time -f "%M" -o "$dir/t" "$@" > /dev/null 2>&1 || true
  local t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b-a}') $(cat "$dir/t")"
}

compare() { # label, input file, args...
  local label=$1 in=$2; shift 2
  : > "$dir/a"; : > "$dir/b"
  for _ in $(seq "$runs"); do
    timed "$mqtt" pub -p "$port" "$@" < "$in" >> "$dir/a"
    timed mosquitto_pub -p "$port" "$@" < "$in" >> "$dir/b"
  done
  printf '%-34s mqtt %7.4f s %6d KiB   mosquitto_pub %7.4f s %6d KiB\n' "$label" \
    "$(cut -d' ' -f1 "$dir/a" | median)" "$(cut -d' ' -f2 "$dir/a" | median)" \
    "$(cut -d' ' -f1 "$dir/b" | median)" "$(cut -d' ' -f2 "$dir/b" | median)"
}

echo "medians of $runs runs; mosquitto $(mosquitto -h 2>/dev/null | head -1 | awk '{print $3}')"
compare "QoS 0, 1M lines of 16 bytes" "$dir/1M" -t bench/q0 -l
compare "QoS 1, 50k lines" "$dir/50k" -t bench/q1 -q 1 -l
compare "one message, QoS 0 (-m)" /dev/null -t bench/one -m 21.5
compare "one message, QoS 1 (-m)" /dev/null -t bench/one -q 1 -m 21.5

delivered() { # program, lines file: messages a QoS 1 subscriber got, and the publisher's exit code
  local prog=$1 in=$2 n
  n=$(wc -l < "$in")
  mosquitto_sub -p "$port" -t bench/count -q 1 -C "$n" -W 60 > "$dir/got" 2>/dev/null & local sub=$!
  sleep 0.5
  local rc=0
  if [ "$prog" = mqtt ]; then "$mqtt" pub -p "$port" -t bench/count -q 1 -l < "$in" 2>/dev/null || rc=$?
  else mosquitto_pub -p "$port" -t bench/count -q 1 -l < "$in" 2>/dev/null || rc=$?; fi
  # everything acknowledged has been routed by the broker: give the subscriber a moment to print it
  sleep 2; kill "$sub" 2>/dev/null || true; wait "$sub" 2>/dev/null || true
  printf '  %-13s %8d of %8d received, exit %d\n' "$prog" "$(wc -l < "$dir/got")" "$n" "$rc"
}
for f in 100k 1M; do
  echo "QoS 1, $f lines, delivered to a subscriber:"
  delivered mqtt "$dir/$f"
  delivered mosquitto_pub "$dir/$f"
done
