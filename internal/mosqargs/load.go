package mosqargs

import (
	"fmt"
	"io"

	"mqtt/internal/payload"
)

// Exit is a run that ends while mosquitto is still reading its arguments or setting up the client, before
// any connection: what to write on stdout and stderr, byte for byte, and the exit status (always 1 in
// 2.0.11, --help and --version included).
type Exit struct {
	Code           int
	Stdout, Stderr []byte
	// Asked is set for --help and --version: the text was asked for, not printed after a mistake.
	Asked bool
}

// Load does what the three mosquitto clients do from main() up to client_connect: client_config_load
// (the default-options file, the command line, the post-parse checks), then each program's own checks
// (pub reads -f or -s input here), mosquitto_new's refusals and client_opts_set's. args excludes argv[0].
// env looks up XDG_CONFIG_HOME and HOME; readFile reads the options file, -f files and the TLS files
// whose presence mosquitto checks (when nil, os.ReadFile up to the largest MQTT payload and one byte, so
// that -f /dev/zero ends with mosquitto's "File must be less than" rather than all memory used); stdin is
// read for pub -s only, up to the same limit.
//
// A nil Exit means the caller connects with the Config (see Config for what it must do then).
func Load(p Program, args []string, env func(string) string, readFile func(string) ([]byte, error), stdin io.Reader) (*Config, *Exit) {
	if readFile == nil {
		readFile = func(name string) ([]byte, error) { return payload.ReadFile(name, maxPayload) }
	}
	ps := &parser{p: p, cfg: newConfig(p)}
	if f := ps.configLoad(args, env, readFile); f != nil {
		return nil, ps.configExit(f)
	}
	s := &setup{ps: ps, readFile: readFile, stdin: stdin}
	if e := s.run(); e != nil {
		return nil, e
	}
	return ps.cfg, nil
}

// configLoad is client_config_load.
func (ps *parser) configLoad(args []string, env func(string) string, readFile func(string) ([]byte, error)) *failure {
	if path, ok := optionsFilePath(ps.p, env); ok {
		// A missing or unreadable file is silently skipped, as fopen failing is.
		if data, err := readFile(path); err == nil {
			for _, line := range optionLines(data) {
				if f := ps.lineProc(line); f != nil {
					return f
				}
			}
		}
	}
	if f := ps.lineProc(args); f != nil {
		return f
	}
	return ps.postParse()
}

// configExit is what main does when client_config_load fails: usage or version on stdout, or the
// message and the usage hint on stderr; exit 1 in every case.
func (ps *parser) configExit(f *failure) *Exit {
	e := &Exit{Code: 1}
	switch f.kind {
	case failHelp:
		e.Stdout, e.Asked = []byte(Usage(ps.p)), true
	case failVersion:
		e.Stdout, e.Asked = []byte(Version(ps.p)), true
	default:
		e.Stderr = []byte(ps.visible(f) + fmt.Sprintf(text(msgUseHelp), ps.p.Name()))
	}
	return e
}

// visible is f's text as printed: err_printf ones vanish under --quiet.
func (ps *parser) visible(f *failure) string {
	if f.printed && ps.cfg.Quiet {
		return ""
	}
	return f.text
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
