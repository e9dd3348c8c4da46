package rules

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// Options configure a lint run.
type Options struct {
	// Rules are the rules to run; nil means All().
	Rules []Rule
	// Settings are passed to every rule.
	Settings Settings
	// Severities override rules' default severities, keyed by rule id,
	// hadolint alias, BuildKit check ("buildkit:Name"), or "buildkit" for
	// every BuildKit check. finding.Off disables; a severity enables a rule
	// that is off by default (PL104).
	Severities map[string]finding.Severity
	// Ignore lists rule ids or aliases not to report ("buildkit" ignores
	// every BuildKit check).
	Ignore []string
	// BuildKit runs BuildKit's own build checks.
	BuildKit bool
	// Parse says how to read the Dockerfile (target stage, build args).
	Parse dockerfile.ParseOptions
	// DisplayPath rewrites the file paths of findings (for example to be
	// relative to the working folder) before fingerprints are taken; nil
	// keeps them.
	DisplayPath func(string) string
}

// Input is one Dockerfile to lint.
type Input struct {
	// Path is the Dockerfile's path as findings should show it.
	Path string
	// Data is its content.
	Data []byte
	// Context is the build context, or nil.
	Context *dockerfile.BuildContext
}

// Result is the outcome of linting one Dockerfile.
type Result struct {
	// File is the parsed Dockerfile; nil when it could not be parsed (the
	// findings then hold a PL001).
	File *dockerfile.File
	// Findings are sorted, with pragmas and configuration applied.
	Findings []finding.Finding
}

// Lint parses a Dockerfile and runs the rules over it. A Dockerfile that
// cannot be parsed is a PL001 finding, not an error; errors are for what
// the user must fix in the invocation (a --target that does not exist) or a
// rule that failed.
func Lint(ctx context.Context, in Input, opt Options) (*Result, error) {
	rules := opt.Rules
	if rules == nil {
		rules = All()
	}
	ignored := map[string]bool{}
	for _, id := range opt.Ignore {
		ignored[strings.ToLower(strings.TrimSpace(id))] = true
	}
	sevs := map[string]finding.Severity{}
	for k, v := range opt.Severities {
		sevs[strings.ToLower(k)] = v
	}
	res := &Result{}
	f, err := dockerfile.Parse(in.Path, in.Data, opt.Parse)
	if err != nil {
		var se *dockerfile.SyntaxError
		if !errors.As(err, &se) {
			return nil, err
		}
		fd := finding.Finding{Rule: "PL001", Line: se.Line, EndLine: se.Line, Message: "cannot parse the Dockerfile: " + se.Msg}
		meta := PL001{}.Meta()
		if sev := severityFor(meta, sevs); sev > finding.Off && !isIgnored(fd, meta, ignored) {
			fd.Severity = sev
			res.Findings = finalize([]finding.Finding{fd}, in.Path, nil, opt.DisplayPath)
		}
		return res, nil
	}
	res.File = f
	c := &Context{File: f, BuildContext: in.Context, Settings: opt.Settings, ctx: ctx}
	metas := map[string]Meta{}
	var all []finding.Finding
	for _, r := range rules {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m := r.Meta()
		metas[m.ID] = m
		sev := severityFor(m, sevs)
		if sev == finding.Off {
			continue
		}
		fs, err := check(r, c)
		if err != nil {
			return nil, fmt.Errorf("linting %s: %w", in.Path, err)
		}
		for _, fd := range fs {
			fd.Rule = m.ID
			fd.Severity = sev
			fd.Aliases = append([]string(nil), m.Aliases...)
			all = append(all, fd)
		}
	}
	if opt.BuildKit && !ignored["buildkit"] {
		bks, err := BuildKitChecks(ctx, in.Path, in.Data, BuildKitOptions{Target: opt.Parse.Target, BuildArgs: opt.Parse.BuildArgs})
		if err != nil {
			return nil, fmt.Errorf("linting %s: %w", in.Path, err)
		}
		for _, fd := range bks {
			if offlineFalsePositive(f, fd) {
				continue
			}
			m := Meta{ID: fd.Rule, Severity: fd.Severity}
			if fd.Rule == "PL001" {
				m = PL001{}.Meta()
			} else if s, ok := sevs["buildkit"]; ok {
				m.Severity = s
			}
			sev := severityFor(m, sevs)
			if sev == finding.Off {
				continue
			}
			fd.Severity = sev
			all = append(all, fd)
		}
	}
	pragmas := ReadPragmas(f)
	kept := all[:0]
	for _, fd := range all {
		inDockerfile := fd.File == "" || fd.File == in.Path
		if pragmas.Ignores(fd, inDockerfile) || isIgnored(fd, metas[fd.Rule], ignored) {
			continue
		}
		kept = append(kept, fd)
	}
	res.Findings = finalize(kept, in.Path, f, opt.DisplayPath)
	return res, nil
}

