package analyze

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// diveCase is an image built in memory, with dive v0.13.1's numbers for it.
// The numbers were produced by the real dive:
//
//	PLIMSOLL_DIVE_CASES=/tmp/cases go test ./pkg/analyze -run TestDiveParity
//	for f in /tmp/cases/*.tar; do dive --ci --source docker-archive $f --json $f.json; done
//
// (see testdata/README.md).
type diveCase struct {
	name       string
	layers     func(t testing.TB) [][]byte
	efficiency float64
	wasted     int64
	userWasted float64
	size       int64
	// inefficient is dive's fileReference list: "count size path".
	inefficient []string
}

func diveCases() []diveCase {
	k := strings.Repeat("k", 1000)
	m := strings.Repeat("m", 3000)
	return []diveCase{
		{
			name: "overwrites",
			layers: func(t testing.TB) [][]byte {
				return [][]byte{
					layerTar(t, dir("etc"), file("etc/a", k), file("etc/b", m)),
					layerTar(t, dir("etc"), file("etc/a", m)),
					layerTar(t, dir("etc"), file("etc/a", k), file("etc/b", k)),
				}
			},
		},
		{
			name: "deletions",
			layers: func(t testing.TB) [][]byte {
				return [][]byte{
					layerTar(t, dir("app"), file("app/f", k), dir("app/d"), file("app/d/x", m), dir("app/d/y"), file("app/d/y/z", k)),
					layerTar(t, dir("app"), whiteout("app/.wh.f"), whiteout("app/.wh.d")),
					layerTar(t, file("later", "1")),
				}
			},
		},
		{
			name: "opaque",
			layers: func(t testing.TB) [][]byte {
				return [][]byte{
					layerTar(t, dir("cache"), file("cache/a", k), file("cache/b", m)),
					layerTar(t, dir("cache"), whiteout("cache/.wh..wh..opq"), file("cache/c", k)),
					layerTar(t, dir("cache"), file("cache/a", "again")),
				}
			},
		},
		{
			name: "hardlinks-symlinks",
			layers: func(t testing.TB) [][]byte {
				return [][]byte{
					layerTar(t, dir("bin"), file("bin/busybox", m), hardlink("bin/sh", "bin/busybox"), symlink("bin/ls", "busybox")),
					layerTar(t, dir("bin"), file("bin/busybox", k), hardlink("bin/sh", "bin/busybox")),
				}
			},
		},
		{
			name: "implicit-dirs-and-recreate",
			layers: func(t testing.TB) [][]byte {
				return [][]byte{
					layerTar(t, file("a/b/c", k), file("-data/x", m), dir("empty")),
					layerTar(t, whiteout(".wh.a"), file("a/b/c", m), dir("empty")),
					layerTar(t, whiteout(".wh.-data"), file("-data/y", k)),
					layerTar(t, whiteout("a/.wh.b")),
				}
			},
		},
		{
			// dive stacks "-data/y" before applying ".wh.-data" (it
			// visits names in byte order and '-' < '.'), so its tree
			// loses -data/y and the whiteout in the last layer makes
			// dive abort that layer's walk: z is never counted.
			name: "dive-walk-abort",
			layers: func(t testing.TB) [][]byte {
				return [][]byte{
					layerTar(t, file("-data/x", k)),
					layerTar(t, whiteout(".wh.-data"), file("-data/y", m)),
					layerTar(t, whiteout("-data/.wh.y"), file("z", k), file("-data/x", m)),
				}
			},
		},
	}
}

func caseImage(t testing.TB, c diveCase) v1.Image {
	return mkImage(t, c.layers(t)...)
}

// TestDiveParity checks plimsoll's dive-compatible numbers against dive's
// own, on images with overwrites, deletions, opaque directories and links.
func TestDiveParity(t *testing.T) {
	t.Parallel()
	out := os.Getenv("PLIMSOLL_DIVE_CASES")
	for _, c := range pinnedDiveCases() {
		t.Run(c.name, func(t *testing.T) {
			img := caseImage(t, c)
			if out != "" {
				if err := tarball.WriteToFile(filepath.Join(out, c.name+".tar"), nil, img); err != nil {
					t.Fatal(err)
				}
			}
			a := analyzeImage(t, img)
			if a.Efficiency != c.efficiency || a.WastedBytes != c.wasted || a.UserWastedRatio != c.userWasted || a.SizeBytes != c.size {
				t.Errorf("plimsoll: efficiency %v wasted %d userWasted %v size %d\n     dive: efficiency %v wasted %d userWasted %v size %d",
					a.Efficiency, a.WastedBytes, a.UserWastedRatio, a.SizeBytes, c.efficiency, c.wasted, c.userWasted, c.size)
			}
			var got []string
			for _, f := range a.InefficientFiles {
				got = append(got, fmt.Sprintf("%d %d %s", f.Count, f.WastedBytes, f.Path))
			}
			if c.name == "dive-walk-abort" && len(a.Warnings) != 1 {
				t.Errorf("warnings = %q, want one about dive aborting layer 2's walk", a.Warnings)
			}
			if strings.Join(got, "\n") != strings.Join(c.inefficient, "\n") {
				t.Errorf("inefficient files:\n%s\ndive:\n%s", strings.Join(got, "\n"), strings.Join(c.inefficient, "\n"))
			}
		})
	}
}
