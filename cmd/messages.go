package cmd

import "fmt"

// msgID names a message the commands print. The wording lives in tables below, one place for all of a
// command's usage and error messages, so that mosquitto's exact wording can be put in their place when
// mqtt runs under a mosquitto program's name.
type msgID int

const (
	errUnknownOption msgID = iota
	errMissingArg
	errExtraArg
	errQoS
	errPort
	errKeepAlive
	errVersion
	errSessionExpiry
	errWillQoS
	errWillPayloadNoTopic
	errWillRetainNoTopic
	errWillTopic
	errURLScheme
	errURLTopic
	errURLPort
	errCertKey
	errCleanSessionID
	errIDAndPrefix
	errEmptyID
	errNotSupported
	errProperty
	errPropertyV5
	errTLSVersion
	errPubTopic
	errPubTopicAndMessage
	errPubOneMode
	errPubRepeat
	errPubRepeatDelay
	errPubMaxInflight
	errPubFile
	errSubTopic
	errSubFilter
	errSubFilterOut
	errSubUnsubscribe
	errSubCount
	errSubTimeout
	errSubRandomFilter
	errSubFormat
	errRRTopics
	errRRResponseTopic
	errRRCorrelate
	errConnectRefused
	errUnacked
	errTimedOut
	errSubDenied
	errWatchNoTerminal
	errOptionsFile
	errPasswordNoUser
	errZeroInput
	errPubOption
	errLinesSkipped
	errTopicEmpty
	errTopicTooLong
	errTopicUTF8
	errCertNoTLS
	errPubFileTooLarge
	errPubStdinTooLarge
	errPubLineTooLarge
	errUnknownOptionMeant
	errOptionBeforeCommand
	errUnknownCommand
	errUnknownCommandMeant
)

