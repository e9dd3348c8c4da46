package dockerfile

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
)

// Requirement is one line of a pip requirements file.
type Requirement struct {
	// Name is the project name as written ("Torch"); Key is its PEP 503
	// normalised form ("torch").
	Name, Key string
	// Extras are the [extras], if any.
	Extras []string
	// Specifier is the version specifier as written ("==2.1.0+cu121",
	// ">=1.0,<2"), "" when none.
	Specifier string
	// URL is set for a direct reference ("name @ https://...").
	URL string
	// Marker is the environment marker after ';'.
	Marker string
	// File and Line locate it (File as opened, Line 1-based; a requirement
	// continued over several lines has the first).
	File string
	Line int
	// Raw is the line as written, comments removed.
	Raw string
	// Comment is the line's trailing comment ("# plimsoll ignore=PL101").
	Comment string
}

// Pinned reports whether the requirement names one exact version: "=="
// without a wildcard, or "===", or a direct URL that fixes the artifact
// (a file, or a VCS URL with an @ref).
func (r Requirement) Pinned() bool {
	if r.URL != "" {
		u := r.URL
		if i := strings.Index(u, "#"); i >= 0 {
			u = u[:i]
		}
		if strings.HasPrefix(u, "git+") || strings.HasPrefix(u, "hg+") || strings.HasPrefix(u, "svn+") || strings.HasPrefix(u, "bzr+") {
			// VCS: pinned when an @ref follows the repository path.
			rest := u[strings.Index(u, "://")+3:]
			return strings.Contains(rest, "@")
		}
		return true
	}
	return IsExactSpecifier(r.Specifier)
}

// Version returns the exact version when Pinned by "=="/"===", else "".
func (r Requirement) Version() string {
	s := strings.TrimSpace(r.Specifier)
	if !IsExactSpecifier(s) {
		return ""
	}
	return strings.TrimSpace(strings.TrimLeft(s, "="))
}

// IsExactSpecifier reports whether a version specifier pins one version:
// "==1.2.3", "===1.2", "== 1.0+cu121"; not "==1.*", ">=1", "==1,!=2".
func IsExactSpecifier(spec string) bool {
	s := strings.TrimSpace(spec)
	if strings.Contains(s, ",") {
		// Several clauses: pinned when one of them is exact.
		for _, part := range strings.Split(s, ",") {
			if IsExactSpecifier(part) {
				return true
			}
		}
		return false
	}
	if strings.HasPrefix(s, "===") {
		return len(strings.TrimSpace(s[3:])) > 0
	}
	if strings.HasPrefix(s, "==") {
		v := strings.TrimSpace(s[2:])
		return v != "" && !strings.Contains(v, "*")
	}
	return false
}

// Requirements is a requirements file with the files it includes.
type Requirements struct {
	// Requirements from the file and its -r includes, in order.
	Requirements []Requirement
	// Constraints from -c files (and their includes), by Key.
	Constraints map[string]Requirement
	// Files are the files read, in order (the root first).
	Files []string
	// Missing are included files that do not exist.
	Missing []string
	// Skipped are includes not read: URLs, paths outside the root folder
	// (see ReadRequirements), and files that are not readable text.
	Skipped []string
}

// PinnedByConstraint reports whether a constraints file pins r.
func (rs *Requirements) PinnedByConstraint(r Requirement) bool {
	c, ok := rs.Constraints[r.Key]
	return ok && c.Pinned()
}

// MaxRequirementsDepth bounds -r/-c include chains (and loops).
const MaxRequirementsDepth = 16

// ReadRequirements reads the pip requirements file at path, following
// -r/--requirement includes (as requirements) and -c/--constraint includes
// (as constraints), relative to the including file, as pip does.
//
// Includes are read only inside root (the build context: a file outside it
// is not what pip reads in the image, and a linter must not read
// /etc/passwd because a requirements file names it); "" means path's
// folder. Includes outside root and URLs are listed in Skipped, includes
// that do not exist in Missing; loops are read once. The root file must be
// a readable text file.
func ReadRequirements(root, path string) (*Requirements, error) {
	rs := &Requirements{Constraints: map[string]Requirement{}}
	if err := rs.read(rootOf(root, path), path, false, map[string]bool{}, 0); err != nil {
		return nil, err
	}
	return rs, nil
}

