package rules

import (
	"strings"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL104 is `apt-get install` of packages without version pins
// (package=version). Off by default: Debian removes superseded versions
// from its mirrors, so pins break builds as often as they fix them; enable
// it in .plimsoll.yaml (severity: {PL104: warning}) for images that must
// rebuild bit-for-bit from a snapshot mirror.
type PL104 struct{}

func (PL104) Meta() Meta {
	return Meta{ID: "PL104", Severity: finding.Off, Aliases: []string{"DL3008"},
		Summary: "apt-get install without version pins (off unless enabled)"}
}

func (PL104) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	Runs(c.File.Stages, func(in *dockerfile.Instruction, cmd *dockerfile.Command) {
		sub, pkgs := aptSub(cmd)
		if sub != "install" {
			return
		}
		var loose []string
		for _, p := range pkgs {
			if strings.Contains(p, "=") || strings.HasSuffix(p, ".deb") || strings.Contains(p, "/") || strings.Contains(p, "$") {
				continue
			}
			loose = append(loose, p)
		}
		if len(loose) > 0 {
			out = append(out, c.Report("PL104", in, "apt-get install %s without version pins: use package=version for a reproducible image", strings.Join(loose, " ")))
		}
	})
	return out
}
