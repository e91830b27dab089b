#!/usr/bin/env bash
# capture-mosquitto-args.sh - record how the real mosquitto 2.0.11 clients
# (mosquitto_pub, mosquitto_sub, mosquitto_rr) react to a large matrix of
# argument lists, as golden data for the Go reimplementation.
#
# Usage:  bash docs/capture-mosquitto-args.sh [OUTPUT.jsonl]
#         (default output: mosquitto-args.golden.jsonl next to this script)
#
# Environment:
#   MOSQ_BIN   directory holding the mosquitto_* binaries (default /usr/bin)
#
# Every row is one JSON object on its own line:
#   {"prog":"mosquitto_pub","args":[...],"code":1,"stdout":"...","stderr":"..."}
# plus, when relevant:
#   "stdin"            text fed to the program's stdin (otherwise /dev/null)
#   "config_file"      {"location": "...", "content": "..."} default-options file
#                      present while the row ran (location is symbolic:
#                      "$XDG_CONFIG_HOME/mosquitto_pub" or "$HOME/.config/mosquitto_pub")
#   "env"              "XDG_CONFIG_HOME unset" when the row ran without it
#   "nondeterministic" true when two runs of the row gave different results
#   "note"             free text explaining why the row exists
#   "args_b64" / "stdout_b64" / "stderr_b64" / "stdin_b64" / "config_b64"
#                      base64 of the raw bytes when they are not valid UTF-8
#                      (the plain field then holds a lossy decoding)
#
# How rows are run:
#   * inside a private network namespace (unshare -n, only "lo" up) when
#     possible, so nothing can reach another process's broker; otherwise the
#     script refuses to run if something listens on 127.0.0.1:1;
#   * HOME and XDG_CONFIG_HOME point at empty temp dirs (no default-options
#     file) unless the row installs one;
#   * LC_ALL=C (strerror() texts), stdin </dev/null unless the row gives one;
#   * cwd is a temp dir holding fixture files: msg.txt ("hello\n"), empty.txt
#     (0 bytes), ca.pem / cert.pem / key.pem (dummy text, not real PEM),
#     certs/ (empty dir); missing.txt does not exist;
#   * `timeout 5` around every run; every row that would otherwise connect
#     uses -p 1 (or a URL with port 1) so it fails fast with
#     "Error: Connection refused". No row connects anywhere but
#     127.0.0.1/localhost port 1 (or a unix socket path that does not exist).
#   * each row is run twice; differing results mark it nondeterministic.

set -u

SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
OUT=${1:-$(dirname "$SELF")/mosquitto-args.golden.jsonl}
case "$OUT" in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
BIN=${MOSQ_BIN:-/usr/bin}

for p in mosquitto_pub mosquitto_sub mosquitto_rr; do
	if [ ! -x "$BIN/$p" ]; then
		echo "capture: $BIN/$p not found" >&2
		exit 2
	fi
done
command -v python3 >/dev/null || { echo "capture: python3 needed" >&2; exit 2; }

# Re-run ourselves inside a private network namespace if we can.
if [ -z "${CAPTURE_IN_NETNS:-}" ]; then
	if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 \
		&& unshare -n true 2>/dev/null; then
		export CAPTURE_IN_NETNS=1
		exec unshare -n bash -c 'ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null; exec bash "$0" "$1"' "$SELF" "$OUT"
	fi
	export CAPTURE_IN_NETNS=0
	if (exec 3<>/dev/tcp/127.0.0.1/1) 2>/dev/null; then
		echo "capture: something listens on 127.0.0.1:1; refusing to run" >&2
		exit 2
	fi
fi

export LC_ALL=C
unset LANG LANGUAGE

W=$(mktemp -d /tmp/mosq-capture.XXXXXX)
trap 'rm -rf "$W"' EXIT
CWD=$W/cwd
HOMEDIR=$W/home
XDGDIR=$W/xdg
mkdir -p "$CWD/certs"
printf 'hello\n' > "$CWD/msg.txt"
: > "$CWD/empty.txt"
printf 'dummy\n' > "$CWD/ca.pem"
printf 'dummy\n' > "$CWD/cert.pem"
printf 'dummy\n' > "$CWD/key.pem"

cat > "$W/emit.py" <<'PYEOF'
import base64, json, os, sys

W = os.environ["CAPTURE_W"]

def rd(name):
    p = os.path.join(W, name)
    with open(p, "rb") as f:
        return f.read()

def text(b):
    try:
        return b.decode("utf-8"), False
    except UnicodeDecodeError:
        return b.decode("utf-8", "replace"), True

prog = sys.argv[1]
raw_args = [os.fsencode(a) for a in sys.argv[2:]]
row = {"prog": prog}
args, bad = [], False
for a in raw_args:
    t, b = text(a)
    args.append(t)
    bad = bad or b
row["args"] = args
if bad:
    row["args_b64"] = [base64.b64encode(a).decode() for a in raw_args]

c1, c2 = int(rd("code1")), int(rd("code2"))
o1, o2 = rd("out1"), rd("out2")
e1, e2 = rd("err1"), rd("err2")
row["code"] = c1
for key, val in (("stdout", o1), ("stderr", e1)):
    t, b = text(val)
    row[key] = t
    if b:
        row[key + "_b64"] = base64.b64encode(val).decode()

if os.environ.get("ROW_HAS_STDIN") == "1":
    val = rd("stdin")
    t, b = text(val)
    row["stdin"] = t
    if b:
        row["stdin_b64"] = base64.b64encode(val).decode()
