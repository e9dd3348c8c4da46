package dockerfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseRequirement(t *testing.T) {
	for _, tc := range []struct {
		in              string
		ok              bool
		name, spec, url string
		pinned          bool
	}{
		{"torch==2.3.1+cu121", true, "torch", "==2.3.1+cu121", "", true},
		{"Numpy >= 1.24, < 2", true, "Numpy", ">= 1.24, < 2", "", false},
		{"uvicorn[standard]==0.29.0 ; python_version >= '3.8'", true, "uvicorn", "==0.29.0", "", true},
		{"scikit-learn~=1.4", true, "scikit-learn", "~=1.4", "", false},
		{"pandas==2.*", true, "pandas", "==2.*", "", false},
		{"flask===3.0.3", true, "flask", "===3.0.3", "", true},
		{"requests", true, "requests", "", "", false},
		{"x==1.0,!=1.1", true, "x", "==1.0,!=1.1", "", true},
		{"lib @ https://e.org/lib-1.0-py3-none-any.whl", true, "lib", "", "https://e.org/lib-1.0-py3-none-any.whl", true},
		{"lib @ git+https://github.com/o/lib.git", true, "lib", "", "git+https://github.com/o/lib.git", false},
		{"lib @ git+https://github.com/o/lib.git@3f2a1b", true, "lib", "", "git+https://github.com/o/lib.git@3f2a1b", true},
		{"torch==2.3.1 --hash=sha256:abc", true, "torch", "==2.3.1", "", true},
		{".", false, "", "", "", false},
		{"./pkg", false, "", "", "", false},
		{"/wheels/x.whl", false, "", "", "", false},
		{"https://e.org/x.tar.gz", false, "", "", "", false},
		{"-e .", false, "", "", "", false},
	} {
		r, ok := ParseRequirement(tc.in)
		if ok != tc.ok || ok && (r.Name != tc.name || r.Specifier != tc.spec || r.URL != tc.url || r.Pinned() != tc.pinned) {
			t.Errorf("%q: got %+v ok=%v pinned=%v", tc.in, r, ok, r.Pinned())
		}
	}
	if NormalizeName("Foo_Bar.baz") != "foo-bar-baz" {
		t.Error("NormalizeName")
	}
	if r, _ := ParseRequirement("torch==2.3.1+cu121"); r.Version() != "2.3.1+cu121" {
		t.Errorf("Version %q", r.Version())
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadRequirementsIncludes(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"req/prod.txt":        "# c\n-r base.txt\n--requirement=../extra.txt\n-c constraints.txt\n-i https://pypi.org/simple\nflask==3.0.3 \\\n    --hash=sha256:aa\nnumpy  # loose\n-r missing.txt\n-r prod.txt\n",
		"req/base.txt":        "pandas>=2\n",
		"extra.txt":           "torch==2.3.1\n",
		"req/constraints.txt": "numpy==1.26.4\n",
	})
	rs, err := ReadRequirements(dir, filepath.Join(dir, "req/prod.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range rs.Requirements {
		got[r.Key] = r.Line
	}
	if got["pandas"] != 1 || got["torch"] != 1 || got["flask"] != 6 || got["numpy"] != 8 || len(got) != 4 {
		t.Errorf("requirements %v", got)
	}
	for _, r := range rs.Requirements {
		if r.Key == "numpy" && !rs.PinnedByConstraint(r) {
			t.Error("numpy is pinned by constraints.txt")
		}
		if r.Key == "pandas" && filepath.Base(r.File) != "base.txt" {
			t.Errorf("pandas from %s", r.File)
		}
	}
	if len(rs.Missing) != 1 || len(rs.Files) != 4 {
		t.Errorf("missing %v files %v", rs.Missing, rs.Files)
	}
	if _, err := ReadRequirements(dir, filepath.Join(dir, "nope.txt")); err == nil {
		t.Error("a missing root file is an error")
	}
}

func TestReadRequirementsStaysInRoot(t *testing.T) {
	outer := writeFiles(t, map[string]string{
		"secret.txt":           "do-not-read==1\n",
		"ctx/requirements.txt": "-r ../secret.txt\n-r /etc/passwd\n-r https://example.com/r.txt\n-r sub\n-c link.txt\n-r requirements.txt\nflask\n",
		"ctx/sub/x.txt":        "x\n",
	})
	root := filepath.Join(outer, "ctx")
	if err := os.Symlink(filepath.Join(outer, "secret.txt"), filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	rs, err := ReadRequirements(root, filepath.Join(root, "requirements.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Requirements) != 1 || rs.Requirements[0].Key != "flask" || len(rs.Constraints) != 0 {
		t.Errorf("read outside the root: %+v %+v", rs.Requirements, rs.Constraints)
	}
	if len(rs.Skipped) != 5 || len(rs.Files) != 1 {
		t.Errorf("skipped %v, files %v", rs.Skipped, rs.Files)
	}
	if _, err := ReadRequirements(root, filepath.Join(root, "link.txt")); err == nil {
		t.Error("a root file that links outside the root is an error")
	}
	if _, err := ReadRequirements("", "/dev/zero"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("reading /dev/zero: %v", err)
	}
}
