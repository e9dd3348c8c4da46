package analyze

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func wasteBytes(a *Analysis, cat string) (bytes, reclaimable int64) {
	for _, c := range a.Waste {
		if c.Category == cat {
			return c.Bytes, c.ReclaimableBytes
		}
	}
	return 0, 0
}

func TestReclaimable(t *testing.T) {
	t.Parallel()
	k := strings.Repeat("k", 1000)
	m := strings.Repeat("m", 3000)
	tests := []struct {
		name        string
		layers      [][]tf
		reclaimable int64
		category    string
		catBytes    int64
	}{
		{
			name:        "deleted file",
			layers:      [][]tf{{dir("app"), file("app/big", k)}, {whiteout("app/.wh.big")}},
			reclaimable: 1000, category: CatDeleted, catBytes: 1000,
		},
		{
			name: "deleted directory counts every file beneath",
			layers: [][]tf{
				{dir("app"), dir("app/d"), file("app/d/a", k), dir("app/d/sub"), file("app/d/sub/b", m)},
				{dir("app"), whiteout("app/.wh.d")},
			},
			reclaimable: 4000, category: CatDeleted, catBytes: 4000,
		},
		{
			name: "opaque directory hides the lower contents",
			layers: [][]tf{
				{dir("cache"), file("cache/a", k), file("cache/b", m)},
				{dir("cache"), whiteout("cache/.wh..wh..opq"), file("cache/c", "new")},
			},
			reclaimable: 4000, category: CatDeleted, catBytes: 4000,
		},
		{
			name:        "overwritten file counts the old version once",
			layers:      [][]tf{{file("etc/conf", k)}, {file("etc/conf", m)}, {file("etc/conf", "x")}},
			reclaimable: 4000, category: CatOverwritten, catBytes: 4000,
		},
		{
			name:        "identical re-add",
			layers:      [][]tf{{file("model.bin", m)}, {file("model.bin", m)}},
			reclaimable: 3000, category: CatDuplicate, catBytes: 3000,
		},
		{
			name:        "hardlinks are not counted twice",
			layers:      [][]tf{{file("bin/a", k), hardlink("bin/b", "bin/a")}},
			reclaimable: 0,
		},
		{
			name:        "deleting a file its hardlink keeps reclaims nothing",
			layers:      [][]tf{{file("bin/a", k), hardlink("bin/b", "bin/a")}, {whiteout("bin/.wh.a")}},
			reclaimable: 0,
		},
		{
			name:        "deleting the last link reclaims the contents",
			layers:      [][]tf{{file("bin/a", k), hardlink("bin/b", "bin/a"), hardlink("bin/c", "bin/b")}, {whiteout("bin/.wh.a")}, {whiteout("bin/.wh.b")}, {whiteout("bin/.wh.c")}},
			reclaimable: 1000, category: CatDeleted, catBytes: 1000,
		},
		{
			name:        "file replaced by a directory",
			layers:      [][]tf{{file("x", k)}, {dir("x"), file("x/y", "1")}},
			reclaimable: 1000, category: CatOverwritten, catBytes: 1000,
		},
		{
			name:        "deleted and re-created in the same layer",
			layers:      [][]tf{{dir("d"), file("d/a", k)}, {whiteout(".wh.d"), dir("d"), file("d/a", m)}},
			reclaimable: 1000, category: CatDeleted, catBytes: 1000,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var layers [][]byte
			for _, l := range tt.layers {
				layers = append(layers, layerTar(t, l...))
			}
			a := analyzeImage(t, mkImage(t, layers...))
			if a.ReclaimableBytes != tt.reclaimable {
				t.Errorf("reclaimable = %d, want %d", a.ReclaimableBytes, tt.reclaimable)
			}
			if tt.category != "" {
				_, r := wasteBytes(a, tt.category)
				if r != tt.catBytes {
					t.Errorf("%s reclaimable = %d, want %d (waste %+v)", tt.category, r, tt.catBytes, a.Waste)
				}
			}
			if a.FinalBytes+a.ReclaimableBytes != fileBytes(tt.layers) {
				t.Errorf("final %d + reclaimable %d != all file bytes %d", a.FinalBytes, a.ReclaimableBytes, fileBytes(tt.layers))
			}
			var sum int64
			for _, c := range a.Waste {
				sum += c.ReclaimableBytes
			}
			if sum != a.ReclaimableBytes {
				t.Errorf("categories add up to %d, reclaimable is %d", sum, a.ReclaimableBytes)
			}
			var layerSum int64
			for _, l := range a.Layers {
				layerSum += l.ReclaimableBytes
			}
			if layerSum != a.ReclaimableBytes {
				t.Errorf("layers add up to %d, reclaimable is %d", layerSum, a.ReclaimableBytes)
			}
		})
	}
}

