package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plimsoll/plimsoll/pkg/report"
)

// lintProject writes a small project and changes into it (tests using it
// are not parallel: the working folder decides the paths in findings).
func lintProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

var service = map[string]string{
	"svc/Dockerfile":       "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n",
	"svc/requirements.txt": "flask==3.0.3\nnumpy>=1.24\n",
	"svc/app.py":           "print('hi')\n",
	"clean/Dockerfile":     "FROM python:3.11-slim\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n",
	"clean/.dockerignore":  ".git\n",
	"clean/app.py":         "print('hi')\n",
}

func TestLintText(t *testing.T) {
	lintProject(t, service)
	code, out, errs := runCLI(t, "", "lint", "svc")
	if code != ExitFailure {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	for _, want := range []string{
		"svc/Dockerfile:4 PL201 warning: pip install without --no-cache-dir",
		"    4 | RUN pip install -r requirements.txt",
		"svc/requirements.txt:2 PL101 warning: requirement numpy",
		"    2 | numpy>=1.24",
		"svc/Dockerfile:3 PL301 warning",
		"in 1 Dockerfile",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("no color when stdout is not a terminal")
	}
}

func TestLintExitCodes(t *testing.T) {
	lintProject(t, service)
	os.WriteFile("binary.Dockerfile", []byte("FROM x\x00\x00"), 0o644)
	os.WriteFile("broken.Dockerfile", []byte("FROM x\nRUN <<EOF\nnever ends\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string
		err  string
	}{
		{"clean", []string{"lint", "clean"}, ExitOK, "no findings in 1 Dockerfile", ""},
		{"threshold above the findings", []string{"lint", "--failure-threshold", "error", "svc"}, ExitOK, "PL201", ""},
		{"threshold none", []string{"lint", "--failure-threshold=none", "svc"}, ExitOK, "PL201", ""},
		{"bad threshold", []string{"lint", "--failure-threshold", "loud", "svc"}, ExitUsage, "", "failure-threshold"},
		{"binary file", []string{"lint", "binary.Dockerfile"}, ExitUsage, "", "not a text file"},
		{"missing path", []string{"lint", "nope/"}, ExitUsage, "", "no such file or folder"},
		{"malformed Dockerfile is a finding", []string{"lint", "broken.Dockerfile"}, ExitFailure, "broken.Dockerfile:2 PL001 error", ""},
		{"unknown format", []string{"lint", "--format", "xml", "svc"}, ExitUsage, "", "use one of text, json"},
		{"unknown target", []string{"lint", "--target", "nope", "svc"}, ExitUsage, "", `target stage "nope" not found`},
		{"bad build-arg", []string{"lint", "--build-arg", "X", "svc"}, ExitUsage, "", "NAME=VALUE"},
		{"context not a folder", []string{"lint", "--context", "svc/app.py", "svc"}, ExitUsage, "", "not a folder"},
		{"ignore flag", []string{"lint", "--ignore", "PL101", "--ignore", "PL201", "--ignore", "PL301", "--ignore", "PL303", "svc"}, ExitOK, "no findings", ""},
		{"help", []string{"lint", "-h"}, ExitOK, "", "-failure-threshold SEVERITY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errs, tc.err) {
				t.Errorf("exit %d (want %d)\nstdout %s\nstderr %s", code, tc.code, out, errs)
			}
		})
	}
}

func TestLintFolderMixesGoodAndUnreadable(t *testing.T) {
	lintProject(t, map[string]string{"a/Dockerfile": "FROM python:3.11-slim\n", "b/Dockerfile": "FROM x\x00"})
	code, out, errs := runCLI(t, "", "lint", ".")
	if code != ExitUsage || !strings.Contains(errs, "b/Dockerfile") || !strings.Contains(out, "in 1 Dockerfile") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
}

