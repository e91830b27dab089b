package metrics

import (
	"slices"
	"strconv"
	"strings"
)

// Prometheus's text exposition format, version 0.0.4, written here rather than by client_golang: its
// prometheus package builds a default registry with the Go and process collectors at init, which with the
// protobuf packages it brings cost every start of every mqtt command 1.4 ms and 2.5 MiB, `mqtt pub -m`
// from cron included, for a page only `bench --metrics` serves.

// contentType is what a scraper is told the page is.
const contentType = "text/plain; version=0.0.4; charset=utf-8"

// label is one name="value" pair of a sample.
type label struct{ name, value string }

// page is an exposition being written.
type page struct{ b []byte }

// family starts the metric family name of type typ ("counter", "gauge", "histogram"): its samples follow.
func (p *page) family(name, typ, help string) {
	p.b = append(p.b, "# HELP "+name+" "...)
	p.b = appendEscaped(p.b, help, false)
	p.b = append(p.b, "\n# TYPE "+name+" "+typ+"\n"...)
}

// sample writes one line: name, labels in the order given, value.
func (p *page) sample(name string, labels []label, v float64) {
	p.b = append(p.b, name...)
	if len(labels) > 0 {
		p.b = append(p.b, '{')
		for i, l := range labels {
			if i > 0 {
				p.b = append(p.b, ',')
			}
			p.b = append(p.b, l.name...)
			p.b = append(p.b, '=', '"')
			p.b = appendEscaped(p.b, l.value, true)
			p.b = append(p.b, '"')
		}
		p.b = append(p.b, '}')
	}
	p.b = append(p.b, ' ')
	p.b = appendFloat(p.b, v)
	p.b = append(p.b, '\n')
}

// histogram writes the samples of one histogram of family name: its buckets (cumulative counts at bounds,
// ascending), the +Inf bucket, sum and count.
func (p *page) histogram(name string, labels []label, bounds []float64, cumulative []uint64, count uint64, sum float64) {
	with := slices.Clip(labels)
	for i, b := range bounds {
		p.sample(name+"_bucket", append(with, label{"le", string(appendFloat(nil, b))}), float64(cumulative[i]))
	}
	p.sample(name+"_bucket", append(with, label{"le", "+Inf"}), float64(count))
	p.sample(name+"_sum", labels, sum)
	p.sample(name+"_count", labels, float64(count))
}

// sortLabels orders labels by name, as client_golang writes them.
func sortLabels(ls []label) []label {
	slices.SortFunc(ls, func(a, b label) int { return strings.Compare(a.name, b.name) })
	return ls
}

// appendEscaped escapes backslash and newline (and, in a label value, the double quote).
func appendEscaped(b []byte, s string, quote bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendFloat writes v as Prometheus does: Go's shortest form, +Inf, -Inf, NaN.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case v != v:
		return append(b, "NaN"...)
	case v > 1.7976931348623157e308:
		return append(b, "+Inf"...)
	case v < -1.7976931348623157e308:
		return append(b, "-Inf"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}
