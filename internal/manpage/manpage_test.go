package manpage

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain text", "plain text"},
		{`a \ b`, `a \e b`},
		// options and negative numbers are minus signs throughout; a hyphen inside a word stays one
		{"-t", `\-t`},
		{"--filter-out", `\-\-filter\-out`},
		{"keep-alive", "keep-alive"},
		{"-1 for never", `\-1 for never`},
		{"(needs -i)", `(needs \-i)`},
		{"x=-1", `x=\-1`},
		{"a - b", `a \- b`},
		// a line may not start a request
		{".hidden", `\&.hidden`},
		{"one\n.two", "one\n\\&.two"},
		{"a.b", "a.b"},
		{"'quoted'", `\(aqquoted\(aq`},
		{"`tick`", `\(gatick\(ga`},
		{"Küche", `K\[u00FC]che`},
		{"…", `\[u2026]`},
	}
	for _, c := range cases {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRenderSynopsis(t *testing.T) {
	p := Page{Name: "x", Section: "1", Synopsis: []string{"mqtt sub [-h host] -t topic [-t topic ...] {-m message | -n} [options]"}}
	got, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `.SY "mqtt sub"
[\fB\-h\fR\ \fIhost\fR]
\fB\-t\fR\ \fItopic\fR
[\fB\-t\fR\ \fItopic\fR\ \&...\&]
{\fB\-m\fR\ \fImessage\fR\ |\ \fB\-n\fR}
[\fIoptions\fR]
.YS
`
	if !strings.Contains(got, want) {
		t.Errorf("synopsis:\n%s\nwant:\n%s", got, want)
	}
}

func TestRenderMarkers(t *testing.T) {
	p := Page{
		Name: "mqtt", Section: "1", Source: "mqtt", Manual: "User Commands", Summary: "do things",
		Body: ".SH DESCRIPTION\nText.\n" + MarkCommands + "\n" + MarkOptions + "\n.SH SEE ALSO\n",
		Options: []OptionGroup{{Title: "Options", Options: []Option{
			{Names: []string{"-q", "--qos"}, Arg: "QoS", Usage: "quality of service", Default: "0"},
			{Names: []string{"--retain"}, Usage: "retain it"},
		}}},
		Commands: []Command{{Name: "mqtt pub", Usage: "publish", Page: "mqtt-pub"}},
	}
	got, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		".TH \"MQTT\" 1 \"\" \"mqtt\" \"User Commands\"\n.SH NAME\nmqtt \\- do things\n",
		".SH DESCRIPTION\nText.\n.TP\n\\fBmqtt pub\\fR\npublish; see \\fBmqtt\\-pub\\fR(1).\n.SH OPTIONS\n",
		".TP\n\\fB\\-q\\fR, \\fB\\-\\-qos\\fR \\fIQoS\\fR\nquality of service (default: \\fB0\\fR)\n",
		".TP\n\\fB\\-\\-retain\\fR\nretain it\n.SH SEE ALSO\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("page lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "generated:") || strings.Contains(got, ".SS") {
		t.Errorf("markers left in, or a subheading for the only group:\n%s", got)
	}
}

func TestRenderGroupsGetHeadings(t *testing.T) {
	p := Page{Name: "x", Section: "1", Options: []OptionGroup{
		{Title: "Options", Options: []Option{{Names: []string{"-a"}}}},
		{Title: "Connection options", Options: []Option{{Names: []string{"-b"}}}},
	}}
	got, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, `.SS "Options"`) || !strings.Contains(got, `.SS "Connection options"`) {
		t.Errorf("no subheadings for two groups:\n%s", got)
	}
}

// A page without a hand-written body still has a description and its options.
func TestRenderWithoutBody(t *testing.T) {
	p := Page{Name: "mqtt-broker", Section: "1", Description: "run a broker",
		Options: []OptionGroup{{Options: []Option{{Names: []string{"--listen"}, Arg: "addr"}}}}}
	got, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, ".SH DESCRIPTION\nrun a broker\n.SH OPTIONS\n.TP\n\\fB\\-\\-listen\\fR \\fIaddr\\fR\n") {
		t.Errorf("default body:\n%s", got)
	}
}

func TestRenderRefusesUnknownMarker(t *testing.T) {
	_, err := Render(Page{Name: "x", Section: "1", Body: `.\" generated: nothing` + "\n"})
	if err == nil || !strings.Contains(err.Error(), "unknown marker") {
		t.Errorf("Render with an unknown marker: %v", err)
	}
}

func TestRenderEnvironment(t *testing.T) {
	p := Page{Name: "x", Section: "1", Body: MarkEnvironment + "\n", Environment: []Variable{
		{Name: "MQTT_HOST", Options: []string{"-h", "--host"}},
		{Name: "MQTT_INSECURE", Options: []string{"--insecure"}, Values: "true or false"},
	}}
	got, err := Render(p)
	if err != nil {
		t.Fatal(err)
	}
	// one row each, in a column wide enough for the longest name
	want := ".TP 15n\n\\fBMQTT_HOST\\fR\n\\fB\\-h\\fR, \\fB\\-\\-host\\fR\n" +
		".PD 0\n.TP\n\\fBMQTT_INSECURE\\fR\n\\fB\\-\\-insecure\\fR (true or false)\n.PD\n"
	if !strings.HasSuffix(got, want) {
		t.Errorf("environment:\n%s\nwant it to end in:\n%s", got, want)
	}
}