// AddConstraints reads a constraints file (pip -c on the command line, or
// PIP_CONSTRAINT) into rs.Constraints, with ReadRequirements' rules.
func (rs *Requirements) AddConstraints(root, path string) error {
	return rs.read(rootOf(root, path), path, true, map[string]bool{}, 0)
}

func rootOf(root, path string) string {
	if root == "" {
		root = filepath.Dir(path)
	}
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	if real, err := filepath.EvalSymlinks(root); err == nil {
		return real
	}
	return filepath.Clean(root)
}

// inside reports whether path, symlinks resolved, lies in root (resolved).
func inside(root, path string) bool {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return true // does not exist: reading it reports that
	}
	if abs, err := filepath.Abs(real); err == nil {
		real = abs
	}
	return within(root, real)
}

// within reports whether the absolute path p is root or below it.
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// MaxRequirementsSize is the largest requirements file read (4 MiB).
const MaxRequirementsSize = 4 << 20

func (rs *Requirements) read(root, path string, constraint bool, seen map[string]bool, depth int) error {
	clean := filepath.Clean(path)
	if seen[clean] || depth > MaxRequirementsDepth {
		return nil
	}
	seen[clean] = true
	if !inside(root, path) {
		if depth == 0 {
			return fmt.Errorf("reading requirements file %s: it lies outside %s (through a symlink)", path, root)
		}
		rs.Skipped = append(rs.Skipped, path)
		return nil
	}
	data, err := readText(path, MaxRequirementsSize)
	if err != nil {
		switch {
		case depth > 0 && errors.Is(err, fs.ErrNotExist):
			rs.Missing = append(rs.Missing, path)
			return nil
		case depth > 0:
			// An include pip could not read either (a folder, a binary
			// file): the including file is still worth checking.
			rs.Skipped = append(rs.Skipped, path)
			return nil
		}
		return fmt.Errorf("reading requirements file %s: %w", path, err)
	}
	rs.Files = append(rs.Files, path)
	for _, l := range logicalLines(data) {
		text := l.text
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		opt, val := splitOption(fields)
		switch opt {
		case "-r", "--requirement":
			if val != "" {
				if err := rs.include(root, path, val, constraint, seen, depth); err != nil {
					return err
				}
			}
			continue
		case "-c", "--constraint":
			if val != "" {
				if err := rs.include(root, path, val, true, seen, depth); err != nil {
					return err
				}
			}
			continue
		case "":
		default:
			// -e/--editable, -i/--index-url, --extra-index-url, -f, --hash
			// only lines, --pre, ...: not requirements plimsoll checks.
			continue
		}
		r, ok := ParseRequirement(text)
		if !ok {
			continue
		}
		r.File, r.Line, r.Comment = path, l.line, l.comment
		if constraint {
			rs.Constraints[r.Key] = r
		} else {
			rs.Requirements = append(rs.Requirements, r)
		}
	}
	return nil
}

// include reads the file that `-r name` in from names, when it lies in root.
func (rs *Requirements) include(root, from, name string, constraint bool, seen map[string]bool, depth int) error {
	if strings.Contains(name, "://") || filepath.IsAbs(name) {
		rs.Skipped = append(rs.Skipped, name)
		return nil
	}
	p := filepath.Join(filepath.Dir(from), name)
	if abs, err := filepath.Abs(p); err != nil || !within(root, abs) {
		rs.Skipped = append(rs.Skipped, name)
		return nil
	}
	return rs.read(root, p, constraint, seen, depth+1)
}

