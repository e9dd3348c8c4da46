package dockerfile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// BuildContext is a local build context folder and its ignore file, read
// with BuildKit's semantics: "<Dockerfile>.dockerignore" next to the
// Dockerfile wins over ".dockerignore" at the context root; patterns are
// moby/patternmatcher patterns.
type BuildContext struct {
	// Dir is the context folder.
	Dir string
	// IgnoreFile is the ignore file in use, "" when there is none.
	IgnoreFile string
	// Patterns are the ignore file's patterns.
	Patterns []string

	matcher *patternmatcher.PatternMatcher

	once  sync.Once
	stats *ContextStats
	err   error
}

// OpenContext opens the build context dir for the Dockerfile at
// dockerfilePath (which may lie outside dir). It reads the ignore file but
// does not walk the folder: Stats does that, once, when a rule asks.
func OpenContext(dir, dockerfilePath string) (*BuildContext, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("opening build context: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("opening build context %s: not a folder", dir)
	}
	bc := &BuildContext{Dir: dir}
	candidates := []string{filepath.Join(dir, ".dockerignore")}
	if dockerfilePath != "" {
		candidates = append([]string{dockerfilePath + ".dockerignore"}, candidates...)
	}
	for _, c := range candidates {
		data, err := os.ReadFile(c)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading ignore file: %w", err)
		}
		pats, err := ignorefile.ReadAll(strings.NewReader(string(data)))
		if err != nil {
			return nil, fmt.Errorf("reading ignore file %s: %w", c, err)
		}
		m, err := patternmatcher.New(pats)
		if err != nil {
			return nil, fmt.Errorf("ignore file %s: %w", c, err)
		}
		bc.IgnoreFile, bc.Patterns, bc.matcher = c, pats, m
		break
	}
	return bc, nil
}

// HasIgnoreFile reports whether the context has a .dockerignore.
func (bc *BuildContext) HasIgnoreFile() bool { return bc.IgnoreFile != "" }

// Excluded reports whether the slash-separated path relative to the
// context root is excluded by the ignore file.
func (bc *BuildContext) Excluded(rel string) bool {
	if bc.matcher == nil {
		return false
	}
	ok, err := bc.matcher.MatchesOrParentMatches(path.Clean(rel))
	return err == nil && ok
}

// ContextStats is what a whole-context COPY would send.
type ContextStats struct {
	// Bytes and Files count what is sent (regular files, after exclusions).
	Bytes int64
	Files int
	// DirBytes are the bytes sent under each folder (slash-separated path
	// relative to the root, recursively), root excluded.
	DirBytes map[string]int64
	// Entries are every file and folder sent, in walk order.
	Entries []ContextEntry
}

// ContextEntry is one path sent with the context.
type ContextEntry struct {
	Path  string // slash-separated, relative to the root
	Dir   bool
	Bytes int64 // file size, or bytes under a folder
}

// MaxContextEntries bounds how many paths Stats walks: a context larger than
// this is reported as far as it was walked.
const MaxContextEntries = 2_000_000

// Stats walks the context once (symlinks are not followed) and returns
// what is sent. It is safe for concurrent use.
func (bc *BuildContext) Stats(ctx context.Context) (*ContextStats, error) {
	bc.once.Do(func() { bc.stats, bc.err = bc.walk(ctx) })
	return bc.stats, bc.err
}

