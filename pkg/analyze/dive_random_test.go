package analyze

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// randomLayers makes a random but valid layer sequence from seed: files
// overwritten and re-added, files and directories deleted, opaque
// directories, implicit parents, symlinks and hardlinks, names that sort
// before ".wh.". Whiteouts only name paths that exist below.
func randomLayers(t testing.TB, seed int64) [][]byte {
	r := rand.New(rand.NewSource(seed))
	names := []string{"a", "b", "-x", "c.d", "z"}
	randPath := func() string {
		depth := 1 + r.Intn(3)
		var parts []string
		for range depth {
			parts = append(parts, names[r.Intn(len(names))])
		}
		return strings.Join(parts, "/")
	}
	// live is the true state: path -> isDir.
	live := map[string]bool{}
	var layers [][]byte
	n := 2 + r.Intn(4)
	for range n {
		var entries []tf
		added := map[string]bool{}
		// Deletions first (they apply to the lower layers).
		if len(live) > 0 && r.Intn(3) > 0 {
			paths := make([]string, 0, len(live))
			for p := range live {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			for range 1 + r.Intn(2) {
				p := paths[r.Intn(len(paths))]
				if _, ok := live[p]; !ok {
					continue
				}
				dir, base := splitLast(p)
				if live[p] && r.Intn(3) == 0 {
					entries = append(entries, whiteout(p+"/"+opaqueMarker))
					for q := range live {
						if strings.HasPrefix(q, p+"/") {
							delete(live, q)
						}
					}
					continue
				}
				entries = append(entries, whiteout(dir+whiteoutPrefix+base))
				for q := range live {
					if q == p || strings.HasPrefix(q, p+"/") {
						delete(live, q)
					}
				}
			}
		}
		for range 1 + r.Intn(6) {
			p := randPath()
			if added[p] {
				continue
			}
			// Parents: sometimes as entries, sometimes implicit.
			parts := strings.Split(p, "/")
			ok := true
			for i := 1; i < len(parts); i++ {
				d := strings.Join(parts[:i], "/")
				if isDir, exists := live[d]; exists && !isDir {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			for i := 1; i < len(parts); i++ {
				d := strings.Join(parts[:i], "/")
				if !added[d] && r.Intn(2) == 0 {
					entries = append(entries, dir(d))
					added[d] = true
				}
				live[d] = true
			}
			if isDir, exists := live[p]; exists && isDir {
				entries = append(entries, dir(p))
				added[p] = true
				continue
			}
			switch r.Intn(5) {
			case 0:
				entries = append(entries, dir(p))
				live[p] = true
			case 1:
				entries = append(entries, symlink(p, "/t-"+names[r.Intn(len(names))]))
				live[p] = false
			default:
				body := strings.Repeat(string(rune('a'+r.Intn(3))), r.Intn(3)*1000+r.Intn(3))
				entries = append(entries, file(p, body))
				live[p] = false
				if r.Intn(4) == 0 && !added[p+"-hl"] {
					if _, exists := live[p+"-hl"]; !exists {
						entries = append(entries, hardlink(p+"-hl", p))
						live[p+"-hl"] = false
						added[p+"-hl"] = true
					}
				}
			}
			added[p] = true
		}
		layers = append(layers, layerTar(t, entries...))
	}
	return layers
}

// diveRandomNumbers are dive v0.13.1's numbers for randomLayers(seed),
// recorded in testdata/dive-random.json (see testdata/README.md).
type diveRandomNumbers struct {
	Seed        int64    `json:"seed"`
	Efficiency  float64  `json:"efficiency"`
	Wasted      int64    `json:"wasted"`
	Size        int64    `json:"size"`
	Inefficient []string `json:"inefficient"`
}

const diveRandomSeeds = 60

// TestDiveRandom compares plimsoll with dive's recorded numbers on random
// layer sequences.
func TestDiveRandom(t *testing.T) {
	t.Parallel()
	if out := os.Getenv("PLIMSOLL_DIVE_RANDOM"); out != "" {
		for seed := int64(1); seed <= diveRandomSeeds; seed++ {
			img := mkImage(t, randomLayers(t, seed)...)
			if err := tarball.WriteToFile(filepath.Join(out, fmt.Sprintf("seed-%03d.tar", seed)), nil, img); err != nil {
				t.Fatal(err)
			}
		}
	}
	data, err := os.ReadFile(filepath.Join("testdata", "dive-random.json"))
	if err != nil {
		t.Fatalf("%v: record dive's numbers as testdata/README.md says", err)
	}
	var want []diveRandomNumbers
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != diveRandomSeeds {
		t.Fatalf("testdata/dive-random.json has %d seeds, want %d", len(want), diveRandomSeeds)
	}
	for _, w := range want {
		a := analyzeImage(t, mkImage(t, randomLayers(t, w.Seed)...))
		var got []string
		for _, f := range a.InefficientFiles {
			got = append(got, fmt.Sprintf("%d %d %s", f.Count, f.WastedBytes, f.Path))
		}
		if a.Efficiency != w.Efficiency || a.WastedBytes != w.Wasted || a.SizeBytes != w.Size || strings.Join(got, "\n") != strings.Join(w.Inefficient, "\n") {
			t.Errorf("seed %d:\nplimsoll: efficiency %v wasted %d size %d\n%s\n    dive: efficiency %v wasted %d size %d\n%s",
				w.Seed, a.Efficiency, a.WastedBytes, a.SizeBytes, strings.Join(got, "\n"), w.Efficiency, w.Wasted, w.Size, strings.Join(w.Inefficient, "\n"))
		}
	}
}
