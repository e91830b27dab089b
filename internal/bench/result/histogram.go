package result

import (
	"encoding/json"
	"fmt"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"mqtt/internal/bench/latency"
)

// Histogram is an HDR histogram that travels in JSON as HdrHistogram's compressed encoding (base64 of the
// V2 format), which other HdrHistogram tools can decode too.
type Histogram struct{ *hdr.Histogram }

// Wrap keeps h as a Histogram.
func Wrap(h *hdr.Histogram) *Histogram { return &Histogram{h} }

// MarshalJSON writes the compressed encoding as a JSON string.
func (h *Histogram) MarshalJSON() ([]byte, error) {
	b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
	if err != nil {
		return nil, fmt.Errorf("encode histogram: %w", err)
	}
	return json.Marshal(string(b))
}

// UnmarshalJSON reads the compressed encoding from a JSON string.
func (h *Histogram) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	d, err := hdr.Decode([]byte(s))
	if err != nil {
		return fmt.Errorf("decode histogram: %w", err)
	}
	// Another range or precision would merge with values dropped or moved: refuse it here, by name.
	if d.LowestTrackableValue() != latency.Lowest || d.HighestTrackableValue() != latency.New().HighestTrackableValue() ||
		d.SignificantFigures() != latency.Digits {
		return fmt.Errorf("histogram of %d..%d at %d digits: not one this mqtt writes (%d..%d µs at %d)",
			d.LowestTrackableValue(), d.HighestTrackableValue(), d.SignificantFigures(), latency.Lowest, latency.Highest, latency.Digits)
	}
	h.Histogram = d
	return nil
}

// Quantile is the value at quantile q (0..100, as 99.9), 0 for an empty or missing histogram.
func (h *Histogram) Quantile(q float64) int64 {
	if h == nil || h.Histogram == nil || h.TotalCount() == 0 {
		return 0
	}
	return h.ValueAtQuantile(q)
}
