package rules

import "github.com/plimsoll/plimsoll/pkg/finding"

// PL001 is a Dockerfile that BuildKit's parser rejects. The engine raises it
// at the error's line when parsing fails (no other rule runs then), so
// Check has nothing to look at: a parsed file has no PL001.
type PL001 struct{}

func (PL001) Meta() Meta {
	return Meta{ID: "PL001", Severity: finding.Error, Summary: "the Dockerfile cannot be parsed"}
}

func (PL001) Check(*Context) []finding.Finding { return nil }
