// Package mosqargs reads arguments exactly as the mosquitto 2.0.11 clients (mosquitto_pub, mosquitto_sub,
// mosquitto_rr) do, so that mqtt can be installed under their names as a drop-in: the same options, the
// same checks in the same order, the same defaults, and the same bytes on stdout and stderr when a run ends
// before it connects. docs/mosquitto-args.md is the specification; docs/mosquitto-args.golden.jsonl is the
// proof, replayed by TestGolden.
package mosqargs

import "path/filepath"

// Program is which of the three mosquitto clients is being imitated; their options overlap but differ.
type Program int

const (
	Pub Program = iota
	Sub
	RR
)

var programNames = [...]string{Pub: "mosquitto_pub", Sub: "mosquitto_sub", RR: "mosquitto_rr"}

// Name is the program's name as mosquitto prints it in messages and reads its options file under.
func (p Program) Name() string {
	if p < 0 || int(p) >= len(programNames) {
		return "mosquitto_pub"
	}
	return programNames[p]
}

func (p Program) String() string { return p.Name() }

// ProgramFromName maps argv[0] to a Program by its base name, so that links anywhere on PATH work.
func ProgramFromName(argv0 string) (Program, bool) {
	base := filepath.Base(argv0)
	for p, name := range programNames {
		if base == name {
			return Program(p), true
		}
	}
	return Pub, false
}
