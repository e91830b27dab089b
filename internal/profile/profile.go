// Package profile reads and writes mqtt's configuration file: named profiles, each a set of connection
// options by their long flag names, and which profile is the default. It knows nothing of flags: the
// caller says which keys exist.
package profile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

// Profile is one profile's options: long flag name -> value, as text. TOML numbers and booleans are
// read as their decimal and true/false spelling, so every value reaches the flag parser as a flag would.
type Profile map[string]string

// File is the configuration file, parsed.
type File struct {
	Path     string
	Default  string
	Profiles map[string]Profile
}

// Path is where the file lives: $XDG_CONFIG_HOME/mqtt/config.toml, else ~/.config/mqtt/config.toml. As
// for mosquitto's options files, an empty variable counts as unset.
func Path(getenv func(string) string) (string, error) {
	if xdg := getenv("XDG_CONFIG_HOME"); xdg != "" {
		return filepath.Join(xdg, "mqtt", "config.toml"), nil
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".config", "mqtt", "config.toml"), nil
	}
	return "", errors.New("cannot tell where the profiles file is: set HOME or XDG_CONFIG_HOME")
}

// Load reads the file at path. A file that does not exist is an empty one, so that a machine without
// profiles behaves as if the feature were not there.
func Load(path string, readFile func(string) ([]byte, error), isKey func(string) bool) (*File, error) {
	data, err := readFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &File{Path: path, Profiles: map[string]Profile{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the profiles file: %w", err)
	}
	return Parse(path, data, isKey)
}

// document is the file's layout.
type document struct {
	Default  string                    `toml:"default,omitempty"`
	Profiles map[string]map[string]any `toml:"profiles"`
}

// Parse reads data, the contents of the file at path; isKey says which option names a profile may hold.
func Parse(path string, data []byte, isKey func(string) bool) (*File, error) {
	var doc document
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		return nil, syntaxError(path, err)
	}
	if extra := md.Undecoded(); len(extra) > 0 {
		// Keys inside profiles are decoded into the map; only top-level strays are left over.
		return nil, fmt.Errorf("%s: unknown key %q: the file holds \"default\" and [profiles.NAME] tables", path, extra[0].String())
	}
	f := &File{Path: path, Default: doc.Default, Profiles: map[string]Profile{}}
	for name, opts := range doc.Profiles {
		p := Profile{}
		for key, v := range opts {
			if !isKey(key) {
				return nil, fmt.Errorf("%s: profile %q: unknown key %q: use a connection option's long name (host, port, username, password-file, cafile, ...)", path, name, key)
			}
			text, ok := valueText(v)
			if !ok {
				return nil, fmt.Errorf("%s: profile %q: key %q: want a string, a whole number or true/false", path, name, key)
			}
			p[key] = text
		}
		f.Profiles[name] = p
	}
	return f, nil
}

func valueText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int64:
		return strconv.FormatInt(v, 10), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// secretKeys are the keys whose values a parse error must not quote.
var secretKeys = []string{"password", "url", "proxy"}

// syntaxError words a TOML error with the file and line, leaving out the parser's text when it was
// reading a value that may be a password.
func syntaxError(path string, err error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", path, err)
	}
	key := pe.LastKey
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	if slices.Contains(secretKeys, key) {
		return fmt.Errorf("%s:%d: not valid TOML near %q (values are quoted strings)", path, pe.Position.Line, pe.LastKey)
	}
	return fmt.Errorf("%s:%d: not valid TOML: %s", path, pe.Position.Line, pe.Message)
}

// Names are the profiles' names, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Profiles))
	for n := range f.Profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Lookup is the named profile, or an error that says where it was looked for.
func (f *File) Lookup(name string) (Profile, error) {
	if p, ok := f.Profiles[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("no profile %q in %s (`mqtt profile list` names them)", name, f.Path)
}

var validName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`) })

// CheckName refuses a name that would be awkward on a command line or in a TOML table header.
func CheckName(name string) error {
	if !validName().MatchString(name) {
		return fmt.Errorf("invalid profile name %q: use letters, digits, '-', '_' and '.', starting with a letter or digit", name)
	}
	return nil
}

const header = "# mqtt profiles (see `mqtt profile --help`). `mqtt profile add` and `remove` rewrite this file\n" +
	"# and do not keep comments.\n\n"

// Encode is the file's contents: the default, then one [profiles.NAME] table per profile in name order.
func (f *File) Encode() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	enc := toml.NewEncoder(&b)
	enc.Indent = ""
	if f.Default != "" {
		if err := enc.Encode(map[string]string{"default": f.Default}); err != nil {
			return nil, err
		}
		b.WriteString("\n")
	}
	for _, name := range f.Names() {
		fmt.Fprintf(&b, "[%s]\n", toml.Key{"profiles", name})
		opts, err := f.Profiles[name].Encode()
		if err != nil {
			return nil, err
		}
		b.Write(opts)
		b.WriteString("\n")
	}
	return append(bytes.TrimRight(b.Bytes(), "\n"), '\n'), nil
}

// Encode is the profile's options as TOML lines, one per key in key order.
func (p Profile) Encode() ([]byte, error) {
	opts := map[string]any{}
	for k, v := range p {
		opts[k] = typed(v)
	}
	var b bytes.Buffer
	enc := toml.NewEncoder(&b)
	enc.Indent = ""
	err := enc.Encode(opts)
	return b.Bytes(), err
}

// typed writes a value that reads back as the same text as a TOML number or boolean, which is how a
// person writes port = 1883 or insecure = true.
func typed(v string) any {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && strconv.FormatInt(n, 10) == v {
		return n
	}
	if v == "true" || v == "false" {
		return v == "true"
	}
	return v
}

// Save writes the file readable by its owner only (os.CreateTemp makes it 0600), since profiles may hold
// passwords. Writing a temporary file and renaming it leaves the old file whole if the write fails, and
// narrows the mode of a file that was once wider.
func (f *File) Save() error {
	data, err := f.Encode()
	if err != nil {
		return err
	}
	dir := filepath.Dir(f.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the profiles folder: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".config.toml-*")
	if err != nil {
		return fmt.Errorf("writing the profiles file: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the profiles file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the profiles file: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		return fmt.Errorf("writing the profiles file: %w", err)
	}
	return nil
}