func TestLintJSONReport(t *testing.T) {
	lintProject(t, service)
	code, out, _ := runCLI(t, "", "lint", "--format", "json", "--report", "lint.json", "svc")
	if code != ExitFailure {
		t.Fatalf("exit %d", code)
	}
	var doc report.Lint
	if err := report.Read(strings.NewReader(out), report.KindLint, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Files) != 1 || doc.Files[0] != "svc/Dockerfile" {
		t.Errorf("files %v", doc.Files)
	}
	rules := map[string]string{}
	for _, f := range doc.Findings {
		rules[f.Rule] = f.File
	}
	if rules["PL101"] != "svc/requirements.txt" || rules["PL201"] != "svc/Dockerfile" {
		t.Errorf("findings %+v", doc.Findings)
	}
	var fromFile report.Lint
	if err := report.ReadFile("lint.json", report.KindLint, &fromFile); err != nil || len(fromFile.Findings) != len(doc.Findings) {
		t.Errorf("--report file: %v %d", err, len(fromFile.Findings))
	}
}

func TestLintSARIFOutputFile(t *testing.T) {
	lintProject(t, service)
	code, out, _ := runCLI(t, "", "lint", "--format", "sarif", "--output", "lint.sarif", "svc")
	if code != ExitFailure || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	data, err := os.ReadFile("lint.sarif")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID   string `json:"id"`
						Help struct {
							Markdown string `json:"markdown"`
						} `json:"help"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("sarif: %v %v", err, doc.Version)
	}
	// GitHub shows help.markdown beside each alert: it carries the rule's
	// whole page (bad and good examples), not just a link.
	for _, r := range doc.Runs[0].Tool.Driver.Rules {
		if strings.HasPrefix(r.ID, "PL") && (!strings.HasPrefix(r.Help.Markdown, "# "+r.ID) || !strings.Contains(r.Help.Markdown, "## Good")) {
			t.Errorf("%s help.markdown is not its docs page: %.80q", r.ID, r.Help.Markdown)
		}
	}
}

func TestLintConfigFoundUpward(t *testing.T) {
	dir := lintProject(t, service)
	os.WriteFile(filepath.Join(dir, ".plimsoll.yaml"), []byte("lint:\n  ignore: [PL101, DL3042]\n  failure-threshold: error\n"), 0o644)
	t.Chdir(filepath.Join(dir, "svc"))
	code, out, errs := runCLI(t, "", "lint", ".")
	if code != ExitOK || strings.Contains(out, "PL101") || strings.Contains(out, "PL201") || !strings.Contains(out, "Dockerfile:3 PL301") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	os.WriteFile(filepath.Join(dir, ".plimsoll.yaml"), []byte("lint:\n  ignroe: [PL101]\n"), 0o644)
	if code, _, errs := runCLI(t, "", "lint", "."); code != ExitUsage || !strings.Contains(errs, "ignroe") {
		t.Errorf("bad config: exit %d %s", code, errs)
	}
}

func TestLintStdinAndContext(t *testing.T) {
	lintProject(t, service)
	src := "FROM python:3.11-slim\nCOPY . /app\n"
	code, out, _ := runCLI(t, src, "lint", "--context", "clean", "-")
	if code != ExitOK || !strings.Contains(out, "no findings") {
		t.Errorf("stdin with a clean context: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, src, "lint", "--context", "svc", "-")
	if code != ExitFailure || !strings.Contains(out, "-:2 PL301") {
		t.Errorf("stdin with svc context: exit %d\n%s", code, out)
	}
}

func TestLintListRules(t *testing.T) {
	code, out, _ := runCLI(t, "", "lint", "--list-rules")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"PL001", "PL104  ", "off", "DL3042", "shipping", "PL303", "buildkit:StageNameCasing"} {
		if !strings.Contains(out, want) {
			t.Errorf("--list-rules lacks %q", want)
		}
	}
}

func TestLintGitHubFormat(t *testing.T) {
	lintProject(t, service)
	_, out, _ := runCLI(t, "", "lint", "--format", "github", "svc")
	if !strings.Contains(out, "::warning file=svc/Dockerfile,line=4,title=PL201::") {
		t.Errorf("github annotations:\n%s", out)
	}
}
