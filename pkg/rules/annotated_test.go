package rules

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
)

// TestAnnotated lints every Dockerfile under testdata/<ID>/ (files named
// *.Dockerfile or Dockerfile) with every registered rule, its folder as
// the build context, and compares the findings with the file's
// annotations:
//
//	# want PL201 PL204      the next instruction has these findings
//	numpy>=1  # want PL101  (in a context file) this line has
//	# lint target=builder   lint with --target builder
//
// Only the rules named by the folder and by the annotations are compared,
// so a case shows one concern.
func TestAnnotated(t *testing.T) {
	var files []string
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "fuzz" || d.Name() == "golden") {
			return fs.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(d.Name(), ".Dockerfile") || d.Name() == "Dockerfile") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no annotated Dockerfiles under testdata")
	}
	for _, p := range files {
		t.Run(filepath.ToSlash(p), func(t *testing.T) { runAnnotated(t, p) })
	}
}

var (
	wantRE   = regexp.MustCompile(`#\s*want\s+(.+)$`)
	targetRE = regexp.MustCompile(`^#\s*lint\s+target=(\S+)`)
	idRE     = regexp.MustCompile(`^(PL\d{3}|buildkit:\w+)$`)
)

func runAnnotated(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	compare := map[string]bool{}
	// The folder right under testdata names the rule.
	rel, _ := filepath.Rel("testdata", path)
	if first := strings.Split(filepath.ToSlash(rel), "/")[0]; idRE.MatchString(first) {
		compare[first] = true
	}
	var want []string
	target := ""
	lines := strings.Split(string(data), "\n")
	var pending []string
	for i, l := range lines {
		tl := strings.TrimSpace(l)
		if m := targetRE.FindStringSubmatch(tl); m != nil {
			target = m[1]
			continue
		}
		if strings.HasPrefix(tl, "#") {
			if m := wantRE.FindStringSubmatch(tl); m != nil {
				pending = append(pending, strings.FieldsFunc(m[1], func(r rune) bool { return r == ' ' || r == ',' })...)
			}
			continue
		}
		if tl == "" || len(pending) == 0 {
			continue
		}
		for _, id := range pending {
			compare[id] = true
			want = append(want, id+"@"+strconv.Itoa(i+1))
		}
		pending = nil
	}
	// Context files carry trailing annotations.
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".Dockerfile") || d.Name() == "Dockerfile" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		for i, l := range strings.Split(string(b), "\n") {
			if m := wantRE.FindStringSubmatch(l); m != nil && !strings.HasPrefix(strings.TrimSpace(l), "#") {
				for _, id := range strings.Fields(m[1]) {
					compare[id] = true
					want = append(want, id+"@"+d.Name()+":"+strconv.Itoa(i+1))
				}
			}
		}
		return nil
	})
	bc, err := dockerfile.OpenContext(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Lint(context.Background(), Input{Path: path, Data: data, Context: bc}, Options{
		BuildKit: true,
		Parse:    dockerfile.ParseOptions{Target: target},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if !compare[f.Rule] {
			continue
		}
		if f.File == path {
			got = append(got, f.Rule+"@"+strconv.Itoa(f.Line))
		} else {
			got = append(got, f.Rule+"@"+filepath.Base(f.File)+":"+strconv.Itoa(f.Line))
		}
	}
	if !sameSet(got, want) {
		t.Errorf("%s:\n got  %v\n want %v\n%s", path, got, want, findingText(res.Findings))
	}
}
