package dockerfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// IsDockerfileName reports whether a file name is a Dockerfile's:
// Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile, Containerfile.*
// (ignore files such as Dockerfile.dockerignore excluded).
func IsDockerfileName(name string) bool {
	if strings.HasSuffix(name, ".dockerignore") || strings.HasSuffix(name, ".containerignore") {
		return false
	}
	switch {
	case name == "Dockerfile", name == "Containerfile":
		return true
	case strings.HasPrefix(name, "Dockerfile."), strings.HasPrefix(name, "Containerfile."):
		return true
	case strings.HasSuffix(name, ".Dockerfile"), strings.HasSuffix(name, ".dockerfile") && len(name) > len(".dockerfile"):
		return true
	}
	return false
}

// skipDirs are folders Discover does not descend into.
var skipDirs = map[string]bool{"node_modules": true, "vendor": true, "__pycache__": true}

// Discover expands paths into Dockerfiles: a file is taken as it is; a
// folder is searched recursively for Dockerfile names, skipping hidden
// folders, node_modules, vendor and __pycache__. The result is sorted and
// free of duplicates. A path that does not exist, or a folder without any
// Dockerfile, is an error.
func Discover(paths []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, root := range paths {
		st, err := os.Stat(root)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s: no such file or folder", root)
			}
			return nil, fmt.Errorf("%s: %w", root, unwrapPath(err))
		}
		if !st.IsDir() {
			add(filepath.Clean(root))
			continue
		}
		n := len(out)
		var broken []string
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("searching %s: %w", root, err)
			}
			if d.IsDir() {
				if p != root && (strings.HasPrefix(d.Name(), ".") || skipDirs[d.Name()]) {
					return fs.SkipDir
				}
				return nil
			}
			if !IsDockerfileName(d.Name()) {
				return nil
			}
			if d.Type().IsRegular() {
				add(p)
			} else if d.Type()&fs.ModeSymlink != 0 {
				// A symlinked Dockerfile counts when it points at a file.
				if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
					add(p)
				} else if err != nil {
					broken = append(broken, p)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(out) == n && len(broken) > 0 {
			return nil, fmt.Errorf("%s: no Dockerfile found; %s is a symlink to nothing", root, broken[0])
		}
		if len(out) == n {
			return nil, fmt.Errorf("%s: no Dockerfile found (looked for Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile)", root)
		}
	}
	sort.Strings(out)
	return out, nil
}
