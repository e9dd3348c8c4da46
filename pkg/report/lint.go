package report

import "github.com/plimsoll/plimsoll/pkg/finding"

// Lint is the report of `plimsoll lint` (--format json, --report FILE),
// kind "lint". Read it with ReadFile(path, KindLint, &report.Lint{}).
type Lint struct {
	Header
	// Files are the Dockerfiles linted, relative to the working folder.
	Files []string `json:"files"`
	// Summary counts the findings by severity.
	Summary LintSummary `json:"summary"`
	// Findings are sorted by file, line and rule.
	Findings []LintFinding `json:"findings"`
}

// LintSummary counts findings by severity.
type LintSummary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
	Styles   int `json:"styles"`
}

// LintFinding is one finding. File is relative to the working folder
// (slash-separated); Line is 1-based, 0 for the whole file; Aliases are the
// rule's hadolint codes; Fingerprint stays the same when unrelated lines
// move (use it to match findings across runs).
type LintFinding struct {
	Rule        string           `json:"rule"`
	Severity    finding.Severity `json:"severity"`
	File        string           `json:"file"`
	Line        int              `json:"line"`
	EndLine     int              `json:"end_line,omitempty"`
	Message     string           `json:"message"`
	Aliases     []string         `json:"aliases"`
	Fingerprint string           `json:"fingerprint"`
}

// NewLint builds a lint report from findings: Aliases is never null, and
// the summary is counted.
func NewLint(files []string, fs []finding.Finding) Lint {
	doc := Lint{Header: NewHeader(KindLint), Files: files, Findings: []LintFinding{}}
	if doc.Files == nil {
		doc.Files = []string{}
	}
	for _, f := range fs {
		aliases := f.Aliases
		if aliases == nil {
			aliases = []string{}
		}
		doc.Findings = append(doc.Findings, LintFinding{Rule: f.Rule, Severity: f.Severity, File: f.File, Line: f.Line,
			EndLine: f.EndLine, Message: f.Message, Aliases: aliases, Fingerprint: f.Fingerprint})
		switch f.Severity {
		case finding.Error:
			doc.Summary.Errors++
		case finding.Warning:
			doc.Summary.Warnings++
		case finding.Info:
			doc.Summary.Infos++
		case finding.Style:
			doc.Summary.Styles++
		}
	}
	return doc
}