func (bc *BuildContext) walk(ctx context.Context) (*ContextStats, error) {
	st := &ContextStats{DirBytes: map[string]int64{}}
	infos := map[string]patternmatcher.MatchInfo{}
	exclusions := bc.matcher != nil && bc.matcher.Exclusions()
	dirIndex := map[string]int{}
	var addDirs func(dir string)
	addDirs = func(dir string) {
		if dir == "." || dir == "" {
			return
		}
		if _, ok := dirIndex[dir]; ok {
			return
		}
		addDirs(path.Dir(dir))
		dirIndex[dir] = len(st.Entries)
		st.Entries = append(st.Entries, ContextEntry{Path: dir, Dir: true})
	}
	err := filepath.WalkDir(bc.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == bc.Dir {
				return err
			}
			return nil // unreadable entry: skip it, as a build would fail on it anyway
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if len(st.Entries) >= MaxContextEntries {
			return fs.SkipAll
		}
		rel, err := filepath.Rel(bc.Dir, p)
		if err != nil || rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		parent := path.Dir(rel)
		excluded := false
		if bc.matcher != nil {
			var mi patternmatcher.MatchInfo
			var merr error
			excluded, mi, merr = bc.matcher.MatchesUsingParentResults(rel, infos[parent])
			if merr != nil {
				return fmt.Errorf("matching %s: %w", rel, merr)
			}
			if d.IsDir() {
				infos[rel] = mi
			}
		}
		if d.IsDir() {
			if excluded && !exclusions {
				return fs.SkipDir
			}
			if !excluded {
				addDirs(rel)
			}
			return nil
		}
		if excluded {
			return nil
		}
		// A file re-included by a "!" pattern brings its folders along,
		// as BuildKit sends them.
		addDirs(parent)
		var size int64
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				size = fi.Size()
			}
		}
		st.Files++
		st.Bytes += size
		st.Entries = append(st.Entries, ContextEntry{Path: rel, Bytes: size})
		for dir := parent; dir != "."; dir = path.Dir(dir) {
			st.DirBytes[dir] += size
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.SkipAll) {
		return nil, fmt.Errorf("walking build context %s: %w", bc.Dir, err)
	}
	for dir, i := range dirIndex {
		st.Entries[i].Bytes = st.DirBytes[dir]
	}
	return st, nil
}

// LargestDirs returns the folders sent with more than min bytes that have
// no sub-folder over min (the most specific heavy folders), largest first.
func (st *ContextStats) LargestDirs(min int64) []ContextEntry {
	heavy := map[string]bool{}
	for d, b := range st.DirBytes {
		if b > min {
			heavy[d] = true
		}
	}
	hasHeavyChild := map[string]bool{}
	for d := range heavy {
		for p := path.Dir(d); p != "."; p = path.Dir(p) {
			hasHeavyChild[p] = true
		}
	}
	var out []ContextEntry
	for d := range heavy {
		if !hasHeavyChild[d] {
			out = append(out, ContextEntry{Path: d, Dir: true, Bytes: st.DirBytes[d]})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Bytes != out[j].Bytes {
			return out[i].Bytes > out[j].Bytes
		}
		return out[i].Path < out[j].Path
	})
	return out
}

// IsDir reports whether rel (slash-separated, relative to the root) is a
// folder in the context.
func (bc *BuildContext) IsDir(rel string) bool {
	st, err := os.Lstat(filepath.Join(bc.Dir, filepath.FromSlash(path.Clean("/"+rel))))
	return err == nil && st.IsDir()
}

// Sends reports whether a path (or glob) relative to the root exists in the
// context and is not excluded by the ignore file.
func (bc *BuildContext) Sends(rel string) bool {
	rel = strings.TrimPrefix(path.Clean("/"+rel), "/")
	if rel == "" {
		return true
	}
	matches, err := filepath.Glob(filepath.Join(bc.Dir, filepath.FromSlash(rel)))
	if err != nil {
		return false
	}
	for _, m := range matches {
		r, err := filepath.Rel(bc.Dir, m)
		if err == nil && !bc.Excluded(filepath.ToSlash(r)) {
			return true
		}
	}
	return false
}

// SizeOf returns the bytes a path (file or folder, relative to the root)
// sends, exclusions applied; ok is false when it is not in the context.
func (bc *BuildContext) SizeOf(rel string) (int64, bool) {
	rel = strings.TrimPrefix(path.Clean("/"+rel), "/")
	root := filepath.Join(bc.Dir, filepath.FromSlash(rel))
	st, err := os.Lstat(root)
	if err != nil {
		return 0, false
	}
	if !st.IsDir() {
		if rel != "" && bc.Excluded(rel) {
			return 0, true
		}
		return st.Size(), true
	}
	var total int64
	n := 0
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if n++; n > MaxContextEntries {
			return fs.SkipAll
		}
		r, err := filepath.Rel(bc.Dir, p)
		if err != nil {
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if bc.Excluded(filepath.ToSlash(r)) || !d.Type().IsRegular() {
			return nil
		}
		if fi, err := d.Info(); err == nil {
			total += fi.Size()
		}
		return nil
	})
	return total, true
}
