package mosqargs

// Every text the three programs print while reading their arguments, word for word from 2.0.11
// (client/client_shared.c, pub_client.c, sub_client.c, rr_client.c, pub_shared.c) and checked against the
// golden rows. Trailing newlines matter: main adds "\nUse ..." after most of them, so a message ending in
// "\n\n" leaves two blank lines before that hint and one ending in "\n" leaves one. Topic texts live in
// mqtt/internal/topic and property texts in mqtt/internal/property, which print them the same way.

type msgID int

const (
	msgUnknownOption msgID = iota
	msgUseHelp
	msgVersion
	msgOnlyOneMessage
	msgIDAndPrefix
	msgInvalidCount
	msgInvalidKeepalive
	msgInvalidMaxInflight
	msgInvalidPort
	msgInvalidQoS
	msgRandomFilter
	msgRepeat
	msgRepeatDelay
	msgInvalidVersion
	msgInvalidTimeout
	msgInvalidWillQoS
	msgExpiryNotNumber
	msgExpiryRange
	msgMessageTooLong
	msgURLScheme
	msgURLNoTopic
	msgProxyProtocol
	msgProxyInvalid
	msgProxyPort
	msgFormatIncomplete
	msgFormatInvalid
	msgEscapeIncomplete
	msgEscapeInvalid

	msgWillPayloadNoTopic
	msgWillRetainNoTopic
	msgCertAndKey
	msgKeyformNoKey
	msgKpassNeeds
	msgPSKAndCA
	msgPSKIdentity
	msgInfiniteNoID
	msgCleanNoID
	msgSubNoTopic

	msgStdinZero
	msgStdinTooLong
	msgStdinLoad
	msgFileOpen
	msgFileTooLong
	msgFileLoad
	msgPubBothNeeded
	msgSubRetainedOnly
	msgRRAllNeeded
	msgInvalidID
	msgSetWill
	msgSetUserPass
	msgTLSFileNotFound
	msgTLSPSK
	msgTLSEngine
	msgTLSKeyform
	msgTLSKpass
	msgTLSOpts
)

// messages holds the texts shared by all three programs; perProgram the few that differ.
var messages = map[msgID]string{
	msgUnknownOption:      "Error: Unknown option '%s'.\n",
	msgUseHelp:            "\nUse '%s --help' to see usage.\n",
	msgVersion:            "%s version 2.0.11 running on libmosquitto 2.0.11.\n",
	msgOnlyOneMessage:     "Error: Only one type of message can be sent at once.\n\n",
	msgIDAndPrefix:        "Error: -i and -I argument cannot be used together.\n\n",
	msgInvalidCount:       "Error: Invalid message count \"%d\".\n\n",
	msgInvalidKeepalive:   "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n\n",
	msgInvalidMaxInflight: "Error: Maximum inflight messages must be greater than 0.\n\n",
	msgInvalidPort:        "Error: Invalid port given: %d\n",
	msgInvalidQoS:         "Error: Invalid QoS given: %d\n",
	msgRandomFilter:       "Error: --random-filter chance must be between 0.1-100.0\n\n",
	msgRepeat:             "Error: --repeat argument must be >0.\n\n",
	msgRepeatDelay:        "Error: --repeat-delay argument must be >=0.0.\n\n",
	msgInvalidVersion:     "Error: Invalid protocol version argument given.\n\n",
	msgInvalidTimeout:     "Error: Invalid timeout \"%d\".\n\n",
	msgInvalidWillQoS:     "Error: Invalid will QoS %d.\n\n",
	msgExpiryNotNumber:    "Error: session-expiry-interval not a number.\n\n",
	msgExpiryRange:        "Error: session-expiry-interval out of range.\n\n",
	msgMessageTooLong:     "Error: Message length must be less than 268435455 bytes.\n\n",
	msgURLScheme:          "Error: unsupported URL scheme.\n\n",
	msgURLNoTopic:         "Error: Invalid URL for -L argument specified - topic missing.\n",
	msgProxyProtocol:      "Error: Unsupported proxy protocol: %s\n",
	msgProxyInvalid:       "Error: Invalid proxy.\n",
	msgProxyPort:          "Error: Invalid proxy port %d\n",
	msgFormatIncomplete:   "Error: Incomplete format specifier.\n",
	// %s, not C's %c, takes the offending byte as a one-byte string, so bytes past 0x7f stay raw.
	msgFormatInvalid:    "Error: Invalid format specifier '%s'.\n",
	msgEscapeIncomplete: "Error: Incomplete escape specifier.\n",
	msgEscapeInvalid:    "Error: Invalid escape specifier '%s'.\n",

	msgWillPayloadNoTopic: "Error: Will payload given, but no will topic given.\n",
	msgWillRetainNoTopic:  "Error: Will retain given, but no will topic given.\n",
	msgCertAndKey:         "Error: Both certfile and keyfile must be provided if one of them is set.\n",
	msgKeyformNoKey:       "Error: If keyform is set, keyfile must be also specified.\n",
	msgKpassNeeds:         "Error: when using tls-engine-kpass-sha1, both tls-engine and keyform must also be provided.\n",
	msgPSKAndCA:           "Error: Only one of --psk or --cafile/--capath may be used at once.\n",
	msgPSKIdentity:        "Error: --psk-identity required if --psk used.\n",
	msgInfiniteNoID:       "Error: You must provide a client id if you are using an infinite session expiry interval.\n",
	msgCleanNoID:          "Error: You must provide a client id if you are using the -c option.\n",
	msgSubNoTopic:         "Error: You must specify a topic to subscribe to.\n",

	msgStdinZero:       "Error: Zero length input.\n",
	msgStdinTooLong:    "Error: Message length must be less than 268435455 bytes.\n\n",
	msgStdinLoad:       "Error loading input from stdin.\n",
	msgFileOpen:        "Error: Unable to open file \"%s\".\n",
	msgFileTooLong:     "Error: File must be less than 268435455 bytes.\n\n",
	msgFileLoad:        "Error loading input file \"%s\".\n",
	msgPubBothNeeded:   "Error: Both topic and message must be supplied.\n",
	msgSubRetainedOnly: "\nError: Combining '-R' and '--retained-only' makes no sense.\n",
	msgRRAllNeeded:     "Error: All of topic, message, and response topic must be supplied.\n",
	msgSetWill:         "Error: Problem setting will.\n",
	msgSetUserPass:     "Error: Problem setting username and/or password.\n",
	msgTLSFileNotFound: "Error: Problem setting TLS options: File not found.\n",
	msgTLSPSK:          "Error: Problem setting TLS-PSK options.\n",
	msgTLSEngine:       "Error: Problem setting TLS engine, is %s a valid engine?\n",
	msgTLSKeyform:      "Error: Problem setting key form, it must be one of 'pem' or 'engine'.\n",
	msgTLSKpass:        "Error: Problem setting TLS engine key pass sha, is it a 40 character hex string?\n",
	msgTLSOpts:         "Error: Problem setting TLS options, check the options are valid.\n",
}

