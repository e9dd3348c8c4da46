package format

import (
	"io"

	"github.com/plimsoll/plimsoll/pkg/report"
)

// JSON is the plimsoll lint report (report.Lint): the report envelope
// (schema, kind "lint", tool, created), the files, a summary and the
// findings. Later CI steps read it with report.ReadFile(path,
// report.KindLint, &report.Lint{}).
type JSON struct{}

func (JSON) Format(w io.Writer, r *Report) error {
	return report.Write(w, NewLintReport(r))
}

// NewLintReport builds the json format's document (also for --report files).
func NewLintReport(r *Report) report.Lint {
	doc := report.NewLint(r.Files, r.Findings)
	if r.Tool != "" {
		doc.Tool = r.Tool
	}
	if !r.Created.IsZero() {
		doc.Created = r.Created.UTC()
	}
	return doc
}
