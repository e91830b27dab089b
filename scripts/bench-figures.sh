#!/usr/bin/env bash
# mqtt bench side by side with the tools it replaces, against one local mosquitto 2.0.11 (issue 17's
# figures). mosquitto runs with max_connections -1 and set_tcp_nodelay true (both sides get the same
# broker; the clients of both sides set TCP_NODELAY themselves or not, as they come), and
# max_queued_messages 0, max_inflight_messages 0, so that it drops nothing for a subscriber slower than
# its publisher (at QoS 0 too, mosquitto 2.0 drops past 1000 queued). Figures:
#   pubsub     mqtt bench pubsub, 1 publisher 1 subscriber QoS 0, against mosquitto_pub -l | mosquitto_sub
#              (messages/s from the publisher's start to the subscriber's last message), N messages
#   pub        mqtt bench pub against krylovsk/mqtt-benchmark: 10 clients, 100-byte payloads,
#              -message-interval 0, at QoS 0 and QoS 1
#   conn       mqtt bench conn: 10,000 connections held, connect rate, memory per connection
#   calibrate  mqtt bench calibrate: messages/s per core of the tool itself
#   example    the README's example: 10 pairs at QoS 1, 10,000 msgs/s for 10 s after a 2 s warm-up
# Run it under the shared lock, one figure or all:
#   flock /tmp/mqtt-bench.lock scripts/bench-figures.sh [pubsub|pub|conn|calibrate ...]
# MQTT=path/to/mqtt (else built from this checkout); KRYLOVSK=path/to/mqtt-benchmark (build it outside
# the project: fetch github:krylovsk/mqtt-benchmark, clone into /tmp, go build with its own go.mod).
set -euo pipefail
export GOTOOLCHAIN=go1.26.10 # go.mod needs it; see .ci/run
export PATH="$PATH:/usr/sbin"
ulimit -n 20000 # conn holds 10,000 connections; mosquitto, started below, inherits the limit too
dir=$(mktemp -d)
broker=
trap '[ -n "$broker" ] && kill $broker 2>/dev/null; rm -rf "$dir"' EXIT
mqtt=${MQTT:-$dir/mqtt}
[ -n "${MQTT:-}" ] || (cd "$(dirname "$0")/.." && go build -o "$mqtt" .)
krylovsk=${KRYLOVSK:-/tmp/mqtt-benchmark/mqtt-benchmark}
n=${N:-200000}
figures=${*:-pubsub pub conn calibrate example}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_connections -1\nset_tcp_nodelay true\nmax_queued_messages 0\nmax_inflight_messages 0\nlog_dest none\n' "$port" > "$dir/m.conf"
[ "$(id -u)" = 0 ] && echo "user root" >> "$dir/m.conf"
mosquitto -c "$dir/m.conf" > /dev/null 2>&1 & broker=$!
for _ in $(seq 100); do mosquitto_sub -p "$port" -t probe -W 1 -E 2>/dev/null && break; sleep 0.05; done
echo "mosquitto $(mosquitto -h 2>/dev/null | head -1 | awk '{print $3}') on 127.0.0.1:$port: max_connections -1, set_tcp_nodelay true, max_queued_messages 0, max_inflight_messages 0"

now() { date +%s.%N; }

fig_pubsub() {
  awk -v n="$n" 'BEGIN{for(i=0;i<n;i++) printf "%0100d\n", i}' > "$dir/lines"
  mosquitto_sub -p "$port" -t fig/mosq -C "$n" -W 120 > "$dir/got" & sub=$!
  sleep 0.5 # mosquitto_sub prints nothing on SUBACK; half a second is ample on loopback
  t0=$(now); mosquitto_pub -p "$port" -t fig/mosq -l < "$dir/lines"; wait $sub || true; t1=$(now)
  [ "$(wc -l < "$dir/got")" = "$n" ] || echo "mosquitto_sub received $(wc -l < "$dir/got") of $n" >&2
  awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN{printf "pubsub  mosquitto_pub -l | mosquitto_sub: %d msgs in %.2fs = %.0f msgs/s\n", n, b-a, n/(b-a)}'
  "$mqtt" bench pubsub -p "$port" --count "$n" --size 100 --topic 'fig/mqtt/%i' 2>/dev/null > "$dir/out"
  awk '/^Sub stats:/{printf "pubsub  mqtt bench pubsub (unpaced):     %s msgs/s (%s)\n", $3, $0} /^ end-to-end /{print "        " $0}' "$dir/out"
  # Sustained: paced at the rate the mosquitto pipe reached, every message delivered, rate kept.
  rate=$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN{printf "%d", n/(b-a)}')
  "$mqtt" bench pubsub -p "$port" --count "$n" --size 100 --rate "$rate" --topic 'fig/mqtt/%i' \
    --assert 'loss==0,rate>=0.98' 2>"$dir/err" > "$dir/out" && ok=kept || ok="NOT kept: $(cat "$dir/err")"
  awk -v r="$rate" -v ok="$ok" '/^Sub stats:/{printf "pubsub  mqtt bench pubsub --rate %s:   %s msgs/s, %s\n", r, $3, ok} /^ end-to-end /{print "        " $0}' "$dir/out"
}

fig_pub() {
  for q in 0 1; do
    per=$((${PUB_COUNT:-100000})) # per client: 100 MB in all, past what socket buffers hold
    "$krylovsk" -broker "tcp://127.0.0.1:$port" -clients 10 -count "$per" -size 100 -qos $q -message-interval 0 -quiet -topic fig/kr > "$dir/kr"
    awk -v q=$q '/Total Bandwidth/{printf "pub     QoS %d krylovsk/mqtt-benchmark:  %.0f msgs/s\n", q, $4}' "$dir/kr"
    "$mqtt" bench pub -p "$port" --pubs 10 --count $((per*10)) --size 100 -q $q --topic 'fig/mqtt/%i' 2>/dev/null > "$dir/out"
    awk -v q=$q '/^Pub stats:/{printf "pub     QoS %d mqtt bench pub:           %s msgs/s (%s)\n", q, $3, $0}' "$dir/out"
  done
}

fig_conn() {
  "$mqtt" bench conn -p "$port" -n "${CONNS:-10000}" --duration 3s 2>/dev/null > "$dir/out"
  awk '/^Conn stats:/{printf "conn    connects: %s/s (%s)\n", $3, $0} /^Connections:/{print "conn    " $0} /^Errors:/{print "conn    " $0}' "$dir/out"
}

fig_calibrate() {
  "$mqtt" bench calibrate --duration 5s 2>/dev/null > "$dir/out"
  grep -E '^(Sub stats|CPU|Calibration)' "$dir/out" | sed 's/^/calib   /'
}

fig_example() {
  "$mqtt" bench -p "$port" --pubs 10 --subs 10 -q 1 --rate 10000 --duration 12s --warmup 2s --size 100 2>/dev/null | sed 's/^/example /'
}

for f in $figures; do "fig_$f"; done
