package dockerfile

import (
	"bytes"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"mvdan.cc/sh/v3/syntax"
)

// Run is a parsed RUN instruction.
type Run struct {
	// Exec is true for the exec (JSON) form.
	Exec bool
	// Script is the shell text plimsoll parsed: the command line, with any
	// heredoc bodies appended as the shell would read them.
	Script string
	// Commands are the simple commands in execution order, including those
	// inside heredoc scripts, `sh -c '...'` strings and `bash <<EOF` bodies.
	Commands []*Command
	// Exports are variables set by `export X=...` or bare `X=...`
	// assignments anywhere in the RUN.
	Exports []KeyValue
	// Mounts are the --mount flags.
	Mounts []*instructions.Mount
	// ParseError is set when the shell text could not be parsed; Commands
	// then holds what a plain word split found.
	ParseError error
}

// Command is one simple command ("apt-get install -y curl").
type Command struct {
	// Name is the program's base name with wrappers removed: "sudo
	// apt-get" is "apt-get", "python3 -m pip" is "pip", "/usr/bin/pip3" is
	// "pip3", "conda run -n ml pip" and "poetry run pip" are "pip".
	Name string
	// Args are the words after Name, quotes removed; expansions are kept
	// as written ("$HOME", "$(nproc)").
	Args []string
	// Argv is the full word list as written (wrappers included).
	Argv []string
	// Env are the VAR=value assignments before the command.
	Env []KeyValue
	// Line is the Dockerfile line the command starts on (for a joined
	// continuation line, the RUN's first line).
	Line int
}

// Is reports whether the command's name is one of names. A name ending in
// "*" matches a prefix ("pip*" matches pip, pip3, pip3.11).
func (c *Command) Is(names ...string) bool {
	for _, n := range names {
		if strings.HasSuffix(n, "*") {
			if strings.HasPrefix(c.Name, strings.TrimSuffix(n, "*")) {
				return true
			}
		} else if c.Name == n {
			return true
		}
	}
	return false
}

// HasFlag reports whether any of flags is among the args, as "--flag",
// "--flag=value", or for a one-letter flag "-f" inside a group ("-yf").
func (c *Command) HasFlag(flags ...string) bool {
	for _, a := range c.Args {
		if a == "--" {
			return false
		}
		for _, f := range flags {
			if a == f || (strings.HasPrefix(f, "--") && strings.HasPrefix(a, f+"=")) {
				return true
			}
			if len(f) == 2 && f[0] == '-' && f[1] != '-' && len(a) > 2 && a[0] == '-' && a[1] != '-' && strings.ContainsRune(a[1:], rune(f[1])) {
				return true
			}
		}
	}
	return false
}

// FlagValues returns the values of a flag given as "--flag value",
// "--flag=value" or, for one-letter flags, "-fvalue" / "-f value".
func (c *Command) FlagValues(flags ...string) []string {
	var out []string
	for i := 0; i < len(c.Args); i++ {
		a := c.Args[i]
		if a == "--" {
			break
		}
		for _, f := range flags {
			switch {
			case a == f && i+1 < len(c.Args):
				out = append(out, c.Args[i+1])
				i++
			case strings.HasPrefix(f, "--") && strings.HasPrefix(a, f+"="):
				out = append(out, a[len(f)+1:])
			case len(f) == 2 && f[1] != '-' && strings.HasPrefix(a, f) && len(a) > 2 && !strings.HasPrefix(a, "--"):
				out = append(out, a[2:])
			case len(f) == 2 && f[1] != '-' && len(a) > 2 && a[0] == '-' && a[1] != '-' && a[len(a)-1] == f[1] && i+1 < len(c.Args):
				// A group of one-letter flags ending with f: "-fsSLo FILE".
				out = append(out, c.Args[i+1])
				i++
			default:
				continue
			}
			break
		}
	}
	return out
}

