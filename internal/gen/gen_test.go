package gen

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestStaticText(t *testing.T) {
	for _, text := range []string{"", "hello", "Temperatur in der Küche", "{ not a template }", "}}"} {
		tmpl, err := Compile("-m", text, testEnv())
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if !tmpl.Static() {
			t.Errorf("%q is not static", text)
		}
		out, err := tmpl.Append([]byte("prefix:"), 1)
		if err != nil || string(out) != "prefix:"+text {
			t.Errorf("%q: got %q, %v", text, out, err)
		}
	}
	tmpl, _ := Compile("-m", "{{counter}}", testEnv())
	if tmpl.Static() {
		t.Error("a template with an action is static")
	}
}

func TestStaticTextAllocatesNothing(t *testing.T) {
	tmpl, err := Compile("-m", "a plain payload", testEnv())
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 64)
	allocs := testing.AllocsPerRun(100, func() {
		buf, _ = tmpl.Append(buf[:0], 1)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per static Append", allocs)
	}
}

func TestAppendKeepsPrefix(t *testing.T) {
	tmpl, err := Compile("-m", "n={{counter}}", testEnv())
	if err != nil {
		t.Fatal(err)
	}
	out, err := tmpl.Append([]byte("abc "), 42)
	if err != nil || string(out) != "abc n=42" {
		t.Errorf("got %q, %v", out, err)
	}
}

// A template that fails on a later message (4: index is from 0) returns dst as it was, and an error saying where.
func TestAppendErrorAtRuntime(t *testing.T) {
	tmpl, err := Compile("-m", "v={{index (list 1 2 3) counter}}", testEnv())
	if err != nil {
		t.Fatal(err) // message 1 of the trial works
	}
	dst := []byte("keep")
	out, err := tmpl.Append(dst, 4)
	if err == nil {
		t.Fatalf("message 3 rendered as %q", out)
	}
	if string(out) != "keep" {
		t.Errorf("dst became %q", out)
	}
	want := `template -m at column 5: {{index (list 1 2 3) counter}}: error calling index: index out of range: 4`
	if err.Error() != want {
		t.Errorf("error\n %s\nwant\n %s", err, want)
	}
}

func TestOutputLimit(t *testing.T) {
	env := testEnv()
	env.MaxSize = 10
	tmpl, err := Compile("-m", "{{range counter}}x{{end}}", env)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := tmpl.Append([]byte("prefix longer than ten"), 10); err != nil || len(out) != 32 {
		t.Errorf("10 bytes after a prefix: %q, %v", out, err)
	}
	_, err = tmpl.Append(nil, 11)
	if want := "template -m: the output is larger than 10 bytes"; err == nil || err.Error() != want {
		t.Errorf("11 bytes: %v, want %s", err, want)
	}
	// A static text is checked once, at Compile.
	_, err = Compile("-m", "eleven byte", env)
	if want := "template -m: the text is larger than 10 bytes"; err == nil || err.Error() != want {
		t.Errorf("static text of 11 bytes: %v, want %s", err, want)
	}
}

func TestCompileNeedsEnv(t *testing.T) {
	env := testEnv()
	env.Lookup = nil
	if _, err := Compile("-m", "x", env); err == nil {
		t.Error("Compile accepted an Env without Lookup")
	}
}

func TestSystemEnv(t *testing.T) {
	env := SystemEnv()
	if env.Now == nil || env.Rand == nil || env.Lookup == nil {
		t.Fatal("SystemEnv left a field unset")
	}
	// Two runs must not share a seed, or their UUIDs would collide.
	if SystemEnv().Rand.Uint64() == env.Rand.Uint64() {
		t.Error("two SystemEnvs gave the same first number")
	}
}

func TestAppendRandomBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	out := AppendRandomBytes([]byte("hdr"), r, 1<<16+3)
	if len(out) != 3+1<<16+3 || string(out[:3]) != "hdr" {
		t.Fatalf("length %d, prefix %q", len(out), out[:3])
	}
	var seen [256]bool
	for _, b := range out[3:] {
		seen[b] = true
	}
	for v, ok := range seen {
		if !ok {
			t.Errorf("64 KiB of random bytes without %#x", v)
		}
	}
	// The same seed gives the same payload, so a seeded run is reproducible.
	again := AppendRandomBytes([]byte("hdr"), rand.New(rand.NewPCG(1, 2)), 1<<16+3)
	if !bytes.Equal(out, again) {
		t.Error("the same seed gave different bytes")
	}
	// Zero bytes draws nothing.
	a, b := rand.New(rand.NewPCG(5, 6)), rand.New(rand.NewPCG(5, 6))
	AppendRandomBytes(nil, a, 0)
	if a.Uint64() != b.Uint64() {
		t.Error("AppendRandomBytes of 0 bytes drew from the generator")
	}
}

func TestAppendRandomBytesAllocatesNothingWithRoom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 0, 1024)
	allocs := testing.AllocsPerRun(100, func() {
		buf = AppendRandomBytes(buf[:0], r, 1000)
	})
	if allocs != 0 {
		t.Errorf("%v allocations", allocs)
	}
}

func BenchmarkStatic(b *testing.B) {
	benchmark(b, "Temperature = 21")
}

func BenchmarkTemperature(b *testing.B) {
	benchmark(b, "Temperature = {{randInt -20 40}}")
}

func BenchmarkJSON(b *testing.B) {
	benchmark(b, `{{json (dict "t" (randFloat 18 25 1) "room" "Küche" "n" counter "at" now)}}`)
}

func benchmark(b *testing.B, text string) {
	tmpl, err := Compile("-m", text, testEnv())
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for n := uint64(1); b.Loop(); n++ {
		if buf, err = tmpl.Append(buf[:0], n); err != nil {
			b.Fatal(err)
		}
	}
	if strings.Contains(string(buf), "{{") {
		b.Fatal(string(buf))
	}
}
