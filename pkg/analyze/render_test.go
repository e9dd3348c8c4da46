package analyze

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/plimsoll/plimsoll/pkg/report"
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

// TestGoldenJSON pins the analysis report's JSON shape (docs/reports.md
// describes it; the PR comment step reads it): field names, order, units,
// lists that are empty rather than null. The header's time and tool are
// fixed so the file does not change with the clock or the version.
func TestGoldenJSON(t *testing.T) {
	t.Parallel()
	rep := NewReport(fixtureAnalysis(t))
	rep.Created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rep.Tool = "plimsoll (golden)"
	var buf bytes.Buffer
	if err := report.Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	golden(t, "dive-fixture.json", buf.Bytes())

	// Every key is snake_case, and the report reads back as it was.
	var doc any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	checkSnakeCase(t, "$", doc)
	var back Report
	if err := report.Read(bytes.NewReader(buf.Bytes()), report.KindAnalysis, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, rep) {
		t.Errorf("the report does not read back as written:\n%+v\n%+v", back.Analyses[0], rep.Analyses[0])
	}
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

func checkSnakeCase(t *testing.T, at string, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			if !snakeCase.MatchString(k) {
				t.Errorf("%s: key %q is not snake_case", at, k)
			}
			checkSnakeCase(t, at+"."+k, c)
		}
	case []any:
		for i, c := range v {
			checkSnakeCase(t, fmt.Sprintf("%s[%d]", at, i), c)
		}
	}
}

// TestJSONEmptyLists: an image with no waste at all still has lists, not
// nulls, so a reader can range over them without a nil check.
func TestJSONEmptyLists(t *testing.T) {
	t.Parallel()
	a := analyzeImage(t, mkImage(t, layerTar(t, file("only", ""))))
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"inefficient_files":[]`, `"waste":[]`, `"largest_files":[]`, `"layers":[`} {
		if !bytes.Contains(b, []byte(key)) {
			t.Errorf("JSON lacks %s: %s", key, b)
		}
	}
}

// TestEmptyImage: an image without layers (FROM scratch plus metadata) is
// a valid image: it weighs nothing, wastes nothing, and renders.
func TestEmptyImage(t *testing.T) {
	t.Parallel()
	img := mkImage(t)
	for name, analyze := range map[string]func() (*Analysis, error){
		"Image": func() (*Analysis, error) { return Image(context.Background(), img, Options{}) },
		"FromOCIStream": func() (*Analysis, error) {
			return FromOCIStream(context.Background(), bytes.NewReader(ociStream(t, img)), Options{})
		},
	} {
		a, err := analyze()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if a.SizeBytes != 0 || a.Efficiency != 1 || a.ReclaimableBytes != 0 || a.Files != 0 {
			t.Errorf("%s: %+v", name, a)
		}
		b, _ := json.Marshal(a)
		if !bytes.Contains(b, []byte(`"layers":[]`)) {
			t.Errorf("%s: JSON %s", name, b)
		}
		var buf bytes.Buffer
		if err := WriteText(&buf, []*Analysis{a}); err != nil || !bytes.Contains(buf.Bytes(), []byte("0 layers")) {
			t.Errorf("%s: text %q, %v", name, buf.String(), err)
		}
	}
}

func TestInstruction(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"/bin/sh -c #(nop) ADD file:ce026b62356eec3ad1214f92be2c9dc063fe205bd5e600be3492c4dfb17148bd in / ", "ADD file:ce026b62356e… in /"},
		{"/bin/sh -c apt-get update", "apt-get update"},
		{"RUN /bin/sh -c pip install -r req.txt # buildkit", "RUN pip install -r req.txt # …"},
		{"COPY app/ app/ # buildkit", "COPY app/ app/ # buildkit"},
		{"", "(no history)"},
		{"RUN /bin/sh -c " + strings.Repeat("x", 100), "RUN " + strings.Repeat("x", 25) + "…"},
	} {
		if got := instruction(tt.in, 30); got != tt.want {
			t.Errorf("instruction(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
