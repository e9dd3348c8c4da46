package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plimsoll/plimsoll/pkg/analyze"
	"github.com/plimsoll/plimsoll/pkg/buildkit"
	"github.com/plimsoll/plimsoll/pkg/report"
	"github.com/plimsoll/plimsoll/pkg/testenv"
)

// Bad flag values exit 2 with one line naming the flag, before any
// builder is contacted.
func TestBuildBadFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unreachable := "unix://" + filepath.Join(dir, "no.sock")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--variant", "nodockerfile"}, "--variant"},
		{[]string{"--secret", "src=/x"}, "id= is required"},
		{[]string{"--output", "type=docker"}, "--output"},
		{[]string{"--build-context", "x=ftp://y"}, "--build-context"},
		{[]string{"--cache-to", "type=s3"}, "--cache-to"},
		{[]string{"--cache-from", "type=local"}, "--cache-from"},
		{[]string{"--max-disk", "lots"}, "--max-disk"},
		{[]string{"--shm-size", "big"}, "--shm-size"},
		{[]string{"--platform", "linux/amd64/v3/x/y"}, "--platform"},
		{[]string{"--add-host", "nohost"}, "--add-host"},
		{[]string{"--progress", "fancy"}, "--progress"},
		{[]string{"--network", "bridge"}, "--network"},
		{[]string{"--prune-after=keep=1"}, "--prune-after"},
		{[]string{"--label", "novalue"}, "--label"},
		{[]string{"--timeout", "soon"}, "invalid value"},
		{[]string{"--no-such-flag"}, "flag provided but not defined"},
		{[]string{"--file", "Dockerfile", "--variant", "a=Dockerfile"}, "do not mix"},
		{[]string{"a", "b"}, "at most one build context"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			args := append([]string{"build", "--builder", unreachable}, tt.args...)
			if tt.args[0] != "a" {
				args = append(args, dir)
			}
			code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, ExitUsage, errb.String())
			}
			if !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr %q does not mention %q", errb.String(), tt.want)
			}
			// One line; a flag the flag package rejects adds the hint.
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			if len(lines) == 2 && lines[1] == "run 'plimsoll build -h' for the flags" {
				lines = lines[:1]
			}
			if len(lines) != 1 {
				t.Errorf("stderr is not one line: %q", errb.String())
			}
		})
	}
}

// An unreachable builder fails fast with one line naming the address.
func TestBuildUnreachableBuilder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := "unix://" + filepath.Join(dir, "nobody-listens.sock")
	var out, errb bytes.Buffer
	start := time.Now()
	code := run(context.Background(), []string{"build", "--builder", addr, dir}, strings.NewReader(""), &out, &errb)
	if code != ExitFailure {
		t.Errorf("exit %d, want %d; stderr %q", code, ExitFailure, errb.String())
	}
	if !strings.Contains(errb.String(), addr) || strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 {
		t.Errorf("stderr %q: want one line naming %s", errb.String(), addr)
	}
	if el := time.Since(start); el > 15*time.Second {
		t.Errorf("took %s", el)
	}
}

// Input that cannot be read (a missing Dockerfile, build context, secret
// file or OCI layout) is a usage error (exit 2), found before any builder
// is contacted (the address given here answers nothing).
func TestBuildUnreadableInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--variant", "a=" + filepath.Join(dir, "Nope"), dir}, "reading Dockerfile"},
		{[]string{filepath.Join(dir, "no-such-dir")}, "is not a directory"},
		{[]string{"--secret", "id=x,src=" + filepath.Join(dir, "missing"), dir}, "--secret"},
		{[]string{"--secret", "id=x,env=PLIMSOLL_SURELY_UNSET_VAR", dir}, "PLIMSOLL_SURELY_UNSET_VAR is not set"},
		{[]string{"--build-context", "base=oci-layout://" + filepath.Join(dir, "nolayout"), dir}, "not an OCI layout"},
		{[]string{"--push", dir}, "--push needs at least one --tag"},
		{[]string{"--compression", "lz4", dir}, "--compression"},
		{[]string{"--output", "none", "--output", "oci-layout=x", dir}, "cannot be combined"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			args := append([]string{"build", "--builder", "unix://" + filepath.Join(dir, "x.sock")}, tt.args...)
			code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
			if code != ExitUsage || !strings.Contains(errb.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errb.String(), ExitUsage, tt.want)
			}
		})
	}
}

func TestBuildHelp(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"build", "-h"}, strings.NewReader(""), &out, &errb); code != ExitOK {
		t.Errorf("build -h: exit %d", code)
	}
	for _, want := range []string{"Usage: plimsoll build", "-variant", "-max-disk", "-cache-to"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// The command end to end on a buildkitd of its own (stopped when the test
// ends): two variants, the summary, the build report and the analysis
// report; then a failing step exits 1 with its Dockerfile line.
func TestBuildCommand(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d, err := buildkit.StartDaemon(ctx, buildkit.DaemonOptions{})
	if err != nil {
		t.Fatalf("starting buildkitd: %v (run `make test`)", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	base := "busybox=" + testenv.BuildContexts(t)["busybox"]
	dir := t.TempDir()
	files := map[string]string{
		"Dockerfile":     "FROM busybox AS build\nRUN dd if=/dev/urandom of=/big bs=1k count=256 2>/dev/null && echo built > /out\nFROM busybox\nCOPY --from=build /out /out\n",
		"Dockerfile.bad": "FROM busybox\nRUN echo about-to-fail && false\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep, an := filepath.Join(t.TempDir(), "build.json"), filepath.Join(t.TempDir(), "analysis.json")
	var out, errb bytes.Buffer
	code := run(ctx, []string{"build", "--builder", d.Addr(), "--build-context", base, "--progress", "plain",
		"--variant", "single=Dockerfile:build", "--variant", "multi=Dockerfile", "--report", rep, "--analysis", an, dir},
		strings.NewReader(""), &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"VARIANT", "single", "multi", "builder disk:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	var b report.Build
	if err := report.ReadFile(rep, report.KindBuild, &b); err != nil {
		t.Fatal(err)
	}
	if len(b.Variants) != 2 || b.Variants[0].Status != report.StatusOK || b.Variants[1].SizeBytes >= b.Variants[0].SizeBytes || b.Builder != d.Addr() {
		t.Errorf("build report %+v", b)
	}
	a, err := analyze.ReadReport(an)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Analyses) != 2 || a.Analyses[1].SizeBytes != b.Variants[1].SizeBytes {
		t.Errorf("analysis report has %d analyses, want 2 matching the build report", len(a.Analyses))
	}

	out.Reset()
	errb.Reset()
	code = run(ctx, []string{"build", "--builder", d.Addr(), "--build-context", base, "--progress", "quiet", "-f", filepath.Join(dir, "Dockerfile.bad"), dir},
		strings.NewReader(""), &out, &errb)
	if code != ExitFailure || !strings.Contains(errb.String(), "Dockerfile.bad:2") || !strings.Contains(errb.String(), "about-to-fail") {
		t.Errorf("failing step: exit %d, stderr:\n%s", code, errb.String())
	}
}
