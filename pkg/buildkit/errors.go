package buildkit

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/buildkit/solver/errdefs"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// StepError is a build step that failed: which step, where it is in the
// Dockerfile, and the last lines it printed.
type StepError struct {
	Variant string
	// Step is BuildKit's name of the step ("[builder 3/5] RUN make").
	Step string
	// File and Line locate the instruction; Source is its text.
	File   string
	Line   int
	Source string
	// Output is the last lines the step printed.
	Output []string
	// Hint says what to do, when plimsoll knows.
	Hint string
	Err  error
}

func (e *StepError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "variant %q: ", e.Variant)
	if e.File != "" && e.Line > 0 {
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	}
	msg := cleanMessage(e.Err)
	if e.Step != "" {
		fmt.Fprintf(&b, "step %s failed: ", e.Step)
		// BuildKit repeats the whole command in its message; the step
		// name already says it.
		const marker = "did not complete successfully: "
		if i := strings.Index(msg, marker); i >= 0 {
			msg = msg[i+len(marker):]
		}
	}
	b.WriteString(msg)
	for i, l := range strings.Split(e.Source, "\n") {
		if e.Source != "" {
			fmt.Fprintf(&b, "\n  %4d | %s", e.Line+i, l)
		}
	}
	if e.Hint != "" {
		b.WriteString(" (" + e.Hint + ")")
	}
	if len(e.Output) > 0 {
		b.WriteString("\n  last output:")
		for _, l := range e.Output {
			b.WriteString("\n    " + l)
		}
	}
	return b.String()
}

func (e *StepError) Unwrap() error { return e.Err }

// ConnectionError says the builder went away during a build.
type ConnectionError struct {
	Addr string
	Err  error
}

func (e *ConnectionError) Error() string {
	return fmt.Sprintf("lost the connection to the BuildKit builder at %s during the build (was buildkitd stopped or killed?): %s", e.Addr, cleanMessage(e.Err))
}

func (e *ConnectionError) Unwrap() error { return e.Err }

// InputError is a problem with what the user gave (a missing Dockerfile,
// an unreadable secret file, an OCI layout without the image): the command
// exits 2.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErrorf(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// DiskBudgetError says a variant cannot fit in --max-disk.
type DiskBudgetError struct {
	Variant string
	Limit   int64
	Used    int64
}

func (e *DiskBudgetError) Error() string {
	return fmt.Sprintf("variant %q needs more builder disk than --max-disk %s allows (%s in use after pruning everything else); raise --max-disk or make the image smaller",
		e.Variant, humanBytes(e.Limit), humanBytes(e.Used))
}

// cleanMessage drops gRPC's wrapping from a BuildKit error so that the user
// reads what went wrong.
func cleanMessage(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	for _, p := range []string{"failed to solve: ", "rpc error: code = Unknown desc = "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return strings.TrimSpace(msg)
}

// isConnectionLoss reports whether err means the builder is gone.
func isConnectionLoss(err error) bool {
	if err == nil {
		return false
	}
	var se interface{ GRPCStatus() *status.Status }
	if errors.As(err, &se) {
		switch se.GRPCStatus().Code() {
		case codes.Unavailable:
			return true
		}
	}
	msg := err.Error()
	for _, s := range []string{"connection refused", "error reading from server: EOF", "transport is closing", "connection reset by peer", "broken pipe", "code = Unavailable"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// solveError turns what Solve returned into the error the user sees.
func solveError(ctx context.Context, variant, addr string, err error, tr *tracker) error {
	if ctx.Err() != nil {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) && !errors.Is(cause, context.DeadlineExceeded) {
			return cause
		}
		return ctx.Err()
	}
	if isConnectionLoss(err) {
		return &ConnectionError{Addr: addr, Err: err}
	}
	se := &StepError{Variant: variant, Err: err}
	if name, _, tail, ok := tr.failed(); ok {
		se.Step = name
		se.Output = tail
	}
	if msg := err.Error(); strings.Contains(msg, "401 Unauthorized") || strings.Contains(msg, "403 Forbidden") || strings.Contains(msg, "insufficient_scope") {
		se.Hint = "the registry refused the credentials: log in with `docker login REGISTRY`, or put them in the Docker config file ($DOCKER_CONFIG/config.json)"
	}
	for _, src := range errdefs.Sources(err) {
		if src.Info == nil || len(src.Ranges) == 0 {
			continue
		}
		se.File = src.Info.Filename
		se.Line = int(src.Ranges[0].Start.Line)
		end := max(int(src.Ranges[0].End.Line), se.Line)
		lines := strings.Split(string(src.Info.Data), "\n")
		if se.Line >= 1 && se.Line <= len(lines) {
			// Quote the instruction with its continuation lines.
			for end < len(lines) && strings.HasSuffix(strings.TrimRight(lines[end-1], " \t\r"), "\\") {
				end++
			}
			end = min(end, len(lines), se.Line+5)
			se.Source = strings.Join(lines[se.Line-1:end], "\n")
		}
	}
	return se
}
