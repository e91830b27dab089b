# Sourced by the measurement scripts: a scratch folder, the mqtt binary and mosquitto on a free loopback port.

export GOTOOLCHAIN=go1.26.10 # go.mod needs it; see .ci/run
export PATH="$PATH:/usr/sbin"

# setup makes $dir (removed at exit, with $broker stopped), $mqtt (MQTT=path/to/mqtt, else built from this
# checkout) and $port, free on 127.0.0.1.
setup() {
  dir=$(mktemp -d)
  broker=
  trap 'kill $broker 2>/dev/null || true; rm -rf "$dir"' EXIT
  mqtt=${MQTT:-$dir/mqtt}
  [ -n "${MQTT:-}" ] || (cd "$(dirname "$0")/.." && go build -o "$mqtt" .)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
}

# start_mosquitto [LINES]: mosquitto on $port, logging subscriptions to $dir/m.log (scripts wait for their
# subscribers there), with LINES of mosquitto.conf added; returns once it answers.
start_mosquitto() {
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nlog_type subscribe\nlog_dest file %s/m.log\n%s' \
    "$port" "$dir" "${1:-}" > "$dir/m.conf"
  if [ "$(id -u)" = 0 ]; then echo "user root" >> "$dir/m.conf"; fi
  mosquitto -c "$dir/m.conf" > /dev/null 2>&1 & broker=$!
  for _ in $(seq 100); do mosquitto_sub -p "$port" -t probe -W 1 -E 2>/dev/null && return; sleep 0.05; done
  echo "mosquitto did not start on port $port" >&2
  return 1
}
