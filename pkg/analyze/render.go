package analyze

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/dustin/go-humanize"
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

// instruction is a created_by line as shown: without the shell prefix,
// "(no history)" when the image config has none.
func instruction(createdBy string, n int) string {
	s := short(TrimShell(createdBy), n)
	if s == "" {
		return "(no history)"
	}
	return s
}

func shortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[i+1 : i+13]
	}
	return d
}

// WriteText renders analyses as readable tables.
func WriteText(w io.Writer, as []*Analysis) error { return writeEach(w, as, writeText) }

// WriteMarkdown renders analyses for a pull request comment or a job
// summary.
func WriteMarkdown(w io.Writer, as []*Analysis) error { return writeEach(w, as, writeMarkdown) }

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
	fmt.Fprintf(w, "Size: %s (%d bytes), compressed %s, %d layers, %d entries\n", hb(a.SizeBytes), a.SizeBytes, hb(a.CompressedBytes), len(a.Layers), a.Files)
	fmt.Fprintf(w, "Efficiency (dive): %v  wasted: %s (%d bytes)  user wasted: %s\n", a.Efficiency, hb(a.WastedBytes), a.WastedBytes, pct(a.UserWastedRatio))
	fmt.Fprintf(w, "Reclaimable by squashing: %s (%d bytes); final filesystem %s\n", hb(a.ReclaimableBytes), a.ReclaimableBytes, hb(a.FinalBytes))

	textTable(w, "Layers", "  #\tSIZE\tCOMPRESSED\tRECLAIMABLE\tFILES\tDIGEST\tCREATED BY", len(a.Layers), func(tw io.Writer) {
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
	fmt.Fprintf(w, "### Image analysis: `%s`\n\n", mdEscape(title(a)))
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
	fmt.Fprintf(w, "| Size | %s |\n", hb(a.SizeBytes))
	fmt.Fprintf(w, "| Compressed | %s |\n", hb(a.CompressedBytes))
	fmt.Fprintf(w, "| Layers | %d |\n", len(a.Layers))
	fmt.Fprintf(w, "| Entries | %d |\n", a.Files)
	fmt.Fprintf(w, "| Efficiency (dive) | %s |\n", pct(a.Efficiency))
	fmt.Fprintf(w, "| Wasted (dive) | %s |\n", hb(a.WastedBytes))
	fmt.Fprintf(w, "| User wasted (dive) | %s |\n", pct(a.UserWastedRatio))
	fmt.Fprintf(w, "| Reclaimable by squashing | %s |\n", hb(a.ReclaimableBytes))
	fmt.Fprintln(w)

	mdDetails(w, "Layers", "| # | Size | Compressed | Reclaimable | Files | Created by |", "|---:|---:|---:|---:|---:|---|", func() {
		for _, l := range a.Layers {
			fmt.Fprintf(w, "| %d | %s | %s | %s | %d | `%s` |\n", l.Index, hb(l.SizeBytes), hb(l.CompressedBytes), hb(l.ReclaimableBytes), l.Files, mdEscape(instruction(l.CreatedBy, 80)))
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
			fmt.Fprintf(w, "| %s | %s | %s | %d | %s | %s |\n", c.Category, hb(c.Bytes), hb(c.ReclaimableBytes), c.Files, top, by)
		}
		fmt.Fprintln(w)
	}
	if len(a.LargestFiles) > 0 {
		mdDetails(w, "Largest files", "| Size | Layer | Path |", "|---:|---:|---|", func() {
			for _, f := range a.LargestFiles {
				fmt.Fprintf(w, "| %s | %d | `%s` |\n", hb(f.SizeBytes), f.Layer, mdEscape(f.Path))
			}
		})
	}
	if len(a.InefficientFiles) > 0 {
		mdDetails(w, "Inefficient files (dive)", "| Count | Wasted | Path |", "|---:|---:|---|", func() {
			for _, f := range a.InefficientFiles {
				fmt.Fprintf(w, "| %d | %s | `%s` |\n", f.Count, hb(f.WastedBytes), mdEscape(f.Path))
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