loc = os.environ.get("ROW_CFG_LOC", "")
if loc:
    val = rd("cfg")
    t, b = text(val)
    row["config_file"] = {"location": loc, "content": t}
    if b:
        row["config_b64"] = base64.b64encode(val).decode()
if os.environ.get("ROW_ENV"):
    row["env"] = os.environ["ROW_ENV"]
if (c1, o1, e1) != (c2, o2, e2) or os.environ.get("ROW_ND") == "1":
    row["nondeterministic"] = True
if c1 == 124:
    row["timed_out"] = True
if os.environ.get("ROW_NOTE"):
    row["note"] = os.environ["ROW_NOTE"]
sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
PYEOF
export CAPTURE_W=$W

: > "$OUT"
NROWS=0

# row PROG ARGS...
# Optional variables (set for one call: CFG=... row ...):
#   STDIN    text for stdin
#   CFG      content of the default-options file for PROG
#   CFGMODE  xdg (default): file at $XDG_CONFIG_HOME/PROG
#            home: XDG_CONFIG_HOME unset, file at $HOME/.config/PROG
#            homeshadow: XDG_CONFIG_HOME set (no file there), file at $HOME/.config/PROG
#            otherprog: file written for CFGPROG instead of PROG
#   NOTE     free-text note stored with the row
#   ND       1 to force "nondeterministic": true
row() {
	local prog=$1; shift
	local bin=$BIN/$prog
	local stdin_src=/dev/null
	local cfg_loc="" envnote=""
	local -a envcmd
	rm -rf "$HOMEDIR" "$XDGDIR"
	mkdir -p "$HOMEDIR" "$XDGDIR"
	envcmd=(env HOME="$HOMEDIR" XDG_CONFIG_HOME="$XDGDIR")
	if [ -n "${STDIN+x}" ]; then
		printf '%s' "$STDIN" > "$W/stdin"
		stdin_src=$W/stdin
		export ROW_HAS_STDIN=1
	else
		export ROW_HAS_STDIN=0
	fi
	if [ -n "${CFG+x}" ]; then
		printf '%s' "$CFG" > "$W/cfg"
		case "${CFGMODE:-xdg}" in
		xdg)
			cp "$W/cfg" "$XDGDIR/$prog"
			cfg_loc="\$XDG_CONFIG_HOME/$prog" ;;
		home)
			mkdir -p "$HOMEDIR/.config"
			cp "$W/cfg" "$HOMEDIR/.config/$prog"
			envcmd=(env -u XDG_CONFIG_HOME HOME="$HOMEDIR")
			envnote="XDG_CONFIG_HOME unset"
			cfg_loc="\$HOME/.config/$prog" ;;
		homeshadow)
			mkdir -p "$HOMEDIR/.config"
			cp "$W/cfg" "$HOMEDIR/.config/$prog"
			cfg_loc="\$HOME/.config/$prog" ;;
		otherprog)
			cp "$W/cfg" "$XDGDIR/$CFGPROG"
			cfg_loc="\$XDG_CONFIG_HOME/$CFGPROG" ;;
		esac
	fi
	local n
	for n in 1 2; do
		( cd "$CWD" && exec "${envcmd[@]}" timeout 5 "$bin" "$@" ) \
			<"$stdin_src" >"$W/out$n" 2>"$W/err$n"
		echo $? > "$W/code$n"
	done
	ROW_CFG_LOC=$cfg_loc ROW_ENV=$envnote ROW_NOTE=${NOTE:-} ROW_ND=${ND:-0} \
		python3 "$W/emit.py" "$prog" "$@" >> "$OUT"
	NROWS=$((NROWS+1))
}

PUB=mosquitto_pub
SUB=mosquitto_sub
RR=mosquitto_rr
ALL="$PUB $SUB $RR"

# Minimal valid command lines (port 1: no broker, connection refused).
valid() {
	case $1 in
	mosquitto_pub) printf '%s\n' -p 1 -t t -m m ;;
	mosquitto_sub) printf '%s\n' -p 1 -t t ;;
	mosquitto_rr)  printf '%s\n' -p 1 -t t -m m -e r ;;
	esac
}
# rowv PROG EXTRA...  -> row PROG <valid args for PROG> EXTRA...
rowv() {
	local prog=$1; shift
	local -a base
	mapfile -t base < <(valid "$prog")
	row "$prog" "${base[@]}" "$@"
}

############################################################################
# A. --help / --version / no arguments
############################################################################
for p in $ALL; do
	NOTE="no arguments at all (fails before connecting)" row $p
	row $p --help
	row $p --version
	row $p -p 1 --help
	NOTE="--help stops parsing: later bad value not seen" row $p --help -q 5
	NOTE="error before --help wins" row $p -p 1 -q 5 --help
	row $p --version --help
	row $p --help --version
	row $p -p 1 -V 7 --version
	row $p --version -V 7
	NOTE="-h is --host, not help" row $p -h
	row $p --HELP
	row $p "-?"
	row $p -help
	row $p --help=1
done