// mqttText is the wording of `mqtt pub|sub|rr`: mosquitto's where it was clear, with the next step where
// it was not.
var mqttText = map[msgID]string{
	errUnknownOption:      "Unknown option '%s'.",
	errMissingArg:         "%s argument given but no %s specified.",
	errExtraArg:           "Unexpected argument '%s': every value belongs to an option (quote values with spaces).",
	errQoS:                "Invalid QoS given: %s (use 0, 1 or 2).",
	errPort:               "Invalid port given: %s (use 1 to 65535).",
	errKeepAlive:          "Invalid keepalive given: %s (use 0, or 5 to 65535 seconds).",
	errVersion:            "Invalid protocol version argument given: %s (use 31, 311 or 5).",
	errSessionExpiry:      "Invalid session expiry interval given: %s (seconds, or -1 for never).",
	errWillQoS:            "Invalid will QoS %s (use 0, 1 or 2).",
	errWillPayloadNoTopic: "Will payload given, but no will topic given.",
	errWillRetainNoTopic:  "Will retain given, but no will topic given.",
	errWillTopic:          "Invalid will topic '%s', does it contain '+' or '#'?",
	errURLScheme:          "Unsupported URL scheme in '%s' (use mqtt://, mqtts://, ws:// or wss://).",
	errURLTopic:           "Invalid URL for -L argument specified - topic missing.",
	errURLPort:            "Invalid port in URL '%s'.",
	errCertKey:            "Both certfile and keyfile must be provided if one of them is set.",
	errCleanSessionID:     "You must provide a client id if you are using the -c option.",
	errIDAndPrefix:        "-i and -I argument cannot be used together.",
	errEmptyID:            "Client id given but it is empty (omit -i for a random one).",
	errNotSupported:       "%s is not supported by mqtt: %s.",
	errProperty:           "%s",
	errPropertyV5:         "Properties (-D) need MQTT 5: add -V 5.",
	errTLSVersion:         "Unsupported TLS version '%s' (use tlsv1.3, tlsv1.2 or tlsv1.1).",
	errPubTopic:           "Invalid publish topic '%s', does it contain '+' or '#'?",
	errPubTopicAndMessage: "Both topic and message must be supplied.",
	errPubOneMode:         "Only one type of message can be sent at once (-m, -f, -s, -l or -n).",
	errPubRepeat:          "--repeat argument must be 0 (for ever) or greater.",
	errPubRepeatDelay:     "--repeat-delay argument must be 0 or greater.",
	errPubMaxInflight:     "Maximum inflight messages must be greater than 0.",
	errPubFile:            "Unable to read file \"%s\": %v.",
	errSubTopic:           "You must specify a topic to subscribe to (-t) or unsubscribe from (-U).",
	errSubFilter:          "Invalid subscription topic '%s', are all '+' and '#' wildcards correct?",
	errSubFilterOut:       "Invalid filter topic '%s', are all '+' and '#' wildcards correct?",
	errSubUnsubscribe:     "Invalid unsubscribe topic '%s', are all '+' and '#' wildcards correct?",
	errSubCount:           "Invalid message count \"%s\" (use 1 or more).",
	errSubTimeout:         "Invalid timeout \"%s\" (use 1 or more seconds).",
	errSubRandomFilter:    "Invalid --random-filter \"%s\" (use a percentage from 0.1 to 100).",
	errSubFormat:          "%s",
	errRRTopics:           "All of topic, message, and response topic must be supplied.",
	errRRResponseTopic:    "Invalid response topic '%s', does it contain '+' or '#'?",
	errRRCorrelate:        "--correlate needs MQTT 5 (correlation data is a v5 property).",
	errConnectRefused:     "Connection error: %s",
	errUnacked:            "%d of %d messages were not acknowledged by the broker%s.",
	errTimedOut:           "Timed out",
	errSubDenied:          "All subscription requests were denied.",
	errOptionsFile:        "%s",
	errWatchNoTerminal:    "mqtt watch draws on a terminal, and stdout is not one: use mqtt sub to print messages to a pipe or a file.",
	errPasswordNoUser:     "A password (-P) needs a username (-u) on MQTT 3.1 and 3.1.1.",
	errZeroInput:          "Zero length input.",
	errPubOption:          "%s",
	errLinesSkipped:       "%d of %d lines were not published (%s).",
	errTopicEmpty:         "Invalid %s topic '': a topic cannot be empty.",
	errTopicTooLong:       "Invalid %s topic (%d bytes): a topic can be at most 65535 bytes.",
	errTopicUTF8:          "Malformed UTF-8 in %s argument: %s at byte %d.",
	errCertNoTLS:          "--cert and --key need TLS: add --cafile, --capath or --tls-use-os-certs, or use an mqtts:// or wss:// URL.",

	// mosquitto's words; the limit is the most one MQTT packet can carry.
	errPubFileTooLarge:  "File must be less than 268435455 bytes: \"%s\" is longer.",
	errPubStdinTooLarge: "Message length must be less than 268435455 bytes: stdin gave more.",
	errPubLineTooLarge:  "Message length must be less than 268435455 bytes: a line of stdin is longer.",

	errUnknownOptionMeant: "Unknown option '%s': did you mean '%s'?",
	// `mqtt -p 1 pub`: the program's options are only --help and --version.
	errOptionBeforeCommand: "Unknown option '%s': options go after the command, as in '%s ...'.",
	errUnknownCommand:      "Unknown command '%s'.",
	errUnknownCommandMeant: "Unknown command '%s': did you mean '%s'?",
}

// problem is a message with its arguments, worded when it is printed.
type problem struct {
	id    msgID
	args  []any
	usage bool // followed by a hint to read --help
	// note says where options not on the command line came from, when they did.
	note string
}

func (p *problem) text(table map[msgID]string) string {
	return fmt.Sprintf(table[p.id], p.args...)
}

func (p *problem) Error() string { return p.text(mqttText) }

func usageErr(id msgID, args ...any) *problem { return &problem{id: id, args: args, usage: true} }
