// Package depcheck holds a test that keeps plimsoll's layering honest: data
// flows one way (parse -> findings; build -> image -> analysis -> report),
// and nothing lower imports anything higher.
package depcheck

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/plimsoll/plimsoll"

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// matches reports whether import path d is dep: "x$" means exactly x, "x/"
// means anything under x, and "x" means x or anything under it.
func matches(d, dep string) bool {
	switch {
	case strings.HasSuffix(dep, "$"):
		return d == strings.TrimSuffix(dep, "$")
	case strings.HasSuffix(dep, "/"):
		return strings.HasPrefix(d, dep)
	default:
		return d == dep || strings.HasPrefix(d, dep+"/")
	}
}

// forbidden lists, for a package (and those under it), what it must not
// depend on, directly or transitively, and why.
var forbidden = []struct {
	pkg, dep, why string
}{
	{"pkg/finding", module + "/pkg/", "findings are the shared vocabulary and depend on nothing of plimsoll"},
	{"pkg/cuda", module + "/pkg/", "the CUDA tables are plain data"},
	{"pkg/dockerfile", module + "/pkg/rules", "parsing knows nothing of rules"},
	{"pkg/dockerfile", "github.com/moby/buildkit/client$", "parsing never talks to a builder"},
	{"pkg/rules", "github.com/moby/buildkit/client$", "linting is offline: no builder client"},
	{"pkg/format", module + "/pkg/rules", "formatters render findings, they do not run rules"},
	{"pkg/analyze", module + "/pkg/buildkit", "analysis reads images, not builders"},
	{"pkg/analyze", module + "/pkg/compare", "compare sits above analyze"},
	{"pkg/image", module + "/pkg/analyze", "image sources sit below analysis"},
	{"pkg/image", module + "/pkg/buildkit", "image sources read what a build left, not the builder"},
	{"pkg/report", module + "/pkg/analyze", "the report envelope sits below every producer"},
	{"pkg/report", module + "/pkg/buildkit", "the report envelope sits below every producer"},
	{"pkg/", module + "/cmd/", "libraries never import the CLI"},
	{"pkg/", module + "/internal/tools", "libraries never import build tooling"},
	{"pkg/analyze", "github.com/sethvargo/go-githubactions", "analysis knows nothing of GitHub"},
	{"pkg/image", "github.com/sethvargo/go-githubactions", "image sources know nothing of GitHub"},
	{"pkg/dockerfile", "github.com/sethvargo/go-githubactions", "parsing knows nothing of GitHub"},
	{"pkg/rules", "github.com/sethvargo/go-githubactions", "rules know nothing of GitHub"},
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		t.Fatal("go list returned no packages")
	}
	return pkgs
}

func TestLayering(t *testing.T) {
	pkgs := listPackages(t)
	checked := 0
	for _, p := range pkgs {
		rel := strings.TrimPrefix(p.ImportPath, module+"/")
		for _, f := range forbidden {
			if !under(rel, f.pkg) {
				continue
			}
			checked++
			for _, d := range p.Deps {
				if d == p.ImportPath {
					continue
				}
				if matches(d, f.dep) {
					t.Errorf("%s depends on %s: %s", rel, d, f.why)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no package matched a layering rule: the rules are stale")
	}
}

// under reports whether package rel is pkg or one of its subpackages.
func under(rel, pkg string) bool {
	return rel == pkg || strings.HasPrefix(rel, strings.TrimSuffix(pkg, "/")+"/")
}
