package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
			if strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 {
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
