package rules

import (
	"github.com/plimsoll/plimsoll/pkg/cuda"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL403 is an nvidia/cuda devel image in a shipping stage: the compiler,
// headers and static libraries ship with the application. Build in a devel
// stage and ship on runtime (or base).
type PL403 struct{}

func (PL403) Meta() Meta {
	return Meta{ID: "PL403", Severity: finding.Warning, Shipping: true,
		Summary: "nvidia/cuda devel image in a shipping stage (use runtime or base; keep devel in a builder stage)"}
}

func (PL403) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	for _, s := range c.ShippingStages() {
		if s.BaseStage != nil { // reported at the stage that names the image
			continue
		}
		img, ok := cudaImage(s)
		if !ok || img.Flavor != cuda.FlavorDevel {
			continue
		}
		out = append(out, c.Report("PL403", s.From,
			"%s is a devel image (nvcc, headers, static libraries: gigabytes more than runtime) and stage %s ships: build in a devel stage and ship on %s",
			s.Base.Ref, stageID(s), img.WithFlavor(cuda.FlavorRuntime).Reference()))
	}
	return out
}
