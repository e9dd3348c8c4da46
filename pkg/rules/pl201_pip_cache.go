package rules

import (
	"path"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL201 is `pip install` without --no-cache-dir in a shipping stage: pip
// keeps every wheel it downloaded in ~/.cache/pip, in the layer (torch
// alone is ~800 MB of wheels). Not raised when PIP_NO_CACHE_DIR is set or a
// cache mount covers pip's cache folder.
type PL201 struct{}

func (PL201) Meta() Meta {
	return Meta{ID: "PL201", Severity: finding.Warning, Aliases: []string{"DL3042"}, Shipping: true,
		Summary: "pip install without --no-cache-dir leaves pip's wheel cache in the layer"}
}

func (PL201) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	Runs(c.ShippingStages(), func(in *dockerfile.Instruction, cmd *dockerfile.Command) {
		if pi, ok := parsePipInstall(cmd); !ok || pi.UV {
			return // uv's cache is PL207's
		}
		if cmd.HasFlag("--no-cache-dir") {
			return
		}
		if _, ok := envSet(in, cmd, "PIP_NO_CACHE_DIR"); ok {
			return
		}
		caches := []string{"/root/.cache/pip", "/root/.cache"}
		if home, ok := envSet(in, cmd, "HOME"); ok && path.IsAbs(home) {
			caches = append(caches, path.Join(home, ".cache/pip"))
		}
		if dir, ok := envSet(in, cmd, "PIP_CACHE_DIR"); ok {
			caches = []string{dir}
		}
		if vals := cmd.FlagValues("--cache-dir"); len(vals) > 0 {
			caches = vals
		}
		if cacheMountAt(in, caches...) || cacheMountNamed(in, "/.cache/pip", "/.cache") {
			return
		}
		out = append(out, c.ReportCommand("PL201", in, cmd, "pip install without --no-cache-dir: the downloaded wheels stay in ~/.cache/pip in this layer (often hundreds of MB); add --no-cache-dir, set PIP_NO_CACHE_DIR=1, or use RUN --mount=type=cache,target=/root/.cache/pip"))
	})
	return out
}
