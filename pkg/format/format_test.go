package format

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plimsoll/plimsoll/pkg/finding"
	"github.com/plimsoll/plimsoll/pkg/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixture is the shared findings fixture every formatter renders.
func fixture(t *testing.T) *Report {
	t.Helper()
	data, err := os.ReadFile("testdata/findings.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Files    []string          `json:"files"`
		Findings []finding.Finding `json:"findings"`
		Rules    []RuleInfo        `json:"rules"`
		Sources  map[string]string `json:"sources"`
	}
	if err := json.Unmarshal(data, &fx); err != nil {
		t.Fatal(err)
	}
	finding.Sort(fx.Findings)
	return &Report{
		Findings: fx.Findings,
		Rules:    fx.Rules,
		Files:    fx.Files,
		Source: func(file string, line int) string {
			return fx.Sources[file+":"+strconv.Itoa(line)]
		},
		Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Tool:    "plimsoll 0.0.0-test",
	}
}

func render(t *testing.T, name string, opt Options, r *Report) []byte {
	t.Helper()
	f, err := For(name, opt)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// golden compares got with testdata/golden/name (rewriting it with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./pkg/format -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestGolden(t *testing.T) {
	opt := Options{ToolVersion: "0.0.0-test"}
	for _, tc := range []struct {
		format, file string
		opt          Options
	}{
		{"text", "text.golden", opt},
		{"text", "text-color.golden", Options{Color: true}},
		{"json", "json.golden", opt},
		{"sarif", "sarif.golden", opt},
		{"codequality", "codequality.golden", opt},
		{"github", "github.golden", opt},
	} {
		t.Run(tc.file, func(t *testing.T) {
			golden(t, tc.file, render(t, tc.format, tc.opt, fixture(t)))
		})
	}
}

func TestEmptyReports(t *testing.T) {
	empty := &Report{Files: []string{"Dockerfile"}}
	for _, name := range Names() {
		out := string(render(t, name, Options{}, empty))
		switch name {
		case "text":
			if out != "no findings in 1 Dockerfile\n" {
				t.Errorf("text: %q", out)
			}
		case "json":
			if !strings.Contains(out, `"findings": []`) {
				t.Errorf("json must have an empty findings array: %s", out)
			}
		case "codequality":
			if strings.TrimSpace(out) != "[]" {
				t.Errorf("codequality must be an empty array: %s", out)
			}
		case "sarif":
			if !strings.Contains(out, `"results": []`) {
				t.Errorf("sarif must have an empty results array (GitHub requires it): %s", out)
			}
		case "github":
			if out != "" {
				t.Errorf("github: %q", out)
			}
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	_, err := For("xml", Options{})
	if err == nil || !strings.Contains(err.Error(), "text, json, sarif, codequality, github") {
		t.Errorf("want an error listing the formats, got %v", err)
	}
}

func TestJSONIsALintReport(t *testing.T) {
	out := render(t, "json", Options{}, fixture(t))
	var doc report.Lint
	if err := report.Read(bytes.NewReader(out), report.KindLint, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 6 || doc.Findings[0].Rule == "" || doc.Summary.Warnings != 3 {
		t.Errorf("decoded %+v", doc)
	}
	// The contract's field names.
	var raw map[string]any
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	f := raw["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"rule", "severity", "file", "line", "message", "aliases"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding lacks %q: %v", k, f)
		}
	}
}

func TestCodeQualityFields(t *testing.T) {
	out := render(t, "codequality", Options{}, fixture(t))
	var issues []map[string]any
	if err := json.Unmarshal(out, &issues); err != nil {
		t.Fatal(err)
	}
	fps := map[string]bool{}
	for _, is := range issues {
		for _, k := range []string{"description", "check_name", "fingerprint", "severity"} {
			if s, _ := is[k].(string); s == "" {
				t.Errorf("issue lacks %s: %v", k, is)
			}
		}
		switch is["severity"] {
		case "info", "minor", "major", "critical", "blocker":
		default:
			t.Errorf("severity %v is not one GitLab knows", is["severity"])
		}
		loc := is["location"].(map[string]any)
		if p, _ := loc["path"].(string); p == "" || filepath.IsAbs(p) {
			t.Errorf("location.path must be a relative path: %v", loc)
		}
		if b, _ := loc["lines"].(map[string]any)["begin"].(float64); b < 1 {
			t.Errorf("location.lines.begin must be >= 1: %v", loc)
		}
		fp := is["fingerprint"].(string)
		if fps[fp] {
			t.Errorf("fingerprint %s repeats: GitLab would merge the issues", fp)
		}
		fps[fp] = true
	}
}

func TestGitHubEscaping(t *testing.T) {
	r := &Report{Findings: []finding.Finding{{Rule: "PL201", Severity: finding.Warning, File: "a,b:c.Dockerfile", Line: 3, Message: "50% done\nnext"}}}
	got := string(render(t, "github", Options{}, r))
	want := "::warning file=a%2Cb%3Ac.Dockerfile,line=3,title=PL201::50%25 done%0Anext\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTextExcerptAndNothingLinted(t *testing.T) {
	long := "RUN echo " + strings.Repeat("a", 1<<20)
	r := &Report{
		Files:    []string{"Dockerfile"},
		Findings: []finding.Finding{{Rule: "PL001", Severity: finding.Error, File: "Dockerfile", Line: 2, Message: "too long"}},
		Source:   func(string, int) string { return long },
	}
	out := string(render(t, "text", Options{}, r))
	if len(out) > 600 || !strings.Contains(out, "    2 | RUN echo aaa") || !strings.Contains(out, "…") {
		t.Errorf("a long source line must be cut:\n%.700s", out)
	}
	if out := string(render(t, "text", Options{}, &Report{})); out != "" {
		t.Errorf("nothing linted (every file failed): want no summary, got %q", out)
	}
}

func TestSARIFURIs(t *testing.T) {
	r := &Report{Files: []string{"x"}, Findings: []finding.Finding{
		{Rule: "PL103", Severity: finding.Warning, File: "we%ird,dir:x/a b/Dockerfile", Line: 1, Message: "m"},
		{Rule: "PL103", Severity: finding.Warning, File: "/abs/Dockerfile", Line: 1, Message: "m"},
	}}
	out := string(render(t, "sarif", Options{}, r))
	for _, want := range []string{`"uri": "./we%25ird,dir:x/a%20b/Dockerfile"`, `"uri": "file:///abs/Dockerfile"`} {
		if !strings.Contains(out, want) {
			t.Errorf("want %s in\n%s", want, out)
		}
	}
	if strings.Count(out, `"uriBaseId"`) != 1 {
		t.Errorf("only the relative URI takes %%SRCROOT%%:\n%s", out)
	}
}
