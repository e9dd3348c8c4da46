package format

import (
	"io"

	"github.com/plimsoll/plimsoll/pkg/finding"
	"github.com/plimsoll/plimsoll/pkg/report"
)

// JSON is the plimsoll lint report: the report envelope (schema, kind
// "lint", tool, created) and the findings. Later CI steps read it with
// report.Read(r, report.KindLint, &format.LintReport{}).
type JSON struct{}

// LintReport is the json format's document.
type LintReport struct {
	report.Header
	Files    []string      `json:"files"`
	Summary  LintSummary   `json:"summary"`
	Findings []JSONFinding `json:"findings"`
}

// LintSummary counts findings by severity.
type LintSummary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
	Styles   int `json:"styles"`
}

// JSONFinding is one finding in the json format.
type JSONFinding struct {
	Rule        string           `json:"rule"`
	Severity    finding.Severity `json:"severity"`
	File        string           `json:"file"`
	Line        int              `json:"line"`
	EndLine     int              `json:"end_line,omitempty"`
	Message     string           `json:"message"`
	Aliases     []string         `json:"aliases"`
	Fingerprint string           `json:"fingerprint"`
}

func (JSON) Format(w io.Writer, r *Report) error {
	return report.Write(w, NewLintReport(r))
}

// NewLintReport builds the json format's document (for --report files).
func NewLintReport(r *Report) LintReport {
	doc := LintReport{Header: report.NewHeader(report.KindLint), Files: r.Files, Findings: []JSONFinding{}}
	if doc.Files == nil {
		doc.Files = []string{}
	}
	if r.Tool != "" {
		doc.Tool = r.Tool
	}
	if !r.Created.IsZero() {
		doc.Created = r.Created.UTC()
	}
	for _, f := range r.Findings {
		aliases := f.Aliases
		if aliases == nil {
			aliases = []string{}
		}
		doc.Findings = append(doc.Findings, JSONFinding{Rule: f.Rule, Severity: f.Severity, File: f.File, Line: f.Line,
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
