#!/usr/bin/env bash
# mqtt broker against mosquitto on this machine (issue 20's figure): one publisher (`pub -l`, N lines of
# 16 bytes) into one subscriber (`sub -C N`) on one topic, at QoS 0 and QoS 1, with mqtt's clients and
# with mosquitto's. Prints messages/s (from the publisher's start to the subscriber's last message) and
# the broker's CPU time per message (user + sys, from /proc). Neither broker persists anything.
# Run it under the shared lock: flock /tmp/mqtt-bench.lock scripts/broker-bench.sh
#
#   scripts/broker-bench.sh [N]    (default 200000; MQTT=path/to/mqtt, else built from this checkout;
#                                  WAIT=seconds the subscriber waits for the last message, default 60;
#                                  QOS, CLIENTS and BROKERS narrow the runs, e.g. QOS=1 BROKERS=mqtt)
set -euo pipefail
export GOTOOLCHAIN=go1.26.10 # go.mod needs it; see .ci/run
export PATH="$PATH:/usr/sbin"
n=${1:-200000}
dir=$(mktemp -d)
broker=
trap '[ -n "$broker" ] && kill $broker 2>/dev/null; rm -rf "$dir"' EXIT
mqtt=${MQTT:-$dir/mqtt}
[ -n "${MQTT:-}" ] || (cd "$(dirname "$0")/.." && go build -o "$mqtt" .)
awk -v n="$n" 'BEGIN{for(i=0;i<n;i++) printf "%015d\n", i}' > "$dir/lines"
tck=$(getconf CLK_TCK)
cpu() { awk -v t="$tck" '{printf "%.2f", ($14+$15)/t}' "/proc/$1/stat"; }

start_broker() { # $1: mqtt or mosquitto; sets $broker and $port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  if [ "$1" = mosquitto ]; then
    # max_queued_messages 0 and no inflight limit: neither broker drops or holds back for the subscriber.
    printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nmax_inflight_messages 0\nlog_type subscribe\nlog_dest file %s/b.log\n' "$port" "$dir" > "$dir/m.conf"
    [ "$(id -u)" = 0 ] && echo "user root" >> "$dir/m.conf"
    mosquitto -c "$dir/m.conf" > /dev/null 2>&1 & broker=$!
  else
    # -v logs connections and subscriptions only: the signal that the subscriber is in.
    "$mqtt" broker --listen "tcp://127.0.0.1:$port" --max-queued-messages 0 --max-inflight 0 -v 2> "$dir/b.log" & broker=$!
  fi
  for _ in $(seq 100); do mosquitto_sub -p "$port" -t probe -W 1 -E 2>/dev/null && return; sleep 0.05; done
  echo "broker $1 did not start" >&2; exit 1
}

run() { # $1 broker, $2 clients (mqtt or mosquitto), $3 QoS
  start_broker "$1"
  local pub=("$mqtt" pub) sub=("$mqtt" sub)
  [ "$2" = mosquitto ] && pub=(mosquitto_pub) sub=(mosquitto_sub)
  "${sub[@]}" -p "$port" -t bench -q "$3" -C "$n" -W "${WAIT:-60}" > "$dir/out" & local s=$!
  # Subscribed once the broker logs it (mosquitto: "ID QOS bench"; mqtt: 'subscribed to "bench"').
  for _ in $(seq 200); do grep -qE ' bench$|subscribed to "bench"' "$dir/b.log" && break; sleep 0.05; done
  local c0 t0 t1 c1
  c0=$(cpu "$broker"); t0=$(date +%s.%N)
  "${pub[@]}" -p "$port" -t bench -q "$3" -l < "$dir/lines"
  wait $s || true
  t1=$(date +%s.%N); c1=$(cpu "$broker")
  local got; got=$(wc -l < "$dir/out")
  kill "$broker"; wait "$broker" 2>/dev/null || true; broker=; rm -f "$dir/b.log"
  awk -v b="$1" -v c="$2" -v q="$3" -v n="$n" -v got="$got" -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" \
    'BEGIN{rate = got < n ? "incomplete" : sprintf("%.0f msg/s", got/(t1-t0))
           printf "%-10s %-17s QoS %s  %14s  %6.2f us broker CPU/msg  (%d of %d delivered)\n", b, c" clients", q, rate, (c1-c0)*1e6/n, got, n}'
}

for q in ${QOS:-0 1}; do
  for clients in ${CLIENTS:-mqtt mosquitto}; do
    for b in ${BROKERS:-mqtt mosquitto}; do run "$b" "$clients" "$q"; done
  done
done
