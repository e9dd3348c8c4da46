package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	ruledocs "github.com/plimsoll/plimsoll/docs/rules"
	"github.com/plimsoll/plimsoll/pkg/config"
	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
	"github.com/plimsoll/plimsoll/pkg/format"
	"github.com/plimsoll/plimsoll/pkg/report"
	"github.com/plimsoll/plimsoll/pkg/rules"
	"github.com/plimsoll/plimsoll/pkg/version"
)

// runLint is `plimsoll lint [flags] [PATH...]`.
func runLint(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet("lint", s)
	fs.Usage = func() {
		fmt.Fprintln(s.err, "Usage: plimsoll lint [flags] [PATH...]\n\nLint Dockerfiles (a PATH is a Dockerfile, a folder searched for Dockerfile, Dockerfile.*,\n*.Dockerfile and Containerfile, or - for stdin; default .). Exit 0: nothing at or above the\nfailure threshold; 1: something is; 2: usage or I/O error.\n\nFlags:")
		fs.PrintDefaults()
	}
	formatName := fs.String("format", "text", "output format: "+strings.Join(format.Names(), ", "))
	output := fs.String("output", "", "write the output to `FILE` instead of stdout")
	reportFile := fs.String("report", "", "also write the JSON lint report to `FILE`")
	contextDir := fs.String("context", "", "build context `DIR` (default: each Dockerfile's folder)")
	target := fs.String("target", "", "target `STAGE` (default: the last); decides which stages ship")
	threshold := fs.String("failure-threshold", "", "exit 1 when a finding is at or above `SEVERITY`: error, warning, info, style, none (default from config, else warning)")
	configFile := fs.String("config", "", "configuration `FILE` (default: .plimsoll.yaml found upward from the working folder)")
	color := fs.String("color", "auto", "color text output: auto, always, never")
	buildkitChecks := fs.Bool("buildkit-checks", true, "run BuildKit's own build checks (reported as buildkit:Name)")
	listRules := fs.Bool("list-rules", false, "list the rules and exit")
	var ignore, buildArgs stringList
	fs.Var(&ignore, "ignore", "ignore rule `ID` (or hadolint code); repeatable")
	fs.Var(&buildArgs, "build-arg", "`NAME=VALUE` for ARGs used in FROM; repeatable")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *listRules {
		return printRules(s.out)
	}
	if *color != "auto" && *color != "always" && *color != "never" {
		return usageErrorf("--color %q: use auto, always or never", *color)
	}
	fmtr, err := format.For(*formatName, format.Options{Color: useColor(*color, *output, s.out), ToolVersion: version.String()})
	if err != nil {
		return usageError(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		return usageError(fmt.Errorf("finding the working folder: %w", err))
	}
	cfg, err := loadConfig(*configFile, wd)
	if err != nil {
		return usageError(err)
	}
	min := cfg.Lint.FailureThreshold
	if *threshold != "" {
		if min, err = finding.ParseSeverity(*threshold); err != nil {
			return usageErrorf("--failure-threshold: %v", err)
		}
	}
	bargs := map[string]string{}
	for _, a := range buildArgs {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return usageErrorf("--build-arg %q: use NAME=VALUE", a)
		}
		bargs[k] = v
	}
	if *contextDir != "" {
		if st, err := os.Stat(*contextDir); err != nil || !st.IsDir() {
			return usageErrorf("--context %s: not a folder", *contextDir)
		}
	}
	inputs, err := lintInputs(paths, *contextDir, s.in)
	if err != nil {
		return usageError(err)
	}
	display := func(p string) string { return displayPath(wd, p) }
	results, err := rules.LintFiles(ctx, inputs, rules.Options{
		Settings:    rules.Settings{TrustedRegistries: cfg.Lint.TrustedRegistries, LargeFolderBytes: cfg.Lint.LargeFolderBytes},
		Severities:  cfg.Lint.Severity,
		Ignore:      append(append([]string(nil), cfg.Lint.Ignore...), ignore...),
		BuildKit:    *buildkitChecks && cfg.Lint.BuildKit,
		Parse:       dockerfile.ParseOptions{Target: *target, BuildArgs: bargs},
		DisplayPath: display,
	})
	if err != nil {
		return err
	}
	rep := &format.Report{Rules: ruleInfos()}
	sources := map[string][]string{}
	var failed []error
	for _, r := range results {
		name := display(r.Input.Path)
		if r.Err != nil {
			failed = append(failed, r.Err)
			continue
		}
		rep.Files = append(rep.Files, name)
		rep.Findings = append(rep.Findings, r.Result.Findings...)
		if r.Result.File != nil {
			sources[name] = r.Result.File.Lines
		}
	}
	finding.Sort(rep.Findings)
	rep.Source = sourceLines(sources, wd)
	if err := writeOutput(fmtr, rep, *output, s.out); err != nil {
		return usageError(err)
	}
	if *reportFile != "" {
		if err := writeJSONReport(*reportFile, rep); err != nil {
			return usageError(err)
		}
	}
	for _, e := range failed {
		fmt.Fprintf(s.err, "plimsoll lint: %v\n", e)
	}
	if len(failed) > 0 {
		return &exitError{code: ExitUsage}
	}
	if min > finding.Off && finding.Count(rep.Findings, min) > 0 {
		return failSilently()
	}
	return nil
}

