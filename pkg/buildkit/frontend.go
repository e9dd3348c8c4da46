package buildkit

import (
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/solver/errdefs"
)

// syntaxLine returns the frontend image a Dockerfile asks for with a
// `# syntax=` directive and the directive's line (0 when there is none).
func syntaxLine(dockerfile []byte) (ref string, line int) {
	ref, _, loc, ok := parser.DetectSyntax(dockerfile)
	if !ok {
		return "", 0
	}
	if len(loc) > 0 {
		line = loc[0].Start.Line
	}
	return ref, line
}

// frontendFetchFailed reports whether a failed solve failed on the
// `# syntax=` directive itself: the dockerfile.v0 frontend forwards the
// build to the named frontend image, and when that image cannot be
// resolved it wraps the error with the directive's source location and
// no other. (No instruction can sit on the directive's comment line, so a
// failing step never points there.)
func frontendFetchFailed(err error, line int) bool {
	if err == nil || line == 0 {
		return false
	}
	srcs := errdefs.Sources(err)
	if len(srcs) == 0 {
		return false
	}
	for _, s := range srcs {
		for _, r := range s.Ranges {
			if int(r.Start.Line) != line {
				return false
			}
		}
	}
	return true
}
