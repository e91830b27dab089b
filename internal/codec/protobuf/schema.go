package protobuf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"mqtt/internal/jsonvalue"
)

// SchemaOptions name a message type in a .proto file.
type SchemaOptions struct {
	// File is the .proto file. It need not be under an import path: its own directory is searched for it
	// and for its imports after ImportPaths.
	File string
	// Type is the message's full name (package.Message). It may be left out when the file declares one
	// message, and the package may be left out when the name is unique in the file.
	Type string
	// ImportPaths are searched in order for imports, as protoc's -I; google/protobuf/*.proto are built in.
	ImportPaths []string
	// Open opens a file; nil means os.Open. Tests give files from memory.
	Open func(path string) (io.ReadCloser, error)
}

// Schema decodes and encodes one message type, in protobuf's JSON mapping (protojson: lowerCamelCase names,
// fields in declaration order, 64-bit integers as strings, bytes as base64, enums by name, NaN and Infinity
// as strings, well-known types in their JSON forms). It reuses one message, so it is not safe for
// concurrent use.
type Schema struct {
	desc    protoreflect.MessageDescriptor
	msg     *dynamicpb.Message
	scratch []byte
}

// Position is one error in a .proto file.
type Position struct {
	File      string // as opened: the path given, or the import path joined with the import
	Line, Col int    // 1-based; 0 when unknown
	Msg       string
}

func (p Position) String() string {
	if p.Line == 0 {
		return p.File + ": " + p.Msg
	}
	return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col) + ": " + p.Msg
}

// CompileError is a .proto file (or one it imports) that does not compile, with every error found.
type CompileError struct {
	Errors []Position
}

func (e *CompileError) Error() string {
	s := make([]string, len(e.Errors))
	for i, p := range e.Errors {
		s[i] = p.String()
	}
	return strings.Join(s, "\n")
}

// TypeError is a message type the file does not declare (or, with no type given, a file declaring several);
// Known lists the message types it does declare.
type TypeError struct {
	File, Type string
	Known      []string
}

func (e *TypeError) Error() string {
	if e.Type == "" {
		return fmt.Sprintf("%s declares %d message types (%s): name one", e.File, len(e.Known), strings.Join(e.Known, ", "))
	}
	return fmt.Sprintf("%s declares no message type %q (it has %s)", e.File, e.Type, strings.Join(e.Known, ", "))
}

// NewSchema compiles o.File and finds o.Type in it.
func NewSchema(o SchemaOptions) (*Schema, error) {
	open := o.Open
	if open == nil {
		open = func(p string) (io.ReadCloser, error) { return os.Open(p) }
	}
	name, paths := importName(o.File, o.ImportPaths)
	var mu sync.Mutex             // the compiler may resolve from several goroutines
	opened := map[string]string{} // import name -> path opened, for error positions
	resolver := protocompile.ResolverFunc(func(imp string) (protocompile.SearchResult, error) {
		mu.Lock()
		defer mu.Unlock()
		var firstErr error
		for _, dir := range paths {
			p := filepath.Join(dir, filepath.FromSlash(imp))
			r, err := open(p)
			if err == nil {
				opened[imp] = p
				return protocompile.SearchResult{Source: r}, nil
			}
			if firstErr == nil || !errors.Is(err, os.ErrNotExist) {
				firstErr = err
			}
		}
		if firstErr == nil {
			firstErr = os.ErrNotExist
		}
		return protocompile.SearchResult{}, firstErr
	})
	var cerr CompileError
	where := func(f string) string {
		mu.Lock()
		defer mu.Unlock()
		if p, ok := opened[f]; ok {
			return p
		}
		return f
	}
	c := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(resolver),
		MaxParallelism: 1,
		Reporter: reporter.NewReporter(func(err reporter.ErrorWithPos) error {
			pos := err.GetPosition()
			cerr.Errors = append(cerr.Errors, Position{File: where(pos.Filename), Line: pos.Line, Col: pos.Col, Msg: errors.Unwrap(err).Error()})
			return nil // go on: report every error at once
		}, nil),
	}
	files, err := c.Compile(context.Background(), name)
	if len(cerr.Errors) > 0 {
		return nil, &cerr
	}
	if err != nil {
		// A file that cannot be opened has no position: say which, with the OS's reason.
		return nil, &CompileError{Errors: []Position{{File: o.File, Msg: err.Error()}}}
	}
	desc, err := findMessage(files[0], o.Type)
	if err != nil {
		var te *TypeError
		if errors.As(err, &te) {
			te.File = o.File
		}
		return nil, err
	}
	return &Schema{desc: desc, msg: dynamicpb.NewMessage(desc)}, nil
}