############################################################################
# B. every option that takes an argument, given as the last word
############################################################################
ARGOPTS="-A --cafile --capath --cert --ciphers -C -D --property -e -f --file -F
-h --host -i --id -I --id-prefix -k --keepalive --key --keyform -L --url -m
--message -M -p --port -P --pw --proxy --psk --psk-identity -q --qos
--random-filter --repeat --repeat-delay -t --topic -T --filter-out --tls-alpn
--tls-engine --tls-engine-kpass-sha1 --tls-version -U --unsubscribe -u
--username --unix -V --protocol-version -W --will-payload --will-qos
--will-topic -x"
for p in $ALL; do
	for o in $ARGOPTS; do
		case $o in
		-p|--port) row $p $o ;;
		*) row $p -p 1 $o ;;
		esac
	done
done
# -D with too few words
for p in $ALL; do
	row $p -p 1 -D connect
	row $p -p 1 -D connect user-property
	row $p -p 1 -D connect user-property key
	NOTE="-D word count is checked before the command name" row $p -p 1 -D bogus x
done
# checks that run before the missing-argument check
NOTE="'Only one type' is checked before the missing argument" row $PUB -p 1 -t t -m x -f
row $PUB -p 1 -t t -m x -m
row $RR -p 1 -t t -e r -n -m
NOTE="-i/-I conflict is checked before the missing argument" row $PUB -p 1 -I x -i
row $PUB -p 1 -i x -I

############################################################################
# C. flags (no argument) added to a valid command line
############################################################################
FLAGS="-c --disable-clean-session -d --debug -E -N --nodelay --pretty --quiet
-r --retain -R --remove-retained --retain-as-published --retained-only
--insecure --tls-use-os-certs -v --verbose --will-retain"
for p in $ALL; do
	for f in $FLAGS; do
		rowv $p $f
	done
done
# message-mode flags: topic given, no -m
for p in $ALL; do
	for f in -l --stdin-line -n --null-message -s --stdin-file; do
		case $p in
		mosquitto_rr) row $p -p 1 -t t -e r $f ;;
		*) row $p -p 1 -t t $f ;;
		esac
	done
done

############################################################################
# D. unknown options
############################################################################
for p in $ALL; do
	for u in -Z --bogus - -- -tt --topic=foo -qos foo -S -o --no-tls \
		--tls-keylog -w -X "" --Help -H; do
		row $p -p 1 "$u"
	done
	NOTE="unknown option after an otherwise valid line" rowv $p --bogus
	NOTE="first unknown option reported" row $p -p 1 --bogus1 --bogus2
done

############################################################################
# E. numeric values
############################################################################
# QoS
for v in -1 3 abc 1abc "" 1.5 2 9999999999 " 2" +1; do
	rowv $PUB -q "$v"
done
for v in -1 3 abc 2; do
	rowv $SUB -q "$v"
	rowv $RR -q "$v"
done
rowv $PUB --qos 3
# port (no -p 1 prefix: these rows test -p)
for v in 65536 -1 abc 1abc "" " 1" +1 -0 99999999999 0x1 0; do
	row $PUB -t t -m m -p "$v"
done
row $PUB -t t -m m --port 65536
row $SUB -t t -p 65536
row $RR -t t -m m -e r -p -1
row $SUB -t t -p 0
NOTE="each -p value is range-checked when parsed" row $PUB -t t -m m -p 70000 -p 1
row $PUB -t t -m m -p 1 -p 70000
# keepalive
for v in -5 0 4 5 65535 65536 70000 abc 60s 5.9; do
	rowv $PUB -k "$v"
done
rowv $SUB -k 4
rowv $RR --keepalive 70000
# protocol version
for v in mqttv31 31 mqttv311 311 mqttv5 5 3 4 6 "" mqttv50 MQTTv5 v5 mqtt5 3.1.1 " 5"; do
	rowv $PUB -V "$v"
done
for v in mqttv31 311 5 4; do
	rowv $SUB -V "$v"
	rowv $RR --protocol-version "$v"
done
# session expiry (-x)
for v in abc 1x "" -2 4294967296 99999999999999999999 " 5" 0 10 0x10 010 4294967294; do
	rowv $PUB -x "$v"
	rowv $PUB -V 5 -x "$v"
done
for v in -1 4294967295 "∞"; do
	rowv $PUB -x "$v"
	rowv $PUB -V 5 -x "$v"
	rowv $PUB -V 5 -i id -x "$v"
	rowv $PUB -V 5 -I pre -x "$v"
done
rowv $RR -x -1
rowv $RR -i id -x -1
rowv $SUB -V 5 -x -1
# max inflight
for v in 0 -1 abc 1 65535 100000; do
	rowv $PUB -M "$v"
done
rowv $SUB -M 0
rowv $RR -M abc
# -C (sub only)
for v in 0 -1 abc 1 5 1x 100; do
	rowv $SUB -C "$v"
done
rowv $PUB -C 1
rowv $RR -C 1
# -W (sub, rr)
for v in 0 -1 abc 1 10; do
	rowv $SUB -W "$v"
	rowv $RR -W "$v"
done
rowv $PUB -W 1
# --repeat / --repeat-delay (pub only)
for v in 0 -1 abc 1 5; do
	rowv $PUB --repeat "$v"
done
for v in -1 -0.5 abc 0 1.5 1e3 -0; do
	rowv $PUB --repeat-delay "$v"
done
rowv $SUB --repeat 2
rowv $RR --repeat-delay 1
# --random-filter (sub only)
for v in 0 0.05 0.1 50 100 100.01 100.1 1000 abc -5; do
	rowv $SUB --random-filter "$v"
