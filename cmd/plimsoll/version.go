package main

import (
	"context"
	"fmt"
	"runtime"

	"github.com/plimsoll/plimsoll/pkg/version"
)

func runVersion(_ context.Context, s stdio, args []string) error {
	fs := newFlagSet("version", s)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("version takes no arguments, got %q", rest)
	}
	fmt.Fprintf(s.out, "plimsoll %s (%s, %s/%s)\n", version.String(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
