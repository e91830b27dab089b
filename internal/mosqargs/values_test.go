package mosqargs

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"mqtt/internal/testtool"
)

// valueRow is a command line and every value it leaves in Config. TestGolden proves a row is accepted
// as mosquitto accepts it; this proves it sets what mosquitto sets: the topic, the message, the QoS, the
// end of line and the rest, the whole Config compared, so a value set wrongly or not at all fails.
type valueRow struct {
	prog  Program
	args  []string
	stdin string
	// golden says the row is in docs/mosquitto-args.golden.jsonl; the others were checked against the
	// real clients (TestValuesAgainstMosquitto checks them all on every run where they are installed).
	golden bool
	set    func(*Config) // on top of base: what the arguments change
}

// base is a Config after "-p 1" alone, for the program.
func base(p Program) *Config {
	c := newConfig(p)
	c.Host, c.Port = "localhost", 1
	return c
}

func pubTM(c *Config) { c.Topic, c.MessageMode, c.Message = ptr("t"), MsgCmdLine, []byte("m") }
func subT(c *Config)  { c.Topics = []string{"t"} }
func rrTME(c *Config) {
	c.Topic, c.MessageMode, c.Message, c.ResponseTopic = ptr("t"), MsgCmdLine, []byte("m"), ptr("r")
}

// with runs the setters in order.
func with(fs ...func(*Config)) func(*Config) {
	return func(c *Config) {
		for _, f := range fs {
			f(c)
		}
	}
}