var perProgram = map[msgID][3]string{
	// mosquitto_new fails for an empty id or a kept session without one; pub words it alone.
	msgInvalidID: {
		Pub: "Error: Invalid id.\n",
		Sub: "Error: Invalid id and/or clean_session.\n",
		RR:  "Error: Invalid id and/or clean_session.\n",
	},
}

// missingValue is printed when an option that takes a value is the last word (of the command line, or
// of its line in the options file). Keyed by the option's first spelling in the option table.
var missingValue = map[string]string{
	"-A":                      "Error: -A argument given but no address specified.\n\n",
	"--cafile":                "Error: --cafile argument given but no file specified.\n\n",
	"--capath":                "Error: --capath argument given but no directory specified.\n\n",
	"--cert":                  "Error: --cert argument given but no file specified.\n\n",
	"--ciphers":               "Error: --ciphers argument given but no ciphers specified.\n\n",
	"-C":                      "Error: -C argument given but no count specified.\n\n",
	"-e":                      "Error: -e argument given but no response topic specified.\n\n",
	"-f":                      "Error: -f argument given but no file specified.\n\n",
	"-F":                      "Error: -F argument given but no format specified.\n\n",
	"-h":                      "Error: -h argument given but no host specified.\n\n",
	"-i":                      "Error: -i argument given but no id specified.\n\n",
	"-I":                      "Error: -I argument given but no id prefix specified.\n\n",
	"-k":                      "Error: -k argument given but no keepalive specified.\n\n",
	"--key":                   "Error: --key argument given but no file specified.\n\n",
	"--keyform":               "Error: --keyform argument given but no keyform specified.\n\n",
	"-L":                      "Error: -L argument given but no URL specified.\n\n",
	"-m":                      "Error: -m argument given but no message specified.\n\n",
	"-M":                      "Error: -M argument given but max_inflight not specified.\n\n",
	"-p":                      "Error: -p argument given but no port specified.\n\n",
	"-P":                      "Error: -P argument given but no password specified.\n\n",
	"--proxy":                 "Error: --proxy argument given but no proxy url specified.\n\n",
	"--psk":                   "Error: --psk argument given but no key specified.\n\n",
	"--psk-identity":          "Error: --psk-identity argument given but no identity specified.\n\n",
	"-q":                      "Error: -q argument given but no QoS specified.\n\n",
	"--random-filter":         "Error: --random-filter argument given but no chance specified.\n\n",
	"--repeat":                "Error: --repeat argument given but no count specified.\n\n",
	"--repeat-delay":          "Error: --repeat-delay argument given but no time specified.\n\n",
	"-t":                      "Error: -t argument given but no topic specified.\n\n",
	"-T":                      "Error: -T argument given but no topic filter specified.\n\n",
	"--tls-alpn":              "Error: --tls-alpn argument given but no protocol specified.\n\n",
	"--tls-engine":            "Error: --tls-engine argument given but no engine_id specified.\n\n",
	"--tls-engine-kpass-sha1": "Error: --tls-engine-kpass-sha1 argument given but no kpass sha1 specified.\n\n",
	"--tls-version":           "Error: --tls-version argument given but no version specified.\n\n",
	"-U":                      "Error: -U argument given but no unsubscribe topic specified.\n\n",
	"-u":                      "Error: -u argument given but no username specified.\n\n",
	"--unix":                  "Error: --unix argument given but no socket path specified.\n\n",
	"-V":                      "Error: --protocol-version argument given but no version specified.\n\n",
	"-W":                      "Error: -W argument given but no timeout specified.\n\n",
	"--will-payload":          "Error: --will-payload argument given but no will payload specified.\n\n",
	"--will-qos":              "Error: --will-qos argument given but no will QoS specified.\n\n",
	"--will-topic":            "Error: --will-topic argument given but no will topic specified.\n\n",
	"-x":                      "Error: -x argument given but no session expiry interval specified.\n\n",
}

func text(id msgID) string { return messages[id] }

func programText(p Program, id msgID) string { return perProgram[id][p] }
