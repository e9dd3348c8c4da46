package dockerfile

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuildContextStats(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		".dockerignore":       "# comment\n.git\n**/*.pyc\ndata\n!data/keep.csv\n",
		".git/HEAD":           "ref",
		"src/a.py":            "12345",
		"src/a.pyc":           "xx",
		"src/sub/__init__.py": "",
		"data/big.csv":        strings.Repeat("x", 100),
		"data/keep.csv":       "1234",
		"Dockerfile":          "FROM x\n",
	})
	bc, err := OpenContext(dir, filepath.Join(dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !bc.HasIgnoreFile() || len(bc.Patterns) != 4 {
		t.Fatalf("ignore file %q patterns %v", bc.IgnoreFile, bc.Patterns)
	}
	st, err := bc.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range st.Entries {
		paths = append(paths, e.Path)
	}
	want := ".dockerignore,Dockerfile,data,data/keep.csv,src,src/a.py,src/sub,src/sub/__init__.py"
	if strings.Join(paths, ",") != want {
		t.Errorf("sent %s\nwant %s", strings.Join(paths, ","), want)
	}
	if st.DirBytes["src"] != 5 || st.DirBytes["data"] != 4 {
		t.Errorf("dir bytes %v", st.DirBytes)
	}
	if !bc.Excluded("data/big.csv") || bc.Excluded("data/keep.csv") || !bc.Excluded(".git/HEAD") {
		t.Error("Excluded")
	}
	if !bc.Sends("src/*.py") || bc.Sends("src/*.pyc") || !bc.IsDir("src") {
		t.Error("Sends/IsDir")
	}
	if again, _ := bc.Stats(context.Background()); again != st {
		t.Error("Stats must walk once")
	}
}

func TestDockerfileSpecificIgnoreFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		".dockerignore":                     "a\n",
		"build/app.Dockerfile":              "FROM x\n",
		"build/app.Dockerfile.dockerignore": "b\n",
	})
	bc, err := OpenContext(dir, filepath.Join(dir, "build/app.Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(bc.IgnoreFile) != "app.Dockerfile.dockerignore" || bc.Patterns[0] != "b" {
		t.Errorf("ignore file %s %v", bc.IgnoreFile, bc.Patterns)
	}
}

func TestLargestDirs(t *testing.T) {
	st := &ContextStats{DirBytes: map[string]int64{"a": 300, "a/b": 250, "a/b/c": 50, "d": 200, "e": 10}}
	var got []string
	for _, d := range st.LargestDirs(100) {
		got = append(got, d.Path)
	}
	if strings.Join(got, ",") != "a/b,d" {
		t.Errorf("LargestDirs %v", got)
	}
}
