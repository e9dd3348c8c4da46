package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

// Text is the terminal format:
//
//	Dockerfile:3 PL201 warning: pip install without --no-cache-dir ...
//	    3 | RUN pip install flask==3.0.3
type Text struct {
	// Color adds ANSI colors.
	Color bool
}

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiRed   = "\x1b[31m"
	ansiYel   = "\x1b[33m"
	ansiBlue  = "\x1b[34m"
	ansiCyan  = "\x1b[36m"
)

func (t Text) paint(code, s string) string {
	if !t.Color {
		return s
	}
	return code + s + ansiReset
}

func (t Text) severityColor(s finding.Severity) string {
	switch s {
	case finding.Error:
		return ansiRed + ansiBold
	case finding.Warning:
		return ansiYel
	case finding.Info:
		return ansiBlue
	default:
		return ansiCyan
	}
}

func (t Text) Format(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	for _, f := range r.Findings {
		loc := f.File
		if f.Line > 0 {
			loc = fmt.Sprintf("%s:%d", f.File, f.Line)
		}
		fmt.Fprintf(bw, "%s %s %s: %s\n", t.paint(ansiBold, loc), t.paint(ansiBold, f.Rule),
			t.paint(t.severityColor(f.Severity), f.Severity.String()), oneLine(f.Message))
		if r.Source != nil && f.Line > 0 {
			if src := r.Source(f.File, f.Line); strings.TrimSpace(src) != "" {
				fmt.Fprintf(bw, "%s %s\n", t.paint(ansiDim, fmt.Sprintf("%5d |", f.Line)), excerpt(src))
			}
		}
	}
	files := len(r.Files)
	if files == 0 && len(r.Findings) == 0 {
		// Nothing was linted (every file failed to read): the errors say
		// it, "no findings in 0 Dockerfiles" would only mislead.
		return bw.Flush()
	}
	noun := "Dockerfiles"
	if files == 1 {
		noun = "Dockerfile"
	}
	fmt.Fprintf(bw, "%s in %d %s\n", summary(r.Findings), files, noun)
	return bw.Flush()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// maxExcerpt is the most characters of a source line the text format shows.
const maxExcerpt = 160

// excerpt renders a source line: tabs expanded, trailing space dropped,
// cut at maxExcerpt characters (a 10 MB line is not worth printing).
func excerpt(src string) string {
	s := strings.TrimRight(strings.ReplaceAll(src, "\t", "    "), " ")
	if r := []rune(s); len(r) > maxExcerpt {
		s = string(r[:maxExcerpt]) + "…"
	}
	return s
}
