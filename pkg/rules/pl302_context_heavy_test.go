package rules

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

func TestPL302(t *testing.T) {
	const copyAll = "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n"
	runLintCases(t, "PL302", []lintCase{
		{name: "git, pycache, env", src: copyAll, files: map[string]string{
			".git/HEAD": "ref: refs/heads/main\n", "src/__pycache__/a.pyc": "xx", "src/a.py": "x", ".env": "TOKEN=1\n", ".dockerignore": "*.md\n",
		}, want: []string{"PL302@3", "PL302@3", "PL302@3"}},
		{name: "excluded", src: copyAll, files: map[string]string{
			".git/HEAD": "x", "src/__pycache__/a.pyc": "xx", ".env": "x", "m/w.safetensors": "x",
			".dockerignore": ".git\n**/__pycache__\n.env\n*/*.safetensors\n",
		}},
		{name: "weights and venv", src: copyAll, files: map[string]string{
			"models/a.pt": "x", "models/b.onnx": "x", "env1/pyvenv.cfg": "home=/usr\n", "env1/lib/x.pyc": "x", "node_modules/x/i.js": "x",
		}, want: []string{"PL302@3", "PL302@3", "PL302@3"}},
		{name: "re-included by an exclusion", src: copyAll, files: map[string]string{
			"models/a.pt": "x", ".dockerignore": "models\n!models/a.pt\n",
		}, want: []string{"PL302@3"}},
		{name: "an empty node_modules costs nothing", src: copyAll, files: map[string]string{"node_modules/.keep": "", "app.py": "x", ".dockerignore": ".git\n"}},
		{name: "** excludes at any depth", src: copyAll, files: map[string]string{
			"a/b/c/__pycache__/m.pyc": "x", "w/x/y.pt": "x", ".dockerignore": "**/__pycache__\n**/*.pt\n",
		}},
		{name: "a negation re-includes one weights file under an excluded folder", src: copyAll, files: map[string]string{
			"models/a.pt": "x", "models/b.pt": "x", "models/keep.onnx": "x", ".dockerignore": "models/**\n!models/keep.onnx\n",
		}, want: []string{"PL302@3"}},
		{name: "env template is fine", src: copyAll, files: map[string]string{".env.example": "A=\n"}},
		{name: "narrow copies are not whole-context copies", src: "FROM python:3.11-slim\nCOPY src/ /app/src/\n", files: map[string]string{".git/HEAD": "x", "src/a.py": "x"}},
		{name: "no context", src: copyAll},
	})
}

func TestPL302LargeFolderBytes(t *testing.T) {
	dir := t.TempDir()
	// Sparse files: the sizes are real to stat, no disk is used.
	mk := func(name string, size int64) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	mk("data/raw/train.csv", 80<<20)
	mk("data/small.csv", 10)
	mk("src/app.py", 100)
	mk("cache/blob", 30<<20)
	df := filepath.Join(dir, "Dockerfile")
	src := "FROM python:3.11-slim\nCOPY . /app\n"
	bc, err := dockerfile.OpenContext(dir, df)
	if err != nil {
		t.Fatal(err)
	}
	lint := func(settings Settings) []finding.Finding {
		res, err := Lint(context.Background(), Input{Path: df, Data: []byte(src), Context: bc}, Options{Rules: []Rule{PL302{}}, Settings: settings})
		if err != nil {
			t.Fatal(err)
		}
		return res.Findings
	}
	fs := lint(Settings{})
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "data/raw") || !strings.Contains(fs[0].Message, "83,886,090 bytes") && !strings.Contains(fs[0].Message, "83,886,080 bytes") {
		t.Fatalf("want one finding naming data/raw with its bytes, got:\n%s", findingText(fs))
	}
	fs = lint(Settings{LargeFolderBytes: 20 << 20})
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "cache") || !strings.Contains(fs[0].Message, "data/raw") {
		t.Fatalf("with a 20 MiB threshold want data/raw and cache, got:\n%s", findingText(fs))
	}
}
