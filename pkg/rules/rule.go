// Package rules holds plimsoll's lint rules, one per file named by its id,
// the explicit registry (All), inline pragmas, BuildKit's own build checks,
// and the engine that runs them over a Dockerfile (Lint).
package rules

import (
	"context"
	"fmt"
	"sync"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// Rule is one lint check. Implementations are small value types with no
// state; Check must not modify the Context and must not panic on any parsed
// Dockerfile (the fuzz test runs every registered rule).
type Rule interface {
	// Meta describes the rule.
	Meta() Meta
	// Check returns the rule's findings. Set Rule, Line (EndLine), Message,
	// and File only for a finding outside the Dockerfile (a requirements
	// file). The engine fills Severity, Aliases, File and Fingerprint, and
	// applies pragmas and configuration, so Check reports everything it
	// sees. Use c.Report to build a finding at an instruction.
	Check(c *Context) []finding.Finding
}

// Meta describes a rule. IDs are a public interface: never reuse one.
type Meta struct {
	// ID is "PL201".
	ID string
	// Severity is the default severity; finding.Off disables the rule
	// unless the configuration turns it on.
	Severity finding.Severity
	// Aliases are hadolint codes the rule stands for ("DL3042"); a
	// "# hadolint ignore=DL3042" pragma ignores the rule.
	Aliases []string
	// Summary is one line saying what the rule finds.
	Summary string
	// Shipping is true for rules that look only at shipping stages (the
	// size rules): documentation and --list-rules say so.
	Shipping bool
	// Doc overrides the documentation URL (BuildKit's checks link to
	// docs.docker.com); "" means docs/rules/<ID>.md.
	Doc string
}

// DocURL is the rule's documentation page.
func (m Meta) DocURL() string {
	if m.Doc != "" {
		return m.Doc
	}
	return DocBaseURL + m.ID + ".md"
}

// DocBaseURL is where the rule pages (docs/rules/PLxxx.md) are published.
const DocBaseURL = "https://github.com/plimsoll/plimsoll/blob/main/docs/rules/"

// Settings are the rule settings from the configuration.
type Settings struct {
	// TrustedRegistries are registry hosts (or host/path prefixes) whose
	// images PL103 accepts without a tag check ("registry.internal").
	TrustedRegistries []string
	// LargeFolderBytes is PL302's threshold for a context folder that
	// .dockerignore does not exclude. 0 means DefaultLargeFolderBytes.
	LargeFolderBytes int64
}

// DefaultLargeFolderBytes is PL302's default folder threshold (50 MB,
// decimal like every size plimsoll prints).
const DefaultLargeFolderBytes = 50_000_000

// Context is what a rule checks: one parsed Dockerfile, its build context,
// and the settings.
type Context struct {
	// File is the parsed Dockerfile; its stages carry Shipping.
	File *dockerfile.File
	// BuildContext is the build context folder, or nil when there is none
	// (a Dockerfile read from stdin).
	BuildContext *dockerfile.BuildContext
	// Settings come from .plimsoll.yaml.
	Settings Settings

	// ctx is the lint run's context (see Ctx).
	ctx context.Context

	reqMu    sync.Mutex
	reqCache map[string]reqEntry
}

type reqEntry struct {
	rs  *dockerfile.Requirements
	err error
}

// ReadRequirements is dockerfile.ReadRequirements confined to the build
// context (includes outside it are not read), remembered for the rest of
// the lint run so that rules reading the same file share one read. The
// result is shared: do not modify it.
func (c *Context) ReadRequirements(path string) (*dockerfile.Requirements, error) {
	c.reqMu.Lock()
	defer c.reqMu.Unlock()
	if e, ok := c.reqCache[path]; ok {
		return e.rs, e.err
	}
	rs, err := dockerfile.ReadRequirements(c.contextDir(), path)
	if c.reqCache == nil {
		c.reqCache = map[string]reqEntry{}
	}
	c.reqCache[path] = reqEntry{rs, err}
	return rs, err
}

// contextDir is the build context folder, "" without one.
func (c *Context) contextDir() string {
	if c.BuildContext == nil {
		return ""
	}
	return c.BuildContext.Dir
}

// Ctx returns the lint run's context, for rules doing I/O (walking the
// build context); Background when none was set.
func (c *Context) Ctx() context.Context {
	if c.ctx == nil {
		return context.Background()
	}
	return c.ctx
}

// Report returns a finding of rule id at instruction in.
func (c *Context) Report(id string, in *dockerfile.Instruction, format string, args ...any) finding.Finding {
	f := finding.Finding{Rule: id, Message: fmt.Sprintf(format, args...)}
	if in != nil {
		f.Line, f.EndLine = in.Line, in.EndLine
	}
	return f
}

// ReportCommand returns a finding of rule id at the command cmd of RUN in:
// at the command's own line when it has one (a heredoc script's line),
// otherwise at the whole instruction.
func (c *Context) ReportCommand(id string, in *dockerfile.Instruction, cmd *dockerfile.Command, format string, args ...any) finding.Finding {
	f := c.Report(id, in, format, args...)
	if cmd != nil && cmd.Line > in.Line && cmd.Line <= in.EndLine {
		f.Line, f.EndLine = cmd.Line, cmd.Line
	}
	return f
}

// ReportLine returns a finding of rule id at one line of the Dockerfile.
func (c *Context) ReportLine(id string, line int, format string, args ...any) finding.Finding {
	return finding.Finding{Rule: id, Line: line, EndLine: line, Message: fmt.Sprintf(format, args...)}
}

// ShippingStages returns the stages whose files end up in the target image.
func (c *Context) ShippingStages() []*dockerfile.Stage { return c.File.ShippingStages() }

// Runs calls fn for every RUN instruction of the given stages (all stages
// when stages is nil) and every simple command in it.
func Runs(stages []*dockerfile.Stage, fn func(in *dockerfile.Instruction, cmd *dockerfile.Command)) {
	for _, s := range stages {
		for _, in := range s.Instructions {
			if in.Run == nil {
				continue
			}
			for _, cmd := range in.Run.Commands {
				fn(in, cmd)
			}
		}
	}
}
