package main

import (
	"errors"
	"flag"
	"fmt"
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
// arguments. Everything after a "--" is positional. -h prints the command's
// usage (fs.Usage) and exits 0; a bad flag prints one line saying why plus a
// hint, not the whole flag list (that reads badly in a CI log), and exits 2.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	// The flag package prints the error and then calls Usage, for -h and
	// for a bad flag alike; it is called here only for -h.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printUsage(fs, usage)
				return nil, &exitError{code: ExitOK}
			}
			fmt.Fprintf(fs.Output(), "run '%s -h' for the flags\n", fs.Name())
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

// printUsage calls the command's usage function, or prints the flag
// package's default usage when the command has none.
func printUsage(fs *flag.FlagSet, usage func()) {
	if usage != nil {
		usage()
		return
	}
	fmt.Fprintf(fs.Output(), "Usage of %s:\n", fs.Name())
	fs.PrintDefaults()
}

// stringList is a repeatable string flag: --build-arg A=1 --build-arg B=2.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}
