package analyze

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// repoRoot finds the repository root (the directory with go.mod).
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod above %s", dir)
		}
	}
}

// diveFixture is dive's own test image, kept in the shared/ directory beside
// the repository (CI clones the repository with shared/ next to it).
func diveFixture(t testing.TB) string {
	t.Helper()
	p := filepath.Join(repoRoot(t), "..", "shared", "fixtures", "dive", "test-docker-image.tar")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("dive's fixture image is missing: %v\nIt is dive's .data/test-docker-image.tar (github.com/wagoodman/dive); "+
			"check out the shared/ directory beside the repository (shared/fixtures/dive/test-docker-image.tar)", err)
	}
	return p
}

func analyzeDockerArchive(t testing.TB, path string, opt Options) *Analysis {
	t.Helper()
	img, err := tarball.ImageFromPath(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	opt.StoredUncompressed = true
	a, err := Image(context.Background(), img, opt)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestDiveFixtureNumbers pins dive v0.13.1's numbers on dive's own fixture
// (`dive --ci --json` on test-docker-image.tar).
func TestDiveFixtureNumbers(t *testing.T) {
	t.Parallel()
	a := analyzeDockerArchive(t, diveFixture(t), Options{})
	if a.Efficiency != 0.9844212134184309 {
		t.Errorf("efficiency = %v, dive says 0.9844212134184309", a.Efficiency)
	}
	if a.WastedBytes != 32025 {
		t.Errorf("wasted = %d, dive says 32025", a.WastedBytes)
	}
	if a.UserWastedRatio != 0.4834911001404049 {
		t.Errorf("user wasted = %v, dive says 0.4834911001404049", a.UserWastedRatio)
	}
	if a.SizeBytes != 1220598 {
		t.Errorf("size = %d, dive says 1220598", a.SizeBytes)
	}
	want := []InefficientFile{
		{"/root/saved.txt", 2, 12810},
		{"/root/example/somefile1.txt", 2, 12810},
		{"/root/example/somefile3.txt", 2, 6405},
	}
	if len(a.InefficientFiles) != len(want) {
		t.Fatalf("inefficient files = %+v, want %+v", a.InefficientFiles, want)
	}
	for i := range want {
		if a.InefficientFiles[i] != want[i] {
			t.Errorf("inefficient[%d] = %+v, want %+v", i, a.InefficientFiles[i], want[i])
		}
	}
}
