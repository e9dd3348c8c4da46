package dockerfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func mustParse(t *testing.T, src string, opt ParseOptions) *File {
	t.Helper()
	f, err := Parse("Dockerfile", []byte(src), opt)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func TestParseStagesAndImages(t *testing.T) {
	src := `# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended
ARG CUDA=12.1.1
ARG FLAVOR
FROM --platform=$BUILDPLATFORM nvidia/cuda:${CUDA}-devel-ubuntu22.04 AS Build
RUN echo hi
FROM build AS test
FROM ghcr.io/acme/base@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
FROM python:3.11-${FLAVOR}
FROM scratch
`
	f := mustParse(t, src, ParseOptions{})
	if f.Directives["syntax"] != "docker/dockerfile:1" || f.Directives["check"] != "skip=JSONArgsRecommended" {
		t.Errorf("directives %v", f.Directives)
	}
	if len(f.Stages) != 5 || f.Target != f.Stages[4] {
		t.Fatalf("stages %d target %v", len(f.Stages), f.Target)
	}
	s0 := f.Stages[0]
	if s0.Name != "build" || s0.Base.Name != "nvidia/cuda" || s0.Base.Tag != "12.1.1-devel-ubuntu22.04" || s0.Platform != "linux/amd64" || s0.Base.Official() {
		t.Errorf("stage 0: %+v base %+v", s0, s0.Base)
	}
	if s0.From.Line != 5 || s0.Instructions[0].Line != 6 {
		t.Errorf("lines: FROM %d RUN %d", s0.From.Line, s0.Instructions[0].Line)
	}
	s1 := f.Stages[1]
	if s1.BaseStage != s0 || s1.Base.Name != "nvidia/cuda" {
		t.Errorf("stage 1 should build on stage 0: %+v", s1)
	}
	s2 := f.Stages[2]
	if s2.Base.Registry != "ghcr.io" || s2.Base.Name != "ghcr.io/acme/base" || !strings.HasPrefix(s2.Base.Digest, "sha256:") {
		t.Errorf("stage 2 base %+v", s2.Base)
	}
	if !f.Stages[3].Base.Unresolved {
		t.Errorf("python:3.11-${FLAVOR} with FLAVOR unset must be unresolved: %+v", f.Stages[3].Base)
	}
	if !f.Stages[4].Base.Scratch {
		t.Errorf("scratch: %+v", f.Stages[4].Base)
	}
	if py := ParseImage("python:3.11-slim"); !py.Official() || py.FullName != "docker.io/library/python" {
		t.Errorf("python image %+v", py)
	}
}

func TestParseBuildArgsOverride(t *testing.T) {
	f := mustParse(t, "ARG TAG=3.10\nFROM python:${TAG}-slim\n", ParseOptions{BuildArgs: map[string]string{"TAG": "3.12"}})
	if got := f.Stages[0].Base.Tag; got != "3.12-slim" {
		t.Errorf("tag %q", got)
	}
}

func TestParseEscapeHeredocContinuation(t *testing.T) {
	src := "# escape=`\nFROM debian:bookworm\nRUN apt-get update `\n && apt-get install -y curl\nRUN <<EOF\nset -e\npip install flask\nEOF\nCOPY <<EOF /etc/x.conf\na=1\nEOF\n"
	f := mustParse(t, src, ParseOptions{})
	if f.EscapeToken != '`' {
		t.Errorf("escape %q", f.EscapeToken)
	}
	ins := f.Stages[0].Instructions
	if ins[0].Line != 3 || ins[0].EndLine != 4 {
		t.Errorf("continued RUN spans %d-%d", ins[0].Line, ins[0].EndLine)
	}
	var names []string
	for _, c := range ins[0].Run.Commands {
		names = append(names, c.Name+" "+c.Subcommand())
	}
	if strings.Join(names, ",") != "apt-get update,apt-get install" {
		t.Errorf("commands %v", names)
	}
	hd := ins[1]
	if hd.Line != 5 || hd.EndLine != 8 || len(hd.Run.Commands) != 2 || hd.Run.Commands[1].Name != "pip" || hd.Run.Commands[1].Line != 7 {
		t.Errorf("heredoc RUN %d-%d %+v", hd.Line, hd.EndLine, hd.Run.Commands)
	}
	if c := ins[2].Copy; c == nil || len(c.Heredocs) != 1 || c.Dest != "/etc/x.conf" || c.FromContext() && len(c.Sources) != 0 {
		t.Errorf("heredoc COPY %+v", ins[2].Copy)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
	}{
		{"", 0},
		{"RUN echo\n", 1},
		{"FROM debian\nRUN <<EOF\necho\n", 2},
		{"FROM debian\nFOO bar\n", 2},
		{"FROM debian\nCOPY --bogus=1 a b\n", 2},
		{"# only a comment\n", 1},
		{"FROM debian\nRUN echo " + strings.Repeat("a", MaxLineBytes) + "\n", 2},
		{"FROM debian RUN " + strings.Repeat("a", 10<<20), 1},
		{"# escape=x\nFROM debian\n", 0},
	} {
		_, err := Parse("Dockerfile", []byte(tc.src), ParseOptions{})
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: want a *SyntaxError, got %v", tc.src, err)
			continue
		}
		if tc.line > 0 && se.Line != tc.line {
			t.Errorf("%q: error at line %d, want %d (%v)", tc.src, se.Line, tc.line, se)
		}
	}
}

