// Package dockerfile parses a Dockerfile into the model that plimsoll's lint
// rules read: stages with their base images resolved through ARG values,
// instructions with line ranges, RUN shell text parsed into simple commands
// (mvdan.cc/sh), COPY/ADD sources and destinations, ENV, RUN mounts, and the
// stage graph that says which stages ship.
//
// Parsing is BuildKit's own (frontend/dockerfile/parser and instructions), so
// the escape directive, heredocs, line continuations and ARG in FROM behave
// exactly as in a build.
package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// File is a parsed Dockerfile.
type File struct {
	// Path is the file's path as given to Parse.
	Path string
	// Source is the raw text.
	Source []byte
	// Lines are the source lines without their newline; Lines[0] is line 1.
	Lines []string
	// EscapeToken is '\\' or '`' (the escape directive).
	EscapeToken rune
	// Directives are the parser directives at the top (syntax, escape,
	// check), keys lower-case.
	Directives map[string]string
	// MetaArgs are the ARG instructions before the first FROM.
	MetaArgs []*Instruction
	// Args are the values used to resolve ARGs in FROM: meta ARG defaults
	// overridden by ParseOptions.BuildArgs.
	Args map[string]string
	// Stages in file order.
	Stages []*Stage
	// Target is the stage being built (ParseOptions.Target, default the last).
	Target *Stage
	// AST is BuildKit's parse tree, for BuildKit's own checks.
	AST *parser.Node
	// Warnings are the parser's warnings (empty continuation lines).
	Warnings []parser.Warning
	// Comments are all comment lines with their line numbers, directives
	// excluded, for pragmas.
	Comments []Comment
}

// Comment is a "# ..." line.
type Comment struct {
	Line int
	Text string // without the leading '#', trimmed
}

// Line returns the text of 1-based line n, or "" outside the file.
func (f *File) Line(n int) string {
	if n < 1 || n > len(f.Lines) {
		return ""
	}
	return f.Lines[n-1]
}

// Instructions returns every instruction in file order, meta ARGs and FROMs
// included.
func (f *File) Instructions() []*Instruction {
	out := append([]*Instruction(nil), f.MetaArgs...)
	for _, s := range f.Stages {
		out = append(out, s.From)
		out = append(out, s.Instructions...)
	}
	return out
}

// StageByName finds a stage by its AS name (case-insensitive) or its index
// written as a number ("0"), as COPY --from and FROM accept.
func (f *File) StageByName(name string) *Stage {
	n := strings.ToLower(name)
	for _, s := range f.Stages {
		if s.Name != "" && s.Name == n {
			return s
		}
	}
	for _, s := range f.Stages {
		if itoa(s.Index) == n {
			return s
		}
	}
	return nil
}

// ShippingStages returns the stages that end up in the target image.
func (f *File) ShippingStages() []*Stage {
	var out []*Stage
	for _, s := range f.Stages {
		if s.Shipping {
			out = append(out, s)
		}
	}
	return out
}

// Stage is one FROM and what follows it.
type Stage struct {
	// Index is the 0-based position in the file.
	Index int
	// Name is the AS name, lower-case; "" when unnamed.
	Name string
	// From is the FROM instruction.
	From *Instruction
	// Base is the base image, ARGs resolved. When the stage builds on an
	// earlier stage, BaseStage is set and Base is that stage's base image
	// (followed to the root), so a rule asking "what image is this?" gets
	// an answer either way.
	Base Image
	// BaseStage is the earlier stage named in FROM, or nil.
	BaseStage *Stage
	// Platform is --platform, ARGs resolved ("" when not given).
	Platform string
	// Instructions are the stage's instructions after FROM.
	Instructions []*Instruction
	// Shipping is true when the stage's filesystem ends up in the target
	// image: the target, the stages it is built FROM transitively, and
	// stages whose whole filesystem is copied into a shipping stage.
	Shipping bool
	// DependsOn are the stages this one reads (FROM, COPY --from, RUN
	// --mount from=), each once, in order of first use.
	DependsOn []*Stage
}

// Label names the stage for messages: its name or "stage N".
func (s *Stage) Label() string {
	if s.Name != "" {
		return s.Name
	}
	return "stage " + itoa(s.Index)
}

