package rules

import (
	"regexp"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// Pragmas are the inline ignore comments of one Dockerfile:
//
//	# plimsoll ignore=PL201,PL204          the next instruction
//	# plimsoll global ignore=PL204         the whole file
//	# hadolint ignore=DL3042               hadolint's, through each rule's aliases
//	# hadolint global ignore=DL3059
//
// Ids are case-insensitive; BuildKit checks are named "buildkit:Name".
type Pragmas struct {
	// Global are ids ignored in the whole file.
	Global map[string]bool
	// Lines maps an instruction's line range to the ids ignored there.
	Lines []LinePragma
}

// LinePragma ignores ids on the lines of one instruction.
type LinePragma struct {
	Line, EndLine int
	IDs           map[string]bool
}

var pragmaRE = regexp.MustCompile(`^(?i)(plimsoll|hadolint)\s+(global\s+)?ignore\s*=\s*(.*)$`)

// parsePragma reads one comment (without '#'); ok is false when it is not a
// pragma.
func parsePragma(text string) (ids []string, global, ok bool) {
	m := pragmaRE.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return nil, false, false
	}
	for _, id := range strings.Split(m[3], ",") {
		// "PL201 reason..." or "PL201 # reason": the id is the first word.
		if f := strings.Fields(id); len(f) > 0 {
			ids = append(ids, strings.ToLower(f[0]))
		}
	}
	return ids, m[2] != "", true
}

// ReadPragmas collects the pragmas of a parsed file.
func ReadPragmas(f *dockerfile.File) Pragmas {
	p := Pragmas{Global: map[string]bool{}}
	for _, c := range f.Comments {
		if ids, global, ok := parsePragma(c.Text); ok && global {
			for _, id := range ids {
				p.Global[id] = true
			}
		}
	}
	for _, in := range f.Instructions() {
		lp := LinePragma{Line: in.Line, EndLine: in.EndLine, IDs: map[string]bool{}}
		for _, c := range in.Comments {
			if ids, global, ok := parsePragma(c); ok && !global {
				for _, id := range ids {
					lp.IDs[id] = true
				}
			}
		}
		if len(lp.IDs) > 0 {
			p.Lines = append(p.Lines, lp)
		}
	}
	return p
}

// Ignores reports whether a pragma ignores the finding (in the Dockerfile
// itself: line pragmas do not reach findings in other files).
func (p Pragmas) Ignores(f finding.Finding, inDockerfile bool) bool {
	names := ruleNames(f)
	for _, n := range names {
		if p.Global[n] {
			return true
		}
	}
	if !inDockerfile {
		return false
	}
	for _, lp := range p.Lines {
		if f.Line >= lp.Line && f.Line <= lp.EndLine {
			for _, n := range names {
				if lp.IDs[n] {
					return true
				}
			}
		}
	}
	return false
}

// ruleNames are the lower-case names a finding answers to: its id, its
// aliases, and for BuildKit checks the bare check name.
func ruleNames(f finding.Finding) []string {
	names := []string{strings.ToLower(f.Rule)}
	if strings.HasPrefix(f.Rule, BuildKitPrefix) {
		names = append(names, strings.ToLower(strings.TrimPrefix(f.Rule, BuildKitPrefix)))
	}
	for _, a := range f.Aliases {
		names = append(names, strings.ToLower(a))
	}
	return names
}
