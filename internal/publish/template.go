package publish

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"mqtt/internal/gen"
	"mqtt/internal/message"
	"mqtt/internal/topic"
)

// Texts are what a Template renders, each named for where it came from: the name starts its errors
// ("template NAME at column 3: ..."). A Text with no Name is not a template.
type Texts struct {
	Topic   Text
	Payload Text
	// EachLine, when not empty, makes the payload of every message a template of its own (the lines
	// of the input), compiled as it comes and named EachLine + " (message N)".
	EachLine string
	User     []UserText // templates of the v5 user properties of Base, in order
}

// Text is one template and its name.
type Text struct{ Name, Text string }

// UserText is the name and the value of one user property.
type UserText struct{ Key, Value Text }

// Template renders the topic, the payload and the v5 user properties of each message from text/template
// texts (internal/gen), compiled once: a Renderer for Options.Render.
type Template struct {
	topic, payload *gen.Template
	topicName      string
	user           []userTemplate
	eachLine       string
	base           *message.Properties // the properties the user templates fill in
	env            gen.Env
	at             time.Time // the instant of the message being rendered, the same in every part
	buf, pbuf      []byte
}

type userTemplate struct{ key, value *gen.Template }

// CompileTemplate compiles t for messages with the properties base. env gives the random source, the
// environment and the stop channel (its Now is the template's own: every part of a message shows one
// instant).
func CompileTemplate(t Texts, base *message.Properties, env gen.Env) (*Template, error) {
	tm := &Template{eachLine: t.EachLine, base: base, topicName: t.Topic.Name}
	env.Now = func() time.Time { return tm.at }
	tm.env = env
	short := env
	short.MaxSize = topic.MaxLen
	var err error
	if t.Topic.Name != "" {
		if tm.topic, err = gen.Compile(t.Topic.Name, t.Topic.Text, short); err != nil {
			return nil, err
		}
	}
	if t.Payload.Name != "" {
		if err = tm.CompilePayload(t.Payload.Name, []byte(t.Payload.Text)); err != nil {
			return nil, err
		}
	}
	for _, u := range t.User {
		var ut userTemplate
		if ut.key, err = gen.Compile(u.Key.Name, u.Key.Text, short); err != nil {
			return nil, err
		}
		if ut.value, err = gen.Compile(u.Value.Name, u.Value.Text, short); err != nil {
			return nil, err
		}
		tm.user = append(tm.user, ut)
	}
	return tm, nil
}

// CompilePayload makes body, known only once it is read (a file, the input), the payload template.
func (t *Template) CompilePayload(name string, body []byte) (err error) {
	t.payload, err = gen.Compile(name, string(body), t.env)
	return err
}

// LineError is a line of input that does not compile as a template.
type LineError struct{ Err error }

func (e *LineError) Error() string { return e.Err.Error() }
func (e *LineError) Unwrap() error { return e.Err }

// Render fills m for message n (from 1).
func (t *Template) Render(m *message.Message, n uint64) error {
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
			return fmt.Errorf("template %s gave %q for message %d, which is not a topic to publish to", t.topicName, m.Topic, n)
		}
	}
	payload := t.payload
	if t.eachLine != "" {
		if payload, err = gen.Compile(t.eachLine+" (message "+strconv.FormatUint(n, 10)+")", string(m.Payload), t.env); err != nil {
			if errors.Is(err, gen.ErrStopped) {
				return err
			}
			return &LineError{err}
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
		p := t.base.Clone()
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
