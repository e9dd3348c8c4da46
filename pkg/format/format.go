// Package format renders lint findings: text for terminals, json (the
// plimsoll lint report), sarif (GitHub code scanning), codequality (GitLab
// Code Quality) and github (workflow-command annotations). One formatter per
// file; each has a golden test fed by the same findings fixture.
//
// Formatters know nothing of flags or rules: the caller passes the findings,
// the rules' descriptions and how to read source lines.
package format

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

// Report is what a formatter renders.
type Report struct {
	// Findings, sorted (finding.Sort); File paths relative to the working
	// folder, slash-separated.
	Findings []finding.Finding
	// Rules describe the rules that ran (and at least every rule a finding
	// names), for SARIF's rule table.
	Rules []RuleInfo
	// Files are the Dockerfiles linted.
	Files []string
	// Source returns the text of a line of a file ("" when unknown), for
	// the text format's excerpt. May be nil.
	Source func(file string, line int) string
	// Created stamps the json report; zero means now.
	Created time.Time
	// Tool overrides the json report's tool field ("" = this plimsoll).
	Tool string
}

// RuleInfo describes a rule.
type RuleInfo struct {
	ID       string
	Summary  string
	HelpURI  string
	Severity finding.Severity // default severity
	Aliases  []string
	// Help is the rule's documentation in markdown (its docs/rules page),
	// for SARIF's help.markdown; "" means a summary and a link.
	Help string
}

// Options tune a formatter.
type Options struct {
	// Color adds ANSI colors to text (set it only on a terminal).
	Color bool
	// ToolVersion is plimsoll's version, for SARIF's driver.
	ToolVersion string
}

// Formatter writes a report in one format.
type Formatter interface {
	Format(w io.Writer, r *Report) error
}

// Names lists the formats, in the order help shows them.
func Names() []string { return []string{"text", "json", "sarif", "codequality", "github"} }

// For returns the formatter for a format name.
func For(name string, opt Options) (Formatter, error) {
	switch strings.ToLower(name) {
	case "text", "":
		return Text{Color: opt.Color}, nil
	case "json":
		return JSON{}, nil
	case "sarif":
		return SARIF{ToolVersion: opt.ToolVersion}, nil
	case "codequality", "gitlab":
		return CodeQuality{}, nil
	case "github":
		return GitHub{}, nil
	}
	return nil, fmt.Errorf("unknown format %q: use one of %s", name, strings.Join(Names(), ", "))
}

// ruleIndex maps rule ids to their info, adding a bare entry for any rule a
// finding names that the caller did not describe. Returned sorted by id.
func ruleTable(r *Report) []RuleInfo {
	seen := map[string]bool{}
	var out []RuleInfo
	for _, ri := range r.Rules {
		if !seen[ri.ID] {
			seen[ri.ID] = true
			out = append(out, ri)
		}
	}
	for _, f := range r.Findings {
		if !seen[f.Rule] {
			seen[f.Rule] = true
			out = append(out, RuleInfo{ID: f.Rule, Summary: f.Rule, Severity: f.Severity, Aliases: f.Aliases})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// summary counts findings by severity: "3 findings (1 error, 2 warnings)".
func summary(fs []finding.Finding) string {
	if len(fs) == 0 {
		return "no findings"
	}
	counts := map[finding.Severity]int{}
	for _, f := range fs {
		counts[f.Severity]++
	}
	var parts []string
	for s := finding.Error; s > finding.Off; s-- {
		if n := counts[s]; n > 0 {
			name := s.String()
			if n > 1 {
				name += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, name))
		}
	}
	noun := "findings"
	if len(fs) == 1 {
		noun = "finding"
	}
	return fmt.Sprintf("%d %s (%s)", len(fs), noun, strings.Join(parts, ", "))
}
