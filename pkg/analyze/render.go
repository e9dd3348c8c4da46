package analyze

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/dustin/go-humanize"

	"github.com/plimsoll/plimsoll/pkg/version"
)

func hb(n int64) string {
	if n < 0 {
		return "-" + humanize.Bytes(uint64(-n))
	}
	return humanize.Bytes(uint64(n))
}

func pct(f float64) string { return fmt.Sprintf("%.2f%%", f*100) }

// short cuts a string to n runes with an ellipsis.
func short(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// hexDigest is a sha256 in hex, as in "ADD file:<64 hex> in /".
var hexDigest = regexp.MustCompile(`[0-9a-f]{64}`)

// instruction is a created_by line as shown: without the shell prefix,
// digests cut to 12 hex digits, "(no history)" when the image config has
// none.
func instruction(createdBy string, n int) string {
	s := hexDigest.ReplaceAllStringFunc(TrimShell(createdBy), func(h string) string { return h[:12] + "…" })
	s = short(s, n)
	if s == "" {
		return "(no history)"
	}
	return s
}

// storedPlain reports whether every layer is stored as a plain tar (a
// docker save archive, a daemon): the "compressed" size is then the
// stored tar's, larger than the contents.
func storedPlain(a *Analysis) bool {
	for _, l := range a.Layers {
		if l.MediaType == "" || strings.Contains(l.MediaType, "gzip") || strings.Contains(l.MediaType, "zstd") {
			return false
		}
	}
	return len(a.Layers) > 0
}

// storedLabel names the compressed_bytes figure.
func storedLabel(a *Analysis) string {
	if storedPlain(a) {
		return "stored (uncompressed tar)"
	}
	return "compressed"
}

// plural writes "1 layer", "2 layers", "1 entry", "0 entries".
func plural(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// mdBytes is a size for markdown: number and unit never wrap apart.
func mdBytes(n int64) string { return strings.ReplaceAll(hb(n), " ", "\u00a0") }

func shortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[i+1 : i+13]
	}
	return d
}

// WriteText renders analyses as readable tables.
func WriteText(w io.Writer, as []*Analysis) error { return writeEach(w, as, writeText) }

// MarkdownMarker starts every markdown rendering, hidden, so that a later
// step can find (and replace) the comment it posted before.
const MarkdownMarker = "<!-- plimsoll:analyze -->"

// WriteMarkdown renders analyses for a pull request comment or a job
// summary: the hidden MarkdownMarker, the analyses, and a footer naming
// the plimsoll that wrote it.
func WriteMarkdown(w io.Writer, as []*Analysis) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "%s\n", MarkdownMarker)
	if err := writeEach(ew, as, writeMarkdown); err != nil {
		return err
	}
	fmt.Fprintf(ew, "<sub>plimsoll %s</sub>\n", version.String())
	return ew.err
}

// writeEach renders each analysis, a blank line between them, and returns
// the first write error.
func writeEach(w io.Writer, as []*Analysis, render func(io.Writer, *Analysis)) error {
	ew := &errWriter{w: w}
	for i, a := range as {
		if i > 0 {
			fmt.Fprintln(ew)
		}
		render(ew, a)
	}
	return ew.err
}

// title names an analysis: the image and, when known, its platform.
func title(a *Analysis) string {
	if a.Platform != "" {
		return a.Image + " (" + a.Platform + ")"
	}
	return a.Image
}