// offlineFalsePositive drops BuildKit's UndefinedVar findings that only
// the offline image resolver causes: a variable the base image's ENV
// defines ($MAMBA_USER, $JAVA_HOME) looks undefined when the image config is
// not fetched. In a stage whose root is an external image the finding is
// kept only when BuildKit suggests a close name ("did you mean $X?"), the
// sign of a typo; stages rooted in scratch keep every UndefinedVar.
//
// WorkdirRelativePath is dropped for a Windows path ("C:\app"): the checks
// run for a linux target, where it is not absolute, but a Windows image's
// build resolves it as absolute.
func offlineFalsePositive(f *dockerfile.File, fd finding.Finding) bool {
	if fd.Rule == BuildKitPrefix+"WorkdirRelativePath" {
		return windowsPathRE.MatchString(fd.Message)
	}
	if fd.Rule != BuildKitPrefix+"UndefinedVar" || strings.Contains(fd.Message, "did you mean") {
		return false
	}
	var stage *dockerfile.Stage
	for _, s := range f.Stages {
		if s.From.Line <= fd.Line {
			stage = s
		}
	}
	if stage == nil {
		return false
	}
	root := stage
	for i := 0; root.BaseStage != nil && i < len(f.Stages); i++ {
		root = root.BaseStage
	}
	return !root.Base.Scratch
}

// windowsPathRE finds a quoted Windows drive path in a BuildKit message.
var windowsPathRE = regexp.MustCompile(`"[A-Za-z]:(\\\\|\\|/)`)

// check runs one rule, turning a panic into an error that names the rule.
func check(r Rule, c *Context) (fs []finding.Finding, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("rule %s failed: %v\n%s", r.Meta().ID, p, debug.Stack())
		}
	}()
	return r.Check(c), nil
}

func severityFor(m Meta, sevs map[string]finding.Severity) finding.Severity {
	if s, ok := sevs[strings.ToLower(m.ID)]; ok {
		return s
	}
	for _, a := range m.Aliases {
		if s, ok := sevs[strings.ToLower(a)]; ok {
			return s
		}
	}
	return m.Severity
}

func isIgnored(fd finding.Finding, m Meta, ignored map[string]bool) bool {
	if len(ignored) == 0 {
		return false
	}
	for _, n := range ruleNames(fd) {
		if ignored[n] {
			return true
		}
	}
	for _, a := range m.Aliases {
		if ignored[strings.ToLower(a)] {
			return true
		}
	}
	return false
}

// finalize fills File and Fingerprint and sorts.
func finalize(fs []finding.Finding, path string, f *dockerfile.File, display func(string) string) []finding.Finding {
	inDockerfile := make([]bool, len(fs))
	for i := range fs {
		if fs[i].File == "" {
			fs[i].File = path
		}
		inDockerfile[i] = fs[i].File == path
		if display != nil {
			fs[i].File = display(fs[i].File)
		}
		if fs[i].EndLine < fs[i].Line {
			fs[i].EndLine = fs[i].Line
		}
	}
	texts := make([]string, len(fs))
	for i := range fs {
		texts[i] = fs[i].Message
		if inDockerfile[i] && f != nil && fs[i].Line > 0 {
			texts[i] = f.Line(fs[i].Line)
		}
	}
	// Fingerprints: occurrences of the same text counted in sorted order.
	order := make([]int, len(fs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return finding.Less(fs[order[a]], fs[order[b]]) })
	seen := map[string]int{}
	for _, i := range order {
		fd := &fs[i]
		key := fd.Rule + "\x00" + fd.File + "\x00" + strings.Join(strings.Fields(texts[i]), " ")
		fd.Fingerprint = finding.Fingerprint(fd.Rule, fd.File, texts[i], seen[key])
		seen[key]++
	}
	finding.Sort(fs)
	return fs
}
