package rules

import (
	"slices"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL204 is two RUN instructions in a row in a shipping stage that could be
// one layer. Each layer costs a snapshot and a tar entry per changed file,
// and files one RUN writes and the next deletes stay in the first layer.
// Reported at the later RUN of each adjacent pair. Pairs with different
// --mount/--network/--security flags are left alone: they cannot simply be
// merged.
type PL204 struct{}

func (PL204) Meta() Meta {
	return Meta{ID: "PL204", Severity: finding.Info, Aliases: []string{"DL3059"}, Shipping: true,
		Summary: "consecutive RUN instructions that could be one layer"}
}

func (PL204) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	for _, s := range c.ShippingStages() {
		for i := 1; i < len(s.Instructions); i++ {
			prev, cur := s.Instructions[i-1], s.Instructions[i]
			if prev.Run == nil || cur.Run == nil || !slices.Equal(prev.Flags, cur.Flags) {
				continue
			}
			out = append(out, c.Report("PL204", cur, "RUN follows the RUN at line %d: join them with && into one layer", prev.Line))
		}
	}
	return out
}
