package main

import (
	"fmt"
)

// Named exit codes, shared by every subcommand.
const (
	// ExitOK: the command did what was asked and nothing failed a gate.
	ExitOK = 0
	// ExitFailure: the command ran but the result fails (lint findings at or
	// above the threshold, a failed CI rule, a failed build step) or an
	// operation failed.
	ExitFailure = 1
	// ExitUsage: bad flags, bad config, unreadable input: fix the invocation.
	ExitUsage = 2
	// ExitInterrupted: stopped by Ctrl-C or SIGTERM.
	ExitInterrupted = 130
)

// exitError carries an exit code. A nil err means the command already
// printed what the user needs (for example lint findings) and exits quietly.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErrorf reports a usage or configuration error: exit 2, one line.
func usageErrorf(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// usageError wraps err as a usage/I/O error (exit 2).
func usageError(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: ExitUsage, err: err}
}

// failSilently exits 1 without printing anything more: the command has
// already written its result (findings, failed rules).
func failSilently() error { return &exitError{code: ExitFailure} }
