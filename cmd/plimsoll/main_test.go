package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRunExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"no args prints usage", nil, ExitUsage, "Usage: plimsoll", ""},
		{"help", []string{"help"}, ExitOK, "Commands:", ""},
		{"unknown command", []string{"frobnicate"}, ExitUsage, "", `unknown command "frobnicate"`},
		{"version", []string{"version"}, ExitOK, "plimsoll ", ""},
		{"version -h", []string{"version", "-h"}, ExitOK, "", "Usage of plimsoll version"},
		{"bad flag", []string{"version", "--nope"}, ExitUsage, "", "flag provided but not defined"},
		{"stray argument", []string{"version", "x"}, ExitUsage, "", "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &out, &errb)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.wantCode, errb.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout = %q, want it to contain %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errb.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", errb.String(), tt.wantErr)
			}
		})
	}
}

func TestParseFlagsInterspersed(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	fs := newFlagSet("x", stdio{out: &out, err: &errb})
	format := fs.String("format", "text", "")
	var args stringList
	fs.Var(&args, "arg", "")
	rest, err := parseFlags(fs, []string{"a", "--format", "json", "b", "--arg", "1", "--arg=2", "--", "--format", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if *format != "json" {
		t.Errorf("format = %q", *format)
	}
	if got := strings.Join(rest, " "); got != "a b --format c" {
		t.Errorf("positional = %q", got)
	}
	if got := args.String(); got != "1,2" {
		t.Errorf("repeated = %q", got)
	}
}
