package format

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the lint packages layered: data flows
// Dockerfile -> findings -> formatter, and nothing lower imports anything
// higher (formatters know nothing of rules, flags or configuration).
func TestDependencyDirection(t *testing.T) {
	const mod = "github.com/plimsoll/plimsoll/"
	forbidden := map[string][]string{
		"../finding":    {mod + "pkg/", mod + "cmd/"},
		"../dockerfile": {mod + "pkg/rules", mod + "pkg/format", mod + "pkg/config", mod + "pkg/report", mod + "cmd/"},
		"../config":     {mod + "pkg/rules", mod + "pkg/format", mod + "pkg/dockerfile", mod + "cmd/"},
		"../rules":      {mod + "pkg/format", mod + "pkg/config", mod + "pkg/report", mod + "cmd/", "flag"},
		".":             {mod + "pkg/rules", mod + "pkg/config", mod + "pkg/dockerfile", mod + "cmd/", "flag"},
	}
	for dir, bad := range forbidden {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no Go files (%v)", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				for _, b := range bad {
					if p == b || strings.HasPrefix(p, b) && strings.HasSuffix(b, "/") || strings.HasPrefix(p, b+"/") {
						t.Errorf("%s imports %s: not allowed in this layer", f, p)
					}
				}
			}
		}
	}
}
