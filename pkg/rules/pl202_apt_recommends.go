package rules

import (
	"strings"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL202 is `apt-get install` without --no-install-recommends in a shipping
// stage: recommended packages often double the install (python3-pip
// recommends build-essential, ~200 MB). Also accepted: -o
// APT::Install-Recommends=false, or an earlier RUN in the stage writing
// APT::Install-Recommends "false" into apt's configuration.
type PL202 struct{}

func (PL202) Meta() Meta {
	return Meta{ID: "PL202", Severity: finding.Warning, Aliases: []string{"DL3015"}, Shipping: true,
		Summary: "apt-get install without --no-install-recommends"}
}

func (PL202) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	Runs(c.ShippingStages(), func(in *dockerfile.Instruction, cmd *dockerfile.Command) {
		sub, _ := aptSub(cmd)
		if sub != "install" || cmd.HasFlag("--no-install-recommends") {
			return
		}
		for _, o := range cmd.FlagValues("-o", "--option") {
			if recommendsOff(o) {
				return
			}
		}
		if aptConfiguredNoRecommends(in) {
			return
		}
		out = append(out, c.ReportCommand("PL202", in, cmd, "apt-get install without --no-install-recommends: recommended packages are installed too and often double the layer; add --no-install-recommends"))
	})
	return out
}

func recommendsOff(s string) bool {
	l := strings.ToLower(strings.ReplaceAll(s, " ", ""))
	return strings.Contains(l, "apt::install-recommends") &&
		(strings.Contains(l, "false") || strings.Contains(l, "=0") || strings.Contains(l, "\"0\""))
}

// aptConfiguredNoRecommends reports whether an earlier RUN of the stage (or
// its base stages) configured apt not to install recommends.
func aptConfiguredNoRecommends(at *dockerfile.Instruction) bool {
	for s := at.Stage; s != nil; s = s.BaseStage {
		for _, in := range s.Instructions {
			if in == at {
				break
			}
			if in.Run != nil && recommendsOff(in.Run.Script) {
				return true
			}
		}
	}
	return false
}
