package dockerfile

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRequirements reads arbitrary text as a pip requirements file (the
// includes it names are confined to its temp folder, as ReadRequirements
// confines them to the build context): no panic, and every requirement has
// a name and a line inside the file.
func FuzzRequirements(f *testing.F) {
	for _, seed := range []string{
		"numpy==1.26.4\npandas>=2\n",
		"-r other.txt\n-c c.txt\ntorch==2.3.1+cu121 \\\n  --hash=sha256:00\n",
		"lib @ git+https://github.com/o/lib.git@v1 ; python_version > '3.8'\n",
		"uvicorn[standard]~=0.29  # comment\n-e .\n--index-url https://x\n",
		"\\\n\\\n",
		"-r ../../etc/passwd\n-r /dev/zero\n-c https://x/c.txt\n-r requirements.txt\nx\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "requirements.txt")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		// An include of itself and of a sibling must not loop.
		os.WriteFile(filepath.Join(dir, "other.txt"), data, 0o644)
		rs, err := ReadRequirements("", p)
		if err != nil {
			if CheckText(data) != nil {
				return
			}
			t.Fatalf("ReadRequirements: %v", err)
		}
		for _, r := range rs.Requirements {
			if r.Name == "" || r.Key == "" || r.Line < 1 {
				t.Fatalf("malformed requirement %+v", r)
			}
			_ = r.Pinned()
			_ = r.Version()
		}
	})
}
