package result

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Write writes r as indented JSON.
func Write(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}

// Read reads a result that Write wrote and checks it.
func Read(rd io.Reader) (*Result, error) {
	var r Result
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("read result: %w", err)
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// CSVHeader is the first row WriteCSV writes.
var CSVHeader = []string{"role", "index", "id", "shard", "messages", "bytes", "total", "msgs_per_sec", "bytes_per_sec", "errors", "error_reasons"}

// WriteCSV writes one row per client, after a header row. Rates are over the counted part of the run.
func WriteCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(CSVHeader)
	secs := r.Elapsed().Seconds()
	rate := func(n uint64) string {
		if secs <= 0 {
			return "0"
		}
		return strconv.FormatFloat(float64(n)/secs, 'f', 1, 64)
	}
	for _, ro := range r.Roles {
		for _, c := range ro.Clients {
			var n uint64
			reasons := slices.Sorted(maps.Keys(c.Errors))
			parts := make([]string, len(reasons))
			for i, k := range reasons {
				n += c.Errors[k]
				parts[i] = k + "=" + strconv.FormatUint(c.Errors[k], 10)
			}
			_ = cw.Write([]string{
				ro.Name, strconv.Itoa(c.Index), c.ID, strconv.Itoa(c.Shard),
				strconv.FormatUint(c.Messages, 10), strconv.FormatUint(c.Bytes, 10), strconv.FormatUint(c.Total, 10),
				rate(c.Messages), rate(c.Bytes), strconv.FormatUint(n, 10), strings.Join(parts, ";"),
			})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
