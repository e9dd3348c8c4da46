package rules

import (
	"path"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL303 is a whole-context COPY before the dependency install (pip install
// -r, conda env create, poetry install, uv sync, npm ci, ...) in the same
// stage: any code change invalidates the COPY and so reruns the install
// (minutes for an ML stack). Copy the dependency files first, install, then
// copy the rest. Not raised when the same install (the same tool, for pip
// the same requirements files) ran before the copy: the one after it then
// only adds the project.
type PL303 struct{}

func (PL303) Meta() Meta {
	return Meta{ID: "PL303", Severity: finding.Warning,
		Summary: "the whole context is copied before the dependency install"}
}

func (PL303) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	for _, s := range c.File.Stages {
		var copyAll *dockerfile.Instruction
		done := map[string]bool{} // installs run before the copy
	stage:
		for _, in := range s.Instructions {
			if copyAll == nil && in.Copy != nil && in.Copy.WholeContext() {
				copyAll = in
				continue
			}
			if in.Run == nil {
				continue
			}
			for _, cmd := range in.Run.Commands {
				what := dependencyInstall(cmd)
				if what == "" {
					continue
				}
				key := installKey(what, cmd)
				if copyAll == nil {
					done[key] = true
					continue
				}
				if done[key] {
					// The same install ran before the copy (uv sync
					// --no-install-project, poetry install --no-root, the
					// same requirements file): this one only adds the
					// project.
					continue
				}
				out = append(out, c.Report("PL303", copyAll, "%s copies the whole context before %s at line %d: every code change reinstalls all dependencies; copy the dependency files first, install, then copy the rest",
					upperKind(copyAll), what, in.Line))
				break stage
			}
		}
	}
	return out
}

// installKey tells installs apart: a pip -r install by its files, any
// other by its kind ("uv sync").
func installKey(what string, cmd *dockerfile.Command) string {
	if pi, ok := parsePip(cmd); ok && len(pi.Requirements) > 0 {
		files := make([]string, len(pi.Requirements))
		for i, r := range pi.Requirements {
			files[i] = path.Base(r)
		}
		return "pip -r " + strings.Join(files, " ")
	}
	return what
}

// dependencyInstall names the dependency install a command runs, or "".
func dependencyInstall(cmd *dockerfile.Command) string {
	if pi, ok := parsePip(cmd); ok && len(pi.Requirements) > 0 && pi.Sub != "download" {
		if pi.UV {
			return "uv pip " + pi.Sub + " -r"
		}
		return "pip " + pi.Sub + " -r"
	}
	pos := positionals(cmd.Args, condaValueFlags)
	sub := func(i int) string {
		if i < len(pos) {
			return pos[i]
		}
		return ""
	}
	switch {
	case cmd.Is("conda", "mamba", "micromamba") && sub(0) == "env" && (sub(1) == "create" || sub(1) == "update"):
		return cmd.Name + " env " + sub(1)
	case cmd.Is("conda", "mamba", "micromamba") && (sub(0) == "install" || sub(0) == "create") && cmd.HasFlag("-f", "--file"):
		return cmd.Name + " " + sub(0) + " --file"
	case cmd.Is("poetry") && sub(0) == "install":
		return "poetry install"
	case cmd.Is("pipenv") && (sub(0) == "install" || sub(0) == "sync"):
		return "pipenv " + sub(0)
	case cmd.Is("uv") && sub(0) == "sync":
		return "uv sync"
	case cmd.Is("npm") && sub(0) == "ci":
		return "npm ci"
	case cmd.Is("npm") && (sub(0) == "install" || sub(0) == "i") && len(pos) == 1:
		return "npm install"
	case cmd.Is("yarn") && (sub(0) == "" || sub(0) == "install"):
		return "yarn install"
	case cmd.Is("pnpm") && sub(0) == "install":
		return "pnpm install"
	}
	return ""
}