var valueRows = []valueRow{
	// pub: where the topic comes from; the last -t (or -L) wins.
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m"}, "", false, pubTM},
	{Pub, []string{"-p", "1", "-t", "a", "-t", "b", "-m", "m"}, "", false, with(pubTM, func(c *Config) { c.Topic = ptr("b") })},
	{Pub, []string{"-p", "1", "-t", "a", "-m", "m", "-t", "b", "-t", "c"}, "", false, with(pubTM, func(c *Config) { c.Topic = ptr("c") })},
	{Pub, []string{"-p", "1", "-m", "m", "-t", ""}, "", true, with(pubTM, func(c *Config) { c.Topic = ptr("") })},
	{Pub, []string{"-p", "1", "-m", "m", "-t", "a b"}, "", true, with(pubTM, func(c *Config) { c.Topic = ptr("a b") })},
	{Pub, []string{"-p", "1", "-m", "m", "-t", "é"}, "", true, with(pubTM, func(c *Config) { c.Topic = ptr("é") })},
	{Pub, []string{"-m", "m", "-L", "mqtt://localhost:1/t"}, "", true, pubTM},
	{Pub, []string{"-m", "m", "-L", "mqtt://user:pass@localhost:1/t"}, "", true, with(pubTM, func(c *Config) { c.Username, c.Password = ptr("user"), ptr("pass") })},
	{Pub, []string{"-m", "m", "-p", "2", "-L", "mqtt://localhost:1/t"}, "", true, pubTM},
	{Pub, []string{"-m", "m", "-L", "mqtt://localhost/t", "-p", "1"}, "", true, pubTM},
	{Pub, []string{"-p", "1", "-t", "a", "-m", "m", "-L", "mqtt://localhost:1/t"}, "", false, pubTM},
	// pub: the message, by each of -m, -f, -s, -l and -n.
	{Pub, []string{"-p", "1", "-t", "t", "-f", "msg.txt"}, "", true, with(pubTM, func(c *Config) { c.MessageMode, c.Message, c.File = MsgFile, []byte("hello\n"), "msg.txt" })},
	{Pub, []string{"-p", "1", "-t", "t", "-f", "empty.txt"}, "", true, with(pubTM, func(c *Config) { c.MessageMode, c.Message, c.File = MsgFile, []byte{}, "empty.txt" })},
	{Pub, []string{"-p", "1", "-t", "t", "-s"}, "hello\n", true, with(pubTM, func(c *Config) { c.MessageMode, c.Message = MsgStdinFile, []byte("hello\n") })},
	{Pub, []string{"-p", "1", "-t", "t", "-l"}, "l1\nl2\n", true, with(pubTM, func(c *Config) { c.MessageMode, c.Message = MsgStdinLine, nil })},
	{Pub, []string{"-p", "1", "-t", "t", "--stdin-line"}, "", true, with(pubTM, func(c *Config) { c.MessageMode, c.Message = MsgStdinLine, nil })},
	{Pub, []string{"-p", "1", "-t", "t", "-n"}, "", true, with(pubTM, func(c *Config) { c.MessageMode, c.Message = MsgNull, nil })},
	{Pub, []string{"-p", "1", "-t", "t", "--null-message"}, "", true, with(pubTM, func(c *Config) { c.MessageMode, c.Message = MsgNull, nil })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", ""}, "", false, with(pubTM, func(c *Config) { c.Message = []byte{} })},
	// pub: QoS as atoi reads it, retain, repeats.
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-q", "2"}, "", true, with(pubTM, func(c *Config) { c.QoS = 2 })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-q", "abc"}, "", true, pubTM},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-q", "1abc"}, "", true, with(pubTM, func(c *Config) { c.QoS = 1 })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-q", "1.5"}, "", true, with(pubTM, func(c *Config) { c.QoS = 1 })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-q", " 2"}, "", true, with(pubTM, func(c *Config) { c.QoS = 2 })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-q", "+1"}, "", true, with(pubTM, func(c *Config) { c.QoS = 1 })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-q", "2", "-q", "1"}, "", false, with(pubTM, func(c *Config) { c.QoS = 1 })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-r"}, "", true, with(pubTM, func(c *Config) { c.Retain = true })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--retain"}, "", true, with(pubTM, func(c *Config) { c.Retain = true })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--repeat", "5"}, "", true, with(pubTM, func(c *Config) { c.RepeatCount = 5 })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--repeat-delay", "1.5"}, "", true, with(pubTM, func(c *Config) { c.RepeatDelay = 1500 * time.Millisecond })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--repeat-delay", "1e3"}, "", true, with(pubTM, func(c *Config) { c.RepeatDelay = 1000 * time.Second })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--will-topic", "w", "--will-payload", "p", "--will-qos", "2", "--will-retain"}, "", true, with(pubTM, func(c *Config) {
		c.WillTopic, c.WillPayload, c.WillQoS, c.WillRetain = ptr("w"), ptr("p"), 2, true
	})},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-V", "5"}, "", true, with(pubTM, func(c *Config) { c.ProtocolVersion = 5 })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-V", "mqttv31"}, "", true, with(pubTM, func(c *Config) { c.ProtocolVersion = 3 })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-c", "-i", "id"}, "", true, with(pubTM, func(c *Config) { c.CleanSession, c.ID = false, ptr("id") })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-M", "1"}, "", true, with(pubTM, func(c *Config) { c.MaxInflight = 1 })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-k", "5"}, "", true, with(pubTM, func(c *Config) { c.Keepalive = 5 })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-u", "user", "-P", ""}, "", true, with(pubTM, func(c *Config) { c.Username, c.Password = ptr("user"), ptr("") })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "-d"}, "", true, with(pubTM, func(c *Config) { c.Debug = true })},
	{Pub, []string{"-p", "1", "-t", "t", "-m", "m", "--quiet"}, "", true, with(pubTM, func(c *Config) { c.Quiet = true })},

	// sub: every -t is kept, in order; -N turns the end of line off; QoS, count, timeout and filters.
	{Sub, []string{"-p", "1", "-t", "t"}, "", false, subT},
	{Sub, []string{"-p", "1", "-t", "a", "-t", "b", "-t", "c/+"}, "", true, func(c *Config) { c.Topics = []string{"a", "b", "c/+"} }},
	{Sub, []string{"-p", "1", "-t", "t", "-t", "b", "-t", "c", "-q", "2"}, "", true, func(c *Config) { c.Topics, c.QoS = []string{"t", "b", "c"}, 2 }},
	{Sub, []string{"-L", "mqtt://localhost:1/t"}, "", true, subT},
	{Sub, []string{"-L", "mqtt://localhost:1/a", "-t", "b/+"}, "", true, func(c *Config) { c.Topics = []string{"a", "b/+"} }},
	{Sub, []string{"-p", "1", "-t", "t", "-N"}, "", true, with(subT, func(c *Config) { c.EOL = false })},
	{Sub, []string{"-p", "1", "-t", "t", "-F", "%t", "-N"}, "", true, with(subT, func(c *Config) { c.EOL, c.Format = false, ptr("%t") })},
	{Sub, []string{"-p", "1", "-t", "t", "-F", "%t %p"}, "", true, with(subT, func(c *Config) { c.Format = ptr("%t %p") })},
	{Sub, []string{"-p", "1", "-t", "t", "-v"}, "", true, with(subT, func(c *Config) { c.Verbose = true })},
	{Sub, []string{"-p", "1", "-t", "t", "--pretty"}, "", true, with(subT, func(c *Config) { c.Pretty = true })},
	{Sub, []string{"-p", "1", "-t", "t", "-q", "2"}, "", true, with(subT, func(c *Config) { c.QoS = 2 })},
	{Sub, []string{"-p", "1", "-t", "t", "-q", "abc"}, "", true, subT},
	{Sub, []string{"-p", "1", "-t", "t", "-C", "5"}, "", true, with(subT, func(c *Config) { c.MsgCount = 5 })},
	{Sub, []string{"-p", "1", "-t", "t", "-C", "1x"}, "", true, with(subT, func(c *Config) { c.MsgCount = 1 })},
	{Sub, []string{"-p", "1", "-t", "t", "-W", "10"}, "", true, with(subT, func(c *Config) { c.Timeout = 10 })},
	{Sub, []string{"-p", "1", "-t", "t", "-E", "-C", "1"}, "", true, with(subT, func(c *Config) { c.ExitAfterSub, c.MsgCount = true, 1 })},
	{Sub, []string{"-p", "1", "-t", "t", "-R"}, "", true, with(subT, func(c *Config) { c.NoRetain, c.SubOpts = true, SubOptSendRetainNever })},
	{Sub, []string{"-p", "1", "-t", "t", "-R", "--retain-as-published", "-V", "5"}, "", true, with(subT, func(c *Config) {
		c.NoRetain, c.RetainAsPublished, c.SubOpts, c.ProtocolVersion = true, true, SubOptSendRetainNever|SubOptRetainAsPublished, 5
	})},
	{Sub, []string{"-p", "1", "-t", "t", "--retained-only"}, "", true, with(subT, func(c *Config) { c.RetainedOnly = true })},
	{Sub, []string{"-p", "1", "-t", "t", "--remove-retained", "-q", "1"}, "", true, with(subT, func(c *Config) { c.RemoveRetained, c.QoS = true, 1 })},
	{Sub, []string{"-p", "1", "-t", "a", "-T", "a/+"}, "", true, func(c *Config) { c.Topics, c.FilterOuts = []string{"a"}, []string{"a/+"} }},
	{Sub, []string{"-p", "1", "-t", "a", "--unsubscribe", "b/#"}, "", true, func(c *Config) { c.Topics, c.UnsubTopics = []string{"a"}, []string{"b/#"} }},
	// mosquitto keeps (int)(10.0*atof(v)) of a chance out of 10000 (docs/mosquitto-args.md, --random-filter).
	{Sub, []string{"-p", "1", "-t", "t", "--random-filter", "0.1"}, "", true, with(subT, func(c *Config) { c.RandomFilter = 1 })},
	{Sub, []string{"-p", "1", "-t", "t", "--random-filter", "50"}, "", true, with(subT, func(c *Config) { c.RandomFilter = 500 })},

	// rr: the request's topic and message, the response topic, -N, QoS.
	{RR, []string{"-p", "1", "-t", "t", "-m", "m", "-e", "r"}, "", false, rrTME},
	{RR, []string{"-p", "1", "-t", "t", "-m", "m", "-e", "r", "-N"}, "", true, with(rrTME, func(c *Config) { c.EOL = false })},
	{RR, []string{"-p", "1", "-t", "t", "-m", "m", "-e", "r", "-q", "2"}, "", true, with(rrTME, func(c *Config) { c.QoS = 2 })},
	{RR, []string{"-p", "1", "-t", "t", "-m", "m", "-e", "r", "-F", "%t"}, "", true, with(rrTME, func(c *Config) { c.Format = ptr("%t") })},
	{RR, []string{"-p", "1", "-t", "t", "-m", "m", "-e", "r", "-W", "1"}, "", true, with(rrTME, func(c *Config) { c.Timeout = 1 })},
	{RR, []string{"-p", "1", "-t", "t", "-e", "r", "-n"}, "", true, with(rrTME, func(c *Config) { c.MessageMode, c.Message = MsgNull, nil })},
	{RR, []string{"-p", "1", "-t", "t", "-e", "r", "-s"}, "", true, with(rrTME, func(c *Config) { c.MessageMode, c.Message = MsgStdinFile, nil })},
	{RR, []string{"-m", "m", "-e", "r", "-L", "mqtt://localhost:1/t"}, "", true, rrTME},
	{RR, []string{"-p", "1", "-m", "m", "-t", "t", "-e", ""}, "", true, with(rrTME, func(c *Config) { c.ResponseTopic = ptr("") })},
}

