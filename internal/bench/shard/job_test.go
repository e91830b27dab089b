package shard

import (
	"bytes"
	"os"
	"slices"
	"strconv"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestKubernetesJob checks deploy/kubernetes/bench-job.yaml: valid YAML, an Indexed Job whose pods all run
// at once, spread over nodes, told the shard count this package reads, and started together.
func TestKubernetesJob(t *testing.T) {
	b, err := os.ReadFile("../../../deploy/kubernetes/bench-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Spec       struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int    `yaml:"completions"`
			Parallelism    int    `yaml:"parallelism"`
			Template       struct {
				Spec struct {
					Affinity struct {
						PodAntiAffinity struct {
							Preferred []struct {
								Term struct {
									TopologyKey string `yaml:"topologyKey"`
								} `yaml:"podAffinityTerm"`
							} `yaml:"preferredDuringSchedulingIgnoredDuringExecution"`
						} `yaml:"podAntiAffinity"`
					} `yaml:"affinity"`
					Containers []struct {
						Env []struct {
							Name  string `yaml:"name"`
							Value string `yaml:"value"`
						} `yaml:"env"`
						Args []string `yaml:"args"`
					} `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(false)
	if err := dec.Decode(&job); err != nil {
		t.Fatalf("bench-job.yaml: %v", err)
	}
	s := job.Spec
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || s.CompletionMode != "Indexed" {
		t.Fatalf("not an Indexed batch/v1 Job: %s %s %s", job.APIVersion, job.Kind, s.CompletionMode)
	}
	if s.Completions < 2 || s.Parallelism != s.Completions {
		t.Fatalf("completions %d, parallelism %d: want N = N, so every shard runs at once", s.Completions, s.Parallelism)
	}
	aa := s.Template.Spec.Affinity.PodAntiAffinity.Preferred
	if len(aa) == 0 || aa[0].Term.TopologyKey != "kubernetes.io/hostname" {
		t.Fatal("no pod anti-affinity over kubernetes.io/hostname")
	}
	c := s.Template.Spec.Containers[0]
	shards := ""
	for _, e := range c.Env {
		if e.Name == CountEnv {
			shards = e.Value
		}
	}
	if shards != strconv.Itoa(s.Completions) {
		t.Fatalf("%s is %q, completions %d: the shards would split the run wrongly", CountEnv, shards, s.Completions)
	}
	for _, want := range []string{"bench", "--start-at", "--json"} {
		if !slices.Contains(c.Args, want) {
			t.Errorf("args %v lack %s", c.Args, want)
		}
	}
}
