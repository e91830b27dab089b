#!/usr/bin/env bash
# Start-up cost of one-shot use (issue 16), side by side with the mosquitto clients against one local
# mosquitto with a TCP and a websockets listener:
#   pub -m 21.5 at QoS 0 and 1    mqtt pub         and mosquitto_pub
#   sub -t x -E over TCP          mqtt sub         and mosquitto_sub
#   sub -t x -E over WebSocket    mqtt sub --ws    and mqtt sub over TCP (mosquitto_sub 2.0 has no WebSocket)
# and the WebSocket row again against `mqtt broker`, to tell the client's WebSocket cost from the broker's.
# Each round runs every command once, in turn; after one round of warm-up, N rounds (default 20) give the
# medians of wall time, CPU time (user+sys) and peak RSS, from wait4's rusage.
#
#   flock /tmp/mqtt-bench.lock scripts/startup-bench.sh [N]    (MQTT=path/to/mqtt, else built here as
#                                                               the release is)
#
# mosquitto 2.0.11 looks at a WebSocket connection still in its HTTP upgrade only when its main loop's
# 100 ms epoll timeout runs out (neither the listening socket nor the new one is in its epoll set), so
# every client's upgrade there waits 100 to 200 ms, curl's too.
set -euo pipefail
export GOTOOLCHAIN=go1.26.10 # go.mod needs it; see .ci/run
n=${1:-20}
dir=$(mktemp -d)
broker= mbroker=
trap 'kill $broker $mbroker 2>/dev/null || true; rm -rf "$dir"' EXIT
export PATH="$PATH:/usr/sbin"
mqtt=${MQTT:-$dir/mqtt}
# Built as .goreleaser.yml builds the release: static, and with its build tags (start-up depends on them).
[ -n "${MQTT:-}" ] || (cd "$(dirname "$0")/.." &&
  CGO_ENABLED=0 go build -trimpath $(grep -o -- '-tags=[^ ]*' .goreleaser.yml) -ldflags='-s -w' -o "$mqtt" .)

# Peak RSS is read by a small C parent: Linux carries a process's peak RSS across exec, and a child that
# shares its parent's memory until exec (posix_spawn, Go's os/exec) starts with the parent's, so a child
# of python3 would report python3's 14 MiB. A fork of this small program starts near nothing.
cat > "$dir/run1.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
/* run1 PROG ARGS...: runs PROG with stdin and stdout on /dev/null and prints
   "wall_ms cpu_ms peak_rss_kib exit_status". */
int main(int argc, char **argv) {
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	if (argc < 2) return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) return 2;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.3f %.3f %ld %d\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6,
	       (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3,
	       ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
C
gcc -O2 -static -o "$dir/run1" "$dir/run1.c" 2>/dev/null || gcc -O2 -o "$dir/run1" "$dir/run1.c"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tcp=$(free_port) ws=$(free_port) mtcp=$(free_port) mws=$(free_port)
printf 'listener %s 127.0.0.1\nlistener %s 127.0.0.1\nprotocol websockets\nallow_anonymous true\n' "$tcp" "$ws" > "$dir/m.conf"
[ "$(id -u)" = 0 ] && echo "user root" >> "$dir/m.conf"
mosquitto -c "$dir/m.conf" > "$dir/m.log" 2>&1 & broker=$!
"$mqtt" broker --listen "tcp://127.0.0.1:$mtcp" --listen "ws://127.0.0.1:$mws" 2> "$dir/b.log" & mbroker=$!
for _ in $(seq 100); do
  mosquitto_sub -p "$tcp" -t probe -W 1 -E 2>/dev/null && "$mqtt" sub -p "$mtcp" -t probe -W 1 -E 2>/dev/null && break
  sleep 0.05
done

# The commands as users type them: no -h, so the host is the default, localhost.
python3 - "$n" "$dir/run1" "$mqtt" "$tcp" "$ws" "$mtcp" "$mws" <<'PY'
import statistics, subprocess, sys

n, run1, mqtt, tcp, ws, mtcp, mws = int(sys.argv[1]), *sys.argv[2:]
pub = lambda *a: ["-p", tcp, "-t", "x", "-m", "21.5", *a]
sub = lambda port, *a: [*a, "-p", port, "-t", "x", "-E"]
rows = [  # name, reference, ours
    ("pub -q 0", ["mosquitto_pub", *pub("-q", "0")], [mqtt, "pub", *pub("-q", "0")]),
    ("pub -q 1", ["mosquitto_pub", *pub("-q", "1")], [mqtt, "pub", *pub("-q", "1")]),
    ("sub -E tcp", ["mosquitto_sub", *sub(tcp)], [mqtt, "sub", *sub(tcp)]),
    ("sub -E ws", [mqtt, "sub", *sub(tcp)], [mqtt, "sub", *sub(ws, "--ws")]),
    ("sub -E ws, mqtt broker", [mqtt, "sub", *sub(mtcp)], [mqtt, "sub", *sub(mws, "--ws")]),
]

def run(argv):
    out = subprocess.run([run1, *argv], capture_output=True, text=True, check=True).stdout
    wall, cpu, rss, status = out.split()
    if status != "0":
        sys.exit(f"{' '.join(argv)}: exit status {status}")
    return float(wall), float(cpu), int(rss) / 1024

samples = {}
for r in range(n + 1):
    for i, (_, ref, ours) in enumerate(rows):
        for j, argv in enumerate((ref, ours)):
            m = run(argv)
            if r:  # round 0 is the warm-up
                samples.setdefault((i, j), []).append(m)

def med(i, j):
    return [statistics.median(s[k] for s in samples[(i, j)]) for k in range(3)]

print(f"medians of {n} runs in turn             wall ms   cpu ms   peak RSS MiB")
for i, (name, ref, _) in enumerate(rows):
    a, b = med(i, 0), med(i, 1)
    label = "mqtt over tcp" if ref[0] == mqtt else ref[0]
    print(f"{name:24} {label:14} {a[0]:7.2f} {a[1]:8.2f} {a[2]:9.1f}")
    print(f"{'':24} {'mqtt':14} {b[0]:7.2f} {b[1]:8.2f} {b[2]:9.1f}"
          f"   wall x{b[0] / a[0]:.2f} ({b[0] - a[0]:+.1f} ms), cpu x{b[1] / a[1]:.2f}")
PY