done
rowv $PUB --random-filter 50
rowv $RR --random-filter 50
# will qos
for v in -1 3 abc 1; do
	rowv $PUB --will-topic w --will-qos "$v"
done
NOTE="--will-qos without --will-topic is not an error" rowv $PUB --will-qos 2

############################################################################
# F. -F output format (sub, rr)
############################################################################
for f in "%" "%z" "%5" "%-" "%-5" "%0" "%." "%.3" "%5." "%10.3t" "@" "@Y" \
	'\' '\z' '\n' "%t %p" "%I" "%j" "%J" "%x" "%X" "%U" "%%" "%A%C%D%E%F%P%R%S" \
	"%l %m %q %r" "%05.2p" "%-08x" "abc%" "@@" "%0-5t"; do
	rowv $SUB -F "$f"
done
rowv $RR -F "%z"
rowv $RR -F "%t"
rowv $PUB -F "%t"

############################################################################
# G. topics
############################################################################
LONGT=$(head -c 65536 /dev/zero | tr '\0' a)
for t in "a/+" "a/#" "#" "+" "a+b" "a#" "" "a//b" "/" $'\xff' $'a\tb' "a b" $'\xc3\xa9' $'a\x7fb'; do
	row $PUB -p 1 -m m -t "$t"
done
NOTE="65536-byte topic: longer than 65535" row $PUB -p 1 -m m -t "$LONGT"
for t in "a/+" "a/#" "#" "+" "a+" "a/#/b" "#/a" "a/b#" "+/+" "" $'\xff' $'a\tb' "a/+x" "\$SYS/#"; do
	row $SUB -p 1 -t "$t"
done
NOTE="65536-byte topic filter" row $SUB -p 1 -t "$LONGT"
row $SUB -p 1 -t a -t b -t "c/+"
row $SUB -p 1 -t a -t "c/#/x"
for t in "a/+" "a/#/b" $'\xff' "x#"; do
	row $SUB -p 1 -t a -T "$t"
	row $SUB -p 1 -t a -U "$t"
done
row $SUB -p 1 -t a --filter-out "b/#"
row $SUB -p 1 -t a --unsubscribe "b/#"
NOTE="-U alone does not satisfy the topic requirement in 2.0.11" row $SUB -p 1 -U a
row $PUB -p 1 -m m -T a
row $PUB -p 1 -m m -U a
row $RR -p 1 -m m -e r -T a
for t in "a/+" "#" $'\xff'; do
	row $RR -p 1 -m m -e r -t "$t"
	row $RR -p 1 -m m -t t -e "$t"
done
row $RR -p 1 -m m -t t -e ""
row $PUB -p 1 -t t -m m -e r
row $SUB -p 1 -t t -e r
NOTE="later -t replaces earlier for pub" row $PUB -p 1 -m m -t a -t "b/+"
for t in "a/+" "a/#" $'\xff' ""; do
	rowv $PUB --will-topic "$t"
done

############################################################################
# H. -L URLs
############################################################################
for u in "mqtt://localhost:1/t" "MQTT://localhost:1/t" "mqtt://127.0.0.1:1/t" \
	"http://localhost:1/t" "tcp://localhost:1/t" "localhost:1/t" "mqtt:/localhost/t" \
	"mqtt://localhost:1" "mqtt://" "mqtt://localhost:1/" "mqtt://localhost:1/a/+" \
	"mqtt://localhost:1/a/#" "mqtt://user:pass@localhost:1/t" "mqtt://user@localhost:1/t" \
	"mqtt://:pass@localhost:1/t" "mqtt://user:pass@localhost:1/a/+" \
	"mqtt://localhost:abc/t" "mqtt://localhost:/t" "mqtt://localhost:70000/t" \
	"mqtt://localhost:0/t" "mqtt://:1/t" "mqtt:///t" "mqtt://u:p/w@localhost:1/t" \
	"mqtt://localhost:1/a@b" "mqtt://localhost:1x/t" "ws://localhost:1/t" \
	"mqtts://localhost:1/t" "MQTTS://localhost:1/t" "mqtt://localhost:1/"$'\xff'; do
	row $PUB -m m -L "$u"
	row $SUB -L "$u"
done
for u in "mqtt://localhost:1/t" "mqtt://localhost:1/a/+" "http://localhost:1/t" "mqtt://localhost:1"; do
	row $RR -m m -e r -L "$u"
done
NOTE="URL without port sets 1883; a later -p overrides it" row $PUB -m m -L "mqtt://localhost/t" -p 1
NOTE="mqtts URL without port sets 8883; a later -p overrides it" row $PUB -m m -L "mqtts://localhost/t" -p 1
row $SUB --url "mqtt://localhost/t" -p 1
NOTE="-p before -L is overridden by the URL's port" row $PUB -m m -p 2 -L "mqtt://localhost:1/t"
NOTE="-L then -t: sub subscribes to both" row $SUB -L "mqtt://localhost:1/a" -t "b/+"
NOTE="-L then -t: pub topic replaced" row $PUB -m m -L "mqtt://localhost:1/a" -t "b/+"
row $PUB -m m -L "mqtt://localhost:1/t" -p 70000
NOTE="-u/-P after -L" row $PUB -m m -L "mqtt://user:pass@localhost:1/t" -u other -P pw

############################################################################
# I. -D / --property
############################################################################
# natural command for every property name
while read -r cmd prop val; do
	rowv $PUB -D "$cmd" "$prop" $val