func (r valueRow) name() string { return r.prog.Name() + " " + strings.Join(r.args, " ") }

func (r valueRow) want() *Config {
	c := base(r.prog)
	r.set(c)
	return c
}

// load runs Load on r in the golden rows' fixture (msg.txt, empty.txt, an empty home).
func (r valueRow) load(dir string) (*Config, *Exit) {
	env := fixtureEnv(dir)
	return Load(r.prog, r.args, func(k string) string { return env[k] }, fixtureReader(dir), strings.NewReader(r.stdin))
}

func TestGoldenRowValues(t *testing.T) {
	rows := loadGolden(t)
	dir := fixture(t)
	for _, r := range valueRows {
		t.Run(r.name(), func(t *testing.T) {
			if r.golden {
				checkGoldenRow(t, rows, r)
			}
			cfg, exit := r.load(dir)
			if exit != nil {
				t.Fatalf("refused: exit %d %q", exit.Code, exit.Stderr)
			}
			if d := configDiff(cfg, r.want()); d != "" {
				t.Errorf("sets what mosquitto does not:\n%s", d)
			}
		})
	}
}

// checkGoldenRow fails unless rows hold r as a row mosquitto accepted, so that the table keeps to
// the golden file.
func checkGoldenRow(t *testing.T, rows []goldenRow, r valueRow) {
	t.Helper()
	for _, g := range rows {
		args, stdin, _, stderr, config := g.raw(t)
		if g.Prog != r.prog.Name() || !slices.Equal(args, r.args) || string(stdin) != r.stdin || config != nil {
			continue
		}
		if !isRuntime(string(stderr)) && !(len(stderr) == 0 && slices.Contains(r.args, "--quiet")) {
			t.Fatalf("the golden row exists but mosquitto refused it: %q", stderr)
		}
		return
	}
	t.Fatalf("no golden row with these arguments and stdin %q: mark the row golden: false", r.stdin)
}

