package rules

import (
	"path/filepath"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL301 is a Dockerfile that copies from the build context (COPY/ADD of
// context files) when the context has no .dockerignore: everything in the
// folder (.git, virtualenvs, data, secrets) is sent to the builder and
// invalidates the COPY's cache when it changes. Reported once, at the
// first such copy, with what the context holds.
type PL301 struct{}

func (PL301) Meta() Meta {
	return Meta{ID: "PL301", Severity: finding.Warning,
		Summary: "the build context is copied but has no .dockerignore"}
}

func (PL301) Check(c *Context) []finding.Finding {
	bc := c.BuildContext
	if bc == nil || bc.HasIgnoreFile() {
		return nil
	}
	first := firstContextCopy(c.File)
	if first == nil {
		return nil
	}
	size := ""
	if st, err := bc.Stats(c.Ctx()); err == nil {
		size = ", " + countFiles(st.Files) + " and " + bytesText(st.Bytes) + ","
	}
	return []finding.Finding{c.Report("PL301", first, "%s copies from the build context, which has no .dockerignore: the whole folder%s is sent to the builder and any change in it invalidates the cache; add %s",
		upperKind(first), size, filepath.Join(bc.Dir, ".dockerignore"))}
}

// firstContextCopy returns the first COPY/ADD that reads the build context.
func firstContextCopy(f *dockerfile.File) *dockerfile.Instruction {
	for _, s := range f.Stages {
		for _, in := range s.Instructions {
			if in.Copy == nil || !in.Copy.FromContext() {
				continue
			}
			for _, src := range in.Copy.Sources {
				if !isRemote(src) {
					return in
				}
			}
		}
	}
	return nil
}

func isRemote(src string) bool {
	for _, p := range []string{"http://", "https://", "git@", "git://"} {
		if len(src) >= len(p) && src[:len(p)] == p {
			return true
		}
	}
	return false
}

func upperKind(in *dockerfile.Instruction) string {
	if in.Kind == "add" {
		return "ADD"
	}
	return "COPY"
}