// Subcommand returns the first argument that is not a flag ("install" in
// "pip --quiet install x"), or "".
func (c *Command) Subcommand() string {
	for _, a := range c.Args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// String is the command as words.
func (c *Command) String() string { return strings.Join(append([]string{c.Name}, c.Args...), " ") }

// EnvValue returns the value of an assignment before the command.
func (c *Command) EnvValue(key string) (string, bool) {
	for _, kv := range c.Env {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// Export returns the value the RUN exports for key.
func (r *Run) Export(key string) (string, bool) {
	for _, kv := range r.Exports {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// MountAt returns the mount whose target is p (or contains p), or nil.
func (r *Run) MountAt(p string) *instructions.Mount {
	p = path.Clean(p)
	for _, m := range r.Mounts {
		t := path.Clean(m.Target)
		if t == p || strings.HasPrefix(p, t+"/") {
			return m
		}
	}
	return nil
}

// shells are interpreters whose -c string or heredoc stdin is shell text.
var shells = map[string]bool{"sh": true, "bash": true, "dash": true, "ash": true, "zsh": true}

// maxShellDepth bounds `sh -c "sh -c ..."` recursion.
const maxShellDepth = 4

func parseRun(in *Instruction, c *instructions.RunCommand) *Run {
	r := &Run{Exec: !c.PrependShell, Mounts: instructions.GetMounts(c)}
	p := &shellParser{run: r}
	if r.Exec {
		argv := append([]string(nil), c.CmdLine...)
		p.addArgv(argv, nil, in.Line, 0)
		return r
	}
	cmdline := strings.Join(c.CmdLine, " ")
	// The heredoc bodies follow the RUN line; count the lines they take to
	// map shell lines back to Dockerfile lines.
	bodyLines := 0
	for _, f := range c.Files {
		bodyLines += strings.Count(f.Data, "\n") + 1
	}
	header := in.EndLine - in.Line - bodyLines // continuation lines before the bodies
	if header < 0 {
		header = 0
	}
	lineOf := func(l uint) int {
		if l <= 1 {
			return in.Line
		}
		return in.Line + header + int(l) - 1
	}
	if len(c.Files) > 0 && len(c.CmdLine) == 1 {
		if h := parser.MustParseHeredoc(strings.TrimSpace(cmdline)); h != nil {
			// RUN <<EOF: the body is the script.
			data := c.Files[0].Data
			if c.Files[0].Chomp {
				data = parser.ChompHeredocContent(data)
			}
			r.Script = data
			if isShellScript(data) {
				p.parse(data, func(l uint) int { return in.Line + header + int(l) }, 0)
			}
			return r
		}
	}
	script := cmdline
	if len(c.Files) > 0 {
		var b strings.Builder
		b.WriteString(cmdline)
		b.WriteString("\n")
		for _, f := range c.Files {
			b.WriteString(f.Data)
			if !strings.HasSuffix(f.Data, "\n") && f.Data != "" {
				b.WriteString("\n")
			}
			b.WriteString(f.Name)
			b.WriteString("\n")
		}
		script = b.String()
	}
	r.Script = script
	p.parse(script, lineOf, 0)
	return r
}

// isShellScript reports whether a heredoc script runs in a shell: no
// shebang, or a shebang naming a shell.
func isShellScript(data string) bool {
	if !strings.HasPrefix(data, "#!") {
		return true
	}
	first, _, _ := strings.Cut(data, "\n")
	fields := strings.Fields(strings.TrimPrefix(first, "#!"))
	if len(fields) == 0 {
		return true
	}
	name := path.Base(fields[0])
	if name == "env" && len(fields) > 1 {
		name = fields[1]
	}
	return shells[name]
}

type shellParser struct {
	run *Run
}

func (p *shellParser) parse(src string, lineOf func(uint) int, depth int) {
	if depth > maxShellDepth {
		return
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		if p.run.ParseError == nil {
			p.run.ParseError = err
		}
		// Fall back to splitting on operators so rules still see the
		// commands of a script the shell parser rejects.
		for _, part := range splitOperators(src) {
			p.addArgv(strings.Fields(part), nil, lineOf(1), depth)
		}
		return
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.DeclClause:
			if x.Variant != nil && x.Variant.Value == "export" {
				for _, a := range x.Args {
					if a.Name != nil {
						p.run.Exports = append(p.run.Exports, KeyValue{Key: a.Name.Value, Value: wordText(a.Value)})
					}
				}
			}
		case *syntax.Stmt:
			if call, ok := x.Cmd.(*syntax.CallExpr); ok {
				p.call(call, x.Redirs, lineOf, depth)
			}
		}
		return true
	})
}

func (p *shellParser) call(call *syntax.CallExpr, redirs []*syntax.Redirect, lineOf func(uint) int, depth int) {
	var env []KeyValue
	for _, a := range call.Assigns {
		if a.Name != nil {
			env = append(env, KeyValue{Key: a.Name.Value, Value: wordText(a.Value)})
		}
	}
	if len(call.Args) == 0 {
		p.run.Exports = append(p.run.Exports, env...)
		return
	}
	argv := make([]string, len(call.Args))
	for i, w := range call.Args {
		argv[i] = wordText(w)
	}
	line := lineOf(call.Pos().Line())
	cmd := p.addArgv(argv, env, line, depth)
	if cmd != nil && shells[cmd.Name] && !cmd.HasFlag("-c") {
		for _, r := range redirs {
			if r.Hdoc != nil && (r.Op == syntax.Hdoc || r.Op == syntax.DashHdoc) {
				base := r.Hdoc.Pos().Line()
				p.parse(wordText(r.Hdoc), func(l uint) int { return lineOf(base + l - 1) }, depth+1)
			}
		}
	}
}

// addArgv records a command, unwrapping sudo/env/python -m, and recurses
// into `sh -c` strings.
func (p *shellParser) addArgv(argv []string, env []KeyValue, line, depth int) *Command {
	if len(argv) == 0 {
		return nil
	}
	cmd := &Command{Argv: argv, Env: env, Line: line}
	words := argv
	for len(words) > 0 {
		name := path.Base(words[0])
		switch {
		case name == "sudo" || name == "nice" || name == "time" || name == "command" || name == "exec" || name == "nohup" || name == "eatmydata":
			words = skipFlags(words[1:])
			continue
		case name == "xargs":
			// xargs CMD...: the command follows xargs' own flags.
			words = words[1:]
			for len(words) > 0 && strings.HasPrefix(words[0], "-") {
				if xargsValueFlags[words[0]] && len(words) > 1 {
					words = words[1:]
				}
				words = words[1:]
			}
			continue
		case name == "env":
			words = skipFlags(words[1:])
			for len(words) > 0 && strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "-") {
				k, v, _ := strings.Cut(words[0], "=")
				cmd.Env = append(cmd.Env, KeyValue{Key: k, Value: v})
				words = words[1:]
			}
			continue
		case (name == "conda" || name == "mamba" || name == "micromamba") && len(words) > 2 && words[1] == "run":
			// conda run -n ENV [--no-capture-output] CMD...: CMD runs.
			words = words[2:]
			for len(words) > 0 && strings.HasPrefix(words[0], "-") {
				if condaRunValueFlags[words[0]] && len(words) > 1 {
					words = words[1:]
				}
				words = words[1:]
			}
			continue
		case (name == "poetry" || name == "pipenv") && len(words) > 2 && words[1] == "run":
			words = words[2:]
			continue
		case (strings.HasPrefix(name, "python") || name == "py") && len(words) > 2 && words[1] == "-m":
			cmd.Name = words[2]
			cmd.Args = words[3:]
		default:
			cmd.Name = name
			cmd.Args = words[1:]
		}
		break
	}
	if cmd.Name == "" {
		return nil
	}
	p.run.Commands = append(p.run.Commands, cmd)
	if shells[cmd.Name] {
		for i, a := range cmd.Args {
			if a == "-c" && i+1 < len(cmd.Args) {
				p.parse(cmd.Args[i+1], func(uint) int { return line }, depth+1)
				break
			}
		}
	}
	return cmd
}

var condaRunValueFlags = map[string]bool{"-n": true, "--name": true, "-p": true, "--prefix": true, "--cwd": true}

var xargsValueFlags = map[string]bool{"-n": true, "-I": true, "-L": true, "-P": true, "-d": true, "-E": true, "-s": true, "-a": true}

func skipFlags(words []string) []string {
	for len(words) > 0 && strings.HasPrefix(words[0], "-") {
		words = words[1:]
	}
	return words
}

// splitOperators splits shell text on ;, &&, || and | and newlines.
func splitOperators(s string) []string {
	f := func(r rune) bool { return r == ';' || r == '&' || r == '|' || r == '\n' }
	return strings.FieldsFunc(s, f)
}

// wordText renders a shell word as its literal text with quotes removed;
// expansions are kept as written.
func wordText(w *syntax.Word) string {
	if w == nil {
		return ""
	}
	var b strings.Builder
	for _, part := range w.Parts {
		writePart(&b, part)
	}
	return b.String()
}

func writePart(b *strings.Builder, part syntax.WordPart) {
	switch x := part.(type) {
	case *syntax.Lit:
		b.WriteString(x.Value)
	case *syntax.SglQuoted:
		b.WriteString(x.Value)
	case *syntax.DblQuoted:
		for _, p := range x.Parts {
			writePart(b, p)
		}
	default:
		var buf bytes.Buffer
		if err := syntax.NewPrinter().Print(&buf, part); err == nil {
			b.Write(buf.Bytes())
		}
	}
}