func writeText(w io.Writer, a *Analysis) {
	fmt.Fprintf(w, "Image: %s\n", title(a))
	if a.Digest != "" {
		fmt.Fprintf(w, "Digest: %s\n", a.Digest)
	}
	fmt.Fprintf(w, "Size: %s (%d bytes), %s %s, %s, %s\n", hb(a.SizeBytes), a.SizeBytes, storedLabel(a), hb(a.CompressedBytes), plural(len(a.Layers), "layer"), plural(a.Files, "entry"))
	fmt.Fprintf(w, "Efficiency (dive): %v  wasted: %s (%d bytes)  user wasted: %s\n", a.Efficiency, hb(a.WastedBytes), a.WastedBytes, pct(a.UserWastedRatio))
	fmt.Fprintf(w, "Reclaimable by squashing: %s (%d bytes); final filesystem %s\n", hb(a.ReclaimableBytes), a.ReclaimableBytes, hb(a.FinalBytes))

	stored := strings.ToUpper(strings.Fields(storedLabel(a))[0])
	textTable(w, "Layers", "  #\tSIZE\t"+stored+"\tRECLAIMABLE\tFILES\tDIGEST\tCREATED BY", len(a.Layers), func(tw io.Writer) {
		for _, l := range a.Layers {
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%d\t%s\t%s\n", l.Index, hb(l.SizeBytes), hb(l.CompressedBytes), hb(l.ReclaimableBytes), l.Files, shortDigest(l.Digest), instruction(l.CreatedBy, 60))
		}
	})
	textTable(w, "Inefficient files (dive)", "  COUNT\tWASTED\tPATH", len(a.InefficientFiles), func(tw io.Writer) {
		for _, f := range a.InefficientFiles {
			fmt.Fprintf(tw, "  %d\t%s\t%s\n", f.Count, hb(f.WastedBytes), f.Path)
		}
	})
	if more := a.InefficientCount - len(a.InefficientFiles); more > 0 && len(a.InefficientFiles) > 0 {
		fmt.Fprintf(w, "  … and %d more\n", more)
	}
	textTable(w, "Waste", "  CATEGORY\tBYTES\tRECLAIMABLE\tFILES\tLARGEST\tADDED BY", len(a.Waste), func(tw io.Writer) {
		for _, c := range a.Waste {
			top, by := "", ""
			if len(c.Top) > 0 {
				top = c.Top[0].Path
				by = fmt.Sprintf("layer %d: %s", c.Top[0].Layer, instruction(c.Top[0].CreatedBy, 40))
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%s\t%s\n", c.Category, hb(c.Bytes), hb(c.ReclaimableBytes), c.Files, top, by)
		}
	})
	textTable(w, "Largest files", "  SIZE\tLAYER\tPATH", len(a.LargestFiles), func(tw io.Writer) {
		for _, f := range a.LargestFiles {
			fmt.Fprintf(tw, "  %s\t%d\t%s\n", hb(f.SizeBytes), f.Layer, f.Path)
		}
	})
	for _, warn := range a.Warnings {
		fmt.Fprintf(w, "\nwarning: %s\n", warn)
	}
	if a.CI != nil {
		writeCIText(w, a.CI)
	}
}

// textTable writes a heading and an aligned table (the header row, then
// what rows writes), or "none" when there are no rows.
func textTable(w io.Writer, heading, header string, n int, rows func(tw io.Writer)) {
	fmt.Fprintf(w, "\n%s:\n", heading)
	if n == 0 {
		fmt.Fprintln(w, "  none")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	rows(tw)
	tw.Flush()
}

func writeCIText(w io.Writer, ci *CIResult) {
	fmt.Fprintln(w, "\nResults:")
	pass, fail, skip := 0, 0, 0
	for _, r := range ci.Rules {
		switch r.Status {
		case "pass":
			pass++
			fmt.Fprintf(w, "  PASS: %s\n", r.Rule)
		case "fail":
			fail++
			fmt.Fprintf(w, "  FAIL: %s: %s\n", r.Rule, r.Message)
		default:
			skip++
			fmt.Fprintf(w, "  SKIP: %s: %s\n", r.Rule, r.Message)
		}
	}
	status := "PASS"
	if !ci.Pass {
		status = "FAIL"
	}
	fmt.Fprintf(w, "Result:%s [Total:%d] [Passed:%d] [Failed:%d] [Warn:0] [Skipped:%d]\n", status, len(ci.Rules), pass, fail, skip)
}

// mdEscape keeps a value from breaking a markdown table.
func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "`", "'")
	return strings.Join(strings.Fields(s), " ")
}