// importName is the name to compile file by, and the directories to search: the given import paths,
// then file's own directory, so that --proto x/y.proto works with or without -I.
func importName(file string, importPaths []string) (string, []string) {
	for _, dir := range importPaths {
		if rel, err := filepath.Rel(dir, file); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel), importPaths
		}
	}
	return filepath.Base(file), append(slices.Clip(importPaths), filepath.Dir(file))
}

func findMessage(f linker.File, name string) (protoreflect.MessageDescriptor, error) {
	var all []protoreflect.MessageDescriptor
	var walk func(protoreflect.MessageDescriptors)
	walk = func(ms protoreflect.MessageDescriptors) {
		for i := range ms.Len() {
			m := ms.Get(i)
			if m.IsMapEntry() {
				continue
			}
			all = append(all, m)
			walk(m.Messages())
		}
	}
	walk(f.Messages())
	known := make([]string, len(all))
	for i, m := range all {
		known[i] = string(m.FullName())
	}
	if name == "" {
		if top := f.Messages(); top.Len() == 1 {
			return top.Get(0), nil
		}
		return nil, &TypeError{Known: known}
	}
	name = strings.TrimPrefix(name, ".")
	if d := f.FindDescriptorByName(protoreflect.FullName(name)); d != nil {
		if m, ok := d.(protoreflect.MessageDescriptor); ok {
			return m, nil
		}
	}
	var match []protoreflect.MessageDescriptor
	for _, m := range all {
		if n := string(m.FullName()); n == name || strings.HasSuffix(n, "."+name) {
			match = append(match, m)
		}
	}
	if len(match) == 1 {
		return match[0], nil
	}
	return nil, &TypeError{Type: name, Known: known}
}

// Descriptor is the message type, for tests and tools that need its descriptor.
func (s *Schema) Descriptor() protoreflect.MessageDescriptor { return s.desc }

// FileDescriptorSet is the compiled .proto and everything it imports, serialized, for another protobuf
// implementation to load (Python's descriptor_pool does, in the tests).
func (s *Schema) FileDescriptorSet() ([]byte, error) {
	set := &descriptorpb.FileDescriptorSet{}
	seen := map[string]bool{}
	var add func(f protoreflect.FileDescriptor)
	add = func(f protoreflect.FileDescriptor) {
		if seen[f.Path()] {
			return
		}
		seen[f.Path()] = true
		imps := f.Imports()
		for i := range imps.Len() {
			add(imps.Get(i).FileDescriptor)
		}
		set.File = append(set.File, protodesc.ToFileDescriptorProto(f))
	}
	add(s.desc.ParentFile())
	return proto.Marshal(set)
}

// Name is the message type's full name.
func (s *Schema) Name() string { return string(s.desc.FullName()) }

// Decode appends the compact JSON of the message in payload.
func (s *Schema) Decode(dst, payload []byte) ([]byte, error) {
	s.msg.Reset()
	if err := s.unmarshal(payload); err != nil {
		return dst, err
	}
	var err error
	if s.scratch, err = (protojson.MarshalOptions{}).MarshalAppend(s.scratch[:0], s.msg); err != nil {
		return dst, err
	}
	// protojson varies its white space on purpose; the caller gets one compact form.
	return jsonvalue.AppendCompact(dst, s.scratch)
}

// unmarshal parses payload into s.msg. google.golang.org/protobuf v1.36.12 panics on some malformed map
// entries in dynamic messages (found by FuzzSchemaDecode, kept in testdata/fuzz): a payload from the network
// must not end mqtt, so a panic is this payload's error.
func (s *Schema) unmarshal(payload []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed protobuf (the decoder failed: %v)", r)
		}
	}()
	return (proto.UnmarshalOptions{RecursionLimit: 100}).Unmarshal(payload, s.msg)
}

// Encode appends the protobuf encoding of the message in jsonText. JSON that does not fit the message
// fails with a *jsonvalue.FieldError whose message names the field.
func (s *Schema) Encode(dst, jsonText []byte) ([]byte, error) {
	s.msg.Reset()
	if err := (protojson.UnmarshalOptions{}).Unmarshal(jsonText, s.msg); err != nil {
		return dst, &jsonvalue.FieldError{Err: cleanProtoError(err)}
	}
	// Deterministic: a dynamic message ranges its fields in map order, and the same JSON should make
	// the same bytes every run.
	out, err := (proto.MarshalOptions{Deterministic: true}).MarshalAppend(dst, s.msg)
	if err != nil {
		return dst, &jsonvalue.FieldError{Err: cleanProtoError(err)}
	}
	return out, nil
}

// cleanProtoError drops the "proto: " prefix (and protojson's non-breaking space) from the library's
// messages, which are otherwise exact: "(line 1:9): invalid value for float field temp: \"x\"".
func cleanProtoError(err error) error {
	s := strings.ReplaceAll(err.Error(), "\u00a0", " ")
	s = strings.TrimPrefix(s, "proto: ")
	return errors.New(s)
}
