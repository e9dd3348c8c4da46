package rules

import (
	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL203 is a RUN in a shipping stage that runs `apt-get update` and does not
// remove /var/lib/apt/lists/*: the package lists (~20-40 MB for Debian)
// stay in the layer. Not raised when a cache mount covers the lists.
type PL203 struct{}

func (PL203) Meta() Meta {
	return Meta{ID: "PL203", Severity: finding.Warning, Aliases: []string{"DL3009"}, Shipping: true,
		Summary: "apt-get update without removing /var/lib/apt/lists/* in the same RUN"}
}

const aptLists = "/var/lib/apt/lists"

func (PL203) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	for _, s := range c.ShippingStages() {
		for _, in := range s.Instructions {
			if in.Run == nil || !hasCommand(in, isAptUpdate) {
				continue
			}
			if removes(in, aptLists) || cacheMountAt(in, aptLists) {
				continue
			}
			out = append(out, c.Report("PL203", in, "apt-get update without rm -rf /var/lib/apt/lists/* in the same RUN: the package lists (tens of MB) stay in this layer"))
		}
	}
	return out
}

func isAptUpdate(cmd *dockerfile.Command) bool {
	sub, _ := aptSub(cmd)
	return sub == "update"
}
