package rules

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/dustin/go-humanize"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL302 is a whole-context copy (COPY . /app) that sends heavy or secret
// paths .dockerignore does not exclude: .git, virtualenvs, __pycache__,
// node_modules, .env files, model weights (*.pt, *.pth, *.ckpt,
// *.safetensors, *.onnx, *.h5), or any folder over the size threshold
// (settings: LargeFolderBytes, default 50 MB). The context is measured on
// disk with .dockerignore semantics; one finding per kind, with the bytes.
type PL302 struct{}

func (PL302) Meta() Meta {
	return Meta{ID: "PL302", Severity: finding.Warning,
		Summary: "a whole-context COPY sends heavy or secret paths that .dockerignore does not exclude"}
}

// weightExts are model weight files.
var weightExts = map[string]bool{".pt": true, ".pth": true, ".ckpt": true, ".safetensors": true, ".onnx": true, ".h5": true}

type heavyKind struct {
	label   string // ".git", "virtualenv", ...
	pattern string // suggested .dockerignore line
	secret  bool
	paths   []string
	bytes   int64
}

func (PL302) Check(c *Context) []finding.Finding {
	bc := c.BuildContext
	if bc == nil {
		return nil
	}
	var at *dockerfile.Instruction
	for _, s := range c.File.Stages {
		for _, in := range s.Instructions {
			if at == nil && in.Copy != nil && in.Copy.WholeContext() {
				at = in
			}
		}
	}
	if at == nil {
		return nil
	}
	st, err := bc.Stats(c.Ctx())
	if err != nil {
		return nil
	}
	venvs := map[string]bool{}
	for _, e := range st.Entries {
		if !e.Dir && path.Base(e.Path) == "pyvenv.cfg" {
			venvs[path.Dir(e.Path)] = true
		}
	}
	kinds := map[string]*heavyKind{}
	order := []string{}
	add := func(key, label, pattern string, secret bool, e dockerfile.ContextEntry) {
		k := kinds[key]
		if k == nil {
			k = &heavyKind{label: label, pattern: pattern, secret: secret}
			kinds[key] = k
			order = append(order, key)
		}
		k.paths = append(k.paths, e.Path)
		k.bytes += e.Bytes
	}
	flagged := map[string]bool{}
	under := func(p string) bool {
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if flagged[d] {
				return true
			}
		}
		return false
	}
	for _, e := range st.Entries {
		if under(e.Path) {
			continue
		}
		name := path.Base(e.Path)
		if e.Dir {
			switch {
			case name == ".git":
				add("git", "the .git folder", ".git", false, e)
			case venvs[e.Path] || name == ".venv" || name == "venv":
				add("venv", "virtualenv", e.Path, false, e)
			case name == "__pycache__":
				add("pycache", "__pycache__ folder", "**/__pycache__", false, e)
			case name == "node_modules":
				add("node", "node_modules folder", "**/node_modules", false, e)
			default:
				continue
			}
			flagged[e.Path] = true
			continue
		}
		switch {
		case name == ".env" || strings.HasPrefix(name, ".env.") && !isEnvTemplate(name):
			add("env", "environment file", "**/.env*", true, e)
		case weightExts[strings.ToLower(path.Ext(name))]:
			add("weights", "model weights file", "**/*"+strings.ToLower(path.Ext(name)), false, e)
		}
	}
	threshold := c.Settings.LargeFolderBytes
	if threshold <= 0 {
		threshold = DefaultLargeFolderBytes
	}
	for _, d := range st.LargestDirs(threshold) {
		if flagged[d.Path] || under(d.Path) || containsFlagged(d.Path, kinds) {
			continue
		}
		add("large", "folder", d.Path, false, d)
	}
	var out []finding.Finding
	for _, key := range order {
		k := kinds[key]
		if k.bytes == 0 && !k.secret {
			continue // an empty folder costs nothing worth a warning
		}
		sort.Strings(k.paths)
		list := k.paths
		more := ""
		if len(list) > 3 {
			more = fmt.Sprintf(" and %d more", len(list)-3)
			list = list[:3]
		}
		size := bytesText(k.bytes)
		if len(k.paths) > 1 {
			size = fmt.Sprintf("%d paths, %s", len(k.paths), size)
		}
		what := k.label
		if len(k.paths) > 1 {
			what = plural(k.label)
		}
		if key == "large" {
			more += " (over the " + humanize.Bytes(uint64(threshold)) + " threshold)"
		}
		msg := fmt.Sprintf("%s sends %s %s%s: %s that .dockerignore does not exclude", upperKind(at), what, strings.Join(list, ", "), more, size)
		if k.secret {
			msg += ": secrets end up in the image and the build cache"
		}
		patterns := k.pattern
		if key == "venv" || key == "large" {
			patterns = strings.Join(k.paths, ", ")
		}
		if bc.HasIgnoreFile() {
			msg += "; add " + patterns + " to " + path.Base(bc.IgnoreFile)
		} else {
			msg += "; add " + patterns + " to a .dockerignore"
		}
		out = append(out, c.Report("PL302", at, "%s", msg))
	}
	return out
}

func containsFlagged(dir string, kinds map[string]*heavyKind) bool {
	for _, k := range kinds {
		for _, p := range k.paths {
			if strings.HasPrefix(p, dir+"/") {
				return true
			}
		}
	}
	return false
}

func isEnvTemplate(name string) bool {
	for _, s := range []string{".example", ".sample", ".template", ".dist", ".defaults"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

func plural(s string) string {
	if strings.HasSuffix(s, "s") {
		return s
	}
	return s + "s"
}
