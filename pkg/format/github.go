package format

import (
	"fmt"
	"io"
	"strconv"

	"github.com/sethvargo/go-githubactions"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

// GitHub writes workflow commands that GitHub Actions turns into
// annotations on the changed files:
//
//	::warning file=Dockerfile,line=3,endLine=3,title=PL201::pip install without ...
//
// error -> ::error, warning -> ::warning, info and style -> ::notice.
// Escaping is go-githubactions' (the toolkit's rules).
type GitHub struct{}

func (GitHub) Format(w io.Writer, r *Report) error {
	for _, f := range r.Findings {
		props := githubactions.CommandProperties{"file": f.File, "title": f.Rule}
		if f.Line > 0 {
			props["line"] = strconv.Itoa(f.Line)
			if f.EndLine > f.Line {
				props["endLine"] = strconv.Itoa(f.EndLine)
			}
		}
		cmd := githubactions.Command{Name: githubCommand(f.Severity), Message: f.Message, Properties: props}
		if _, err := fmt.Fprintln(w, cmd.String()); err != nil {
			return fmt.Errorf("writing annotations: %w", err)
		}
	}
	return nil
}

func githubCommand(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	default:
		return "notice"
	}
}
