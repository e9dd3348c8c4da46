package analyze

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/analyze -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (rerun with -update if intended)\n--- got ---\n%s\n--- want ---\n%s", p, got, want)
	}
}

func fixtureAnalysis(t *testing.T) *Analysis {
	a := analyzeDockerArchive(t, diveFixture(t), Options{Name: "dive-fixture"})
	a.Stats = nil
	r := DefaultRules()
	r[RuleMaxReclaimable] = "10kB"
	a.CI = r.Evaluate(a)
	return a
}

func TestGoldenText(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteText(&buf, []*Analysis{fixtureAnalysis(t)}); err != nil {
		t.Fatal(err)
	}
	golden(t, "dive-fixture.txt", buf.Bytes())
}

func TestGoldenMarkdown(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, []*Analysis{fixtureAnalysis(t)}); err != nil {
		t.Fatal(err)
	}
	golden(t, "dive-fixture.md", buf.Bytes())
}
