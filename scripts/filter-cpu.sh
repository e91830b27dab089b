#!/usr/bin/env bash
# CPU time of filtering a stream by content (issue 18's figure): `mqtt sub --filter '.payload.temp > 30'`
# against `mosquitto_sub | jq -c 'select(.temp > 30)'` on the same N JSON messages from a local mosquitto,
# and plain `mqtt sub` on that stream for reference. Prints user and sys seconds of each (a pipeline's are
# both processes'), and checks that mqtt and jq kept as many messages.
#
#   scripts/filter-cpu.sh [N]     (default 1000000; MQTT=path/to/mqtt, else built from this checkout)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
n=${1:-1000000}
setup
# max_queued_messages 0: the broker never drops a QoS 0 message for a subscriber that falls behind.
start_mosquitto 'max_queued_messages 0
'
# Readings between 15.0 and 34.9 degrees: about a quarter are above 30.
awk -v n="$n" 'BEGIN{srand(18); for(i=0;i<n;i++) printf "{\"temp\":%.1f,\"hum\":%d,\"id\":\"sensor-%d\",\"ok\":true}\n", 15+rand()*20, 20+int(rand()*60), i%100}' > "$dir/lines"
# -C counts the messages --filter keeps: told how many, mqtt ends with the last of them.
kept=$(awk -F'[:,]' '$2 > 30' "$dir/lines" | wc -l)
subs=0
/usr/bin/time -f "mosquitto_sub | jq:      user %U s  sys %S s" bash -c "mosquitto_sub -p $port -t x -C $n -W 600 | jq -c 'select(.temp > 30)' > $dir/o1" 2> "$dir/t1" & p1=$!
subs=$((subs+1))
/usr/bin/time -f "mqtt sub (plain):        user %U s  sys %S s" "$mqtt" sub -p "$port" -t x -C "$n" -W 600 > "$dir/o2" 2> "$dir/t2" & p2=$!
subs=$((subs+1))
/usr/bin/time -f "mqtt sub --filter:       user %U s  sys %S s" "$mqtt" sub -p "$port" -t x -C "$kept" -W 600 --filter '.payload.temp > 30' > "$dir/o3" 2> "$dir/t3" & p3=$!
subs=$((subs+1))
for _ in $(seq 200); do [ "$(grep -c ' 0 x$' "$dir/m.log" || true)" -ge "$subs" ] && break; sleep 0.05; done
mosquitto_pub -p "$port" -t x -l < "$dir/lines"
wait $p1 $p2 $p3
cat "$dir"/t?
echo "jq kept $(wc -l < "$dir/o1") of $n, mqtt $(wc -l < "$dir/o3")"
# jq rewrites numbers (31.0 is 31), so the counts are compared, not the bytes.
[ "$(wc -l < "$dir/o1")" = "$(wc -l < "$dir/o3")" ] || { echo "kept counts differ"; exit 1; }