// Env returns the environment in effect before instruction in (nil: at the
// end of the stage): ENV from the stage and the stages it is built FROM,
// and ARG values with defaults. Values are as written, expanded where
// possible.
func (s *Stage) Env(in *Instruction) map[string]string {
	env := map[string]string{}
	if s.BaseStage != nil && s.BaseStage != s {
		for k, v := range s.BaseStage.Env(nil) {
			env[k] = v
		}
	}
	for _, i := range s.Instructions {
		if i == in {
			break
		}
		for _, kv := range i.Env {
			env[kv.Key] = kv.Value
		}
	}
	return env
}

// Image is a base image reference.
type Image struct {
	// Ref is the reference as resolved (ARGs substituted), as written
	// otherwise: "python:3.11-slim", "nvidia/cuda:12.1.1-runtime-ubuntu22.04".
	Ref string
	// Name is the familiar repository name: "python", "nvidia/cuda",
	// "ghcr.io/org/img". Empty for scratch and unresolvable references.
	Name string
	// FullName is the fully qualified name: "docker.io/library/python".
	FullName string
	// Registry is the registry host: "docker.io", "ghcr.io".
	Registry string
	// Tag is the tag, "" when none was given.
	Tag string
	// Digest is the @sha256:... digest, "" when none.
	Digest string
	// Scratch is true for FROM scratch.
	Scratch bool
	// Unresolved is true when the reference still holds a variable that no
	// ARG gives a value to.
	Unresolved bool
}

// Official reports whether the image is a Docker Hub official image
// (docker.io/library/...).
func (i Image) Official() bool {
	return strings.HasPrefix(i.FullName, "docker.io/library/")
}

// Instruction is one Dockerfile instruction.
type Instruction struct {
	// Kind is the lower-case keyword: "from", "run", "copy", "add", "env",
	// "arg", "workdir", ...
	Kind string
	// Line and EndLine are the 1-based first and last line, heredoc bodies
	// and continuation lines included.
	Line, EndLine int
	// Original is the instruction text as BuildKit joined it (continuations
	// removed, heredoc bodies not included).
	Original string
	// Flags are the instruction's --flags as written.
	Flags []string
	// Args are the words after the keyword and flags, as BuildKit split them.
	Args []string
	// Comments are the comment lines directly above the instruction.
	Comments []string
	// Stage is the stage the instruction belongs to (nil for meta ARGs).
	Stage *Stage
	// Command is BuildKit's typed instruction (*instructions.RunCommand,
	// *instructions.CopyCommand, ...); nil for FROM.
	Command instructions.Command
	// Run is set for RUN.
	Run *Run
	// Copy is set for COPY and ADD.
	Copy *Copy
	// Env holds the key/value pairs of ENV and of ARG (with a default).
	Env []KeyValue
}

// KeyValue is one ENV or ARG pair.
type KeyValue struct {
	Key, Value string
}

// Copy is a COPY or ADD.
type Copy struct {
	// Add is true for ADD.
	Add bool
	// Sources are the source paths (heredoc sources excluded).
	Sources []string
	// Heredocs are the names of inline heredoc sources.
	Heredocs []string
	// Dest is the destination path.
	Dest string
	// From is --from as written ("" when copying from the build context).
	From string
	// FromStage is the stage --from names, nil otherwise.
	FromStage *Stage
	// Exclude are --exclude patterns.
	Exclude []string
	Link    bool
	Parents bool
}

// FromContext reports whether the copy reads the build context.
func (c *Copy) FromContext() bool { return c.From == "" }

// WholeContext reports whether the copy reads the whole build context
// ("COPY . /app", "COPY ./ .", "ADD * /src").
func (c *Copy) WholeContext() bool {
	if !c.FromContext() {
		return false
	}
	for _, s := range c.Sources {
		if IsWholeTree(s) {
			return true
		}
	}
	return false
}

// IsWholeTree reports whether a COPY source names the whole tree: ".", "./",
// "/", "*", "./*".
func IsWholeTree(src string) bool {
	switch strings.TrimSuffix(src, "/") {
	case ".", "", "*", "./*", "./.":
		return true
	}
	return false
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	neg := i < 0
	if neg {
		i = -i
	}
	var b [20]byte
	p := len(b)
	for i > 0 {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		p--
		b[p] = '-'
	}
	return string(b[p:])
}
