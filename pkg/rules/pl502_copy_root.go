package rules

import (
	"strings"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL502 is a COPY --from that copies another stage's (or image's) whole
// filesystem onto the root: every file of the source, build tools and
// caches included, lands in one new layer on top of the files already
// there. Like hadolint's DL3067, copying a root into a subfolder
// (COPY --from=x / /rootfs) is not reported.
type PL502 struct{}

func (PL502) Meta() Meta {
	return Meta{ID: "PL502", Severity: finding.Warning, Aliases: []string{"DL3067"},
		Summary: "a stage copies another stage's whole filesystem (COPY --from=x / /)"}
}

func (PL502) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	for _, s := range c.File.Stages {
		for _, in := range s.Instructions {
			cp := in.Copy
			if cp == nil || cp.From == "" || !isRootPath(cp.Dest) {
				continue
			}
			for _, src := range cp.Sources {
				if !isRootPath(src) && !dockerfile.IsWholeTree(src) {
					continue
				}
				what := "stage " + cp.From
				if cp.FromStage == nil {
					what = "image " + cp.From
				}
				if s.Base.Scratch {
					// The "flatten" pattern: no files underneath, and the
					// bytes deleted in the source's layers are gone.
					out = append(out, c.Report("PL502", in,
						"COPY --from=%s %s onto scratch flattens the whole filesystem of %s into one layer: that drops what its layers deleted, but still ships all it has (OS, package caches, build tools); copy only the paths the image needs (a virtualenv, a binary, /usr/local/lib/python3.*/site-packages)",
						cp.From, src, what))
					break
				}
				out = append(out, c.Report("PL502", in,
					"COPY --from=%s %s copies the whole filesystem of %s (OS, package caches, build tools) into one more layer, on top of the files already there: copy only the paths the image needs (a virtualenv, a binary, /usr/local/lib/python3.*/site-packages)",
					cp.From, src, what))
				break
			}
		}
	}
	return out
}

// isRootPath reports whether p names the filesystem root ("/", "/.", "//").
func isRootPath(p string) bool {
	p = strings.Trim(p, `"'`)
	return p != "" && strings.Trim(strings.ReplaceAll(p, "/.", "/"), "/") == ""
}
