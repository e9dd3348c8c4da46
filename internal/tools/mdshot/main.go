// Command mdshot renders a Markdown file (GitHub Flavored: tables,
// strikethrough, task lists, autolinks, raw <details>) into a standalone HTML
// page styled like a GitHub pull-request comment, so that a headless browser
// can take a screenshot of it. The page fetches nothing: the CSS is inline and
// the fonts are the system's. scripts/screenshots.sh (`make docs-images`)
// uses it to make docs/img/*.png from plimsoll's --format markdown output.
//
//	go run ./internal/tools/mdshot [-author NAME] [-open] [-o OUT.html] [IN.md]
//	go run ./internal/tools/mdshot term [-prompt CMD] [-o OUT.html] [IN.txt]
//	go run ./internal/tools/mdshot trim [-pad N] [-colors N] IN.png OUT.png
//
// With no IN it reads standard input; with no -o it writes standard output.
// The term form renders terminal output (ANSI colors included) as a
// terminal window; the trim form crops a browser screenshot to the page's
// content.
// The Markdown is trusted (plimsoll's own output): raw HTML passes through.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"html/template"
	"io"
	"os"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "mdshot: %v\n", err)
		os.Exit(1)
	}
}

// Options controls the page around the rendered Markdown.
type Options struct {
	Author string // the name in the comment's header bar
	Open   bool   // expand every <details> (GitHub shows them closed)
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "trim":
			return runTrim(args[1:])
		case "term":
			return runTerm(args[1:], stdin, stdout)
		}
	}
	fs := flag.NewFlagSet("mdshot", flag.ContinueOnError)
	var opt Options
	var out string
	fs.StringVar(&opt.Author, "author", "plimsoll-bot", "name shown in the comment header")
	fs.BoolVar(&opt.Open, "open", false, "expand every <details> block")
	fs.StringVar(&out, "o", "", "write the HTML page to `FILE` (default standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("one Markdown file at most, got %d", fs.NArg())
	}
	src, err := readInput(fs.Arg(0), stdin)
	if err != nil {
		return err
	}
	page, err := Render(src, opt)
	if err != nil {
		return err
	}
	return writeOutput(out, stdout, page)
}

// writeOutput writes page to the file out, or to stdout when out is "".
func writeOutput(out string, stdout io.Writer, page []byte) error {
	if out == "" {
		_, err := stdout.Write(page)
		return err
	}
	if err := os.WriteFile(out, page, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return nil
}

func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "" || name == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading markdown: %w", err)
	}
	return b, nil
}

// Render turns Markdown into a complete HTML page.
func Render(src []byte, opt Options) ([]byte, error) {
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
	var body bytes.Buffer
	if err := md.Convert(src, &body); err != nil {
		return nil, fmt.Errorf("rendering markdown: %w", err)
	}
	var page bytes.Buffer
	err := pageTemplate.Execute(&page, struct {
		Options
		CSS  template.CSS
		Body template.HTML
	}{opt, template.CSS(css), template.HTML(body.String())}) //nolint:gosec // G203: plimsoll's own markdown reports rendered for a local screenshot; raw HTML (<details>) must pass as GitHub shows it
	if err != nil {
		return nil, fmt.Errorf("rendering page: %w", err)
	}
	return page.Bytes(), nil
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Author}} commented</title>
<style>{{.CSS}}</style>
</head>
<body{{if .Open}} class="open"{{end}}>
<div class="comment">
<div class="comment-header"><strong>{{.Author}}</strong> <span class="label">bot</span> commented</div>
<div class="markdown-body">
{{.Body}}</div>
</div>
{{- if .Open}}
<script>document.querySelectorAll("details").forEach(function (d) { d.open = true; });</script>
{{- end}}
</body>
</html>
`))

// css resembles GitHub's light theme for a PR comment (primer colors),
// written for this page only.
const css = `
* { box-sizing: border-box; }
html { background: #fff; }
body {
  margin: 0; padding: 16px;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
  font-size: 14px; line-height: 1.5; color: #1f2328;
}
.comment { border: 1px solid #d0d7de; border-radius: 6px; background: #fff; }
.comment-header {
  padding: 8px 16px; background: #f6f8fa; color: #59636e;
  border-bottom: 1px solid #d0d7de; border-radius: 6px 6px 0 0;
}
.comment-header strong { color: #1f2328; font-weight: 600; }
.label {
  display: inline-block; padding: 0 7px; font-size: 12px; font-weight: 500; line-height: 18px;
  border: 1px solid #d0d7de; border-radius: 2em; color: #59636e; margin: 0 2px;
}
.markdown-body { padding: 16px; word-wrap: break-word; }
.markdown-body > :first-child { margin-top: 0 !important; }
.markdown-body > :last-child { margin-bottom: 0 !important; }
.markdown-body h1, .markdown-body h2, .markdown-body h3, .markdown-body h4 {
  margin: 24px 0 16px; font-weight: 600; line-height: 1.25;
}
.markdown-body h1 { font-size: 2em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
.markdown-body h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
.markdown-body h3 { font-size: 1.25em; }
.markdown-body h4 { font-size: 1em; }
.markdown-body p, .markdown-body ul, .markdown-body ol, .markdown-body table,
.markdown-body pre, .markdown-body details, .markdown-body blockquote { margin: 0 0 16px; }
.markdown-body ul, .markdown-body ol { padding-left: 2em; }
.markdown-body li.task-list-item, .markdown-body li:has(> input[type=checkbox]) { list-style: none; }
.markdown-body input[type=checkbox] { margin: 0 .2em .25em -1.4em; vertical-align: middle; }
.markdown-body a { color: #0969da; text-decoration: none; }
.markdown-body del { color: #59636e; }
.markdown-body blockquote { padding: 0 1em; color: #59636e; border-left: .25em solid #d0d7de; }
.markdown-body code, .markdown-body pre {
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
  font-size: 85%;
}
.markdown-body code { padding: .2em .4em; margin: 0; white-space: break-spaces; background: #818b981f; border-radius: 6px; }
.markdown-body pre { padding: 16px; overflow: auto; line-height: 1.45; background: #f6f8fa; border-radius: 6px; }
.markdown-body pre code { padding: 0; background: transparent; font-size: 100%; white-space: pre; }
.markdown-body table {
  display: block; width: max-content; max-width: 100%; overflow: auto;
  border-spacing: 0; border-collapse: collapse; font-variant-numeric: tabular-nums;
}
.markdown-body th { font-weight: 600; }
.markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body tr { background: #fff; border-top: 1px solid #d1d9e0b3; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body details summary { cursor: pointer; display: list-item; }
.markdown-body details[open] > summary { margin-bottom: 16px; }
.markdown-body hr { height: .25em; padding: 0; margin: 24px 0; background: #d1d9e0; border: 0; }
`