done <<'EOF'
publish payload-format-indicator 1
publish message-expiry-interval 10
publish content-type text
publish response-topic r
publish correlation-data abc
subscribe subscription-identifier 1
connect session-expiry-interval 10
connect assigned-client-identifier x
connect server-keep-alive 5
connect authentication-method m
connect authentication-data d
connect request-problem-information 1
will will-delay-interval 5
connect request-response-information 1
connect response-information x
disconnect server-reference x
disconnect reason-string x
connect receive-maximum 10
connect topic-alias-maximum 10
publish topic-alias 1
connect maximum-qos 1
connect retain-available 1
connect user-property k v
connect maximum-packet-size 1000
connect wildcard-subscription-available 1
connect subscription-identifier-available 1
connect shared-subscription-available 1
connack maximum-qos 1
connack user-property k v
connack assigned-client-identifier x
auth authentication-method m
auth reason-string x
puback reason-string x
pubrec user-property k v
pubrel reason-string x
pubcomp reason-string x
suback user-property k v
unsuback reason-string x
publish subscription-identifier 1
subscribe content-type x
subscribe user-property k v
subscribe reason-string x
unsubscribe user-property k v
unsubscribe content-type x
disconnect session-expiry-interval 5
disconnect user-property k v
will content-type x
will payload-format-indicator 1
will user-property k v
will message-expiry-interval 5
will response-topic r
will correlation-data c
connect will-delay-interval 5
publish will-delay-interval 5
connect content-type x
publish session-expiry-interval 5
publish reason-string x
bogus content-type x
connect bogus-prop x
CONNECT User-Property k v
Publish CONTENT-TYPE x
EOF
rowv $PUB --property connect user-property k v
rowv $PUB -D will reason-string x
rowv $PUB -D will reason-string x --will-topic w
rowv $PUB -D will session-expiry-interval 5
rowv $PUB -D unsubscribe reason-string x
rowv $PUB -D will subscription-identifier 1
# value ranges / types
while read -r cmd prop val; do
	rowv $PUB -D "$cmd" "$prop" "$val"
done <<'EOF'
publish payload-format-indicator 256
publish payload-format-indicator -1
publish payload-format-indicator abc
publish payload-format-indicator 2
connect request-problem-information 2
connect request-problem-information 256
connect request-response-information 5
connect receive-maximum 65536
connect receive-maximum -1
connect receive-maximum 0
connect receive-maximum abc
connect receive-maximum 65535
publish topic-alias 0
publish topic-alias 65535
publish message-expiry-interval 4294967296
publish message-expiry-interval 4294967295
publish message-expiry-interval -1
connect maximum-packet-size 0
connect session-expiry-interval 99999999999999999999
connect session-expiry-interval 4294967295
subscribe subscription-identifier 268435456
subscribe subscription-identifier 268435455
subscribe subscription-identifier -1
subscribe subscription-identifier 4294967296
subscribe subscription-identifier 0
connect topic-alias-maximum 1x
EOF
rowv $PUB -D publish content-type $'\xff'
rowv $PUB -D connect user-property $'\xff' v
NOTE="user-property value UTF-8 is not validated (library bug)" rowv $PUB -D connect user-property k $'\xff'
rowv $PUB -D connect authentication-method $'a\x01b'
rowv $PUB -D publish correlation-data "$(head -c 65536 /dev/zero | tr '\0' c)"
rowv $PUB -D publish correlation-data ""
# duplicates and check order
rowv $PUB -D connect receive-maximum 5 -D connect receive-maximum 6
rowv $PUB -D connect user-property a b -D connect user-property a b
rowv $PUB -D publish content-type a -D publish content-type b
rowv $PUB -D will will-delay-interval 5 -D will will-delay-interval 6
rowv $PUB -D disconnect reason-string a -D disconnect reason-string b
rowv $SUB -D subscribe subscription-identifier 1 -D subscribe subscription-identifier 2
rowv $SUB -D unsubscribe user-property a b -D unsubscribe user-property a b
NOTE="PUBLISH problem listed first on the command line, CONNECT reported first" \
	rowv $PUB -D publish topic-alias 0 -D connect receive-maximum 0
rowv $PUB -D will user-property a b -D disconnect reason-string a -D disconnect reason-string b
rowv $PUB -x 10 -D connect session-expiry-interval 5
rowv $PUB -D connect session-expiry-interval 5 -x 0
rowv $PUB -D connect session-expiry-interval 5
rowv $PUB -c -i id -V 5 -D connect session-expiry-interval 5
# -D switches to MQTT v5; a later -V can switch back
NOTE="-D forces v5, so -c without id gives the infinite-expiry message" rowv $PUB -V 311 -D connect user-property a b -c
NOTE="-V after -D wins" rowv $PUB -D connect user-property a b -V 311 -c
rowv $PUB -D connect user-property a b -V 311
NOTE="will properties with v3.1.1" rowv $PUB -D will content-type x --will-topic w -V 311
rowv $PUB -D will content-type x --will-topic w
NOTE="will properties without a will topic are ignored" rowv $PUB -D will content-type x
# sub / rr
rowv $SUB -D subscribe subscription-identifier 5
rowv $SUB -D publish content-type x
rowv $SUB -D connect receive-maximum 0
rowv $SUB -D subscribe content-type x
rowv $SUB -D publish subscription-identifier 1
NOTE="rr adds response-topic itself" rowv $RR -D publish response-topic x
rowv $RR -D publish correlation-data abc
rowv $RR -D publish content-type a -D publish content-type b
rowv $RR -D subscribe subscription-identifier 1
rowv $RR -D connect receive-maximum 0
rowv $RR -D connack user-property a b
rowv $RR -V 311 -D publish user-property a b

