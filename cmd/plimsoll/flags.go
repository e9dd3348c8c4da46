package main

import (
	"errors"
	"flag"
	"strings"
)

// newFlagSet returns a flag set that reports errors to the command's stderr
// and lets the caller map them to exit 2.
func newFlagSet(name string, s stdio) *flag.FlagSet {
	fs := flag.NewFlagSet("plimsoll "+name, flag.ContinueOnError)
	fs.SetOutput(s.err)
	return fs
}

// parseFlags parses args, allowing flags after positional arguments
// ("plimsoll lint examples/ --format json"), and returns the positional
// arguments. Everything after a "--" is positional. -h prints the flags and
// exits 0; a bad flag exits 2 (the flag package has already printed why).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, &exitError{code: ExitOK}
			}
			return nil, &exitError{code: ExitUsage}
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(positional, tail...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// stringList is a repeatable string flag: --build-arg A=1 --build-arg B=2.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}
