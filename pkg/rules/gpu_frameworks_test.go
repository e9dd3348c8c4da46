package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plimsoll/plimsoll/pkg/cuda"
	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// ruleCase is one table case of the image-choice and GPU rules: a
// Dockerfile (and build-context files), the lines the rule must report,
// and text the first message must contain.
type ruleCase struct {
	name     string
	df       string
	files    map[string]string
	target   string
	want     []int
	contains string
}

// checkRule parses df as a Dockerfile in a temporary build context holding
// files and runs one rule over it.
func checkRule(t *testing.T, r Rule, df string, files map[string]string, target string) []finding.Finding {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(path, []byte(df), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := dockerfile.Parse(path, []byte(df), dockerfile.ParseOptions{Target: target})
	if err != nil {
		t.Fatalf("parsing test Dockerfile: %v", err)
	}
	bc, err := dockerfile.OpenContext(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	return r.Check(&Context{File: f, BuildContext: bc})
}

func runRuleCases(t *testing.T, r Rule, cases []ruleCase) {
	t.Helper()
	id := r.Meta().ID
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := checkRule(t, r, tc.df, tc.files, tc.target)
			var lines []int
			for _, f := range got {
				if f.Rule != id {
					t.Errorf("finding of rule %q from %s", f.Rule, id)
				}
				if f.Message == "" {
					t.Error("empty message")
				}
				lines = append(lines, f.Line)
			}
			if !equalInts(lines, tc.want) {
				t.Fatalf("%s reported lines %v, want %v\n%s", id, lines, tc.want, messages(got))
			}
			if tc.contains != "" && (len(got) == 0 || !strings.Contains(got[0].Message, tc.contains)) {
				t.Errorf("message does not contain %q:\n%s", tc.contains, messages(got))
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func messages(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s line %d: %s\n", f.Rule, f.Line, f.Message)
	}
	return b.String()
}

func TestParsePipSpec(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, name, op, version string
		extras                []string
		ok                    bool
	}{
		{"torch==2.3.1+cu121", "torch", "==", "2.3.1+cu121", nil, true},
		{`"tensorflow[and-cuda]==2.15.0"`, "tensorflow", "==", "2.15.0", []string{"and-cuda"}, true},
		{"Tensorflow_GPU>=2.4,<2.5", "tensorflow-gpu", ">=", "2.4", nil, true},
		{"jax[cuda12_local]", "jax", "", "", []string{"cuda12-local"}, true},
		{"./wheels/torch.whl", "", "", "", nil, false},
		{"https://example.com/x.whl", "", "", "", nil, false},
	}
	for _, tt := range tests {
		r, ok := parsePipSpec(tt.in)
		if ok != tt.ok {
			t.Errorf("parsePipSpec(%q) ok = %v", tt.in, ok)
			continue
		}
		if !ok {
			continue
		}
		if r.Name != tt.name || r.Op != tt.op || r.Version != tt.version || strings.Join(r.Extras, ",") != strings.Join(tt.extras, ",") {
			t.Errorf("parsePipSpec(%q) = %+v", tt.in, r)
		}
	}
}

func TestStagePython(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, df, want string
	}{
		{"python image", "FROM python:3.11-slim\n", "3.11"},
		{"python image patch", "FROM python:3.12.4-bookworm\n", "3.12"},
		{"python major only", "FROM python:3-slim\n", ""},
		{"cuda ubuntu apt python3", "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN apt-get update && apt-get install -y python3-pip\n", "3.10"},
		{"cuda ubuntu 18.04", "FROM nvidia/cuda:11.8.0-runtime-ubuntu18.04\nRUN apt-get install -y python3 python3-pip\n", "3.6"},
		{"cuda without python", "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n", ""},
		{"deadsnakes", "FROM ubuntu:22.04\nRUN apt-get install -y python3.12 python3.12-venv python3-pip\n", "3.12"},
		{"debian bookworm", "FROM debian:bookworm-slim\nRUN apt-get install -y --no-install-recommends python3\n", "3.11"},
		{"uv python", "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN uv python install 3.12\n", "3.12"},
		{"uv venv", "FROM ubuntu:24.04\nRUN uv venv --python 3.11 /venv\n", "3.11"},
		{"conda", "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN conda create -y -n app python=3.9\n", "3.9"},
		{"inherited", "FROM nvidia/cuda:11.8.0-runtime-ubuntu20.04 AS base\nRUN apt-get install -y python3\nFROM base\nRUN true\n", "3.8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := dockerfile.Parse("Dockerfile", []byte(tt.df), dockerfile.ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			s := f.Stages[len(f.Stages)-1]
			py, ok := stagePython(cuda.Default(), s)
			got := ""
			if ok {
				got = py.Version.String()
			}
			if got != tt.want {
				t.Errorf("stagePython = %q (%s), want %q", got, py.From, tt.want)
			}
		})
	}
}

// FuzzGPURules runs the image-choice and GPU rules over arbitrary
// Dockerfiles: they must never panic. Seeds: testdata/fuzz/FuzzGPURules.
func FuzzGPURules(f *testing.F) {
	f.Add("FROM nvidia/cuda:11.8.0-runtime-ubuntu18.04\nRUN apt-get install -y python3-pip && pip install torch==2.3.1+cu121 'tensorflow[and-cuda]==2.15.0'\n")
	gpuRules := []Rule{PL401{}, PL402{}, PL403{}, PL501{}, PL502{}, PL601{}, PL602{}, PL603{}}
	f.Fuzz(func(t *testing.T, src string) {
		file, err := dockerfile.Parse("Dockerfile", []byte(src), dockerfile.ParseOptions{})
		if err != nil {
			return
		}
		c := &Context{File: file}
		for _, r := range gpuRules {
			for _, fd := range r.Check(c) {
				if fd.Rule != r.Meta().ID || fd.Message == "" || fd.Line < 0 {
					t.Fatalf("%s returned %+v", r.Meta().ID, fd)
				}
			}
		}
	})
}
