package gen

import (
	"math/rand/v2"
	"time"
)

// testTime is the instant of the documented examples.
var testTime = time.Date(2024, 5, 1, 12, 0, 0, 123456789, time.UTC)

// testEnv is a deterministic Env: a seeded generator, a clock stopped at testTime, a fixed host
// name and environment.
func testEnv() Env {
	vars := map[string]string{"ROOM": "Küche", "EMPTY": ""}
	return Env{
		Now:      func() time.Time { return testTime },
		Rand:     rand.New(rand.NewPCG(1, 2)),
		Hostname: "pi-kueche",
		Lookup:   func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
	}
}

// render compiles text with env and renders it as message n.
func render(text string, env Env, n uint64) (string, error) {
	t, err := Compile("-m", text, env)
	if err != nil {
		return "", err
	}
	out, err := t.Append(nil, n)
	return string(out), err
}
