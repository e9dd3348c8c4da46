package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL205 is a RUN in a shipping stage that deletes files an earlier
// instruction created: a COPY/ADD destination, a file an earlier RUN
// downloaded (curl -o, wget -O), or apt's package lists. Deleting hides the
// files but their bytes stay in the earlier layer; delete in the same RUN
// that created them, keep them out with .dockerignore, or use a builder
// stage.
type PL205 struct{}

func (PL205) Meta() Meta {
	return Meta{ID: "PL205", Severity: finding.Warning, Shipping: true,
		Summary: "a RUN deletes files an earlier instruction created: the bytes stay in the earlier layer"}
}

// created is a path an instruction put into the image.
type created struct {
	path string
	in   *dockerfile.Instruction
	what string // "COPY", "download", "apt lists"
	// tree: the instruction copied a folder, so paths below it may come
	// from it.
	tree bool
	// src is the build context source of a COPY/ADD from the context.
	src string
}

// MinDeletedCopyBytes: deleting less than this of what a COPY brought from
// the build context is not reported (a copied requirements file removed
// after use costs nothing worth a warning).
const MinDeletedCopyBytes = 64 << 10

func (PL205) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	for _, s := range c.ShippingStages() {
		var made []created
		// The stages this one is built FROM created files too.
		var chain []*dockerfile.Stage
		for b := s; b != nil && len(chain) < 64; b = b.BaseStage {
			chain = append([]*dockerfile.Stage{b}, chain...)
		}
		for _, st := range chain {
			for _, in := range st.Instructions {
				if in.Run != nil {
					if f := deletesEarlier(c, in, made); f != nil && st == s {
						out = append(out, *f)
					}
					// What is deleted is reported once, at the first RUN
					// that deletes it.
					made = forget(in, made)
				}
				made = append(made, createdBy(c, in)...)
			}
		}
	}
	return out
}

// createdBy lists what an instruction creates that a later RUN might delete.
func createdBy(c *Context, in *dockerfile.Instruction) []created {
	var out []created
	switch {
	case in.Copy != nil:
		dest := imagePath(in, in.Copy.Dest)
		multi := len(in.Copy.Sources)+len(in.Copy.Heredocs) > 1 || strings.HasSuffix(in.Copy.Dest, "/") ||
			in.Copy.Dest == "." || in.Copy.Dest == ".."
		what := strings.ToUpper(in.Kind)
		for _, src := range in.Copy.Sources {
			what := what
			if isRemote(src) {
				what = "ADD download"
			}
			ctxSrc := ""
			if in.Copy.FromContext() && !isRemote(src) {
				ctxSrc = src
			}
			// A folder's contents are copied into dest (not the folder
			// itself); a file goes into dest/ or becomes dest.
			dir := isDirSource(c, in, src)
			switch {
			case dockerfile.IsWholeTree(src):
				out = append(out, created{path: dest, in: in, what: what, tree: true, src: "."})
			case multi && !dir:
				out = append(out, created{path: path.Join(dest, path.Base(src)), in: in, what: what, src: ctxSrc})
			default:
				out = append(out, created{path: dest, in: in, what: what, tree: dir, src: ctxSrc})
			}
		}
	case in.Run != nil:
		for _, cmd := range in.Run.Commands {
			for _, p := range downloads(cmd) {
				out = append(out, created{path: imagePath(in, p), in: in, what: "download"})
			}
			if isAptUpdate(cmd) && !removes(in, aptLists) && !cacheMountAt(in, aptLists) {
				out = append(out, created{path: aptLists, in: in, what: "apt-get update", tree: true})
			}
		}
	}
	return out
}

// isDirSource reports whether a COPY source is (or may be) a folder. From
// the context it is looked up; from a stage or image it is a folder when it
// ends in "/" or has no extension.
func isDirSource(c *Context, in *dockerfile.Instruction, src string) bool {
	if strings.HasSuffix(src, "/") {
		return true
	}
	if in.Copy.FromContext() && c.BuildContext != nil {
		return c.BuildContext.IsDir(src)
	}
	return path.Ext(src) == ""
}

// downloads returns the files a command downloads to a named path.
func downloads(cmd *dockerfile.Command) []string {
	switch {
	case cmd.Is("curl"):
		out := cmd.FlagValues("-o", "--output")
		if cmd.HasFlag("-O", "--remote-name") {
			for _, a := range positionals(cmd.Args, curlValueFlags) {
				if strings.Contains(a, "://") {
					out = append(out, path.Base(strings.SplitN(a, "?", 2)[0]))
				}
			}
		}
		return filterPaths(out)
	case cmd.Is("wget"):
		out := cmd.FlagValues("-O", "--output-document")
		if len(out) == 0 {
			for _, a := range positionals(cmd.Args, wgetValueFlags) {
				if strings.Contains(a, "://") {
					out = append(out, path.Base(strings.SplitN(a, "?", 2)[0]))
				}
			}
		}
		return filterPaths(out)
	}
	return nil
}

func filterPaths(ps []string) []string {
	var out []string
	for _, p := range ps {
		if p != "" && p != "-" && p != "/dev/null" && !strings.Contains(p, "$") {
			out = append(out, p)
		}
	}
	return out
}

var curlValueFlags = setOf("-o", "--output", "-H", "--header", "-d", "--data", "-u", "--user", "-X", "--request",
	"-A", "--user-agent", "-e", "--referer", "-w", "--write-out", "--retry", "-m", "--max-time", "--connect-timeout",
	"-x", "--proxy", "--cacert", "-E", "--cert", "-T", "--upload-file", "-b", "--cookie", "-c", "--cookie-jar")

