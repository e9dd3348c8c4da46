package rules

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// FuzzLint parses arbitrary text as a Dockerfile and runs every rule and
// BuildKit's checks on it: nothing may panic or fail, and every finding
// must be well formed. The seed corpus is in testdata/fuzz/FuzzLint
// (`make fuzz` runs it for a bounded time).
func FuzzLint(f *testing.F) {
	for _, seed := range []string{
		"FROM python:3.11-slim\nRUN pip install flask\n",
		"ARG BASE=python\nFROM ${BASE}:3.11 AS b\nFROM b\nCOPY --from=b / /\n",
		"# escape=`\nFROM busybox:1.36\nRUN echo a `\n && echo b\n",
		"FROM debian:bookworm\nRUN <<EOF\napt-get update\nEOF\n",
		"FROM x\nRUN bash <<EOF\nsh -c 'pip install x'\nEOF\n",
		"",
		"RUN x\n",
	} {
		f.Add([]byte(seed))
	}
	// A small build context, so the context rules (PL101, PL205, PL301,
	// PL302) run too.
	dir := f.TempDir()
	for name, content := range map[string]string{
		"requirements.txt": "-r base.txt\nflask==3.0.3\nnumpy\n",
		"base.txt":         "pandas>=2\n",
		"app/main.py":      "print('hi')\n",
		".env":             "A=1\n",
		"model.pt":         "x",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		bc, cerr := dockerfile.OpenContext(dir, filepath.Join(dir, "Dockerfile"))
		if cerr != nil {
			t.Fatal(cerr)
		}
		if dockerfile.CheckText(data) != nil {
			return // ReadFile refuses binary input before the parser sees it
		}
		var res *Result
		var err error
		done := make(chan bool)
		go func() {
			res, err = Lint(context.Background(), Input{Path: "Dockerfile", Data: data, Context: bc}, Options{
				BuildKit:   true,
				Severities: map[string]finding.Severity{"PL104": finding.Warning},
			})
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("Lint did not return within 20s on %q", data)
		}
		if err != nil {
			if strings.Contains(err.Error(), "target stage") {
				return
			}
			t.Fatalf("Lint: %v", err)
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, fd := range res.Findings {
			if fd.Rule == "" || fd.Message == "" || fd.Severity <= finding.Off || fd.Fingerprint == "" {
				t.Fatalf("malformed finding %+v", fd)
			}
			if fd.File == "Dockerfile" && (fd.Line < 0 || fd.Line > lines+1 || fd.EndLine < fd.Line) {
				t.Fatalf("finding %s at line %d-%d of a %d-line file", fd.Rule, fd.Line, fd.EndLine, lines)
			}
		}
	})
}
