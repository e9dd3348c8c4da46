package rules

import (
	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL206 is `apt-get upgrade` / `dist-upgrade` in a shipping stage: it
// rewrites files of the base image into a new layer (the old copies stay
// below), and makes the image depend on the day it was built. Use a newer
// base image tag instead.
type PL206 struct{}

func (PL206) Meta() Meta {
	return Meta{ID: "PL206", Severity: finding.Info, Shipping: true,
		Summary: "apt-get upgrade / dist-upgrade"}
}

func (PL206) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	Runs(c.ShippingStages(), func(in *dockerfile.Instruction, cmd *dockerfile.Command) {
		switch sub, _ := aptSub(cmd); sub {
		case "upgrade", "dist-upgrade", "full-upgrade":
			out = append(out, c.ReportCommand("PL206", in, cmd, "%s %s copies every upgraded file of the base image into this layer (the old copies stay below) and makes the image depend on the build date: use a newer base image tag", cmd.Name, sub))
		}
	})
	return out
}