// configDiff names each field of got that differs from want.
func configDiff(got, want *Config) string {
	var b strings.Builder
	gv, wv := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for i := range gv.NumField() {
		g, w := gv.Field(i), wv.Field(i)
		if !gv.Type().Field(i).IsExported() {
			continue
		}
		if !reflect.DeepEqual(g.Interface(), w.Interface()) {
			fmt.Fprintf(&b, "  %s: got %s, want %s\n", gv.Type().Field(i).Name, show(g), show(w))
		}
	}
	return b.String()
}

// show prints a value, and what a pointer points to.
func show(v reflect.Value) string {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if b, ok := v.Interface().([]byte); ok {
		if b == nil {
			return "nil"
		}
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%#v", v.Interface())
}

// The whole Config is compared: a value row catches what a row sets wrongly, whatever the field.
func TestConfigDiffSeesEveryField(t *testing.T) {
	a, b := base(Pub), base(Pub)
	b.EOL = false
	b.Topic = ptr("x")
	d := configDiff(a, b)
	if !strings.Contains(d, "EOL:") || !strings.Contains(d, "Topic:") || bytes.Count([]byte(d), []byte("\n")) != 2 {
		t.Errorf("diff %q, want EOL and Topic", d)
	}
}

// TestValuesAgainstMosquitto runs the pub and sub value rows through the real clients against a real
// mosquitto, and reads in their -d trace what they sent: the topic, QoS, retain flag, payload size and
// number of each PUBLISH; the filters, QoS and options of each SUBSCRIBE and UNSUBSCRIBE. For sub it
// also prints a retained message, which ends in a newline unless the row turned the end of line off.
// So the values above are mosquitto's, for the rows beyond the golden file too. Skipped without the
// programs, failing under CI=true.
func TestValuesAgainstMosquitto(t *testing.T) {
	port := startMosquitto(t)
	dir := fixture(t)
	for _, r := range valueRows {
		if r.prog == RR {
			continue // rr needs a responder; its options are sub's and pub's
		}
		t.Run(r.name(), func(t *testing.T) {
			want := r.want()
			args := onPort(r.args, port)
			switch r.prog {
			case Pub:
				if want.Topic != nil && *want.Topic == "" {
					t.Skip("mosquitto_pub refuses an empty topic when it publishes (Config says so)")
				}
				out := runClient(t, dir, r, append(args, "-d"))
				checkPublishes(t, out, want, r.stdin)
			case Sub:
				out := runClient(t, dir, r, append(args, "-d", "-E"))
				checkSubscribes(t, out, want)
				if printsRetained(want) {
					retain(t, dir, port)
					printed := runClient(t, dir, r, append(args, "-C", "1", "-W", "10"))
					if strings.HasSuffix(printed, "\n") != want.EOL {
						t.Errorf("mosquitto_sub printed %q; Config.EOL is %v", printed, want.EOL)
					}
				}
			}
		})
	}
}

var (
	publishLine     = regexp.MustCompile(`sending PUBLISH \(d0, q(\d), r(\d), m\d+, '(.*)', \.\.\. \((\d+) bytes\)\)`)
	subscribeLine   = regexp.MustCompile(`sending SUBSCRIBE \(Mid: \d+, Topic: (.*), QoS: (\d), Options: 0x([0-9a-f]{2})\)`)
	unsubscribeLine = regexp.MustCompile(`sending UNSUBSCRIBE \(Mid: \d+, Topic: (.*)\)`)
)

func checkPublishes(t *testing.T, trace string, want *Config, stdin string) {
	t.Helper()
	var sizes []int
	switch want.MessageMode {
	case MsgStdinLine:
		for _, l := range strings.SplitAfter(stdin, "\n") {
			if l != "" {
				sizes = append(sizes, len(strings.TrimSuffix(l, "\n")))
			}
		}
	default:
		for range want.RepeatCount {
			sizes = append(sizes, len(want.Message))
		}
	}
	got := publishLine.FindAllStringSubmatch(trace, -1)
	if len(got) != len(sizes) {
		t.Fatalf("mosquitto_pub sent %d PUBLISH, the row's Config says %d:\n%s", len(got), len(sizes), trace)
	}
	retain := "0"
	if want.Retain {
		retain = "1"
	}
	for i, m := range got {
		if m[1] != fmt.Sprint(want.QoS) || m[2] != retain || m[3] != *want.Topic || m[4] != fmt.Sprint(sizes[i]) {
			t.Errorf("mosquitto_pub sent q%s r%s %q with %s bytes; the row's Config says q%d r%s %q with %d", m[1], m[2], m[3], m[4], want.QoS, retain, *want.Topic, sizes[i])
		}
	}
}

func checkSubscribes(t *testing.T, trace string, want *Config) {
	t.Helper()
	var filters []string
	for _, m := range subscribeLine.FindAllStringSubmatch(trace, -1) {
		filters = append(filters, m[1])
		opts := "00"
		if want.ProtocolVersion == 5 {
			opts = fmt.Sprintf("%02x", want.SubOpts)
		}
		if m[2] != fmt.Sprint(want.QoS) || m[3] != opts {
			t.Errorf("mosquitto_sub subscribed to %s at QoS %s with options 0x%s; the row's Config says QoS %d, 0x%s", m[1], m[2], m[3], want.QoS, opts)
		}
	}
	if !slices.Equal(filters, want.Topics) {
		t.Errorf("mosquitto_sub subscribed to %q; the row's Config says %q", filters, want.Topics)
	}
	var unsub []string
	for _, m := range unsubscribeLine.FindAllStringSubmatch(trace, -1) {
		unsub = append(unsub, m[1])
	}
	if !slices.Equal(unsub, want.UnsubTopics) {
		t.Errorf("mosquitto_sub unsubscribed from %q; the row's Config says %q", unsub, want.UnsubTopics)
	}
}

// printsRetained says a sub row prints the one retained message on t and stops: no -R, -E, -T, -C
// above 1, random filter, or removal.
func printsRetained(c *Config) bool {
	return slices.Equal(c.Topics, []string{"t"}) && !c.NoRetain && !c.ExitAfterSub && c.MsgCount <= 1 &&
		c.RandomFilter == 10000 && len(c.FilterOuts) == 0 && !c.RemoveRetained
}

// retain publishes the retained message "m" on t.
func retain(t *testing.T, dir string, port string) {
	t.Helper()
	runClient(t, dir, valueRow{prog: Pub}, []string{"-p", port, "-t", "t", "-m", "m", "-r", "-q", "1"})
}

// onPort points a row's arguments at the broker: -p 1 and the URLs' port 1 become port.
func onPort(args []string, port string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		switch {
		case a == "1" && i > 0 && out[i-1] == "-p":
			out[i] = port
		case strings.Contains(a, "localhost:1/"):
			out[i] = strings.Replace(a, "localhost:1/", "localhost:"+port+"/", 1)
		}
	}
	return out
}

// runClient runs r's program with args in the fixture's folder, and returns what it printed on stdout.
func runClient(t *testing.T, dir string, r valueRow, args []string) string {
	t.Helper()
	path := testtool.Path(t, r.prog.Name(), "mosquitto-clients")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a bound on failure only
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = filepath.Join(dir, "cwd")
	cmd.Env = []string{"LC_ALL=C", "HOME=" + filepath.Join(dir, "home"), "XDG_CONFIG_HOME=" + filepath.Join(dir, "xdg")}
	cmd.Stdin = strings.NewReader(r.stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %q: %v\nstdout %s\nstderr %s", r.prog.Name(), args, err, out.Bytes(), errb.Bytes())
	}
	return out.String()
}

// startMosquitto runs a mosquitto broker on a free loopback port until the test ends. The rows' URLs
// say localhost.
func startMosquitto(t *testing.T) string {
	t.Helper()
	return strconv.Itoa(testtool.MosquittoOn(t, "localhost", ""))
}
