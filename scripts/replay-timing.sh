#!/usr/bin/env bash
# Replay timing through a broker (issue 19's figure): a recording of N messages with irregular gaps (bursts,
# 0.2 to 25 ms), `mqtt pub --replay` at --speed S through a local mosquitto to `mosquitto_sub`, which
# stamps each message as its callback runs (mqtt sub reads in batches up to 1 ms apart, which would add
# to the figure), each a process of its own. The error of message i is how much later than the first it arrives, beyond its
# recorded offset / S: p50, p99 and max.
#
#   scripts/replay-timing.sh [N] [SPEED]   (default 2000 1; MQTT=path/to/mqtt, else built from this checkout)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
n=${1:-2000} speed=${2:-1}
setup
start_mosquitto
python3 - "$n" > "$dir/rec.jsonl" <<'PY'
import random, sys
r = random.Random(19); off = 0
for i in range(int(sys.argv[1])):
    if i: off += r.choice([0, 200_000, 1_000_000, 3_000_000, 10_000_000, 25_000_000])
    print('{"topic":"rt/%d","payload":"m%d","qos":1,"retain":false,"time_ns":%d}' % (i % 3, i, 10**18 + off))
PY
mosquitto_sub -p "$port" -q 1 -t 'rt/#' -C "$n" -F '{"payload":"%p","time_ns":@s@N}' > "$dir/got.jsonl" & sub=$!
for _ in $(seq 200); do grep -q ' rt/#$' "$dir/m.log" 2>/dev/null && break; sleep 0.05; done
"$mqtt" pub -p "$port" --replay "$dir/rec.jsonl" --speed "$speed"
wait $sub
python3 - "$dir/rec.jsonl" "$dir/got.jsonl" "$speed" <<'PY'
import json, sys
rec = [json.loads(l) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
speed = float(sys.argv[3])
assert [g["payload"] for g in got] == [r["payload"] for r in rec], "order or payloads differ"
t0, r0 = got[0]["time_ns"], rec[0]["time_ns"]
errs = sorted((g["time_ns"] - t0) - (r["time_ns"] - r0) / speed for g, r in zip(got, rec))
n = len(errs)
print("speed %s, %d messages over %.1f s, received in order: error p50 %.3f ms, p99 %.3f ms, max %.3f ms, min %.3f ms" % (
    sys.argv[3], n, (rec[-1]["time_ns"] - r0) / 1e9 / speed, errs[n // 2] / 1e6, errs[n * 99 // 100] / 1e6, errs[-1] / 1e6, errs[0] / 1e6))
PY
