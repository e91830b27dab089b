package cmd

import (
	"fmt"
	"math/rand/v2"
	"time"

	"mqtt/internal/gen"
	"mqtt/internal/message"
	"mqtt/internal/topic"
)

// templates are pub's --template texts, compiled once and rendered for each message: the topic, the
// payload (unless it comes from -l, -f, -s or --size) and the v5 user properties.
type templates struct {
	topic, payload *gen.Template
	user           []userTemplate // every -D publish user-property, in order
	at             time.Time      // the instant of the message being rendered, the same in every part
	buf, pbuf      []byte
}

type userTemplate struct{ key, value *gen.Template }

// compileTemplates compiles what --template applies to; rnd also draws --size payloads, so --seed
// makes a whole run repeatable.
func compileTemplates(o *pubOptions, rnd *rand.Rand, getenv func(string) (string, bool)) (*templates, error) {
	t := &templates{}
	env := gen.SystemEnv()
	env.Rand, env.Lookup = rnd, getenv
	env.Now = func() time.Time { return t.at }
	var err error
	topicEnv := env
	topicEnv.MaxSize = 65535
	if t.topic, err = gen.Compile("-t", o.Topic, topicEnv); err != nil {
		return nil, err
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

// render fills m for message n. The payload is rendered only when it came from -m.
func (t *templates) render(m *message.Message, n uint64, base *message.Properties) error {
	t.at = time.Now()
	var err error
	if t.buf, err = t.topic.Append(t.buf[:0], n); err != nil {
		return err
	}
	if string(t.buf) != m.Topic {
		m.Topic = string(t.buf)
	}
	if err := topic.ValidatePublish(m.Topic); err != nil {
		return fmt.Errorf("template -t gave %q for message %d, which is not a topic to publish to", m.Topic, n)
	}
	if t.payload != nil {
		// Publish copies the payload before it returns, so one buffer serves every message.
		if t.pbuf, err = t.payload.Append(t.pbuf[:0], n); err != nil {
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
	return `With --template, {{...}} in -m, -t and the values of -D publish user-property is expanded for each
message with Go's text/template (https://pkg.go.dev/text/template). For example:

  mqtt pub -t Long-Home/Küche/Temperatur --template -m 'Temperature = {{randInt -20 40}}' \
      --repeat 0 --repeat-delay 5

publishes a random temperature every 5 seconds until interrupted (--repeat 0 is for ever). --seed N makes
the random functions repeatable.

` + gen.Help()
}
