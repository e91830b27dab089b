package cmd

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"mqtt/internal/iostreams"
)

// The Kubernetes Job runs the command this package builds: every flag it passes is one `mqtt bench`
// has, so the shipped manifest does not fail in the cluster with an unknown option.
func TestKubernetesJobFlagsExist(t *testing.T) {
	b, err := os.ReadFile("../deploy/kubernetes/bench-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		Spec struct {
			Template struct {
				Spec struct {
					Containers []struct {
						Args []string `yaml:"args"`
					} `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	if err := yaml.NewDecoder(bytes.NewReader(b)).Decode(&job); err != nil {
		t.Fatal(err)
	}
	args := job.Spec.Template.Spec.Containers[0].Args
	if len(args) < 2 || args[0] != "bench" {
		t.Fatalf("args %v do not run mqtt bench", args)
	}
	io, _, _ := iostreams.Test("")
	bench := newApp(io, "bench").Command("bench")
	c := bench.Command(args[1])
	if c == nil {
		t.Fatalf("mqtt bench has no scenario %q", args[1])
	}
	names := map[string]bool{}
	for _, f := range c.Flags {
		for _, n := range f.Names() {
			names[n] = true
		}
	}
	for _, a := range args[2:] {
		if name, ok := strings.CutPrefix(a, "-"); ok && !strings.HasPrefix(a, "-$") {
			if !names[strings.TrimPrefix(name, "-")] {
				t.Errorf("the Job passes %s, which mqtt bench %s does not have", a, args[1])
			}
		}
	}
}
