package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/plimsoll/plimsoll/pkg/analyze"
	"github.com/plimsoll/plimsoll/pkg/image"
	"github.com/plimsoll/plimsoll/pkg/report"
)

func runAnalyze(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet("analyze", s)
	fs.Usage = func() {
		fmt.Fprintln(s.err, `Usage: plimsoll analyze [flags] IMAGE...

IMAGE is a registry reference (auth from the Docker config), oci-layout://DIR[@DIGEST|:TAG],
oci-archive://FILE, docker-archive://FILE[:TAG] (docker save), docker-daemon://REF, or a
plimsoll build report (report://FILE or FILE.json).

Exit status: 0 done (and every CI rule passed), 1 a CI rule failed or a registry or
daemon could not be reached, 2 bad flags or CI config, or an image that cannot be read
(missing, malformed, corrupt or truncated). The JSON report is described in docs/reports.md.

Flags:`)
		fs.PrintDefaults()
	}
	format := fs.String("format", "text", "output format: text, json or markdown")
	reportFile := fs.String("report", "", "also write the JSON analysis report to `FILE`")
	platform := fs.String("platform", "", "pick one platform of a multi-platform index (os/arch[/variant])")
	allPlatforms := fs.Bool("all-platforms", false, "analyze every platform of a multi-platform index")
	insecure := fs.Bool("insecure", false, "allow plain http and unverified TLS registries")
	variant := fs.String("variant", "", "analyze only this variant of a build report")
	top := fs.Int("top", 20, "entries in the largest-files, inefficient-files and waste lists (-1: all)")
	jobs := fs.Int("jobs", 0, "layers read at once (0: one per core)")
	stats := fs.Bool("stats", false, "report timings and peak RSS on stderr (and in the JSON)")
	ci := fs.Bool("ci", false, "CI mode: check the rules and exit 1 when one fails; on when CI=true (unless --ci=false) or a rule flag is given")
	ciConfig := fs.String("ci-config", ".dive-ci", "dive CI rules `FILE` (YAML, dive's format), read in CI mode when it exists")
	fs.String("lowest-efficiency", "", "CI rule: lowest allowed efficiency, 0-1 or disabled (dive's lowestEfficiency)")
	fs.String("highest-wasted-bytes", "", "CI rule: most wasted bytes allowed, like 20MB or 19MiB, or disabled (dive's highestWastedBytes)")
	fs.String("highest-user-wasted-ratio", "", "CI rule: highest wasted/user bytes ratio, 0-1 or disabled (dive's highestUserWastedPercent)")
	fs.String("max-size", "", "CI rule: largest allowed image size, like 500MB, or disabled")
	fs.String("max-reclaimable", "", "CI rule: most reclaimable bytes allowed, like 10MB, or disabled")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageErrorf("analyze needs an IMAGE; run 'plimsoll analyze -h'")
	}
	switch *format {
	case "text", "json", "markdown":
	default:
		return usageErrorf("--format %q: use text, json or markdown", *format)
	}
	if *platform != "" && *allPlatforms {
		return usageErrorf("--platform and --all-platforms exclude each other")
	}
	if *top == 0 || *top < -1 {
		return usageErrorf("--top %d: give how many entries to list (1 or more), or -1 for all", *top)
	}
	if *jobs < 0 {
		return usageErrorf("--jobs %d: give how many layers to read at once, or 0 for one per core", *jobs)
	}

	ruleFlags := map[string]string{
		"lowest-efficiency":         analyze.RuleLowestEfficiency,
		"highest-wasted-bytes":      analyze.RuleHighestWastedBytes,
		"highest-user-wasted-ratio": analyze.RuleHighestUserWastedPercent,
		"max-size":                  analyze.RuleMaxSize,
		"max-reclaimable":           analyze.RuleMaxReclaimable,
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	// A rule given on the command line is a gate the user wants: it turns
	// CI mode on rather than being ignored.
	// CI=true (set by GitHub Actions, GitLab CI, ...) turns CI mode on as
	// it does for dive, unless --ci=false says otherwise.
	ciMode := *ci
	if env, err := strconv.ParseBool(os.Getenv("CI")); err == nil && env && !set["ci"] {
		ciMode = true
	}
	for flagName := range ruleFlags {
		ciMode = ciMode || set[flagName]
	}
	var rules analyze.Rules
	if ciMode {
		var found bool
		if rules, found, err = analyze.ReadRulesFile(*ciConfig); err != nil {
			return usageError(err)
		}
		if !found && set["ci-config"] {
			fmt.Fprintf(s.err, "plimsoll analyze: no CI config %s, using dive's default rules\n", *ciConfig)
		}
		for flagName, rule := range ruleFlags {
			if set[flagName] {
				rules[rule] = fs.Lookup(flagName).Value.String()
			}
		}
		if err := rules.Validate(); err != nil {
			return usageErrorf("CI misconfigured: %v", err)
		}
	}

	var analyses []*analyze.Analysis
	for _, ref := range rest {
		srcs, err := image.Open(ctx, ref, image.Options{Platform: *platform, AllPlatforms: *allPlatforms, Insecure: *insecure, Variant: *variant})
		if err != nil {
			return imageError(err)
		}
		for _, src := range srcs {
			a, err := analyze.Image(ctx, src.Image, analyze.Options{
				Concurrency: *jobs, TopN: *top, Name: src.Name, Platform: src.Platform, StoredUncompressed: src.StoredUncompressed,
				MergeGCPercent: 10, // one analysis at a time: keep the merge's peak RSS low
			})
			if err != nil {
				return imageError(fmt.Errorf("analyzing %s: %w", src.Name, err))
			}
			if ciMode {
				a.CI = rules.Evaluate(a)
			}
			if *stats {
				a.Stats.PeakRSSBytes = analyze.PeakRSS()
				fmt.Fprintf(s.err, "stats: %s: %s\n", src.Name, a.Stats)
			} else {
				a.Stats = nil
			}
			analyses = append(analyses, a)
		}
	}

	rep := analyze.NewReport(analyses...)
	if *reportFile != "" {
		if err := report.WriteFile(*reportFile, rep); err != nil {
			return err
		}
	}
	switch *format {
	case "json":
		err = report.Write(s.out, rep)
	case "markdown":
		err = analyze.WriteMarkdown(s.out, analyses)
	default:
		err = analyze.WriteText(s.out, analyses)
	}
	if err != nil {
		return err
	}
	for _, a := range analyses {
		if a.CI != nil && !a.CI.Pass {
			return failSilently()
		}
	}
	return nil
}
