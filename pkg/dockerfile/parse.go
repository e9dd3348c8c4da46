package dockerfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// ParseOptions says how to read a Dockerfile.
type ParseOptions struct {
	// Target is the stage being built; "" means the last stage.
	Target string
	// BuildArgs override ARG defaults (--build-arg).
	BuildArgs map[string]string
}

// SyntaxError is a Dockerfile that BuildKit cannot parse.
type SyntaxError struct {
	// Line is the 1-based line of the error, 0 when unknown.
	Line int
	// Msg says what is wrong.
	Msg string
}

func (e *SyntaxError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// ErrBinary is returned by ReadFile for a file that is not text.
var ErrBinary = errors.New("not a text file")

// MaxFileSize is the largest Dockerfile ReadFile accepts.
const MaxFileSize = 16 << 20

// ReadFile reads a Dockerfile and refuses what cannot be one: a folder, a
// device or pipe (which would block or never end), a file over
// MaxFileSize, or binary content (NUL bytes, invalid UTF-8).
func ReadFile(path string) ([]byte, error) {
	data, err := readText(path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("reading Dockerfile %s: %w", path, err)
	}
	return data, nil
}

// readText reads a regular text file of at most limit bytes. The limit is
// applied while reading too, for files whose size stat does not know
// (/proc) or that grow.
func readText(path string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if st.IsDir() {
		return nil, errors.New("is a folder")
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", fileType(st.Mode()))
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%d bytes is too large (limit %d)", st.Size(), limit)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, unwrapPath(err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than the limit of %d bytes", limit)
	}
	if err := CheckText(data); err != nil {
		return nil, err
	}
	return data, nil
}

// unwrapPath drops the *fs.PathError's own "op path:" prefix: callers name
// the file themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func fileType(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}

// CheckText returns ErrBinary (wrapped with the reason) when data holds NUL
// bytes or is not UTF-8.
func CheckText(data []byte) error {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return fmt.Errorf("%w: NUL byte at offset %d", ErrBinary, i)
	}
	if !utf8.Valid(data) {
		return fmt.Errorf("%w: invalid UTF-8", ErrBinary)
	}
	return nil
}

// Parse parses a Dockerfile. A Dockerfile that BuildKit rejects yields a
// *SyntaxError; a target that does not exist yields an ordinary error.
func Parse(path string, data []byte, opt ParseOptions) (f *File, err error) {
	defer func() {
		// BuildKit's parser is robust, but a linter must never crash on
		// input: turn any panic into a syntax error.
		if r := recover(); r != nil {
			f, err = nil, &SyntaxError{Msg: fmt.Sprintf("cannot parse: %v", r)}
		}
	}()
	f = &File{
		Path:        path,
		Source:      data,
		Lines:       splitLines(data),
		EscapeToken: parser.DefaultEscapeToken,
		Directives:  map[string]string{},
		Args:        map[string]string{},
	}
	if n, size := longLine(data); n > 0 {
		// BuildKit's scanner stops there, and says so only sometimes
		// ("file with no instructions" when it is the first line).
		return nil, &SyntaxError{Line: n, Msg: fmt.Sprintf("line %d is %d bytes long; BuildKit reads at most %d bytes per line: split it with line continuations or move the script into a file", n, size, MaxLineBytes)}
	}
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, syntaxError(err, 0)
	}
	f.AST = res.AST
	f.EscapeToken = res.EscapeToken
	f.Warnings = res.Warnings
	var dp parser.DirectiveParser
	if ds, err := dp.ParseAll(data); err == nil {
		for _, d := range ds {
			f.Directives[strings.ToLower(d.Name)] = d.Value
		}
	}

	lex := shell.NewLex(f.EscapeToken)
	var cur *Stage
	for _, node := range res.AST.Children {
		in := &Instruction{
			Kind:     strings.ToLower(node.Value),
			Line:     node.StartLine,
			EndLine:  node.EndLine,
			Original: node.Original,
			Flags:    append([]string(nil), node.Flags...),
			Comments: append([]string(nil), node.PrevComment...),
		}
		for n := node.Next; n != nil; n = n.Next {
			in.Args = append(in.Args, n.Value)
		}
		cmd, err := instructions.ParseInstruction(node)
		if err != nil {
			return nil, syntaxError(err, node.StartLine)
		}
		switch c := cmd.(type) {
		case *instructions.Stage:
			cur = &Stage{Index: len(f.Stages), Name: strings.ToLower(c.Name), From: in}
			in.Stage = cur
			f.resolveFrom(cur, c, lex, opt)
			f.Stages = append(f.Stages, cur)
			continue
		case instructions.Command:
			in.Command = c
		default:
			return nil, &SyntaxError{Line: node.StartLine, Msg: fmt.Sprintf("unexpected instruction %T", cmd)}
		}
		switch c := cmd.(type) {
		case *instructions.ArgCommand:
			for _, a := range c.Args {
				if a.Value != nil {
					in.Env = append(in.Env, KeyValue{Key: a.Key, Value: *a.Value})
				}
			}
			if cur == nil {
				f.MetaArgs = append(f.MetaArgs, in)
				for _, a := range c.Args {
					if a.Value != nil {
						v, _, _ := lex.ProcessWord(*a.Value, mapEnv(f.Args))
						f.Args[a.Key] = v
					} else if _, ok := f.Args[a.Key]; !ok {
						f.Args[a.Key] = ""
					}
				}
				for k, v := range opt.BuildArgs {
					if _, ok := f.Args[k]; ok {
						f.Args[k] = v
					}
				}
				continue
			}
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				in.Env = append(in.Env, KeyValue{Key: kv.Key, Value: kv.Value})
			}
		case *instructions.RunCommand:
			if cur != nil {
				// Mount flags are evaluated with an expander (as BuildKit
				// does at dispatch): ARG/ENV values where known.
				env := mapEnv(cur.Env(nil))
				_ = c.Expand(func(w string) (string, error) {
					if v, _, err := lex.ProcessWord(w, env); err == nil {
						return v, nil
					}
					return w, nil
				})
			}
			in.Run = parseRun(in, c)
		case *instructions.CopyCommand:
			in.Copy = &Copy{Sources: c.SourcePaths, Dest: c.DestPath, From: c.From, Exclude: c.ExcludePatterns, Link: c.Link, Parents: c.Parents}
			for _, sc := range c.SourceContents {
				in.Copy.Heredocs = append(in.Copy.Heredocs, sc.Path)
			}
		case *instructions.AddCommand:
			in.Copy = &Copy{Add: true, Sources: c.SourcePaths, Dest: c.DestPath, Exclude: c.ExcludePatterns, Link: c.Link}
			for _, sc := range c.SourceContents {
				in.Copy.Heredocs = append(in.Copy.Heredocs, sc.Path)
			}
		}
		if cur == nil {
			return nil, &SyntaxError{Line: node.StartLine, Msg: fmt.Sprintf("%s before the first FROM: a Dockerfile must start with FROM (only ARG may come before it)", strings.ToUpper(in.Kind))}
		}
		in.Stage = cur
		cur.Instructions = append(cur.Instructions, in)
	}
	if len(f.Stages) == 0 {
		return nil, &SyntaxError{Line: 1, Msg: "no FROM instruction: a Dockerfile needs at least one stage"}
	}
	f.collectComments()
	f.link()
	if err := f.SetTarget(opt.Target); err != nil {
		return nil, err
	}
	return f, nil
}

