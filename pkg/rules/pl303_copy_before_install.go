package rules

import (
	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL303 is a whole-context COPY before the dependency install (pip install
// -r, conda env create, poetry install, uv sync, npm ci, ...) in the same
// stage: any code change invalidates the COPY and so reruns the install
// (minutes for an ML stack). Copy the dependency files first, install, then
// copy the rest. Not raised when the stage installed dependencies before
// the copy: the install after it then only adds the project.
type PL303 struct{}

func (PL303) Meta() Meta {
	return Meta{ID: "PL303", Severity: finding.Warning,
		Summary: "the whole context is copied before the dependency install"}
}

func (PL303) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	for _, s := range c.File.Stages {
		var copyAll *dockerfile.Instruction
		for _, in := range s.Instructions {
			if copyAll == nil && in.Copy != nil && in.Copy.WholeContext() {
				copyAll = in
				continue
			}
			if copyAll == nil && installsDependencies(in) {
				// Dependencies installed before the copy (uv sync
				// --no-install-project, poetry install --no-root): the
				// install after it only adds the project.
				break
			}
			if copyAll == nil || in.Run == nil {
				continue
			}
			for _, cmd := range in.Run.Commands {
				if what := dependencyInstall(cmd); what != "" {
					out = append(out, c.Report("PL303", copyAll, "%s copies the whole context before %s at line %d: every code change reinstalls all dependencies; copy the dependency files first, install, then copy the rest",
						upperKind(copyAll), what, in.Line))
					copyAll = nil
					break
				}
			}
			if copyAll == nil {
				break
			}
		}
	}
	return out
}

// installsDependencies reports whether a RUN runs a dependency install.
func installsDependencies(in *dockerfile.Instruction) bool {
	return hasCommand(in, func(cmd *dockerfile.Command) bool { return dependencyInstall(cmd) != "" })
}

// dependencyInstall names the dependency install a command runs, or "".
func dependencyInstall(cmd *dockerfile.Command) string {
	if pi, ok := parsePipInstall(cmd); ok && len(pi.Requirements) > 0 {
		return "pip install -r"
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
	case cmd.Is("uv") && sub(0) == "pip" && sub(1) == "install" && cmd.HasFlag("-r", "--requirement"):
		return "uv pip install -r"
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