func TestWasteCategories(t *testing.T) {
	t.Parallel()
	img := mkImage(t,
		layerTar(t, file("usr/bin/gcc-12", "compiler"), file("usr/include/stdio.h", "header")),
		layerTar(t, file("root/.cache/pip/wheels/x.whl", "wheel"), file("var/lib/apt/lists/deb_Packages", "lists"),
			file("var/cache/apt/archives/x.deb", "deb"), file("app/__pycache__/m.cpython-311.pyc", "pyc"),
			file("var/cache/apk/APKINDEX.tar.gz", "apk"), file("opt/conda/pkgs/numpy.tar.bz2", "conda")),
	)
	a := analyzeImage(t, img)
	want := map[string]int64{
		CatBuildTools: int64(len("compiler") + len("header")),
		CatPipCache:   5, CatAptLists: 5, CatAptCache: 3, CatPyCache: 3, CatApkCache: 3, CatCondaCache: 5,
	}
	for cat, n := range want {
		if b, _ := wasteBytes(a, cat); b != n {
			t.Errorf("%s = %d bytes, want %d", cat, b, n)
		}
	}
	for _, c := range a.Waste {
		if len(c.Top) == 0 || c.Top[0].CreatedBy == "" {
			t.Errorf("%s: no top path with its instruction: %+v", c.Category, c)
		}
	}
}

func TestHistoryAlignment(t *testing.T) {
	t.Parallel()
	a := analyzeImage(t, mkImage(t, layerTar(t, file("a", "1")), layerTar(t, file("b", "2"))))
	if got := a.Layers[0].CreatedBy; got != "RUN layer 0" {
		t.Errorf("layer 0 created_by = %q (the empty ENV step must be skipped)", got)
	}
	if got := a.Layers[1].CreatedBy; got != "RUN layer 1" {
		t.Errorf("layer 1 created_by = %q", got)
	}
}

func TestFromOCIStreamMatchesImage(t *testing.T) {
	t.Parallel()
	img := mkImage(t,
		layerTar(t, dir("app"), file("app/a", "hello"), dir("app/d"), file("app/d/x", "xx")),
		layerTar(t, dir("app"), whiteout("app/.wh.d"), file("app/a", "hello")),
	)
	want := analyzeImage(t, img)
	got, err := FromOCIStream(context.Background(), bytes.NewReader(ociStream(t, img)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.SizeBytes != want.SizeBytes || got.ReclaimableBytes != want.ReclaimableBytes || got.Efficiency != want.Efficiency ||
		got.WastedBytes != want.WastedBytes || got.CompressedBytes != want.CompressedBytes || len(got.Layers) != len(want.Layers) {
		t.Errorf("stream analysis differs:\n got %+v\nwant %+v", got, want)
	}
	for i := range want.Layers {
		if got.Layers[i].Digest != want.Layers[i].Digest || got.Layers[i].CreatedBy != want.Layers[i].CreatedBy {
			t.Errorf("layer %d: got %+v, want %+v", i, got.Layers[i], want.Layers[i])
		}
	}
}

func TestDirSizes(t *testing.T) {
	t.Parallel()
	a := analyzeImage(t, mkImage(t, layerTar(t, file("usr/lib/a", "12345"), file("usr/bin/b", "12"), file("top", "1"))))
	got := map[string]DirSize{}
	for _, d := range a.Dirs {
		got[d.Path] = d
	}
	if d := got["/usr"]; d.SizeBytes != 7 || d.Files != 2 {
		t.Errorf("/usr = %+v", d)
	}
	if d := got["/usr/lib"]; d.SizeBytes != 5 || d.Files != 1 {
		t.Errorf("/usr/lib = %+v", d)
	}
}

func fileBytes(layers [][]tf) int64 {
	var n int64
	for _, l := range layers {
		for _, e := range l {
			if e.typ == 0 {
				n += int64(len(e.body))
			}
		}
	}
	return n
}

// TestLongSymlinkChain: a chain of 50,000 symlinks (cheap to put in a
// hostile layer) is followed without recursion, and a loop at its far end
// is still found and named.
func TestLongSymlinkChain(t *testing.T) {
	t.Parallel()
	const n = 50000
	chain := func(loop bool) *LayerIndex {
		idx := &LayerIndex{}
		for i := range n {
			next := fmt.Sprintf("s%d", i+1)
			if loop && i == n-1 {
				next = fmt.Sprintf("s%d", n-2)
			}
			idx.Entries = append(idx.Entries, Entry{Path: fmt.Sprintf("s%d", i), Link: next, Kind: KindSymlink})
		}
		return idx
	}
	now := time.Now()
	if _, err := build(context.Background(), []*LayerIndex{chain(false)}, []layerMeta{{}}, Options{}, now, now); err != nil {
		t.Fatalf("dangling chain: %v", err)
	}
	_, err := build(context.Background(), []*LayerIndex{chain(true)}, []layerMeta{{}}, Options{}, now, now)
	want := fmt.Sprintf("symlink loop: /s%d -> /s%d -> /s%d", n-2, n-1, n-2)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}
