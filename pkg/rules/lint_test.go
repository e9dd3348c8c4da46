package rules

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// lintCase is one table test of one rule: a Dockerfile, optional build
// context files, and the findings wanted as "ID@line" (in the Dockerfile)
// or "ID@file:line" (in a context file).
type lintCase struct {
	name   string
	src    string
	files  map[string]string // context files; nil means no build context
	target string
	want   []string
}

// lintWith lints src (with files as its build context, written to a temp
// folder) with only the rule id enabled, and returns its findings.
func lintWith(t *testing.T, id string, tc lintCase, settings Settings) []finding.Finding {
	t.Helper()
	r := ByID(id)
	if r == nil {
		t.Fatalf("rule %s is not registered", id)
	}
	in := Input{Path: "Dockerfile", Data: []byte(tc.src)}
	if tc.files != nil {
		dir := t.TempDir()
		for name, content := range tc.files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		in.Path = filepath.Join(dir, "Dockerfile")
		bc, err := dockerfile.OpenContext(dir, in.Path)
		if err != nil {
			t.Fatal(err)
		}
		in.Context = bc
	}
	res, err := Lint(context.Background(), in, Options{
		Rules:      []Rule{r},
		Settings:   settings,
		Severities: map[string]finding.Severity{id: finding.Warning},
		Parse:      dockerfile.ParseOptions{Target: tc.target},
	})
	if err != nil {
		t.Fatalf("Lint: %v", err)
	}
	return res.Findings
}

// where renders a finding's place for comparison: "ID@line" in the
// Dockerfile, "ID@name:line" in another file.
func where(f finding.Finding) string {
	if base := filepath.Base(f.File); base != "Dockerfile" && base != "." {
		return f.Rule + "@" + base + ":" + strconv.Itoa(f.Line)
	}
	return f.Rule + "@" + strconv.Itoa(f.Line)
}

func runLintCases(t *testing.T, id string, cases []lintCase) {
	t.Helper()
	runLintCasesWith(t, id, Settings{}, cases)
}

func runLintCasesWith(t *testing.T, id string, settings Settings, cases []lintCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := lintWith(t, id, tc, settings)
			var got []string
			for _, f := range fs {
				if f.Rule == id {
					got = append(got, where(f))
				}
			}
			if !sameSet(got, tc.want) {
				t.Errorf("got %v, want %v\n%s", got, tc.want, findingText(fs))
			}
		})
	}
}

func findingText(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.File + ":" + strconv.Itoa(f.Line) + " " + f.Rule + " " + f.Message + "\n")
	}
	return b.String()
}
