// Package finding holds the vocabulary that every plimsoll linter speaks: a
// Finding at a file and line with a Severity, and a Fingerprint that stays
// the same when unrelated lines move.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Severity orders how much a finding matters. The zero value is Off.
type Severity int

// The severities, lowest first. Off disables a rule.
const (
	Off Severity = iota
	Style
	Info
	Warning
	Error
)

var severityNames = [...]string{Off: "off", Style: "style", Info: "info", Warning: "warning", Error: "error"}

// String returns the lower-case name ("warning").
func (s Severity) String() string {
	if s < Off || s > Error {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity turns "error", "warning", "info", "style" or "off" (any
// case; "none" is a synonym of "off") into a Severity.
func ParseSeverity(s string) (Severity, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "none" {
		return Off, nil
	}
	for i, n := range severityNames {
		if n == v {
			return Severity(i), nil
		}
	}
	return Off, fmt.Errorf("unknown severity %q: use error, warning, info, style or off", s)
}

// MarshalText writes the name, so JSON carries "warning", not 3.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a name written by MarshalText.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Finding is one problem a rule found.
//
// Rules fill Rule, Line (and EndLine), Message, and File when the finding is
// in a file other than the Dockerfile (a requirements file). The lint engine
// fills the rest: Severity (the rule's default or the configured override),
// Aliases (the rule's hadolint codes), File, and Fingerprint.
type Finding struct {
	Rule        string   `json:"rule"`
	Severity    Severity `json:"severity"`
	File        string   `json:"file"`
	Line        int      `json:"line"`
	EndLine     int      `json:"end_line,omitempty"`
	Column      int      `json:"column,omitempty"`
	Message     string   `json:"message"`
	Aliases     []string `json:"aliases,omitempty"`
	Fingerprint string   `json:"fingerprint,omitempty"`
}

// Fingerprint identifies a finding across runs: the rule, the file, the
// whitespace-normalised text of the offending line (not its number, so that
// inserting a line above does not change it), and an occurrence count that
// tells apart identical lines in the same file. It is the hex SHA-256 of
// those, cut to 32 characters.
func Fingerprint(rule, file, lineText string, occurrence int) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d", rule, file, strings.Join(strings.Fields(lineText), " "), occurrence)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Sort orders findings by file, line, column, rule, message: the order every
// formatter prints.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return Less(fs[i], fs[j]) })
}

// Less is Sort's order.
func Less(a, b Finding) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Column != b.Column {
		return a.Column < b.Column
	}
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	return a.Message < b.Message
}

// Count returns how many findings are at or above min.
func Count(fs []Finding, min Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity >= min && f.Severity > Off {
			n++
		}
	}
	return n
}
