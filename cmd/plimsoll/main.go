// Command plimsoll lints, builds and weighs container images.
//
// main is thin: a signal-aware context, one call to run, one place that
// prints the error and picks the exit code. Each subcommand lives in its own
// file and turns flags into calls of the pkg/ libraries.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// stdio is what a subcommand reads and writes; tests pass buffers.
type stdio struct {
	in  io.Reader
	out io.Writer
	err io.Writer
}

// command is one subcommand. run gets the arguments after its name.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, io stdio, args []string) error
}

// commands lists the subcommands, in the order help shows them. Only built
// commands are listed: there are no placeholders.
func commands() []command {
	return []command{
		{"lint", "lint Dockerfiles, requirements files and the build context", runLint},
		{"build", "build image variants through BuildKit and report their sizes", runBuild},
		{"analyze", "weigh an image: size, layers, dive-compatible efficiency, reclaimable bytes, waste", runAnalyze},
		{"compare", "compare images side by side: size, layers, efficiency, waste, paths", runCompare},
		{"version", "print plimsoll's version", runVersion},
	}
}

// run executes one plimsoll invocation and returns its exit code.
func run(ctx context.Context, args []string, in io.Reader, out, errw io.Writer) int {
	s := stdio{in: in, out: out, err: errw}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(s.out)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return exitCode(s.err, c.name, c.run(ctx, s, args[1:]))
		}
	}
	fmt.Fprintf(s.err, "plimsoll: unknown command %q; run 'plimsoll help' for the list\n", args[0])
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "plimsoll: the load line for container images")
	fmt.Fprintln(w, "\nUsage: plimsoll <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'plimsoll <command> -h' for a command's flags.")
}

// exitCode prints err once (unless it is silent) and maps it to a code.
func exitCode(w io.Writer, name string, err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(w, "plimsoll %s: %v\n", name, ee.err)
		}
		return ee.code
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(w, "plimsoll %s: interrupted\n", name)
		return ExitInterrupted
	}
	fmt.Fprintf(w, "plimsoll %s: %v\n", name, err)
	return ExitFailure
}
