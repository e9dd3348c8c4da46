package main

import (
	"bytes"
	"flag"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// runTerm is `mdshot term [-prompt CMD] [-o OUT.html] [IN.txt]`: it renders
// terminal output, ANSI colors (SGR) included, into a page that looks like a
// terminal window, for a screenshot of plimsoll's text output.
func runTerm(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("mdshot term", flag.ContinueOnError)
	var prompt, out string
	fs.StringVar(&prompt, "prompt", "", "command line shown before the output (after a $)")
	fs.StringVar(&out, "o", "", "write the HTML page to `FILE` (default standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("one text file at most, got %d", fs.NArg())
	}
	src, err := readInput(fs.Arg(0), stdin)
	if err != nil {
		return err
	}
	page, err := RenderTerm(src, prompt)
	if err != nil {
		return err
	}
	return writeOutput(out, stdout, page)
}

// escapeSeq matches a CSI escape sequence; only SGR (ending in m) is kept.
var escapeSeq = regexp.MustCompile("\x1b\\[([0-9;?]*)([A-Za-z])")

// sgr is the text style in effect.
type sgr struct {
	bold, dim, italic, underline bool
	fg                           string // a class: c31 … c37, c90 … c97
}

func (s sgr) classes() string {
	var c []string
	if s.bold {
		c = append(c, "b")
	}
	if s.dim {
		c = append(c, "d")
	}
	if s.italic {
		c = append(c, "i")
	}
	if s.underline {
		c = append(c, "u")
	}
	if s.fg != "" {
		c = append(c, s.fg)
	}
	return strings.Join(c, " ")
}

func (s *sgr) apply(params string) {
	if params == "" {
		params = "0"
	}
	for _, p := range strings.Split(params, ";") {
		n, err := strconv.Atoi(p)
		if err != nil {
			continue
		}
		switch {
		case n == 0:
			*s = sgr{}
		case n == 1:
			s.bold = true
		case n == 2:
			s.dim = true
		case n == 3:
			s.italic = true
		case n == 4:
			s.underline = true
		case n == 22:
			s.bold, s.dim = false, false
		case n == 23:
			s.italic = false
		case n == 24:
			s.underline = false
		case 30 <= n && n <= 37, 90 <= n && n <= 97:
			s.fg = "c" + strconv.Itoa(n)
		case n == 39:
			s.fg = ""
		}
	}
}

// ANSIToHTML escapes text for HTML and turns SGR sequences into spans; other
// escape sequences are dropped.
func ANSIToHTML(text string) template.HTML {
	var b strings.Builder
	var st sgr
	open := false
	write := func(s string) {
		if s == "" {
			return
		}
		if c := st.classes(); c != "" && !open {
			fmt.Fprintf(&b, `<span class="%s">`, c)
			open = true
		}
		b.WriteString(template.HTMLEscapeString(s))
	}
	last := 0
	for _, m := range escapeSeq.FindAllStringSubmatchIndex(text, -1) {
		write(text[last:m[0]])
		last = m[1]
		if text[m[4]:m[5]] != "m" {
			continue
		}
		if open {
			b.WriteString("</span>")
			open = false
		}
		st.apply(text[m[2]:m[3]])
	}
	write(text[last:])
	if open {
		b.WriteString("</span>")
	}
	return template.HTML(b.String()) //nolint:gosec // G203: every text run went through template.HTMLEscapeString; only our own <span> tags are added
}

// RenderTerm turns terminal output into a complete HTML page.
func RenderTerm(src []byte, prompt string) ([]byte, error) {
	var page bytes.Buffer
	err := termTemplate.Execute(&page, struct {
		Prompt string
		CSS    template.CSS
		Body   template.HTML
	}{prompt, template.CSS(termCSS), ANSIToHTML(strings.TrimRight(string(src), "\n"))}) //nolint:gosec // G203: ANSIToHTML escapes every text run
	if err != nil {
		return nil, fmt.Errorf("rendering page: %w", err)
	}
	return page.Bytes(), nil
}

var termTemplate = template.Must(template.New("term").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>terminal</title>
<style>{{.CSS}}</style>
</head>
<body>
<div class="term">
<div class="bar"><i></i><i></i><i></i></div>
<pre>{{if .Prompt}}<span class="prompt">$</span> {{.Prompt}}
{{end}}{{.Body}}</pre>
</div>
</body>
</html>
`))

// termCSS draws a dark terminal window (GitHub's dark palette).
const termCSS = `
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0; padding: 16px; }
.term { background: #0d1117; border: 1px solid #30363d; border-radius: 8px; overflow: hidden; }
.bar { padding: 10px 12px; background: #161b22; border-bottom: 1px solid #30363d; line-height: 0; }
.bar i { display: inline-block; width: 12px; height: 12px; border-radius: 50%; margin-right: 8px; background: #ff5f56; }
.bar i:nth-child(2) { background: #ffbd2e; }
.bar i:nth-child(3) { background: #27c93f; }
pre {
  margin: 0; padding: 14px 16px; color: #e6edf3; white-space: pre-wrap; word-break: break-word;
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
  font-size: 13px; line-height: 1.5;
}
.prompt { color: #3fb950; }
.b { font-weight: 700; }
.d { color: #8b949e; }
.i { font-style: italic; }
.u { text-decoration: underline; }
.c30, .c90 { color: #6e7681; }
.c31, .c91 { color: #ff7b72; }
.c32, .c92 { color: #3fb950; }
.c33, .c93 { color: #d29922; }
.c34, .c94 { color: #58a6ff; }
.c35, .c95 { color: #bc8cff; }
.c36, .c96 { color: #39c5cf; }
.c37, .c97 { color: #e6edf3; }
`
