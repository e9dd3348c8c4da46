package format

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

// CodeQuality is GitLab's Code Quality report (a JSON array; GitLab reads
// description, check_name, fingerprint, severity, location.path and
// location.lines.begin). Severities map error->critical, warning->major,
// info->minor, style->info.
type CodeQuality struct{}

type cqIssue struct {
	Type        string     `json:"type"`
	Description string     `json:"description"`
	CheckName   string     `json:"check_name"`
	Fingerprint string     `json:"fingerprint"`
	Severity    string     `json:"severity"`
	Categories  []string   `json:"categories"`
	Location    cqLocation `json:"location"`
}

type cqLocation struct {
	Path  string  `json:"path"`
	Lines cqLines `json:"lines"`
}

type cqLines struct {
	Begin int `json:"begin"`
	End   int `json:"end,omitempty"`
}

// CodeQualitySeverity maps a severity to GitLab's scale.
func CodeQualitySeverity(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "critical"
	case finding.Warning:
		return "major"
	case finding.Info:
		return "minor"
	default:
		return "info"
	}
}

func (CodeQuality) Format(w io.Writer, r *Report) error {
	issues := make([]cqIssue, 0, len(r.Findings))
	for _, f := range r.Findings {
		line := f.Line
		if line < 1 {
			line = 1
		}
		issues = append(issues, cqIssue{
			Type:        "issue",
			Description: fmt.Sprintf("%s: %s", f.Rule, oneLine(f.Message)),
			CheckName:   f.Rule,
			Fingerprint: f.Fingerprint,
			Severity:    CodeQualitySeverity(f.Severity),
			Categories:  []string{category(f.Rule)},
			Location:    cqLocation{Path: f.File, Lines: cqLines{Begin: line, End: max(f.EndLine, line)}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(issues)
}

// category is the Code Climate category of a rule family.
func category(rule string) string {
	if len(rule) >= 3 && rule[:2] == "PL" {
		switch rule[2] {
		case '2', '5':
			return "Performance"
		case '1':
			return "Compatibility"
		case '3':
			return "Performance"
		case '4', '6':
			return "Compatibility"
		case '0':
			return "Bug Risk"
		}
	}
	return "Style"
}