func loadConfig(path, wd string) (*config.Config, error) {
	if path != "" {
		return config.ReadFile(path)
	}
	return config.Load(wd)
}

// lintInputs turns the PATH arguments into Dockerfiles with their contexts.
func lintInputs(paths []string, contextDir string, stdin io.Reader) ([]rules.FileInput, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var out []rules.FileInput
	var files []string
	for _, p := range paths {
		if p == "-" {
			data, err := io.ReadAll(io.LimitReader(stdin, dockerfile.MaxFileSize+1))
			if err != nil {
				return nil, fmt.Errorf("reading Dockerfile from stdin: %w", err)
			}
			if len(data) > dockerfile.MaxFileSize {
				return nil, fmt.Errorf("reading Dockerfile from stdin: larger than %d bytes", dockerfile.MaxFileSize)
			}
			out = append(out, rules.FileInput{Path: "-", Data: data, Context: contextDir})
			continue
		}
		files = append(files, p)
	}
	if len(files) > 0 {
		found, err := dockerfile.Discover(files)
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			ctxDir := contextDir
			if ctxDir == "" {
				ctxDir = filepath.Dir(f)
			}
			out = append(out, rules.FileInput{Path: f, Context: ctxDir})
		}
	}
	return out, nil
}

// displayPath shows p relative to the working folder when it is inside it.
func displayPath(wd, p string) string {
	if p == "-" {
		return p
	}
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(wd, p)
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(filepath.Clean(p))
}

// sourceLines returns the text format's line lookup: Dockerfiles from their
// parse, other files (requirements) read when first asked.
func sourceLines(parsed map[string][]string, wd string) func(string, int) string {
	return func(file string, line int) string {
		lines, ok := parsed[file]
		if !ok {
			p := filepath.FromSlash(file)
			if !filepath.IsAbs(p) {
				p = filepath.Join(wd, p)
			}
			if data, err := os.ReadFile(p); err == nil && dockerfile.CheckText(data) == nil {
				lines = strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
			}
			parsed[file] = lines
		}
		if line < 1 || line > len(lines) {
			return ""
		}
		return lines[line-1]
	}
}

func writeOutput(f format.Formatter, rep *format.Report, path string, stdout io.Writer) error {
	if path == "" {
		return f.Format(stdout, rep)
	}
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	if err := f.Format(out, rep); err != nil {
		out.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func writeJSONReport(path string, rep *format.Report) error {
	return report.WriteFile(path, format.NewLintReport(rep))
}

// useColor decides whether text output gets ANSI colors.
func useColor(mode, output string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if output != "" || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// ruleInfos describes every rule for the formatters (SARIF's rule table).
func ruleInfos() []format.RuleInfo {
	var out []format.RuleInfo
	for _, r := range rules.All() {
		m := r.Meta()
		help, _ := ruledocs.Page(m.ID, rules.DocBaseURL)
		out = append(out, format.RuleInfo{ID: m.ID, Summary: m.Summary, HelpURI: m.DocURL(), Severity: m.Severity, Aliases: m.Aliases, Help: help})
	}
	for _, m := range rules.BuildKitRules() {
		out = append(out, format.RuleInfo{ID: m.ID, Summary: m.Summary, HelpURI: m.DocURL(), Severity: m.Severity})
	}
	return out
}

// printRules is --list-rules.
func printRules(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tDEFAULT\tHADOLINT\tSTAGES\tSUMMARY")
	for _, r := range rules.All() {
		m := r.Meta()
		stages := "all"
		if m.Shipping {
			stages = "shipping"
		}
		aliases := strings.Join(m.Aliases, ",")
		if aliases == "" {
			aliases = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.ID, m.Severity, aliases, stages, m.Summary)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nBuildKit's own checks (as `docker build --check`; skip with # check=skip=Name):")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, m := range rules.BuildKitRules() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", m.ID, m.Severity, m.Summary)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nRule pages: %s<ID>.md; BuildKit's checks: https://docs.docker.com/go/dockerfile/rule/\n", rules.DocBaseURL)
	return nil
}
