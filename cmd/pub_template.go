package cmd

import (
	"mqtt/internal/gen"
	"mqtt/internal/publish"
)

// templateTexts are what --template applies to, named as the errors name them. The payload is the
// template wherever it comes from, as a user who gives --template expects: -m; the file of -f and all of
// stdin for -s, compiled once they are read; each line of -l, compiled as it comes (with --line-topic,
// the payload part of it: the topic part is where the message goes, as it is). --size payloads are
// random bytes, not text.
func (o *pubOptions) templateTexts() publish.Texts {
	var t publish.Texts
	if o.LineTopic == "" {
		t.Topic = publish.Text{Name: "-t", Text: o.Topic}
	}
	switch o.Mode {
	case modeMessage:
		t.Payload = publish.Text{Name: "-m", Text: string(o.Message)}
	case modeLines:
		t.EachLine = "-l"
	}
	if p := o.conn.Props.Publish; p != nil {
		for _, u := range p.User {
			name := "-D publish user-property " + u.Key
			t.User = append(t.User, publish.UserText{
				Key: publish.Text{Name: name + " (name)", Text: u.Key}, Value: publish.Text{Name: name, Text: u.Value},
			})
		}
	}
	return t
}

// templateHelp is what --template-help prints: how templates work, then every function.
func templateHelp() string {
	return `With --template, {{...}} in the payload (-m, the file of -f, all of stdin for -s, each line of -l), in
-t and in the values of -D publish user-property is expanded for each message with Go's text/template
(https://pkg.go.dev/text/template). For example:

  mqtt pub -t Long-Home/Küche/Temperatur --template -m 'Temperature = {{randInt -20 40}}' \
      --repeat 0 --repeat-delay 5

publishes a random temperature every 5 seconds until interrupted (--repeat 0 is for ever). --seed N makes
the random functions repeatable.

` + gen.Help()
}
