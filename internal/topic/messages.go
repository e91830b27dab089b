package topic

// What mosquitto 2.0.11's clients print when they refuse a topic or filter argument, collected from
// client/client_shared.c and checked against the installed programs (mosquitto_pub -p 1 ...). The
// caller prints them word for word: mosquitto checks UTF-8 first, so print UTF8 when
// errors.Is(err, ErrMalformedUTF8) and Invalid (a format taking the argument) for any other error.
// Every refusal exits 1 and is followed on stderr by UsageHint.

// Arg is one topic-taking option of one program, spelled as the user may give it.
type Arg struct {
	Program, Option string
}

// Texts is how one option is checked and what is printed when the check fails.
type Texts struct {
	// Filter is true where ValidateFilter applies, false where ValidatePublish does.
	Filter bool
	// UTF8 is printed as it is: mosquitto names the option by a fixed spelling (-t for --topic too).
	UTF8 string
	// Invalid is a printf format for the argument, for ErrWildcard, ErrBadWildcard and ErrTooLong.
	Invalid string
}

// UsageHint follows every argument error, %s being the program name.
const UsageHint = "\nUse '%s --help' to see usage.\n"

const (
	invalidPublish      = "Error: Invalid publish topic '%s', does it contain '+' or '#'?\n"
	invalidResponse     = "Error: Invalid response topic '%s', does it contain '+' or '#'?\n"
	invalidWill         = "Error: Invalid will topic '%s', does it contain '+' or '#'?\n"
	invalidSubscription = "Error: Invalid subscription topic '%s', are all '+' and '#' wildcards correct?\n"
	invalidFilterOut    = "Error: Invalid filter topic '%s', are all '+' and '#' wildcards correct?\n"
	invalidUnsubscribe  = "Error: Invalid unsubscribe topic '%s', are all '+' and '#' wildcards correct?\n"

	utf8T    = "Error: Malformed UTF-8 in -t argument.\n\n"
	utf8L    = "Error: Malformed UTF-8 in -L topic argument.\n\n"
	utf8E    = "Error: Malformed UTF-8 in -e argument.\n\n"
	utf8CapT = "Error: Malformed UTF-8 in -T argument.\n\n"
	utf8U    = "Error: Malformed UTF-8 in -U argument.\n\n"
	utf8Will = "Error: Malformed UTF-8 in --will-topic argument.\n\n"
)

// Messages maps each program's topic options to their texts. -T and -U exist only in mosquitto_sub, -e
// only in mosquitto_rr (no long form); the topic of -L/--url is the URL's path after the first '/'.
var Messages = map[Arg]Texts{
	{"mosquitto_pub", "-t"}:           {UTF8: utf8T, Invalid: invalidPublish},
	{"mosquitto_pub", "--topic"}:      {UTF8: utf8T, Invalid: invalidPublish},
	{"mosquitto_pub", "-L"}:           {UTF8: utf8L, Invalid: invalidPublish},
	{"mosquitto_pub", "--url"}:        {UTF8: utf8L, Invalid: invalidPublish},
	{"mosquitto_pub", "--will-topic"}: {UTF8: utf8Will, Invalid: invalidWill},

	{"mosquitto_rr", "-t"}:           {UTF8: utf8T, Invalid: invalidPublish},
	{"mosquitto_rr", "--topic"}:      {UTF8: utf8T, Invalid: invalidPublish},
	{"mosquitto_rr", "-L"}:           {UTF8: utf8L, Invalid: invalidPublish},
	{"mosquitto_rr", "--url"}:        {UTF8: utf8L, Invalid: invalidPublish},
	{"mosquitto_rr", "-e"}:           {UTF8: utf8E, Invalid: invalidResponse},
	{"mosquitto_rr", "--will-topic"}: {UTF8: utf8Will, Invalid: invalidWill},

	{"mosquitto_sub", "-t"}:            {Filter: true, UTF8: utf8T, Invalid: invalidSubscription},
	{"mosquitto_sub", "--topic"}:       {Filter: true, UTF8: utf8T, Invalid: invalidSubscription},
	{"mosquitto_sub", "-L"}:            {Filter: true, UTF8: utf8L, Invalid: invalidSubscription},
	{"mosquitto_sub", "--url"}:         {Filter: true, UTF8: utf8L, Invalid: invalidSubscription},
	{"mosquitto_sub", "-T"}:            {Filter: true, UTF8: utf8CapT, Invalid: invalidFilterOut},
	{"mosquitto_sub", "--filter-out"}:  {Filter: true, UTF8: utf8CapT, Invalid: invalidFilterOut},
	{"mosquitto_sub", "-U"}:            {Filter: true, UTF8: utf8U, Invalid: invalidUnsubscribe},
	{"mosquitto_sub", "--unsubscribe"}: {Filter: true, UTF8: utf8U, Invalid: invalidUnsubscribe},
	{"mosquitto_sub", "--will-topic"}:  {UTF8: utf8Will, Invalid: invalidWill},
}

// ErrEmpty is where mosquitto differs: it refuses no empty topic while parsing (seen against a broker):
//   - mosquitto_pub with an empty -t connects, prints PubInvalidInput (not under --quiet), disconnects and
//     exits 0; with -D publish topic-alias N the empty topic is legal MQTT 5 and is sent;
//   - mosquitto_sub with an empty -t subscribes to nothing and waits (exit 27 under -W); an empty -U or -T
//     is accepted;
//   - mosquitto_rr with an empty -t prints RRInvalidArguments and exits 3; with an empty -e it exits 0
//     at once, printing nothing;
//   - an empty --will-topic is sent, and the broker drops the connection: "Error: The connection was
//     lost.", exit 7.
const (
	PubInvalidInput    = "Error: Invalid input. Does your topic contain '+' or '#'?\n"
	RRInvalidArguments = "Error: Invalid function arguments provided.\n"
)
