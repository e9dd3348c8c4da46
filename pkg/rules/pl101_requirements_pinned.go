package rules

import (
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL101 is a requirements file, installed with `pip install -r` (or uv pip
// install -r, or pip wheel/download -r for a later install), with a
// dependency not pinned to an exact version. The file is found in the
// build context through the COPY (or bind mount) that put it in the image,
// followed through -r/-c includes; a dependency pinned in a constraints file
// (-c in the file or on the pip command line, or PIP_CONSTRAINT) counts as
// pinned. Findings are at the requirements file's line; a trailing
// "# plimsoll ignore=PL101" on that line ignores one, and the pragma above
// the RUN ignores all that RUN installs.
type PL101 struct{}

func (PL101) Meta() Meta {
	return Meta{ID: "PL101", Severity: finding.Warning,
		Summary: "a requirements file installed with pip -r has a dependency not pinned to an exact version (==)"}
}

func (PL101) Check(c *Context) []finding.Finding {
	if c.BuildContext == nil {
		return nil
	}
	var out []finding.Finding
	reported := map[string]bool{} // file:line
	Runs(c.File.Stages, func(in *dockerfile.Instruction, cmd *dockerfile.Command) {
		pi, ok := parsePip(cmd) // install, and wheel/download for a later install
		if !ok || len(pi.Requirements) == 0 {
			return
		}
		// The findings are in another file, out of reach of the engine's
		// line pragmas: honor the RUN's own.
		for _, cm := range in.Comments {
			if ignoredInline(cm, "PL101") {
				return
			}
		}
		constraints := append([]string(nil), pi.Constraints...)
		if v, ok := envSet(in, cmd, "PIP_CONSTRAINT"); ok {
			constraints = append(constraints, strings.Fields(v)...)
		}
		for _, req := range pi.Requirements {
			local, ok := contextFile(c, in, req)
			if !ok {
				continue
			}
			rs, err := c.ReadRequirements(local)
			if err != nil {
				continue
			}
			extra := &dockerfile.Requirements{Constraints: map[string]dockerfile.Requirement{}}
			for _, cf := range constraints {
				if lc, ok := contextFile(c, in, cf); ok {
					_ = extra.AddConstraints(c.contextDir(), lc)
				}
			}
			for _, r := range rs.Requirements {
				if r.Pinned() || rs.PinnedByConstraint(r) || extra.PinnedByConstraint(r) || ignoredInline(r.Comment, "PL101") {
					continue
				}
				key := r.File + ":" + strconv.Itoa(r.Line)
				if reported[key] {
					continue
				}
				reported[key] = true
				why := "has no version"
				if r.Specifier != "" {
					why = "allows a range (" + r.Specifier + ")"
				} else if r.URL != "" {
					why = "points at a moving VCS reference"
				}
				out = append(out, finding.Finding{Rule: "PL101", File: r.File, Line: r.Line, EndLine: r.Line,
					Message: "requirement " + r.Name + " " + why + ": pin it with == (or in a constraints file) so every build installs the same version (installed by RUN at " + filepath.Base(c.File.Path) + ":" + strconv.Itoa(in.Line) + ")"})
			}
		}
	})
	return out
}

// ignoredInline reports whether a requirements file comment is a pragma
// ignoring id ("numpy>=1  # plimsoll ignore=PL101").
func ignoredInline(comment, id string) bool {
	ids, _, ok := parsePragma(comment)
	if !ok {
		return false
	}
	for _, x := range ids {
		if strings.EqualFold(x, id) {
			return true
		}
	}
	return false
}

// contextFile maps a path that a RUN in stage reads (relative to the
// WORKDIR, or absolute) to a file in the build context, through the COPY,
// ADD or bind mount that put it there. When no instruction explains it, a
// relative path is tried at the context root.
func contextFile(c *Context, in *dockerfile.Instruction, p string) (string, bool) {
	if strings.Contains(p, "$") || strings.Contains(p, "://") {
		return "", false
	}
	abs := imagePath(in, p)
	try := func(rel string) (string, bool) {
		rel = path.Clean(strings.TrimPrefix(rel, "/"))
		if rel == "." || strings.HasPrefix(rel, "../") {
			return "", false
		}
		local := filepath.Join(c.BuildContext.Dir, filepath.FromSlash(rel))
		st, err := os.Stat(local)
		if err != nil || !st.Mode().IsRegular() {
			return "", false
		}
		return local, true
	}
	if in.Run != nil {
		for _, m := range in.Run.Mounts {
			if m.Type == "bind" && m.From == "" {
				if rel, ok := underCopy(abs, cleanPath(m.Target), m.Source, false); ok {
					if l, ok := try(rel); ok {
						return l, true
					}
				}
			}
		}
	}
	for s := in.Stage; s != nil; s = s.BaseStage {
		ins := s.Instructions
		for i := len(ins) - 1; i >= 0; i-- {
			ci := ins[i]
			if s == in.Stage && ci.Line >= in.Line {
				continue
			}
			if ci.Copy == nil || !ci.Copy.FromContext() {
				continue
			}
			dest := imagePath(ci, ci.Copy.Dest)
			multi := len(ci.Copy.Sources) > 1 || strings.HasSuffix(ci.Copy.Dest, "/")
			for _, src := range ci.Copy.Sources {
				if rel, ok := underCopy(abs, dest, src, multi); ok {
					if l, ok := try(rel); ok {
						return l, true
					}
				}
			}
		}
	}
	if !path.IsAbs(p) {
		return try(p)
	}
	return "", false
}

// underCopy answers: if `COPY src dest` ran, which context path would image
// path abs come from?
func underCopy(abs, dest, src string, destIsDir bool) (string, bool) {
	if strings.ContainsAny(src, "*?[") && !dockerfile.IsWholeTree(src) {
		if ok, _ := path.Match(path.Join(dest, path.Base(src)), abs); ok {
			return path.Join(path.Dir(src), path.Base(abs)), true
		}
		return "", false
	}
	if dockerfile.IsWholeTree(src) {
		if strings.HasPrefix(abs, dest+"/") {
			return strings.TrimPrefix(abs, dest+"/"), true
		}
		return "", false
	}
	if abs == dest && !destIsDir {
		return src, true
	}
	if abs == path.Join(dest, path.Base(src)) {
		return src, true
	}
	if strings.HasPrefix(abs, dest+"/") {
		// src may be a folder copied into dest.
		return path.Join(src, strings.TrimPrefix(abs, dest+"/")), true
	}
	return "", false
}

// imagePath resolves p against the WORKDIR in effect at instruction in.
func imagePath(in *dockerfile.Instruction, p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(workdir(in), p)
}

// workdir returns the WORKDIR in effect at in ("/" when none).
func workdir(in *dockerfile.Instruction) string {
	var chain []*dockerfile.Stage
	for s := in.Stage; s != nil; s = s.BaseStage {
		chain = append([]*dockerfile.Stage{s}, chain...)
		if len(chain) > 64 {
			break
		}
	}
	wd := "/"
	for _, s := range chain {
		for _, i := range s.Instructions {
			if i == in {
				return wd
			}
			if i.Kind == "workdir" && len(i.Args) > 0 && !strings.Contains(i.Args[0], "$") {
				if path.IsAbs(i.Args[0]) {
					wd = path.Clean(i.Args[0])
				} else {
					wd = path.Join(wd, i.Args[0])
				}
			}
		}
	}
	return wd
}
