package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plimsoll/plimsoll/pkg/report"
)

// TestLintExamples runs `plimsoll lint examples/` and checks that each
// example gets the rules a reader of the lint issue expects: the
// single-stage ml-service ships its compilers, recommends and apt lists;
// its multi-stage twin and the fixed GPU examples are clean; the broken GPU
// examples get their CUDA findings. Rule ids only, so messages can improve.
func TestLintExamples(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "examples")); err != nil {
		t.Fatalf("examples/ is missing: %v", err)
	}
	t.Chdir(root)
	code, out, errs := runCLI(t, "", "lint", "--format", "json", "examples/")
	if code != ExitFailure {
		t.Fatalf("exit %d (want 1: the examples have findings)\n%s", code, errs)
	}
	var doc report.Lint
	if err := report.Read(strings.NewReader(out), report.KindLint, &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, f := range doc.Findings {
		got[f.File] = append(got[f.File], f.Rule)
	}
	want := map[string][]string{
		"examples/ml-service/Dockerfile":           nil,
		"examples/ml-service/Dockerfile.single":    {"PL202", "PL203", "PL501"},
		"examples/gpu-torch/Dockerfile":            {"PL403", "PL501", "PL601"},
		"examples/gpu-torch-fixed/Dockerfile":      nil,
		"examples/gpu-tensorflow/Dockerfile":       {"PL601", "PL602", "PL603"},
		"examples/gpu-tensorflow-fixed/Dockerfile": nil,
	}
	for file, rules := range want {
		if !slices.Contains(doc.Files, file) {
			t.Errorf("%s was not linted (files: %v)", file, doc.Files)
			continue
		}
		g := slices.Clone(got[file])
		slices.Sort(g)
		if !slices.Equal(g, rules) {
			t.Errorf("%s: rules %v, want %v", file, g, rules)
		}
	}
}
