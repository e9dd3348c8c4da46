package rules

import (
	"strings"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL402 is an Alpine-based image that installs Python packages with pip.
// Alpine's libc is musl: manylinux wheels do not install there, so every
// package without a musllinux wheel (PyTorch, TensorFlow, many others) is
// built from source, which needs compilers in the image and minutes of
// build time.
type PL402 struct{}

func (PL402) Meta() Meta {
	return Meta{ID: "PL402", Severity: finding.Warning,
		Summary: "Alpine-based image that installs Python packages with pip (musl: no manylinux wheels, source builds)"}
}

func (PL402) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	for _, s := range c.File.Stages {
		if !isAlpine(s.Base) {
			continue
		}
		reported := map[*dockerfile.Instruction]bool{}
		Runs([]*dockerfile.Stage{s}, func(in *dockerfile.Instruction, cmd *dockerfile.Command) {
			if reported[in] {
				return
			}
			args, ok := pipInstallWords(cmd)
			if !ok || !installsPackages(args) {
				return
			}
			reported[in] = true
			out = append(out, c.ReportCommand("PL402", in, cmd,
				"pip installs Python packages on Alpine (%s): musl libc cannot use manylinux wheels, so packages without a musllinux wheel compile from source (compilers in the image, minutes per build); use %s",
				s.Base.Ref, glibcAlternative(s.Base)))
		})
	}
	return out
}

// isAlpine reports whether an image is Alpine-based: the alpine image, or a
// tag with an alpine variant (python:3.12-alpine, node:20-alpine3.19).
func isAlpine(b dockerfile.Image) bool {
	if b.Unresolved || b.Scratch {
		return false
	}
	if b.Name == "alpine" || strings.HasSuffix(b.Name, "/alpine") {
		return true
	}
	return strings.Contains(strings.ToLower(b.Tag), "alpine")
}

// installsPackages reports whether pip install words name something other
// than pip's own tooling (pip, setuptools, wheel): a requirements file, an
// editable or local project, or any other package.
func installsPackages(args []string) bool {
	c := &dockerfile.Command{Args: args}
	if len(c.FlagValues("-r", "--requirement", "-e", "--editable")) > 0 {
		return true
	}
	for _, a := range positionals(args, pipValueFlags) {
		if r, ok := parsePipSpec(a); ok {
			switch r.Name {
			case "pip", "setuptools", "wheel":
				continue
			}
		}
		return true
	}
	return false
}

// glibcAlternative names the slim Debian sibling of an Alpine image:
// python:3.12-alpine3.20 -> python:3.12-slim.
func glibcAlternative(b dockerfile.Image) string {
	if b.Name == "python" || b.Name == "node" || b.Name == "ruby" {
		ver, _, _ := strings.Cut(b.Tag, "-")
		if ver == "" || strings.HasPrefix(ver, "alpine") {
			return b.Name + ":slim"
		}
		return b.Name + ":" + ver + "-slim"
	}
	return "a glibc-based slim image such as python:3.12-slim or debian:bookworm-slim"
}
