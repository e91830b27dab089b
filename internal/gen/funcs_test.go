package gen

import (
	"encoding/base64"
	"encoding/hex"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// outputs renders text for messages 1 to n and returns the set of distinct results.
func outputs(t *testing.T, text string, n int) map[string]bool {
	t.Helper()
	tmpl, err := Compile("-m", text, testEnv())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := 1; i <= n; i++ {
		out, err := tmpl.Append(nil, uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		seen[string(out)] = true
	}
	return seen
}

func sameSet(t *testing.T, text string, got map[string]bool, want ...string) {
	t.Helper()
	keys := slices.Sorted(maps.Keys(got))
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Errorf("%s gives %q, want exactly %q", text, keys, want)
	}
}

func TestCounter(t *testing.T) {
	tmpl, err := Compile("-m", "n={{counter}}", testEnv())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []uint64{1, 2, 1000} {
		out, err := tmpl.Append(nil, n)
		if err != nil || string(out) != "n="+strconv.FormatUint(n, 10) {
			t.Errorf("message %d: got %q, %v", n, out, err)
		}
	}
}

func TestRandIntIncludesBothEnds(t *testing.T) {
	text := "{{randInt -2 2}}"
	sameSet(t, text, outputs(t, text, 1000), "-2", "-1", "0", "1", "2")
	sameSet(t, "{{randInt 5 5}}", outputs(t, "{{randInt 5 5}}", 10), "5")
	// The whole int range must not overflow the span computation.
	if _, err := render("{{randInt -9223372036854775808 9223372036854775807}}", testEnv(), 1); err != nil {
		t.Error(err)
	}
}

func TestRandFloat(t *testing.T) {
	text := "{{randFloat 18 18.3 1}}"
	sameSet(t, text, outputs(t, text, 1000), "18", "18.1", "18.2", "18.3")
	// 0.29*100 is 28.999999999999996 in float64; the range must still hold 0.29.
	sameSet(t, "{{randFloat 0.29 0.29 2}}", outputs(t, "{{randFloat 0.29 0.29 2}}", 10), "0.29")
	for out := range outputs(t, "{{randFloat -1.5 2.5}}", 200) {
		f, err := strconv.ParseFloat(out, 64)
		if err != nil || f < -1.5 || f > 2.5 {
			t.Errorf("randFloat -1.5 2.5 gave %q", out)
		}
	}
	// %v would print 1e+20-sized values with an exponent; a payload wants digits.
	for out := range outputs(t, "{{randFloat 1e20 1e21}} {{randFloat 1e300 1e301 2}}", 20) {
		if strings.ContainsAny(out, "eE") {
			t.Errorf("large randFloat printed with an exponent: %q", out)
		}
	}
	// The full float range must not overflow to Inf.
	for out := range outputs(t, "{{randFloat -1e308 1e308}}", 20) {
		if strings.Contains(out, "Inf") || strings.Contains(out, "NaN") {
			t.Errorf("randFloat over the whole range gave %q", out)
		}
	}
	// printf and comparisons see a float.
	got, err := render(`{{printf "%.2f" (randFloat 1 1)}} {{if gt (randFloat 2 2) 1.5}}big{{end}}`, testEnv(), 1)
	if err != nil || got != "1.00 big" {
		t.Errorf("got %q, %v", got, err)
	}
}

func TestChoice(t *testing.T) {
	text := `{{choice "on" "off" 3}}`
	sameSet(t, text, outputs(t, text, 200), "on", "off", "3")
	text = `{{choice (list "a" "b")}}`
	sameSet(t, text, outputs(t, text, 200), "a", "b")
}

func TestUUID(t *testing.T) {
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := outputs(t, "{{uuid}}", 100)
	if len(seen) != 100 {
		t.Errorf("100 messages gave %d distinct UUIDs", len(seen))
	}
	for u := range seen {
		if !v4.MatchString(u) {
			t.Errorf("%q is not a version 4 UUID", u)
		}
	}
}

func TestTime(t *testing.T) {
	env := testEnv()
	berlin := time.FixedZone("CEST", 2*3600)
	env.Now = func() time.Time { return testTime.In(berlin) }
	got, err := render(`{{now}} {{now "15:04:05.000000"}} {{unix}} {{unixMilli}} {{unixMicro}} {{unixNano}}`, env, 1)
	want := "2024-05-01T12:00:00.123Z 12:00:00.123456 1714564800 1714564800123 1714564800123456 1714564800123456789"
	if err != nil || got != want {
		t.Errorf("got  %q, %v\nwant %q", got, err, want)
	}
}

// The time functions of one message agree, though the clock moves between their calls; the next
// message reads the clock again.
func TestTimeReadOncePerMessage(t *testing.T) {
	env := testEnv()
	reads := 0
	env.Now = func() time.Time { reads++; return testTime.Add(time.Duration(reads) * time.Second) }
	tmpl, err := Compile("-m", "{{unix}} {{unix}} {{now}}", env)
	if err != nil {
		t.Fatal(err)
	}
	if reads != 0 {
		t.Errorf("Compile read the clock %d times", reads)
	}
	first, _ := tmpl.Append(nil, 1)
	second, _ := tmpl.Append(nil, 2)
	if string(first) != "1714564801 1714564801 2024-05-01T12:00:01.123Z" {
		t.Errorf("message 1: %q", first)
	}
	if string(second) != "1714564802 1714564802 2024-05-01T12:00:02.123Z" {
		t.Errorf("message 2: %q", second)
	}
}

// Compile's trial rendering must not draw from the caller's generator, or a seeded run would
// depend on how many templates it compiled.
func TestCompileLeavesRandAlone(t *testing.T) {
	env := testEnv()
	if _, err := Compile("-m", "{{uuid}} {{randInt 1 100}} {{randBytes 64}}", env); err != nil {
		t.Fatal(err)
	}
	if got, want := env.Rand.Uint64(), testEnv().Rand.Uint64(); got != want {
		t.Errorf("the generator moved during Compile: next value %d, want %d", got, want)
	}
}

func TestHostnameAndEnv(t *testing.T) {
	got, err := render(`{{hostname}} {{env "ROOM"}} [{{env "EMPTY" "x"}}] {{env "UNSET" "Flur"}}`, testEnv(), 1)
	if want := "pi-kueche Küche [] Flur"; err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

func TestRandomText(t *testing.T) {
	got, err := render(`{{randBytes 5}}|{{randString 300}}|{{randHex 7}}|{{randBase64 7}}|{{randBytes 0}}`, testEnv(), 1)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(got[5:], "|") // randBytes may produce "|", so cut it off by length
	if len(got) < 5 || len(parts) != 5 || parts[0] != "" {
		t.Fatalf("unexpected output %q", got)
	}
	if s := parts[1]; len(s) != 300 || strings.Trim(s, alphanumeric) != "" {
		t.Errorf("randString 300 gave %q", s)
	}
	if b, err := hex.DecodeString(parts[2]); err != nil || len(b) != 7 || len(parts[2]) != 14 {
		t.Errorf("randHex 7 gave %q", parts[2])
	}
	if b, err := base64.StdEncoding.DecodeString(parts[3]); err != nil || len(b) != 7 {
		t.Errorf("randBase64 7 gave %q", parts[3])
	}
	if parts[4] != "" {
		t.Errorf("randBytes 0 gave %q", parts[4])
	}
}

// randString draws each of its 62 characters, so it is not biased towards a subset.
func TestRandStringUsesAllCharacters(t *testing.T) {
	got, err := render(`{{randString 10000}}`, testEnv(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range alphanumeric {
		if !strings.ContainsRune(got, c) {
			t.Errorf("10000 characters without %q", c)
		}
	}
}

func TestJSON(t *testing.T) {
	tests := []struct{ text, want string }{
		{`{{json (dict "b" 1 "a" (list true "x" 2.5 counter) "c" (dict))}}`, `{"a":[true,"x",2.5,7],"b":1,"c":{}}`},
		{`{{json "<a&b> Küche"}}`, `"<a&b> Küche"`}, // no HTML escaping, UTF-8 kept
		{`{{json (randFloat 2 2 1)}}`, `2`},
		{`{{json (list)}}`, `[]`},
		{`{{json (unixMilli)}}`, `1714564800123`},
	}
	for _, tt := range tests {
		got, err := render(tt.text, testEnv(), 7)
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.text, got, err, tt.want)
		}
	}
}

func TestTemperatureExample(t *testing.T) {
	tmpl, err := Compile("-m", "Temperature = {{randInt -20 40}}", testEnv())
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^Temperature = (-?\d+)$`)
	for n := uint64(1); n <= 100; n++ {
		out, err := tmpl.Append(nil, n)
		if err != nil {
			t.Fatal(err)
		}
		m := re.FindSubmatch(out)
		if m == nil {
			t.Fatalf("%q", out)
		}
		if v, _ := strconv.Atoi(string(m[1])); v < -20 || v > 40 {
			t.Errorf("temperature %d out of range", v)
		}
	}
}
