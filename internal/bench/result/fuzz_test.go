package result

import (
	"bytes"
	"strings"
	"testing"

	"mqtt/internal/bench/latency"
)

// FuzzRead: a shard file is user input to merge; any bytes are read or refused, never a panic, and what is
// read can be merged and reported on.
func FuzzRead(f *testing.F) {
	all := map[string]*latency.Recorder{Latency: latency.NewRecorder(1), Ack: latency.NewRecorder(1)}
	var buf bytes.Buffer
	_ = Write(&buf, shardRun(f, 0, all))
	f.Add(buf.Bytes())
	f.Add([]byte(`{"version":1,"shards":[{}],"roles":[{"name":"sub","histograms":{"latency":"HISTFAAAABx4nJNpmSzMwMDAxQABzFCaEUzOmQ0RAAA+5wK6"}}]}`))
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		m, err := Merge(r)
		if err != nil {
			if !strings.Contains(err.Error(), "result 1") {
				t.Fatalf("merge error without its source: %v", err)
			}
			return
		}
		m.Loss()
		m.Warnings()
		m.TargetRate()
		_ = WriteCSV(&bytes.Buffer{}, m)
	})
}