func TestShippingStages(t *testing.T) {
	src := `FROM python:3.11 AS deps
FROM python:3.11 AS build
FROM build AS wheels
FROM python:3.11-slim AS base
FROM base AS final
COPY --from=wheels /wheels /wheels
COPY --from=deps / /
FROM final AS debug
`
	ship := func(target string) string {
		f := mustParse(t, src, ParseOptions{Target: target})
		var names []string
		for _, s := range f.ShippingStages() {
			names = append(names, s.Name)
		}
		return strings.Join(names, ",")
	}
	if got := ship(""); got != "deps,base,final,debug" {
		t.Errorf("default target ships %s", got)
	}
	if got := ship("wheels"); got != "build,wheels" {
		t.Errorf("--target wheels ships %s", got)
	}
	if _, err := Parse("Dockerfile", []byte(src), ParseOptions{Target: "nope"}); err == nil || !strings.Contains(err.Error(), "deps, build") {
		t.Errorf("unknown target: %v", err)
	}
	f := mustParse(t, src, ParseOptions{})
	final := f.StageByName("final")
	if len(final.DependsOn) != 3 {
		t.Errorf("final depends on %d stages", len(final.DependsOn))
	}
}

func TestStageEnv(t *testing.T) {
	f := mustParse(t, "FROM python:3.11 AS a\nENV A=1 B=2\nARG C=3\nFROM a\nENV B=4\nRUN true\n", ParseOptions{})
	s := f.Stages[1]
	env := s.Env(s.Instructions[1])
	if env["A"] != "1" || env["B"] != "4" || env["C"] != "3" {
		t.Errorf("env %v", env)
	}
}

func TestRunMounts(t *testing.T) {
	f := mustParse(t, "FROM python:3.11\nARG CACHE=/root/.cache/pip\nRUN --mount=type=cache,target=$CACHE --mount=type=bind,source=r.txt,target=/r.txt pip install -r /r.txt\n", ParseOptions{})
	r := f.Stages[0].Instructions[1].Run
	if len(r.Mounts) != 2 || r.Mounts[0].Type != "cache" || r.Mounts[0].Target != "/root/.cache/pip" || r.Mounts[1].Source != "r.txt" {
		t.Fatalf("mounts %+v", r.Mounts)
	}
	if r.MountAt("/root/.cache/pip/wheels") != r.Mounts[0] || r.MountAt("/root") != nil {
		t.Error("MountAt")
	}
}

func TestReadFileRefusesBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(bin, []byte("FROM x\x00\x01"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(bin); !errors.Is(err, ErrBinary) {
		t.Errorf("binary: %v", err)
	}
	if _, err := ReadFile(dir); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("folder: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file read")
	}
	latin1 := filepath.Join(dir, "latin1")
	os.WriteFile(latin1, []byte("FROM x\nLABEL a=\xe9\n"), 0o644)
	if _, err := ReadFile(latin1); !errors.Is(err, ErrBinary) {
		t.Errorf("invalid UTF-8: %v", err)
	}
	// Devices and pipes would never end or block forever.
	if _, err := ReadFile("/dev/zero"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("/dev/zero: %v", err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(fifo); err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("fifo: %v", err)
	}
}

func TestComments(t *testing.T) {
	f := mustParse(t, "# check=skip=all\n# top\nFROM x\n# above run\nRUN a \\\n  # inside\n  b\n", ParseOptions{})
	var got []string
	for _, c := range f.Comments {
		got = append(got, c.Text)
	}
	if strings.Join(got, "|") != "check=skip=all|top|above run" {
		t.Errorf("comments %q", got)
	}
	if in := f.Stages[0].Instructions[0]; len(in.Comments) != 1 || in.Comments[0] != "above run" {
		t.Errorf("instruction comments %q", in.Comments)
	}
}
