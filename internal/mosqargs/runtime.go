package mosqargs

// RuntimeRows are the messages the golden rows show after a successful Load, from client_connect: the
// caller prints them (through err_printf, so not under --quiet) and exits 1. The argument patterns say
// which Config leads to which; see also the Config doc comment.
var RuntimeRows = []struct{ When, Stderr string }{
	{"TCP connect refused (every -p 1 row)", "Error: Connection refused\n"},
	{"unix socket missing: --unix PATH, -p 0, -p abc, -L mqtt://host:/t", "Error: No such file or directory\n"},
	{"host does not resolve: -h \"\", -L mqtt:///t, -L mqtt://:1/t", "Unable to connect (Lookup error.).\n"},
	{"port above 65535 from -L, or --unix \"\"", "Unable to connect (Invalid function arguments provided.).\n"},
	{"CONNECT properties (-D connect, -x) with ProtocolVersion 3 or 4", "Unable to connect (This feature is not supported.).\n"},
}
