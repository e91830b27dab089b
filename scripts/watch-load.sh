#!/usr/bin/env bash
# `mqtt watch` under load (issue 19's figure): a broker (`mqtt broker`), `mqtt watch -q 1` in a tmux
# terminal, and `mqtt pub -q 1 -l --line-topic ' '` publishing N messages over T topics, fed at R a second. While
# the stream runs, p is pressed K times (pause, go on, ...) and the time until the screen shows the
# change is measured; at the end the count in the header must be the publisher's N.
#
#   scripts/watch-load.sh [N] [RATE] [TOPICS] [PRESSES]   (default 400000 20000 50 20; RATE 0: unpaced;
#                                                          MQTT=path/to/mqtt)
set -euo pipefail
export GOTOOLCHAIN=go1.26.10 # go.mod needs it; see .ci/run
n=${1:-400000} rate=${2:-20000} topics=${3:-50} presses=${4:-20}
dir=$(mktemp -d)
sock=$dir/tmux
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; kill $broker 2>/dev/null || true; rm -rf "$dir"' EXIT
mqtt=${MQTT:-$dir/mqtt}
[ -n "${MQTT:-}" ] || (cd "$(dirname "$0")/.." && go build -o "$mqtt" .)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$mqtt" broker --listen "tcp://127.0.0.1:$port" > "$dir/broker.log" 2>&1 & broker=$!
for _ in $(seq 100); do "$mqtt" pub -p "$port" -t probe -n 2>/dev/null && break; sleep 0.05; done
awk -v n="$n" -v t="$topics" 'BEGIN{for(i=0;i<n;i++) printf "load/%03d %d\n", i%t, i}' > "$dir/lines"
tmux -S "$sock" -f /dev/null new-session -d -x 120 -y 40 "NO_COLOR=1 $mqtt watch -p $port -q 1 -t 'load/#'; sleep 600"
for _ in $(seq 200); do tmux -S "$sock" capture-pane -p -t 0 | grep -q '^mqtt watch' && break; sleep 0.05; done
sleep 0.5 # the subscription: the first screen is drawn once connected and subscribed
start=$(date +%s.%N)
# The lines are fed at RATE a second, 1/100 of them every 10 ms on an absolute schedule, to a pub that
# sends each as it comes, so that the figure does not rest on pub's pacer; RATE 0 feeds them at once.
python3 - "$dir/lines" "$rate" <<'PY' | "$mqtt" pub -p "$port" -q 1 -l --line-topic ' ' & pub=$!
import sys, time
lines, rate = open(sys.argv[1], "rb").read().splitlines(keepends=True), int(sys.argv[2])
out = sys.stdout.buffer
if rate == 0:
    out.writelines(lines); sys.exit()
step, start = max(1, rate // 100), time.monotonic()
for i in range(0, len(lines), step):
    delay = start + i / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    out.writelines(lines[i:i + step]); out.flush()
PY
python3 - "$sock" "$presses" <<'PY'
import subprocess, sys, time
sock, presses = sys.argv[1], int(sys.argv[2])
def screen():
    return subprocess.run(["tmux", "-S", sock, "capture-pane", "-p", "-t", "0"], capture_output=True, text=True).stdout
lat = []
time.sleep(1)
for i in range(presses):
    want = "PAUSED" if i % 2 == 0 else "live"
    t0 = time.monotonic()
    subprocess.run(["tmux", "-S", sock, "send-keys", "-t", "0", "p"], check=True)
    while want not in screen().split("\n")[0]:
        if time.monotonic() - t0 > 5:
            sys.exit("no %s on the screen 5 s after the key" % want)
    lat.append((time.monotonic() - t0) * 1000)
    time.sleep(0.2)
lat.sort()
print("key press to screen (tmux send-keys to capture-pane, %d presses): median %.1f ms, max %.1f ms" % (len(lat), lat[len(lat)//2], lat[-1]))
PY
wait $pub
end=$(date +%s.%N)
# If the view is paused, go on, so that the header counts everything.
tmux -S "$sock" capture-pane -p -t 0 | head -1 | grep -q PAUSED && tmux -S "$sock" send-keys -t 0 p
for _ in $(seq 200); do tmux -S "$sock" capture-pane -p -t 0 | head -1 | grep -q " $n msgs " && break; sleep 0.05; done
header=$(tmux -S "$sock" capture-pane -p -t 0 | head -1)
echo "published $n messages over $topics topics in $(python3 -c "print('%.2f s: %.0f/s' % ($end - $start, $n / ($end - $start)))") (asked: $rate/s)"
echo "watch header: $header"
echo "$header" | grep -q " $n msgs " && echo "counts exact: $n" || { echo "count differs from $n"; exit 1; }