// splitOption reads a leading option: "-r file", "-rfile", "--requirement=file".
func splitOption(fields []string) (opt, val string) {
	f := fields[0]
	if !strings.HasPrefix(f, "-") {
		return "", ""
	}
	if strings.HasPrefix(f, "--") {
		if k, v, ok := strings.Cut(f, "="); ok {
			return k, v
		}
		if len(fields) > 1 {
			return f, fields[1]
		}
		return f, ""
	}
	if len(f) > 2 {
		return f[:2], f[2:]
	}
	if len(fields) > 1 {
		return f, fields[1]
	}
	return f, ""
}

type logicalLine struct {
	line    int
	text    string
	comment string // the comments of its physical lines, '#' removed
}

// logicalLines joins backslash continuations and drops comments.
func logicalLines(data []byte) []logicalLine {
	var out []logicalLine
	var cur, com strings.Builder
	start := 0
	text := string(data)
	n := 0
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" {
			out = append(out, logicalLine{line: start, text: t, comment: strings.TrimSpace(com.String())})
		}
		cur.Reset()
		com.Reset()
	}
	for len(text) > 0 {
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		n++
		line = strings.TrimRight(line, "\r")
		if cur.Len() == 0 {
			start = n
		}
		// A comment starts at '#' at the line start or after whitespace.
		if i := commentStart(line); i >= 0 {
			com.WriteString(" " + strings.TrimSpace(line[i+1:]))
			line = line[:i]
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\"))
			cur.WriteString(" ")
			continue
		}
		cur.WriteString(line)
		flush()
	}
	flush()
	return out
}

func commentStart(line string) int {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			return i
		}
	}
	return -1
}

var (
	reqNameRE   = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$`)
	normalizeRE = regexp.MustCompile(`[-_.]+`)
)

// NormalizeName is PEP 503 normalisation: "Foo_Bar.baz" -> "foo-bar-baz".
func NormalizeName(name string) string {
	return strings.ToLower(normalizeRE.ReplaceAllString(name, "-"))
}

// ParseRequirement parses one requirement specifier ("torch==2.1.0+cu121",
// "numpy>=1.24; python_version>'3.8'", "pkg[extra] @ https://..."), as on
// a pip command line or in a requirements file. Paths, URLs without a name
// and options are not requirements: ok is false.
func ParseRequirement(s string) (Requirement, bool) {
	raw := strings.TrimSpace(s)
	// Per-requirement options (--hash=...) follow the specifier.
	if i := strings.Index(raw, " --"); i >= 0 {
		raw = strings.TrimSpace(raw[:i])
	}
	if raw == "" || strings.HasPrefix(raw, "-") || strings.HasPrefix(raw, ".") || strings.HasPrefix(raw, "/") ||
		strings.Contains(raw, "://") && !strings.Contains(raw, "@") {
		return Requirement{}, false
	}
	body, marker, _ := strings.Cut(raw, ";")
	m := reqNameRE.FindStringSubmatch(strings.TrimSpace(body))
	if m == nil {
		return Requirement{}, false
	}
	rest := strings.TrimSpace(m[3])
	if strings.HasSuffix(m[1], ".whl") || strings.HasSuffix(m[1], ".tar.gz") || strings.HasSuffix(m[1], ".zip") || strings.Contains(m[1], "/") {
		return Requirement{}, false
	}
	r := Requirement{Name: m[1], Key: NormalizeName(m[1]), Marker: strings.TrimSpace(marker), Raw: strings.TrimSpace(s)}
	if m[2] != "" {
		for _, e := range strings.Split(strings.Trim(m[2], "[]"), ",") {
			if e = strings.TrimSpace(e); e != "" {
				r.Extras = append(r.Extras, e)
			}
		}
	}
	switch {
	case strings.HasPrefix(rest, "@"):
		r.URL = strings.TrimSpace(rest[1:])
	case rest == "":
	case strings.ContainsAny(rest[:1], "=<>!~("):
		r.Specifier = strings.Trim(rest, "() ")
	default:
		// Something after the name that is not a specifier: not a
		// requirement we understand.
		return Requirement{}, false
	}
	return r, true
}
