package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

func TestParse(t *testing.T) {
	c, err := Parse(strings.NewReader(`
build:
  anything: goes   # other sections belong to other commands
lint:
  ignore: [PL204, DL3059]
  severity:
    PL104: warning
    PL206: off
  failure-threshold: error
  trusted-registries: [registry.internal]
  large-folder: 100MB
  buildkit: false
`))
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lint
	if strings.Join(l.Ignore, ",") != "PL204,DL3059" || l.Severity["PL104"] != finding.Warning || l.Severity["PL206"] != finding.Off ||
		l.FailureThreshold != finding.Error || l.TrustedRegistries[0] != "registry.internal" || l.LargeFolderBytes != 100_000_000 || l.BuildKit {
		t.Errorf("parsed %+v", l)
	}
}

func TestParseDefaults(t *testing.T) {
	for _, src := range []string{"", "analyze:\n  lowest-efficiency: 0.9\n", "lint: {}\n"} {
		c, err := Parse(strings.NewReader(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if c.Lint.FailureThreshold != finding.Warning || !c.Lint.BuildKit {
			t.Errorf("%q: defaults not applied: %+v", src, c.Lint)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for src, want := range map[string]string{
		"lint:\n  ignor: [PL204]\n":              "line 2: unknown key lint.ignor (known keys: ignore,",
		"lint:\n  ignore: PL204\n":               "lint:",
		"lint: 3\n":                              "lint:",
		"lint:\n  failure-threshold: loud\n":     "failure-threshold",
		"lint:\n  severity: {PL201: critical}\n": "PL201",
		"lint:\n  large-folder: big\n":           "large-folder",
		"lint: [\n":                              "YAML",
	} {
		_, err := Parse(strings.NewReader(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want it to mention %q", src, err, want)
		}
	}
}

func TestFindUpward(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "a", FileName), []byte("lint:\n  failure-threshold: error\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(deep)
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != filepath.Join(root, "a", FileName) || c.Lint.FailureThreshold != finding.Error {
		t.Errorf("Load found %q with %+v", c.Path, c.Lint)
	}
}
