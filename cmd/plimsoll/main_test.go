package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
		{"bad flag hint", []string{"version", "--nope"}, ExitUsage, "", "run 'plimsoll version -h' for the flags"},
		{"build -help", []string{"build", "-help"}, ExitOK, "", "Usage: plimsoll build"},
		{"lint --help", []string{"lint", "--help"}, ExitOK, "", "Usage: plimsoll lint"},
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

// A bad flag prints what is wrong and a hint, two lines in all, never the
// flag list; -h still prints the whole usage. Each command's own Usage is
// kept for -h, and the flag set's Usage is restored after parsing.
func TestParseFlagsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		usage    bool // the command sets its own Usage
		args     []string
		wantCode int
		want     []string
		notWant  []string
	}{
		{"unknown flag", true, []string{"a", "--nope"}, ExitUsage,
			[]string{"flag provided but not defined: -nope\n", "run 'plimsoll x -h' for the flags\n"}, []string{"Usage", "-format"}},
		{"bad value", true, []string{"--count", "many"}, ExitUsage,
			[]string{`invalid value "many" for flag -count`, "run 'plimsoll x -h' for the flags"}, []string{"Usage", "-format"}},
		{"missing value", false, []string{"--format"}, ExitUsage,
			[]string{"flag needs an argument: -format", "run 'plimsoll x -h' for the flags"}, []string{"Usage", "the output"}},
		{"-h with usage", true, []string{"-h"}, ExitOK, []string{"Usage: plimsoll x [flags]", "-format", "the output"}, []string{"run '"}},
		{"--help default usage", false, []string{"b", "--help"}, ExitOK, []string{"Usage of plimsoll x:", "-format", "the output"}, []string{"run '"}},
		{"-h after --", true, []string{"--", "-h"}, ExitOK, nil, []string{"Usage", "run '"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			fs := newFlagSet("x", stdio{out: &out, err: &errb})
			fs.String("format", "text", "the output `FORMAT`")
			fs.Int("count", 1, "how many")
			called := 0
			if tt.usage {
				fs.Usage = func() {
					called++
					fmt.Fprintln(fs.Output(), "Usage: plimsoll x [flags]")
					fs.PrintDefaults()
				}
			}
			_, err := parseFlags(fs, tt.args)
			code := ExitOK
			var ee *exitError
			if errors.As(err, &ee) {
				code = ee.code
			} else if err != nil {
				t.Fatalf("parseFlags: %v", err)
			}
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d", code, tt.wantCode)
			}
			got := errb.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("stderr %q lacks %q", got, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("stderr %q has %q", got, w)
				}
			}
			if tt.wantCode == ExitUsage {
				if n := strings.Count(got, "\n"); n != 2 {
					t.Errorf("a bad flag printed %d lines, want 2: %q", n, got)
				}
			}
			if tt.usage && fs.Usage == nil {
				t.Error("the command's Usage was not restored")
			}
			if tt.usage && tt.wantCode == ExitUsage && called != 0 {
				t.Error("Usage called for a bad flag")
			}
			if out.Len() != 0 {
				t.Errorf("stdout %q, want nothing", out.String())
			}
		})
	}
}