############################################################################
# J. combinations
############################################################################
MODES=("-m x" "-f msg.txt" "-s" "-l" "-n")
for a in "${MODES[@]}"; do
	for b in "${MODES[@]}"; do
		# shellcheck disable=SC2086
		row $PUB -p 1 -t t $a $b
	done
done
for a in "-m x" "-f msg.txt" "-s" "-n"; do
	for b in "-m y" "-n"; do
		# shellcheck disable=SC2086
		row $RR -p 1 -t t -e r $a $b
	done
done
row $PUB -p 1 -t t --message x --null-message
row $PUB -p 1 -t t --file msg.txt --stdin-file
# message sources
row $PUB -p 1 -t t -f missing.txt
row $PUB -p 1 -t t -f empty.txt
row $PUB -p 1 -t t -f msg.txt
ND=1 NOTE="directory as -f file: result depends on the filesystem (ftell on a directory); do not rely on it" row $PUB -p 1 -t t -f certs
NOTE="file is loaded before the topic check" row $PUB -p 1 -f missing.txt
row $PUB -p 1 -t t -s
STDIN=$'hello\n' row $PUB -p 1 -t t -s
STDIN=$'l1\nl2\n' row $PUB -p 1 -t t -l
NOTE="stdin is read before the topic check" row $PUB -p 1 -s
STDIN="x" row $PUB -p 1 -s
row $PUB -p 1 -m m
row $PUB -p 1 -t t
row $PUB -p 1 -n
NOTE="rr never reads the -f file" row $RR -p 1 -t t -e r -f missing.txt
NOTE="rr never reads stdin for -s" row $RR -p 1 -t t -e r -s
row $RR -p 1 -t t -e r
row $RR -p 1 -m m -e r
row $RR -p 1 -t t -m m
row $RR -p 1 -e r
# client id
for p in $ALL; do
	rowv $p -c
	rowv $p -c -i id
	rowv $p -c -I pre
	rowv $p -c -V 5
	rowv $p -c -V 5 -i id
	rowv $p -c -V 31
	rowv $p -i id -I pre
	rowv $p -I pre -i id
	rowv $p -i ""
	rowv $p -i $'\xff'
	rowv $p -I ""
done
rowv $PUB -i a -i b
rowv $PUB -I a -I b
rowv $PUB --id x --id-prefix y
rowv $PUB -c -V 5 -x 0
rowv $PUB -c -V 5 -x 10
rowv $PUB -c -V 5 -I pre -x 10
rowv $PUB -V 5 -x -1
rowv $PUB -V 5 -x 10
rowv $PUB -V 31
rowv $PUB -V 31 -i "a-very-long-client-id-longer-than-23-chars"
# username / password
for p in $ALL; do
	rowv $p -u ""
	rowv $p -P pw
	rowv $p -u "" -P pw
	rowv $p -u user -P ""
done
rowv $PUB -u user -P pw -V 31
rowv $PUB --username user --pw pw
NOTE="username is UTF-8 checked by the library" rowv $PUB -u $'\xff'
rowv $SUB -u $'a\x01'
# sub combinations that are NOT errors in 2.0.11
rowv $SUB --remove-retained -q 1
rowv $SUB -E -C 1
rowv $SUB -F %t -N
rowv $SUB -v -F %t
rowv $SUB --random-filter 50 -C 1
rowv $SUB -R --retain-as-published -V 5
rowv $SUB -t b -t c -q 2
# -R with --retained-only (sub)
rowv $SUB -R --retained-only
rowv $SUB --retained-only -R
NOTE="topic check runs before the -R/--retained-only check" row $SUB -p 1 -R --retained-only
NOTE="rr does not accept --retained-only" rowv $RR -R --retained-only
# will
for p in $ALL; do
	rowv $p --will-payload x
	rowv $p --will-retain
	rowv $p --will-topic w --will-payload p --will-qos 2 --will-retain
done
rowv $PUB --will-payload x --will-retain
NOTE="will payload check precedes TLS checks" rowv $PUB --will-payload x --cert cert.pem
rowv $PUB --will-topic "" --will-payload p
rowv $PUB --will-topic w -V 31
# TLS
for p in $ALL; do
	rowv $p --cert cert.pem
	rowv $p --key key.pem
	rowv $p --cafile missing.pem
	rowv $p --psk 0123