// MaxLineBytes is the longest line BuildKit's parser reads (its scanner's
// token limit less the newline).
const MaxLineBytes = bufio.MaxScanTokenSize - 1

// longLine returns the first line (1-based) longer than MaxLineBytes and its
// length, or 0.
func longLine(data []byte) (line, size int) {
	for n := 1; len(data) > 0; n++ {
		i := bytes.IndexByte(data, '\n')
		l := i
		if i < 0 {
			l = len(data)
		}
		if l > MaxLineBytes {
			return n, l
		}
		if i < 0 {
			break
		}
		data = data[i+1:]
	}
	return 0, 0
}

// syntaxError turns a BuildKit error into a *SyntaxError with its line.
func syntaxError(err error, line int) *SyntaxError {
	var le *parser.LocationError
	if errors.As(err, &le) {
		for _, rs := range le.Locations {
			if len(rs) > 0 && rs[0].Start.Line > 0 {
				line = rs[0].Start.Line
				break
			}
		}
	}
	msg := err.Error()
	// BuildKit prefixes some errors with the line already.
	msg = strings.TrimPrefix(msg, fmt.Sprintf("dockerfile parse error on line %d: ", line))
	return &SyntaxError{Line: line, Msg: msg}
}

// resolveFrom fills the stage's base image and platform from FROM.
func (f *File) resolveFrom(s *Stage, c *instructions.Stage, lex *shell.Lex, opt ParseOptions) {
	env := map[string]string{
		"BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux", "BUILDARCH": "amd64", "BUILDVARIANT": "",
		"TARGETPLATFORM": "linux/amd64", "TARGETOS": "linux", "TARGETARCH": "amd64", "TARGETVARIANT": "",
	}
	for k, v := range f.Args {
		env[k] = v
	}
	if c.Platform != "" {
		if p, _, err := lex.ProcessWord(c.Platform, mapEnv(env)); err == nil {
			s.Platform = p
		} else {
			s.Platform = c.Platform
		}
	}
	ref := c.BaseName
	res, err := lex.ProcessWordWithMatches(c.BaseName, mapEnv(f.Args))
	unresolved := err != nil
	if err == nil {
		ref = res.Result
		if len(res.Unmatched) > 0 {
			unresolved = true
		}
		for k := range res.Matched {
			if f.Args[k] == "" {
				unresolved = true
			}
		}
	}
	if !unresolved {
		if base := f.StageByName(ref); base != nil && base.Index < s.Index && strings.EqualFold(ref, base.Name) {
			s.BaseStage = base
			s.Base = base.Base
			return
		}
	}
	s.Base = ParseImage(ref)
	s.Base.Unresolved = s.Base.Unresolved || unresolved
}

