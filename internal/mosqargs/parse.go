package mosqargs

import (
	"errors"
	"fmt"

	"mqtt/internal/topic"
)

// failKind is what client_config_line_proc returns: 1 for an error, 2 for --help, 3 for --version.
type failKind int

const (
	failError failKind = iota
	failHelp
	failVersion
)

// failure ends the parse. text is printed on stderr unless quiet applies (err_printf under --quiet).
type failure struct {
	kind    failKind
	text    string
	printed bool // err_printf: --quiet, if already given, silences the text
}

func failText(msg string) *failure { return &failure{text: msg} }

func failMsg(id msgID, args ...any) *failure {
	return failText(fmt.Sprintf(text(id), args...))
}

// failQuietText and failQuietMsg are for err_printf messages, which an earlier --quiet silences.
func failQuietText(msg string) *failure { return &failure{text: msg, printed: true} }

func failQuietMsg(id msgID, args ...any) *failure {
	return failQuietText(fmt.Sprintf(text(id), args...))
}

// parser carries mosquitto's state across the options file and the command line, which count as one
// stream: -i in the file conflicts with -I on the command line.
type parser struct {
	p   Program
	cfg *Config
	// hostGiven: mosquitto defaults the host only when none was given, so -h "" stays empty.
	hostGiven bool
}

// lineProc is client_config_line_proc over args without argv[0]: strictly left to right, the first
// failing option stops everything.
func (ps *parser) lineProc(args []string) *failure {
	for i := 0; i < len(args); i++ {
		opt := lookupOption(args[i])
		if opt == nil || !opt.progs.has(ps.p) {
			return failMsg(msgUnknownOption, args[i])
		}
		if opt.conflict != nil {
			if f := opt.conflict(ps); f != nil {
				return f
			}
		}
		switch {
		case opt.words != nil:
			n, f := opt.words(ps, args[i+1:])
			if f != nil {
				return f
			}
			i += n
		case !opt.value:
			if f := opt.set(ps, ""); f != nil {
				return f
			}
		case i == len(args)-1:
			return failText(missingValue[opt.names[0]])
		default:
			if f := opt.set(ps, args[i+1]); f != nil {
				return f
			}
			i++
		}
	}
	return nil
}

// checkTopic is cfg_add_topic's checks, and those of -T, -U and --will-topic: UTF-8 first, then the
// wildcard and length rules of the option. An empty topic passes, as in mosquitto.
func (ps *parser) checkTopic(option, value string) *failure {
	t := topic.Messages[topic.Arg{Program: ps.p.Name(), Option: option}]
	var err error
	if t.Filter {
		err = topic.ValidateFilter(value)
	} else {
		err = topic.ValidatePublish(value)
	}
	switch {
	case err == nil || errors.Is(err, topic.ErrEmpty):
		return nil
	case errors.Is(err, topic.ErrMalformedUTF8):
		return failText(t.UTF8)
	}
	return failText(fmt.Sprintf(t.Invalid, value))
}

// addTopic is cfg_add_topic for -t and -L: pub and rr keep the last topic, sub adds them up.
func (ps *parser) addTopic(option, value string) *failure {
	if f := ps.checkTopic(option, value); f != nil {
		return f
	}
	if ps.p == Sub {
		ps.cfg.Topics = append(ps.cfg.Topics, value)
	} else {
		ps.cfg.Topic = ptr(value)
	}
	return nil
}

func ptr(s string) *string { return &s }