done
rowv $PUB --cert cert.pem --key key.pem
rowv $PUB --keyform pem
rowv $PUB --keyform pem --key key.pem --cert cert.pem
rowv $PUB --keyform bogus --key key.pem --cert cert.pem
rowv $PUB --keyform PEM --key key.pem --cert cert.pem --cafile ca.pem
rowv $PUB --tls-engine-kpass-sha1 abc
rowv $PUB --tls-engine-kpass-sha1 abc --keyform engine --key key.pem --cert cert.pem
rowv $PUB --tls-engine-kpass-sha1 abc --tls-engine dynamic --keyform engine --key key.pem --cert cert.pem
rowv $PUB --tls-engine-kpass-sha1 0123456789012345678901234567890123456789 --tls-engine dynamic --keyform engine --key key.pem --cert cert.pem
rowv $PUB --tls-engine bogus
rowv $PUB --tls-engine dynamic
rowv $PUB --cafile ca.pem
rowv $PUB --capath certs
rowv $PUB --capath missing-dir
rowv $PUB --cafile ca.pem --cert missing.pem --key key.pem
rowv $PUB --cafile ca.pem --cert cert.pem --key missing.pem
rowv $PUB --cafile ca.pem --cert cert.pem --key key.pem
rowv $PUB --cafile ca.pem --insecure
rowv $PUB --psk 0123 --psk-identity id
rowv $PUB --psk zz --psk-identity id
rowv $PUB --psk "" --psk-identity id
rowv $PUB --psk 0123 --cafile ca.pem --psk-identity id
rowv $PUB --psk 0123 --capath certs
rowv $PUB --psk-identity id
rowv $PUB --psk 0123 --psk-identity id --ciphers PSK-AES128-CBC-SHA
for v in tlsv1.2 tlsv1.3 tlsv1.1 TLSV1.3 tlsv1.0 tlsv1 bogus ""; do
	rowv $PUB --tls-version "$v"
done
rowv $PUB --ciphers DEFAULT
rowv $PUB --ciphers "this is not a cipher"
rowv $PUB --tls-alpn mqtt
rowv $PUB --tls-alpn ""
NOTE="order of post-parse TLS checks" rowv $PUB --cert cert.pem --keyform pem --tls-engine-kpass-sha1 x --psk 01
rowv $PUB --keyform pem --tls-engine-kpass-sha1 x --psk 01
rowv $PUB --tls-engine-kpass-sha1 x --psk 01
rowv $PUB --psk 01 --cafile ca.pem
rowv $SUB --cafile ca.pem --tls-version bogus
rowv $RR --insecure --tls-use-os-certs
# proxy
for u in "socks5h://localhost:1" "socks5h://user:pass@localhost:1" "socks5h://user@localhost:1" \
	"http://localhost:1" "SOCKS5H://localhost:1" "socks5://localhost:1" "socks5h://" \
	"socks5h://:1" "socks5h://@localhost:1" "socks5h://localhost:0" "socks5h://localhost:70000" \
	"socks5h://localhost:abc" "socks5h://a:b:c" "socks5h://u@h@x:1" "socks5h://u%zz@localhost:1" \
	"socks5h://u%40x:p%3Aw@localhost:1" "socks5h://u:p@localhost:1:2" "socks5h://user:@localhost:1" \
	"socks5h://localhost:1/" ""; do
	rowv $PUB --proxy "$u"
done
rowv $SUB --proxy "http://x"
rowv $RR --proxy "socks5h://localhost:0"
NOTE="--quiet silences err_printf() messages from --proxy" rowv $PUB --quiet --proxy "socks5h://localhost:0"
# host / bind / unix socket
rowv $PUB -h localhost
rowv $PUB -h 127.0.0.1
rowv $PUB --host localhost
rowv $PUB -h ""
rowv $PUB -A 127.0.0.1
rowv $SUB -A 127.0.0.1
rowv $PUB --unix /nonexistent/mosquitto.sock
rowv $SUB --unix /nonexistent/mosquitto.sock
rowv $RR --unix /nonexistent/mosquitto.sock
rowv $PUB --unix ""
rowv $PUB --nodelay -d
# --quiet
for p in $ALL; do
	rowv $p --quiet
	rowv $p --quiet -q 3
	rowv $p --quiet -D connect receive-maximum 0
done
rowv $PUB -D connect receive-maximum 0 --quiet
row $PUB -p 1 -t t --quiet -f missing.txt
rowv $PUB --quiet -P pw
rowv $PUB --quiet -i ""
rowv $PUB --quiet --cafile missing.pem
row $PUB -p 1 --quiet
# first error wins / check order
rowv $PUB -q 3 -k 1
rowv $PUB -k 1 -q 3
row $PUB -p 1 -m m -t "a/+" -q 3
row $PUB -p 1 -m m -q 3 -t "a/+"
rowv $PUB --will-payload x --will-retain --cert cert.pem
rowv $PUB --cert cert.pem --psk 01
rowv $PUB -c --psk 01 --psk-identity id
row $SUB -p 1 -c
row $SUB -p 1 -D connect receive-maximum 0
row $SUB -p 1 -c -D connect receive-maximum 0 -V 311
rowv $PUB -c -D connect receive-maximum 0 -V 311
rowv $PUB -c -V 5 -D connect receive-maximum 0
row $PUB -p 1 -q 3
row $PUB -p 1 -D connect receive-maximum 0
row $RR -p 1 -D connect receive-maximum 0
row $RR -p 1 -c -V 311
row $PUB -p 1 -t t -m m -x abc -q 9
row $PUB -p 1 --bogus -q 9
row $PUB -p 1 -q 9 --bogus
NOTE="-e check (rr only) reached before -t" row $PUB -p 1 -e r -t "a/+"
row $SUB -p 1 -t "a/+x" -q 5
# pub-only / sub-only option on the wrong program
for o in -r --retain -l -n -s --repeat --repeat-delay; do
	case $o in --repeat|--repeat-delay) row $SUB -p 1 -t t $o 1 ;; *) row $SUB -p 1 -t t $o ;; esac
done
for o in -E -R -N -v --pretty --remove-retained --retained-only --retain-as-published; do
	rowv $PUB $o
done