// ParseImage reads an image reference ("python:3.11", "nvidia/cuda:12.1.1-
// runtime-ubuntu22.04", "ghcr.io/o/i@sha256:..."). A reference that does not
// parse is returned with only Ref set and Unresolved true.
func ParseImage(ref string) Image {
	img := Image{Ref: ref}
	if strings.EqualFold(ref, "scratch") {
		img.Scratch = true
		return img
	}
	if strings.Contains(ref, "$") {
		img.Unresolved = true
		return img
	}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		img.Unresolved = true
		return img
	}
	img.FullName = named.Name()
	img.Name = reference.FamiliarName(named)
	img.Registry = reference.Domain(named)
	if t, ok := named.(reference.Tagged); ok {
		img.Tag = t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		img.Digest = d.Digest().String()
	}
	return img
}

// link resolves COPY --from and RUN --mount from= to stages and records
// each stage's dependencies.
func (f *File) link() {
	for _, s := range f.Stages {
		seen := map[*Stage]bool{}
		add := func(d *Stage) {
			if d != nil && d != s && !seen[d] {
				seen[d] = true
				s.DependsOn = append(s.DependsOn, d)
			}
		}
		add(s.BaseStage)
		for _, in := range s.Instructions {
			if in.Copy != nil && in.Copy.From != "" {
				if d := f.StageByName(in.Copy.From); d != nil && d.Index < s.Index {
					in.Copy.FromStage = d
					add(d)
				}
			}
			if in.Run != nil {
				for _, m := range in.Run.Mounts {
					if m.From != "" {
						if d := f.StageByName(m.From); d != nil && d.Index < s.Index {
							add(d)
						}
					}
				}
			}
		}
	}
}

// SetTarget marks the target stage ("" = last) and recomputes which stages
// ship: the target, the stages it is built FROM (transitively), and any
// stage whose whole filesystem is copied into a shipping stage (COPY
// --from=x / /), with the stages that one is built from.
func (f *File) SetTarget(target string) error {
	if len(f.Stages) == 0 {
		return errors.New("no stages")
	}
	t := f.Stages[len(f.Stages)-1]
	if target != "" {
		t = nil
		for _, s := range f.Stages {
			if s.Name != "" && s.Name == strings.ToLower(target) {
				t = s
			}
		}
		if t == nil {
			var names []string
			for _, s := range f.Stages {
				if s.Name != "" {
					names = append(names, s.Name)
				}
			}
			if len(names) == 0 {
				return fmt.Errorf("target stage %q not found in %s: it has no named stages (FROM image AS name)", target, f.Path)
			}
			return fmt.Errorf("target stage %q not found in %s (stages: %s)", target, f.Path, strings.Join(names, ", "))
		}
	}
	f.Target = t
	for _, s := range f.Stages {
		s.Shipping = false
	}
	var mark func(s *Stage)
	mark = func(s *Stage) {
		for ; s != nil && !s.Shipping; s = s.BaseStage {
			s.Shipping = true
			for _, in := range s.Instructions {
				if in.Copy != nil && in.Copy.FromStage != nil && copiesRoot(in.Copy) {
					mark(in.Copy.FromStage)
				}
			}
		}
	}
	mark(t)
	return nil
}

// copiesRoot reports whether a COPY --from copies the stage's whole
// filesystem.
func copiesRoot(c *Copy) bool {
	for _, s := range c.Sources {
		switch strings.TrimRight(s, "/.*") {
		case "":
			return true
		}
	}
	return false
}

// collectComments records comment lines outside instructions.
func (f *File) collectComments() {
	inside := make([]bool, len(f.Lines)+2)
	for _, in := range f.Instructions() {
		for l := in.Line; l <= in.EndLine && l < len(inside); l++ {
			if l > 0 {
				inside[l] = true
			}
		}
	}
	for i, l := range f.Lines {
		n := i + 1
		if inside[n] {
			continue
		}
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") {
			f.Comments = append(f.Comments, Comment{Line: n, Text: strings.TrimSpace(t[1:])})
		}
	}
}

func splitLines(data []byte) []string {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// mapEnv adapts a map to BuildKit's shell.EnvGetter.
type mapEnv map[string]string

func (m mapEnv) Get(k string) (string, bool) { v, ok := m[k]; return v, ok }

func (m mapEnv) Keys() []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