var wgetValueFlags = setOf("-O", "--output-document", "-P", "--directory-prefix", "-t", "--tries", "-T", "--timeout",
	"-U", "--user-agent", "--header", "-o", "--output-file", "-a", "--append-output")

// deletesEarlier returns a finding when the RUN removes something in made
// that another instruction created.
func deletesEarlier(c *Context, in *dockerfile.Instruction, made []created) *finding.Finding {
	for _, abs := range deletedPaths(in) {
		for _, m := range made {
			if m.in == in || !matchesDeleted(c, abs, m) {
				continue
			}
			what := "what"
			if n, ok := deletedBytes(c, abs, m); ok {
				if n < MinDeletedCopyBytes {
					continue
				}
				what = bytesText(n) + " that"
			}
			f := c.Report("PL205", in, "rm %s deletes %s %s at line %d created: the bytes stay in that earlier layer; %s",
				abs, what, m.what, m.in.Line, advice(m))
			return &f
		}
	}
	return nil
}

// forget drops from made what the RUN deletes whole (the path itself or a
// folder above it), so that a later RUN deleting it again is not reported.
func forget(in *dockerfile.Instruction, made []created) []created {
	dels := deletedPaths(in)
	if len(dels) == 0 {
		return made
	}
	kept := made[:0:0]
	for _, m := range made {
		gone := false
		for _, d := range dels {
			if ok, _ := path.Match(d, m.path); ok || d != "/" && strings.HasPrefix(m.path, d+"/") ||
				m.tree && strings.HasSuffix(d, "/*") && strings.TrimSuffix(d, "/*") == m.path {
				gone = true
				break
			}
		}
		if !gone {
			kept = append(kept, m)
		}
	}
	return kept
}

func advice(m created) string {
	switch m.what {
	case "download", "apt-get update":
		return "delete it in the same RUN that created it"
	case "ADD download":
		return "download, unpack and delete it in one RUN instead"
	}
	if m.in.Copy != nil && m.in.Copy.From != "" && len(m.in.Copy.Sources) > 0 {
		src, target := mountPaths(m.in.Copy.Sources[0], m.path)
		return fmt.Sprintf("mount it for the RUN instead of copying it (RUN --mount=type=bind,from=%s,source=%s,target=%s ...)",
			m.in.Copy.From, src, target)
	}
	if m.src != "" && m.src != "." {
		src, target := mountPaths(m.src, m.path)
		return fmt.Sprintf("mount it for the RUN instead of copying it (RUN --mount=type=bind,source=%s,target=%s ...), or keep it out of the context with .dockerignore", src, target)
	}
	return "keep it out of the copy (.dockerignore, a narrower COPY) or use a builder stage"
}

// mountPaths turns a COPY source and the path it made into a bind mount's
// source and target: a mount cannot take a glob, so a glob source mounts
// its folder ("/dist/*.whl" -> "/dist" at the target's folder).
func mountPaths(src, made string) (string, string) {
	if strings.ContainsAny(src, "*?[") {
		return path.Dir(src), path.Dir(made)
	}
	return strings.TrimSuffix(src, "/"), made
}

// matchesDeleted reports whether deleting abs (maybe a glob) removes
// something m created.
func matchesDeleted(c *Context, abs string, m created) bool {
	glob := strings.ContainsAny(abs, "*?[")
	if glob {
		if ok, _ := path.Match(abs, m.path); ok {
			return true
		}
		dir := strings.TrimRight(path.Dir(abs), "/")
		return m.tree && (dir == m.path || strings.HasPrefix(dir, m.path+"/")) && (m.what != "COPY" && m.what != "ADD" || treeHas(c, m, abs))
	}
	if abs == m.path || strings.HasPrefix(m.path, abs+"/") {
		return abs != "/"
	}
	if m.tree && strings.HasPrefix(abs, m.path+"/") {
		if m.what == "COPY" || m.what == "ADD" {
			return treeHas(c, m, abs)
		}
		return true
	}
	return false
}

// treeHas reports whether a folder copied from the context holds the file
// that abs names (so that deleting abs deletes copied bytes, not something
// a later RUN made).
func treeHas(c *Context, m created, abs string) bool {
	if c.BuildContext == nil || m.in.Copy == nil || !m.in.Copy.FromContext() {
		return false
	}
	rel := strings.TrimPrefix(abs, m.path+"/")
	for _, src := range m.in.Copy.Sources {
		base := src
		if dockerfile.IsWholeTree(src) {
			base = "."
		}
		if c.BuildContext.Sends(path.Join(base, rel)) {
			return true
		}
	}
	return false
}

// deletedBytes measures, in the build context, what deleting abs removes
// of a COPY from the context; ok is false when it cannot be known (a
// download, a copy from a stage, a glob, no context).
func deletedBytes(c *Context, abs string, m created) (int64, bool) {
	if c.BuildContext == nil || m.src == "" || strings.ContainsAny(abs, "*?[") || strings.ContainsAny(m.src, "*?[") {
		return 0, false
	}
	var rel string
	switch {
	case abs == m.path || strings.HasPrefix(m.path, abs+"/"):
		rel = m.src
	case m.tree && strings.HasPrefix(abs, m.path+"/"):
		rel = path.Join(m.src, strings.TrimPrefix(abs, m.path+"/"))
	default:
		return 0, false
	}
	return c.BuildContext.SizeOf(rel)
}
