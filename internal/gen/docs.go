package gen

import (
	"strings"
)

// FuncDoc documents one template function for `mqtt pub --help` and the man page.
type FuncDoc struct {
	Name    string // as written in a template
	Args    string // the arguments, "" for none; [X] is optional, X... repeats
	Doc     string // one sentence
	Example string // a whole template using the function
	Output  string // what Example gives for message 3 (random values are just one possibility)
}

// Funcs lists the template functions in the order a reader meets them. A test renders every
// Example and checks its Output, so the help cannot drift from the code.
func Funcs() []FuncDoc {
	return []FuncDoc{
		{"counter", "", "The message number: 1 for the first message, 2 for the second, and so on.",
			`msg {{counter}}`, `msg 3`},
		{"randInt", "MIN MAX", "A random integer from MIN to MAX, both included.",
			`Temperature = {{randInt -20 40}}`, `Temperature = 26`},
		{"randFloat", "MIN MAX [DECIMALS]", "A random number from MIN to MAX; with DECIMALS (0 to 15), " +
			"one of the numbers with that many decimals, printed without trailing zeros.",
			`{{randFloat 18 25 1}}`, `23.4`},
		{"walk", "START STEP [MIN MAX]", "A random walk, as a sensor drifts: START for the first message, then the " +
			"value before plus a random step of at most STEP either way (kept from MIN to MAX if given), with as many " +
			"decimals as START and STEP. Each walk in a template goes its own way.",
			`{{walk 21.5 0.3}}`, `21.6`},
		{"choice", "VALUE... | LIST", "One of the values (or of the elements of a list), picked at random.",
			`{{choice "on" "off" "auto"}}`, `auto`},
		{"uuid", "", "A random UUID, version 4.",
			`{{uuid}}`, `10f5ee56-86a5-45c4-acec-7d07adc3ce9d`},
		{"now", "[LAYOUT]", "The time in UTC as RFC 3339 with milliseconds; with LAYOUT, in Go's layout " +
			"of the reference time 2006-01-02 15:04:05. All time functions in one message read the same instant.",
			`{{now}}`, `2024-05-01T12:00:00.123Z`},
		{"unix", "", "The time in seconds since 1970-01-01 UTC.",
			`{{unix}}`, `1714564800`},
		{"unixMilli", "", "The time in milliseconds since 1970-01-01 UTC.",
			`{{unixMilli}}`, `1714564800123`},
		{"unixMicro", "", "The time in microseconds since 1970-01-01 UTC.",
			`{{unixMicro}}`, `1714564800123456`},
		{"unixNano", "", "The time in nanoseconds since 1970-01-01 UTC.",
			`{{unixNano}}`, `1714564800123456789`},
		{"hostname", "", "The name of this host.",
			`sensors/{{hostname}}/temp`, `sensors/pi-kueche/temp`},
		{"env", "NAME [DEFAULT]", "The environment variable NAME, or DEFAULT if it is unset; " +
			"an unset variable without DEFAULT is an error, a set but empty one gives nothing.",
			`{{env "ROOM" "Flur"}}`, `Küche`},
		{"randBytes", "N", "N random bytes, any of the 256 values (binary: inside json use randBase64).",
			`{{len (randBytes 16)}}`, `16`},
		{"randString", "N", "N random letters and digits.",
			`{{randString 8}}`, `GxqOAfxA`},
		{"randHex", "N", "N random bytes in lower-case hex, 2N characters (as openssl rand -hex N).",
			`{{randHex 4}}`, `10f5ee56`},
		{"randBase64", "N", "N random bytes in standard base64 with padding (as openssl rand -base64 N).",
			`{{randBase64 6}}`, `EPXuVoal`},
		{"json", "VALUE", "VALUE as JSON; the keys of a dict come out sorted.",
			`{{json (dict "t" (randFloat 18 25 1) "room" "Küche" "n" counter)}}`,
			`{"n":3,"room":"Küche","t":23.4}`},
		{"dict", "KEY VALUE...", "An object for json, from pairs of a string key and any value.",
			`{{json (dict "on" true "level" 7)}}`, `{"level":7,"on":true}`},
		{"list", "VALUE...", "An array for json, or a list for choice.",
			`{{json (list 1 "two" 3.5)}}`, `[1,"two",3.5]`},
		{"printf", "FORMAT ARG...", "Built in: Go's fmt.Sprintf, for fixed widths and decimals.",
			`{{printf "%05.1f" (randFloat 0 100)}}`, `067.6`},
	}
}

// Help formats Funcs for a terminal: each function with its arguments, what it gives, and its
// example with the output for message 3.
func Help() string {
	var b strings.Builder
	b.WriteString("Template functions (Go text/template: if, range, eq, len and index work too).\n")
	b.WriteString("Each example is followed by what it gives for message 3; random values vary.\n")
	for _, f := range Funcs() {
		b.WriteString("\n  ")
		b.WriteString(f.Name)
		if f.Args != "" {
			b.WriteString(" ")
			b.WriteString(f.Args)
		}
		b.WriteString("\n")
		for _, line := range wrap(f.Doc, 74) {
			b.WriteString("      ")
			b.WriteString(line)
			b.WriteString("\n")
		}
		b.WriteString("      ")
		b.WriteString(f.Example)
		b.WriteString("  →  ")
		b.WriteString(f.Output)
		b.WriteString("\n")
	}
	return b.String()
}

// wrap breaks text into lines of at most width bytes at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}
