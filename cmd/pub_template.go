package cmd

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"mqtt/internal/gen"
	"mqtt/internal/message"
	"mqtt/internal/topic"
)

// templates are pub's --template texts, compiled once and rendered for each message: the topic, the
// payload and the v5 user properties. The payload is the template wherever it comes from, as a user
// who gives --template expects: -m; the file of -f and all of stdin for -s, compiled once they are
// read; each line of -l, compiled as it comes (with --line-topic, the payload part of it: the topic
// part is where the message goes, as it is). --size payloads are random bytes, not text.
type templates struct {
	topic, payload *gen.Template
	user           []userTemplate // every -D publish user-property, in order
	eachLine       bool           // -l: each line is a template of its own
	lineTopics     bool           // --line-topic: the topic comes from each line, not from -t
	env            gen.Env
	at             time.Time // the instant of the message being rendered, the same in every part
	buf, pbuf      []byte
}

type userTemplate struct{ key, value *gen.Template }

// compileTemplates compiles what --template applies to; rnd also draws --size payloads, so --seed
// makes a whole run repeatable. A closed stop ends a rendering (gen.Env.Stop), the trial one that
// compiling does included.
func compileTemplates(o *pubOptions, rnd *rand.Rand, getenv func(string) (string, bool), stop <-chan struct{}) (*templates, error) {
	t := &templates{eachLine: o.Mode == modeLines, lineTopics: o.LineTopic != ""}
	env := gen.SystemEnv()
	env.Rand, env.Lookup, env.Stop = rnd, getenv, stop
	env.Now = func() time.Time { return t.at }
	t.env = env
	var err error
	topicEnv := env
	topicEnv.MaxSize = 65535
	if !t.lineTopics {
		if t.topic, err = gen.Compile("-t", o.Topic, topicEnv); err != nil {
			return nil, err
		}
	}
	if o.Mode == modeMessage {
		if t.payload, err = gen.Compile("-m", string(o.Message), env); err != nil {
			return nil, err
		}
	}
	if p := o.conn.Props.Publish; p != nil {
		for _, u := range p.User {
			name := "-D publish user-property " + u.Key
			var ut userTemplate
			if ut.key, err = gen.Compile(name+" (name)", u.Key, topicEnv); err != nil {
				return nil, err
			}
			if ut.value, err = gen.Compile(name, u.Value, topicEnv); err != nil {
				return nil, err
			}
			t.user = append(t.user, ut)
		}
	}
	return t, nil
}

// compilePayload makes body, the file of -f or the stdin of -s, the payload template; name says where
// it came from in errors.
func (t *templates) compilePayload(name string, body []byte) (err error) {
	t.payload, err = gen.Compile(name, string(body), t.env)
	return err
}

// render fills m for message n.
func (t *templates) render(m *message.Message, n uint64, base *message.Properties) error {
	t.at = time.Now()
	var err error
	if t.topic != nil {
		if t.buf, err = t.topic.Append(t.buf[:0], n); err != nil {
			return err
		}
		if string(t.buf) != m.Topic {
			m.Topic = string(t.buf)
		}
		if err := topic.ValidatePublish(m.Topic); err != nil {
			return fmt.Errorf("template -t gave %q for message %d, which is not a topic to publish to", m.Topic, n)
		}
	}
	payload := t.payload
	if t.eachLine {
		if payload, err = gen.Compile("-l (message "+strconv.FormatUint(n, 10)+")", string(m.Payload), t.env); err != nil {
			if errors.Is(err, gen.ErrStopped) {
				return err
			}
			return &problem{id: errPubOption, args: []any{err.Error() + "."}}
		}
	}
	if payload != nil {
		// Publish copies the payload before it returns, so one buffer serves every message.
		if t.pbuf, err = payload.Append(t.pbuf[:0], n); err != nil {
			return err
		}
		m.Payload = t.pbuf
	}
	if len(t.user) > 0 {
		p := base.Clone()
		for i, ut := range t.user {
			k, err := ut.key.Append(nil, n)
			if err != nil {
				return err
			}
			v, err := ut.value.Append(nil, n)
			if err != nil {
				return err
			}
			p.User[i] = message.UserProperty{Key: string(k), Value: string(v)}
		}
		m.Props = p
	}
	return nil
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
