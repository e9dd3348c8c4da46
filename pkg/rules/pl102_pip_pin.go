package rules

import (
	"strings"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL102 is `pip install NAME` (or `uv pip install NAME`) in a RUN without
// an exact version. Local
// paths, wheels, archives and URLs are not names; a package pinned by a
// constraints file given with -c (found in the build context) is pinned.
type PL102 struct{}

func (PL102) Meta() Meta {
	return Meta{ID: "PL102", Severity: finding.Warning, Aliases: []string{"DL3013"},
		Summary: "pip install NAME without an exact version (==)"}
}

func (PL102) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	Runs(c.File.Stages, func(in *dockerfile.Instruction, cmd *dockerfile.Command) {
		pi, ok := parsePipInstall(cmd)
		if !ok {
			return
		}
		var cons *dockerfile.Requirements
		if c.BuildContext != nil {
			for _, cf := range pi.Constraints {
				if lc, ok := contextFile(c, in, cf); ok {
					if cons == nil {
						cons = &dockerfile.Requirements{Constraints: map[string]dockerfile.Requirement{}}
					}
					_ = cons.AddConstraints(c.contextDir(), lc)
				}
			}
		}
		var loose []string
		for _, p := range pi.Packages {
			if strings.Contains(p, "$") && strings.Contains(p, "==") {
				continue
			}
			r, ok := dockerfile.ParseRequirement(p)
			if !ok || r.Pinned() || (cons != nil && cons.PinnedByConstraint(r)) {
				continue
			}
			loose = append(loose, p)
		}
		if len(loose) > 0 {
			tool := "pip"
			if pi.UV {
				tool = "uv pip"
			}
			out = append(out, c.ReportCommand("PL102", in, cmd, "%s install %s without an exact version: pin it (%s==<version>) or install from a pinned requirements file, so rebuilds install the same code",
				tool, strings.Join(loose, " "), nameOf(loose[0])))
		}
	})
	return out
}

func nameOf(spec string) string {
	if r, ok := dockerfile.ParseRequirement(spec); ok {
		return r.Name
	}
	return spec
}
