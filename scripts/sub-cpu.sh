#!/usr/bin/env bash
# CPU time of `mqtt sub` against `mosquitto_sub` on the same stream (issue 4's figure): a local mosquitto,
# both subscribers on one topic, `mosquitto_pub -l` publishing N lines of 16 bytes at QoS 0, each
# subscriber writing to a file. Prints user and sys seconds of each and checks both files are identical.
#
#   scripts/sub-cpu.sh [N]        (default 1000000; MQTT=path/to/mqtt, else built from this checkout)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
n=${1:-1000000}
setup
# max_queued_messages 0: the broker never drops a QoS 0 message for a subscriber that falls behind.
start_mosquitto 'max_queued_messages 0
'
awk -v n="$n" 'BEGIN{for(i=0;i<n;i++) printf "%015d\n", i}' > "$dir/lines"
/usr/bin/time -f "mqtt sub:      user %U s  sys %S s" "$mqtt" sub -p "$port" -t x -C "$n" -W 600 > "$dir/o1" 2> "$dir/t1" & p1=$!
/usr/bin/time -f "mosquitto_sub: user %U s  sys %S s" mosquitto_sub -p "$port" -t x -C "$n" -W 600 > "$dir/o2" 2> "$dir/t2" & p2=$!
# Both are subscribed once the broker has logged two subscriptions to x.
for _ in $(seq 200); do [ "$(grep -c ' 0 x$' "$dir/m.log" || true)" -ge 2 ] && break; sleep 0.05; done
mosquitto_pub -p "$port" -t x -l < "$dir/lines"
wait $p1 $p2
cat "$dir/t1" "$dir/t2"
cmp -s "$dir/o1" "$dir/o2" && echo "outputs identical ($(wc -l < "$dir/o1") lines)" || { echo "outputs differ"; exit 1; }