############################################################################
# K. default-options file
############################################################################
CFG=$'-p 1\n-t cfg/topic\n-m hello\n' NOTE="complete pub command from the file" row $PUB
CFG=$'# comment line\n\n-p 1\n-t cfg/topic\n' row $PUB -m m
CFG=$'  -t   lead/+\n' NOTE="leading spaces skipped, value keeps its extra spaces" row $PUB -p 1 -m m
CFG=$'-t a/+ # trailing comment\n' NOTE="no trailing comments: rest of line is the value" row $PUB -p 1 -m m
CFG=$'-t "quoted value/+"\n' NOTE="quotes are kept literally" row $PUB -p 1 -m m
CFG=$'-t \'single quoted/+\'\n' row $PUB -p 1 -m m
CFG=$'-t a b c/+\n' NOTE="value with spaces: everything after the first space" row $PUB -p 1 -m m
CFG=$'   # indented comment\n' NOTE="# only starts a comment in column 1" row $PUB -p 1 -t t -m m
CFG=$'-t a/+\r\n' NOTE="CRLF stripped" row $PUB -p 1 -m m
CFG=$'-t\ta/+\n' NOTE="only spaces separate option and value" row $PUB -p 1 -m m
CFG=$'-p 1 -q 3\n' NOTE="one option per line: '1 -q 3' is -p's value (atoi 1)" row $PUB -t t -m m
CFG=$'-r -q 3\n' NOTE="flag followed by more text: the rest is one unknown word" row $PUB -p 1 -t t -m m
CFG=$'-q  3\n' NOTE="two spaces: value ' 3', atoi still 3" row $PUB -p 1 -t t -m m
CFG=$'-V  5\n' NOTE="two spaces: value ' 5' is not a protocol version" row $PUB -p 1 -t t -m m
CFG=$'-i fileid\n' NOTE="file is processed before the command line" row $PUB -p 1 -t t -m m -I pre
CFG=$'-m from-file\n' row $PUB -p 1 -t t -m m
CFG=$'-q 2\n' NOTE="command line is parsed after the file" row $PUB -p 1 -t t -m m -q 3
CFG=$'-q 3\n' NOTE="bad value in file" row $PUB -p 1 -t t -m m -q 1
CFG=$'-q 3' NOTE="last line without newline" row $PUB -p 1 -t t -m m
CFG=$'--help\n' row $PUB -p 1 -t t -m m
CFG=$'--version\n' row $PUB -p 1 -t t -m m
CFG=$'-p\n' row $PUB -t t -m m
CFG=$'-p \n' NOTE="trailing space: no value" row $PUB -t t -m m
CFG=$'-D connect user-property a b\n' NOTE="-D cannot be used in the file (only two words per line)" row $PUB -p 1 -t t -m m
CFG=$'-t file/topic\n-t a/+\n' row $PUB -p 1 -m m
CFG=$'-L mqtt://localhost:1/a/+\n' row $PUB -m m
CFG=$'-L mqtt://localhost:1/cfg\n' row $PUB -m m
CFG=$'\n\n   \n-p 1\n' NOTE="blank and space-only lines ignored" row $PUB -t t -m m
CFG="" NOTE="empty file" row $PUB -p 1 -t t -m m
CFG="-t $(head -c 1100 /dev/zero | tr '\0' a)/+"$'\n' NOTE="line longer than 1023 bytes is split by fgets" row $PUB -p 1 -m m
CFG=$'-Z\n' row $PUB -p 1 -t t -m m
CFG=$'--quiet\n' row $PUB -p 1 -t t -m m
CFG=$'-c\n' row $PUB -p 1 -t t -m m
CFG=$'-x \xe2\x88\x9e\n' row $PUB -p 1 -t t -m m -V 5
CFGMODE=home CFG=$'-q 3\n' NOTE="XDG_CONFIG_HOME unset: \$HOME/.config is used" row $PUB -p 1 -t t -m m
CFGMODE=homeshadow CFG=$'-q 3\n' NOTE="XDG_CONFIG_HOME set: \$HOME/.config not consulted" row $PUB -p 1 -t t -m m
CFGMODE=otherprog CFGPROG=$SUB CFG=$'-q 3\n' NOTE="each program reads only its own file" row $PUB -p 1 -t t -m m
CFG=$'-t a/#\n-p 1\n' row $SUB
CFG=$'-t a/+/#x\n' row $SUB -p 1
CFG=$'-C 0\n' row $SUB -p 1 -t t
CFG=$'-v\n-F %z\n' row $SUB -p 1 -t t
CFG=$'-q 3\n' row $SUB -p 1 -t t
CFGMODE=home CFG=$'-q 3\n' row $SUB -p 1 -t t
CFG=$'-e r/+\n' row $RR -p 1 -t t -m m
CFG=$'-e resp\n-t req\n-m hi\n-p 1\n' row $RR
CFG=$'-q 3\n' row $RR -p 1 -t t -m m -e r
CFGMODE=home CFG=$'--help\n' row $RR

############################################################################
echo "capture: wrote $NROWS rows to $OUT (netns=$CAPTURE_IN_NETNS)" >&2
python3 - "$OUT" <<'PYEOF'
import json, sys, collections
n = collections.Counter()
nd = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        n[r["prog"]] += 1
        nd += bool(r.get("nondeterministic"))
print("capture: per program:", dict(n), "nondeterministic:", nd, file=sys.stderr)
PYEOF
