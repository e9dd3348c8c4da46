package rules

import (
	"context"
	"strconv"
	"testing"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

func lintSrc(t *testing.T, src string, opt Options) []string {
	t.Helper()
	res, err := Lint(context.Background(), Input{Path: "Dockerfile", Data: []byte(src)}, opt)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Rule+"@"+strconv.Itoa(f.Line))
	}
	return got
}

func TestPragmas(t *testing.T) {
	opt := Options{Rules: []Rule{PL102{}, PL201{}, PL204{}}}
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"none", "FROM python:3.11-slim\nRUN pip install flask\n", []string{"PL102@2", "PL201@2"}},
		{"next instruction", "FROM python:3.11-slim\n# plimsoll ignore=PL201\nRUN pip install flask\n", []string{"PL102@3"}},
		{"several ids and a reason", "FROM python:3.11-slim\n# plimsoll ignore=PL201, PL102 we pin via the index\nRUN pip install flask\n", nil},
		{"only the next instruction", "FROM python:3.11-slim\n# plimsoll ignore=PL201\nRUN pip install flask==1\nRUN pip install x==1\n", []string{"PL201@4", "PL204@4"}},
		{"blank lines between are fine", "FROM python:3.11-slim\n# plimsoll ignore=PL201\n\nRUN pip install flask==1\n", nil},
		{"global", "# plimsoll global ignore=PL201\nFROM python:3.11-slim\nRUN pip install flask==1\nRUN pip install x==1\n", []string{"PL204@4"}},
		{"hadolint alias", "FROM python:3.11-slim\n# hadolint ignore=DL3042,DL3013\nRUN pip install flask\n", nil},
		{"hadolint global", "FROM python:3.11-slim\n# hadolint global ignore=DL3059\nRUN pip install flask==1\nRUN pip install x==1\n", []string{"PL201@3", "PL201@4"}},
		{"case-insensitive", "FROM python:3.11-slim\n# Plimsoll IGNORE=pl201\nRUN pip install flask==1\n", nil},
		{"not a pragma", "FROM python:3.11-slim\n# plimsoll: ignore this please\nRUN pip install flask==1\n", []string{"PL201@3"}},
		{"multi-line instruction", "FROM python:3.11-slim\n# plimsoll ignore=PL201\nRUN apt-get update && \\\n    pip install flask==1\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := lintSrc(t, tc.src, opt); !sameSet(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBuildKitPragmasAndConfig(t *testing.T) {
	src := "FROM python:3.11-slim as Build\nCMD echo hi\n"
	all := lintSrc(t, src, Options{Rules: []Rule{}, BuildKit: true})
	if !sameSet(all, []string{"buildkit:StageNameCasing@1", "buildkit:FromAsCasing@1", "buildkit:JSONArgsRecommended@2"}) {
		t.Fatalf("buildkit findings %v", all)
	}
	if got := lintSrc(t, "# plimsoll global ignore=buildkit:StageNameCasing,FromAsCasing\n"+src, Options{Rules: []Rule{}, BuildKit: true}); !sameSet(got, []string{"buildkit:JSONArgsRecommended@3"}) {
		t.Errorf("pragma: %v", got)
	}
	if got := lintSrc(t, "# check=skip=JSONArgsRecommended\n"+src, Options{Rules: []Rule{}, BuildKit: true}); len(got) != 2 {
		t.Errorf("check=skip: %v", got)
	}
	if got := lintSrc(t, src, Options{Rules: []Rule{}, BuildKit: true, Ignore: []string{"buildkit"}}); len(got) != 0 {
		t.Errorf("ignore buildkit: %v", got)
	}
	res, err := Lint(context.Background(), Input{Path: "Dockerfile", Data: []byte(src)}, Options{Rules: []Rule{}, BuildKit: true,
		Severities: map[string]finding.Severity{"buildkit": finding.Info, "buildkit:JSONArgsRecommended": finding.Error}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		want := finding.Info
		if f.Rule == "buildkit:JSONArgsRecommended" {
			want = finding.Error
		}
		if f.Severity != want {
			t.Errorf("%s severity %s, want %s", f.Rule, f.Severity, want)
		}
	}
	res, _ = Lint(context.Background(), Input{Path: "Dockerfile", Data: []byte("# check=error=true\n" + src)}, Options{Rules: []Rule{}, BuildKit: true})
	if len(res.Findings) == 0 || res.Findings[0].Severity != finding.Error {
		t.Errorf("check=error=true must raise BuildKit findings to errors: %v", res.Findings)
	}
}

func TestConfigIgnoreAndSeverity(t *testing.T) {
	src := "FROM python\nRUN pip install flask\n"
	opt := Options{Rules: []Rule{PL102{}, PL103{}, PL201{}}, Ignore: []string{"DL3006", "pl102"},
		Severities: map[string]finding.Severity{"PL201": finding.Error}}
	res, err := Lint(context.Background(), Input{Path: "Dockerfile", Data: []byte(src)}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != "PL201" || res.Findings[0].Severity != finding.Error ||
		res.Findings[0].Aliases[0] != "DL3042" {
		t.Errorf("findings %+v", res.Findings)
	}
	off := lintSrc(t, src, Options{Rules: []Rule{PL201{}}, Severities: map[string]finding.Severity{"DL3042": finding.Off}})
	if len(off) != 0 {
		t.Errorf("severity off via alias: %v", off)
	}
}

func TestLintSyntaxErrorIsPL001(t *testing.T) {
	res, err := Lint(context.Background(), Input{Path: "Dockerfile", Data: []byte("FROM x\nRUN <<EOF\nnever closed\n")}, Options{BuildKit: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.File != nil || len(res.Findings) != 1 || res.Findings[0].Rule != "PL001" || res.Findings[0].Line != 2 || res.Findings[0].Severity != finding.Error {
		t.Errorf("got %+v", res.Findings)
	}
	if _, err := Lint(context.Background(), Input{Path: "Dockerfile", Data: []byte("FROM x AS a\n")}, Options{Parse: parseTarget("b")}); err == nil {
		t.Error("an unknown --target is an error, not a finding")
	}
}

func TestFingerprintsStableAcrossLineMoves(t *testing.T) {
	opt := Options{Rules: []Rule{PL201{}}}
	a, _ := Lint(context.Background(), Input{Path: "Dockerfile", Data: []byte("FROM python:3.11\nRUN pip install x==1\nRUN pip install x==1\n")}, opt)
	b, _ := Lint(context.Background(), Input{Path: "Dockerfile", Data: []byte("FROM python:3.11\n\nENV A=1\nRUN pip install x==1\nRUN pip install x==1\n")}, opt)
	if len(a.Findings) != 2 || len(b.Findings) != 2 {
		t.Fatalf("%v %v", a.Findings, b.Findings)
	}
	if a.Findings[0].Fingerprint != b.Findings[0].Fingerprint || a.Findings[1].Fingerprint != b.Findings[1].Fingerprint {
		t.Error("fingerprints moved with the lines")
	}
	if a.Findings[0].Fingerprint == a.Findings[1].Fingerprint {
		t.Error("identical lines need distinct fingerprints")
	}
}

func TestDisplayPath(t *testing.T) {
	res, err := Lint(context.Background(), Input{Path: "/abs/dir/Dockerfile", Data: []byte("FROM python\n")},
		Options{Rules: []Rule{PL103{}}, DisplayPath: func(p string) string { return "dir/Dockerfile" }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Findings[0].File != "dir/Dockerfile" {
		t.Errorf("file %q", res.Findings[0].File)
	}
}

type panicRule struct{}

func (panicRule) Meta() Meta                       { return Meta{ID: "PL999", Severity: finding.Warning, Summary: "x"} }
func (panicRule) Check(*Context) []finding.Finding { panic("boom") }

func TestRulePanicIsAnError(t *testing.T) {
	_, err := Lint(context.Background(), Input{Path: "Dockerfile", Data: []byte("FROM x\n")}, Options{Rules: []Rule{panicRule{}}})
	if err == nil {
		t.Fatal("a panicking rule must fail the lint with an error")
	}
}

func TestUndefinedVarFromBaseImage(t *testing.T) {
	opt := Options{Rules: []Rule{}, BuildKit: true}
	// $MAMBA_USER comes from the base image's ENV, which the offline
	// resolver cannot know: not reported.
	if got := lintSrc(t, "FROM mambaorg/micromamba:1.5.8\nCOPY --chown=$MAMBA_USER:$MAMBA_USER env.yaml /tmp/\n", opt); len(got) != 0 {
		t.Errorf("base-image variable reported: %v", got)
	}
	// A typo BuildKit can name is reported.
	got := lintSrc(t, "FROM python:3.11-slim\nARG PYTHON_VERSION=3.11\nENV X=$PYTHON_VERISON\n", opt) //nolint:misspell // the typo is the test
	if !sameSet(got, []string{"buildkit:UndefinedVar@3"}) {
		t.Errorf("typo: %v", got)
	}
	// From scratch nothing comes from a base image.
	got = lintSrc(t, "FROM scratch\nENV PATH=$MISSING/bin\n", opt)
	if !sameSet(got, []string{"buildkit:UndefinedVar@2"}) {
		t.Errorf("scratch: %v", got)
	}
}

func TestWindowsWorkdirIsAbsolute(t *testing.T) {
	opt := Options{Rules: []Rule{}, BuildKit: true}
	src := "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n"
	if got := lintSrc(t, src, opt); len(got) != 0 {
		t.Errorf("a Windows drive path is absolute: %v", got)
	}
	if got := lintSrc(t, "FROM debian:bookworm-slim\nWORKDIR rel\n", opt); !sameSet(got, []string{"buildkit:WorkdirRelativePath@2"}) {
		t.Errorf("a relative path is still reported: %v", got)
	}
}
