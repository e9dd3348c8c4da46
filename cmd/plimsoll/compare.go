package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/compare"
	"github.com/plimsoll/plimsoll/pkg/image"
	"github.com/plimsoll/plimsoll/pkg/report"
)

// runCompare: plimsoll compare [flags] NAME=IMAGE NAME=IMAGE [...]
func runCompare(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet("compare", s)
	format := fs.String("format", "text", "output format: "+strings.Join(compare.Formats(), ", "))
	reportPath := fs.String("report", "", "also write the comparison as a JSON report to `FILE`")
	top := fs.Int("top", 10, "directories that grew and shrank most to list per image (0: none)")
	platform := fs.String("platform", "", "pick this platform (os/arch) of a multi-platform image or report")
	variant := fs.String("variant", "", "pick this variant of a build report")
	insecure := fs.Bool("insecure", false, "allow plain http and unverified TLS for registries")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: plimsoll compare [flags] NAME=IMAGE NAME=IMAGE [...]\n"+
			"       plimsoll compare [flags] BUILD-REPORT.json\n\n"+
			"Compares images side by side, with deltas against the first. IMAGE is anything\n"+
			"plimsoll analyze accepts, or an analysis report (plimsoll analyze --format json).\n"+
			"A build or analysis report given alone stands for all its images, named after\n"+
			"their variants; NAME=REPORT takes the variant called NAME.\n\n"+
			"Exit status: 0 done, 1 a registry or daemon could not be reached, 2 bad flags\n"+
			"or arguments, or an image that cannot be read (missing, malformed, corrupt or\n"+
			"truncated), as for plimsoll analyze.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if !slices.Contains(compare.Formats(), *format) {
		return usageErrorf("unknown --format %q: use one of %s", *format, strings.Join(compare.Formats(), ", "))
	}
	if err := compare.CheckArgs(rest); err != nil {
		return usageError(err)
	}
	opt := compare.Options{TopPaths: *top}
	if *top <= 0 {
		opt.TopPaths = -1
	}
	inputs, err := compare.LoadAll(ctx, rest, compare.LoadOptions{
		Image: image.Options{Platform: *platform, Variant: *variant, Insecure: *insecure},
	})
	if err != nil {
		// Same exit codes as analyze: 2 for input that cannot be read
		// (missing, corrupt, truncated, bad NAME=IMAGE), 1 only when a
		// registry or daemon could not be reached.
		return imageError(err)
	}
	r, err := compare.Compare(inputs, opt)
	if err != nil {
		return usageError(err)
	}
	if *reportPath != "" {
		if err := report.WriteFile(*reportPath, r); err != nil {
			return err
		}
	}
	return compare.Render(s.out, r, *format)
}
