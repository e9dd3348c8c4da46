package dockerfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiscover(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"Dockerfile":                   "FROM x\n",
		"Dockerfile.gpu":               "FROM x\n",
		"Dockerfile.dockerignore":      "x\n",
		"svc/api.Dockerfile":           "FROM x\n",
		"svc/Containerfile":            "FROM x\n",
		"svc/README.md":                "x",
		".hidden/Dockerfile":           "FROM x\n",
		"node_modules/pkg/Dockerfile":  "FROM x\n",
		"deep/er/still/Dockerfile.dev": "FROM x\n",
	})
	if err := os.Symlink(filepath.Join(dir, "Dockerfile"), filepath.Join(dir, "svc", "Dockerfile.link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "svc", "Dockerfile.dangling")); err != nil {
		t.Fatal(err)
	}
	got, err := Discover([]string{dir, filepath.Join(dir, "Dockerfile")})
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, p := range got {
		r, _ := filepath.Rel(dir, p)
		rel = append(rel, filepath.ToSlash(r))
	}
	want := "Dockerfile,Dockerfile.gpu,deep/er/still/Dockerfile.dev,svc/Containerfile,svc/Dockerfile.link,svc/api.Dockerfile"
	if strings.Join(rel, ",") != want {
		t.Errorf("got %s\nwant %s", strings.Join(rel, ","), want)
	}
	if _, err := Discover([]string{filepath.Join(dir, "svc", "nope")}); err == nil {
		t.Error("missing path must be an error")
	}
	empty := writeFiles(t, map[string]string{"a.txt": "x"})
	if _, err := Discover([]string{empty}); err == nil || !strings.Contains(err.Error(), "no Dockerfile") {
		t.Errorf("empty folder: %v", err)
	}
	if err := os.Symlink(filepath.Join(empty, "nowhere"), filepath.Join(empty, "Dockerfile")); err != nil {
		t.Fatal(err)
	}
	if _, err := Discover([]string{empty}); err == nil || !strings.Contains(err.Error(), "symlink to nothing") {
		t.Errorf("only a dangling Dockerfile: %v", err)
	}
	if _, err := Discover([]string{filepath.Join(dir, "Dockerfile", "x")}); err == nil || strings.HasPrefix(err.Error(), "stat ") {
		t.Errorf("path through a file: %v", err)
	}
}