func writeMarkdown(w io.Writer, a *Analysis) {
	fmt.Fprintf(w, "### Image analysis: `%s`", mdEscape(a.Image))
	if a.Platform != "" {
		fmt.Fprintf(w, " (%s)", mdEscape(a.Platform))
	}
	fmt.Fprint(w, "\n\n")
	if a.CI != nil {
		if a.CI.Pass {
			fmt.Fprintln(w, "**CI rules: pass**")
		} else {
			fmt.Fprintln(w, "**CI rules: FAIL**")
		}
		fmt.Fprintln(w)
		for _, r := range a.CI.Rules {
			switch r.Status {
			case "fail":
				fmt.Fprintf(w, "- :x: `%s`: %s\n", r.Rule, mdEscape(r.Message))
			case "pass":
				fmt.Fprintf(w, "- :white_check_mark: `%s` (threshold %s)\n", r.Rule, mdEscape(r.Threshold))
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "| Metric | Value |")
	fmt.Fprintln(w, "|---|---:|")
	fmt.Fprintf(w, "| Size | %s |\n", mdBytes(a.SizeBytes))
	fmt.Fprintf(w, "| %s | %s |\n", capitalize(storedLabel(a)), mdBytes(a.CompressedBytes))
	fmt.Fprintf(w, "| Layers | %d |\n", len(a.Layers))
	fmt.Fprintf(w, "| Entries | %d |\n", a.Files)
	fmt.Fprintf(w, "| Efficiency (dive) | %s |\n", pct(a.Efficiency))
	fmt.Fprintf(w, "| Wasted (dive) | %s |\n", mdBytes(a.WastedBytes))
	fmt.Fprintf(w, "| User wasted (dive) | %s |\n", pct(a.UserWastedRatio))
	fmt.Fprintf(w, "| Reclaimable by squashing | %s |\n", mdBytes(a.ReclaimableBytes))
	fmt.Fprintln(w)

	mdDetails(w, "Layers", "| # | Size | "+capitalize(strings.Fields(storedLabel(a))[0])+" | Reclaimable | Files | Created by |", "|---:|---:|---:|---:|---:|---|", func() {
		for _, l := range a.Layers {
			fmt.Fprintf(w, "| %d | %s | %s | %s | %d | `%s` |\n", l.Index, mdBytes(l.SizeBytes), mdBytes(l.CompressedBytes), mdBytes(l.ReclaimableBytes), l.Files, mdEscape(instruction(l.CreatedBy, 80)))
		}
	})

	if len(a.Waste) > 0 {
		fmt.Fprintln(w, "#### Waste")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| Category | Bytes | Reclaimable | Files | Largest | Added by |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---|---|")
		for _, c := range a.Waste {
			top, by := "", ""
			if len(c.Top) > 0 {
				top = "`" + mdEscape(c.Top[0].Path) + "`"
				by = fmt.Sprintf("layer %d: `%s`", c.Top[0].Layer, mdEscape(instruction(c.Top[0].CreatedBy, 50)))
			}
			fmt.Fprintf(w, "| %s | %s | %s | %d | %s | %s |\n", c.Category, mdBytes(c.Bytes), mdBytes(c.ReclaimableBytes), c.Files, top, by)
		}
		fmt.Fprintln(w)
	}
	if len(a.LargestFiles) > 0 {
		mdDetails(w, "Largest files", "| Size | Layer | Path |", "|---:|---:|---|", func() {
			for _, f := range a.LargestFiles {
				fmt.Fprintf(w, "| %s | %d | `%s` |\n", mdBytes(f.SizeBytes), f.Layer, mdEscape(f.Path))
			}
		})
	}
	if len(a.InefficientFiles) > 0 {
		mdDetails(w, "Inefficient files (dive)", "| Count | Wasted | Path |", "|---:|---:|---|", func() {
			for _, f := range a.InefficientFiles {
				fmt.Fprintf(w, "| %d | %s | `%s` |\n", f.Count, mdBytes(f.WastedBytes), mdEscape(f.Path))
			}
			if more := a.InefficientCount - len(a.InefficientFiles); more > 0 {
				fmt.Fprintf(w, "\n… and %d more\n", more)
			}
		})
	}
	for _, warn := range a.Warnings {
		fmt.Fprintf(w, "> warning: %s\n\n", mdEscape(warn))
	}
}

// mdDetails writes a collapsed markdown table: the summary line, the header
// and alignment rows, then what rows writes.
func mdDetails(w io.Writer, summary, header, align string, rows func()) {
	fmt.Fprintf(w, "<details><summary>%s</summary>\n\n%s\n%s\n", summary, header, align)
	rows()
	fmt.Fprint(w, "\n</details>\n\n")
}

// errWriter remembers the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	if _, err := e.w.Write(p); err != nil {
		e.err = err
	}
	return len(p), nil
}
