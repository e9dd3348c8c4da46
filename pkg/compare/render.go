package compare

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/dustin/go-humanize"

	"github.com/plimsoll/plimsoll/pkg/report"
	"github.com/plimsoll/plimsoll/pkg/version"
)

// Formats lists the output formats Render knows.
func Formats() []string { return []string{"text", "markdown", "json"} }

// Render writes the report in the named format.
func Render(w io.Writer, r *Report, format string) error {
	switch format {
	case "text":
		return renderText(w, r)
	case "markdown":
		return renderMarkdown(w, r)
	case "json":
		return report.Write(w, r)
	}
	return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats(), ", "))
}

// value shows a metric's value.
func value(m Metric, v float64) string {
	switch m.Unit {
	case Bytes:
		return humanize.Bytes(uint64(math.Max(v, 0)))
	case Ratio:
		return fmt.Sprintf("%.2f%%", v*100)
	}
	return humanize.Comma(int64(v))
}

// delta shows a change: "+12 MB (+4.1%)", "-3 (-60.0%)", "+1.20 pp",
// "+12 MB (new)", "0".
func delta(m Metric, d Delta) string {
	if d.Abs == 0 {
		return "0"
	}
	sign := "+"
	if d.Abs < 0 {
		sign = "-"
	}
	a := math.Abs(d.Abs)
	var s string
	switch m.Unit {
	case Bytes:
		s = sign + humanize.Bytes(uint64(a))
	case Ratio:
		// Efficiency is already a percentage: its change is in points.
		return fmt.Sprintf("%s%.2f pp", sign, a*100)
	default:
		s = sign + humanize.Comma(int64(a))
	}
	return s + " (" + pct(d.Pct) + ")"
}

func pct(p *float64) string {
	if p == nil {
		return "new"
	}
	if math.Abs(*p) >= 1000 {
		return fmt.Sprintf("%+.0f%%", *p)
	}
	return fmt.Sprintf("%+.1f%%", *p)
}

// arrow shows the direction of a change.
func arrow(abs float64) string {
	switch {
	case abs > 0:
		return "▲"
	case abs < 0:
		return "▼"
	}
	return "="
}

func pathDelta(p PathDelta) string {
	sign := "+"
	if p.DeltaBytes < 0 {
		sign = "-"
	}
	return sign + humanize.Bytes(uint64(abs(p.DeltaBytes))) + " (" + pct(p.DeltaPct) + ")"
}

func renderText(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := []string{""}
	for i, im := range r.Images {
		if i == 0 {
			header = append(header, im.Name+" (base)")
			continue
		}
		header = append(header, im.Name, "delta")
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, m := range Metrics() {
		row := []string{m.Label}
		for i := range r.Images {
			im := &r.Images[i]
			row = append(row, value(m, m.Value(im)))
			if i > 0 {
				row = append(row, delta(m, im.Deltas[m.Key]))
			}
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, im := range r.Images[1:] {
		if im.PathsMissing {
			fmt.Fprintf(w, "\n%s vs %s: no directory sizes in an analysis (re-run plimsoll analyze to get them)\n", im.Name, r.Base)
			continue
		}
		for _, part := range []struct {
			title string
			ps    []PathDelta
		}{{"grew", im.Grew}, {"shrank", im.Shrank}} {
			if len(part.ps) == 0 {
				continue
			}
			fmt.Fprintf(w, "\n%s vs %s: paths that %s most\n", im.Name, r.Base, part.title)
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			for _, p := range part.ps {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t\t%s\n", pathDelta(p), humanize.Bytes(uint64(p.BaseBytes)), humanize.Bytes(uint64(p.Bytes)), p.Path)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// md escapes text for a markdown table cell.
func md(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "`", "'").Replace(s)
}

// MarkdownMarker starts every markdown rendering, hidden, so that a later
// step can find (and replace) the comment it posted before; analyze's is
// analyze.MarkdownMarker.
const MarkdownMarker = "<!-- plimsoll:compare -->"

// byChange merges the paths that grew and shrank, largest absolute change
// first (a new or removed path counts by its whole size), path order on
// ties, so that one table leads with the biggest changes either way.
func byChange(grew, shrank []PathDelta) []PathDelta {
	ps := append(append([]PathDelta{}, grew...), shrank...)
	sort.SliceStable(ps, func(i, j int) bool {
		if a, b := abs(ps[i].DeltaBytes), abs(ps[j].DeltaBytes); a != b {
			return a > b
		}
		return ps[i].Path < ps[j].Path
	})
	return ps
}

// renderMarkdown renders a comparison for a pull request comment or a job
// summary: the hidden MarkdownMarker, the tables, and a footer naming the
// plimsoll that wrote it (as analyze's markdown does).
func renderMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	b.WriteString(MarkdownMarker + "\n")
	b.WriteString("### Image comparison\n\n")
	for i, im := range r.Images {
		if i > 0 {
			b.WriteString(" · ")
		}
		fmt.Fprintf(&b, "**%s**", md(im.Name))
		if im.Ref != "" {
			fmt.Fprintf(&b, ": `%s`", md(im.Ref))
		}
	}
	b.WriteString("\n\n|  |")
	for i, im := range r.Images {
		if i == 0 {
			fmt.Fprintf(&b, " **%s** (base) |", md(im.Name))
			continue
		}
		fmt.Fprintf(&b, " **%s** | Δ %s |", md(im.Name), md(im.Name))
	}
	b.WriteString("\n|:--|")
	for i := range r.Images {
		if i == 0 {
			b.WriteString("--:|")
			continue
		}
		b.WriteString("--:|--:|")
	}
	b.WriteString("\n")
	for _, m := range Metrics() {
		fmt.Fprintf(&b, "| %s |", m.Label)
		for i := range r.Images {
			im := &r.Images[i]
			fmt.Fprintf(&b, " %s |", value(m, m.Value(im)))
			if i > 0 {
				d := im.Deltas[m.Key]
				if d.Abs == 0 {
					b.WriteString(" = |")
				} else {
					fmt.Fprintf(&b, " %s %s |", arrow(d.Abs), delta(m, d))
				}
			}
		}
		b.WriteString("\n")
	}
	for _, im := range r.Images[1:] {
		if im.PathsMissing {
			fmt.Fprintf(&b, "\n_%s vs %s: an analysis has no directory sizes; re-run `plimsoll analyze` to get them._\n", md(im.Name), md(r.Base))
			continue
		}
		if len(im.Grew)+len(im.Shrank) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n<details><summary>%s vs %s: paths that grew or shrank most</summary>\n\n", md(im.Name), md(r.Base))
		fmt.Fprintf(&b, "| Path | %s | %s | Δ |\n|:--|--:|--:|--:|\n", md(r.Base), md(im.Name))
		for _, p := range byChange(im.Grew, im.Shrank) {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s %s |\n", md(p.Path), humanize.Bytes(uint64(p.BaseBytes)), humanize.Bytes(uint64(p.Bytes)), arrow(float64(p.DeltaBytes)), pathDelta(p))
		}
		b.WriteString("\n</details>\n")
	}
	fmt.Fprintf(&b, "\n<sub>plimsoll %s</sub>\n", version.String())
	_, err := io.WriteString(w, b.String())
	return err
}
